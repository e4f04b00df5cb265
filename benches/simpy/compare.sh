#!/usr/bin/env bash
# gtsim beside a straightforward SimPy peer (peer.py) on benches/workloads/perf-default-2arm.toml:
# requests simulated per wall second, and their ratio (issue 16's target: at least 100x).
# Usage: benches/simpy/compare.sh [PEER_CLIENTS (default 100000)] [GTSIM_CLIENTS (default 1000000)]
# gtsim simulates both arms of the workload (Route 53 latency and Global Accelerator); its rate
# counts the requests of both arms, the peer's those of its one Route 53 arm. Both per wall
# second on the same machine; gtsim on every core (--threads 0), SimPy on one (it has no other).
set -euo pipefail
cd "$(dirname "$0")/../.."
peer_clients="${1:-100000}"
gtsim_clients="${2:-1000000}"
venv=target/simpy-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import simpy' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r benches/simpy/requirements.txt
fi
cargo build --release -q -p gtsim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
rate() { # folder -> requests over all arms per wall second
  python3 - "$1" <<'PY'
import json, sys
d = sys.argv[1]
s = json.load(open(f"{d}/summary.json"))
p = json.load(open(f"{d}/perf.json"))
req = sum(a["requests"] for a in s["arms"])
print(json.dumps({"clients": s["clients"], "arms": len(s["arms"]), "requests": req,
                  "wall_s": p["wall_s"], "threads": p["threads"],
                  "requests_per_wall_s": round(req / p["wall_s"])}))
PY
}
echo "== SimPy peer, $peer_clients clients (one arm)"
peer=$("$venv/bin/python" benches/simpy/peer.py --clients "$peer_clients")
echo "$peer"
for n in "$peer_clients" "$gtsim_clients"; do
  echo "== gtsim, $n clients (both arms)"
  target/release/gtsim run benches/workloads/perf-default-2arm.toml --clients "$n" \
    --out "$out/g$n" --quiet
  rate "$out/g$n" | tee "$out/g$n.json"
done
python3 - "$peer" "$out/g$peer_clients.json" "$out/g$gtsim_clients.json" <<'PY'
import json, sys
peer = json.loads(sys.argv[1])
for f in sys.argv[2:]:
    g = json.load(open(f))
    print(f"ratio at {g['clients']} gtsim clients: "
          f"{g['requests_per_wall_s'] / peer['requests_per_wall_s']:.1f}x "
          f"(gtsim {g['requests_per_wall_s']:,} vs SimPy {peer['requests_per_wall_s']:,} requests/s)")
PY
