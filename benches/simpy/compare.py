#!/usr/bin/env python3
"""Side-by-side runs of the SimPy peer and gtsim; called by compare.sh (which sets up the venv
and builds gtsim). Prints a table, the ratios, and one JSON line with every figure.

Runs, in this order, one at a time:
  1. the SimPy peer (Route 53 arm only) at PEER_CLIENTS clients;
  2. gtsim on benches/workloads/perf-default-2arm.toml (both arms) at GTSIM_CLIENTS;
  3. gtsim on a copy of it with only the Route 53 arm (made in a temporary folder) at
     GTSIM_CLIENTS: the per-arm, like-for-like figure;
  4. and 5. the same two gtsim runs at PEER_CLIENTS (gtsim at the peer's client count).

gtsim's wall time is perf.json's `wall_s` (the simulation, from after the workload is loaded
to before the report is written); the peer's is its own `wall_s` (building the model and
running it). The process wall time, including start-up and the report, is printed too.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORKLOAD = os.path.join(ROOT, "benches", "workloads", "perf-default-2arm.toml")
GTSIM = os.path.join(ROOT, "target", "release", "gtsim")
PEER = os.path.join(ROOT, "benches", "simpy", "peer.py")


def timed(cmd):
    """Run cmd; return (stdout, process wall s, process CPU s = user + sys of the child)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out, wall, cpu


def one_arm_copy(tmp):
    """The workload with only its first [[arms]] table (the Route 53 arm)."""
    src = open(WORKLOAD).read()
    first = src.index("[[arms]]")
    second = src.index("[[arms]]", first + 1)
    path = os.path.join(tmp, "perf-default-r53-only.toml")
    with open(path, "w") as f:
        f.write(src[:second])
    return path


def gtsim(workload, clients, out):
    _, wall, cpu = timed(
        [GTSIM, "run", workload, "--clients", str(clients), "--out", out, "--quiet"]
    )
    perf = json.load(open(os.path.join(out, "perf.json")))
    summary = json.load(open(os.path.join(out, "summary.json")))
    arms = {a["name"]: a["requests"] for a in summary["arms"]}
    requests = sum(arms.values())
    return {
        "workload": os.path.basename(workload),
        "clients": clients,
        "arms": arms,
        "requests": requests,
        "events": perf["events"],
        "threads": perf["threads"],
        "wall_s": perf["wall_s"],
        "process_wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "requests_per_wall_s": requests / perf["wall_s"],
        "requests_per_cpu_s": requests / cpu,
    }


def main():
    peer_clients = int(os.environ.get("PEER_CLIENTS", "150000"))
    gtsim_clients = int(os.environ.get("GTSIM_CLIENTS", "1000000"))
    python = sys.executable

    with tempfile.TemporaryDirectory(prefix="gtsim-simpy-") as tmp:
        r53_only = one_arm_copy(tmp)

        print(f"SimPy peer, {peer_clients} clients ...", file=sys.stderr, flush=True)
        out, _, peer_proc_cpu = timed([python, PEER, "--clients", str(peer_clients)])
        peer = json.loads(out)
        peer["requests_per_cpu_s"] = peer["requests"] / peer["cpu_s"]

        runs = {}
        for key, wl, n in [
            ("both_arms", WORKLOAD, gtsim_clients),
            ("r53_only", r53_only, gtsim_clients),
            ("both_arms_at_peer", WORKLOAD, peer_clients),
            ("r53_only_at_peer", r53_only, peer_clients),
        ]:
            print(f"gtsim {key}, {n} clients ...", file=sys.stderr, flush=True)
            runs[key] = gtsim(wl, n, os.path.join(tmp, key))

    p = peer["requests_per_wall_s"]
    ratio_both = runs["both_arms"]["requests_per_wall_s"] / p
    ratio_arm = runs["r53_only"]["requests_per_wall_s"] / p
    ratio_cpu = runs["r53_only"]["requests_per_cpu_s"] / peer["requests_per_cpu_s"]
    ratio_same_n = runs["r53_only_at_peer"]["requests_per_wall_s"] / p

    def row(name, r, per_client):
        print(
            f"{name:44s} {r['clients']:>9d} {r['requests']:>12d} {per_client:>8.2f} "
            f"{r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} {r['requests_per_wall_s'] / 1e6:>10.3f}"
        )

    print()
    print(
        f"{'run':44s} {'clients':>9s} {'requests':>12s} {'req/cl':>8s} "
        f"{'wall_s':>8s} {'cpu_s':>8s} {'M req/wall s':>10s}"
    )
    row("SimPy peer (Route 53 arm only, 1 thread)", peer, peer["requests"] / peer["clients"])
    labels = {
        "both_arms": "gtsim, 2 arms (requests of both)",
        "r53_only": "gtsim, Route 53 arm only",
        "both_arms_at_peer": "gtsim, 2 arms, at the peer's clients",
        "r53_only_at_peer": "gtsim, Route 53 arm only, at the peer's clients",
    }
    for key, label in labels.items():
        r = runs[key]
        row(label, r, r["requests"] / len(r["arms"]) / r["clients"])
    print()
    print(f"peer: stale requests {peer['stale_requests']} (sent to the failed region after the failure)")
    print(
        f"gtsim threads {runs['both_arms']['threads']}; gtsim process wall (with start-up and "
        f"report): 2 arms {runs['both_arms']['process_wall_s']:.2f} s, Route 53 only "
        f"{runs['r53_only']['process_wall_s']:.2f} s"
    )
    print()
    print(f"ratio, requests per wall second, gtsim 2 arms (both arms' requests) / peer: {ratio_both:7.1f}x")
    print(f"ratio, requests per wall second, per arm (gtsim Route 53 only) / peer:     {ratio_arm:7.1f}x")
    print(f"ratio, requests per CPU second, per arm (gtsim Route 53 only) / peer:      {ratio_cpu:7.1f}x")
    print(f"ratio, requests per wall second, per arm, gtsim at the peer's clients:     {ratio_same_n:7.1f}x")
    print()
    print(
        json.dumps(
            {
                "peer": peer,
                "gtsim": runs,
                "ratio_wall_both_arms": round(ratio_both, 1),
                "ratio_wall_per_arm": round(ratio_arm, 1),
                "ratio_cpu_per_arm": round(ratio_cpu, 1),
                "ratio_wall_per_arm_same_clients": round(ratio_same_n, 1),
                "peer_process_cpu_s": round(peer_proc_cpu, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
