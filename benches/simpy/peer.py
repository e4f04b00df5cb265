"""A straightforward SimPy peer of benches/workloads/perf-default-2arm.toml's Route 53 arm.

What an engineer writes in an afternoon with SimPy, untuned: one SimPy process per client,
one dict cache per resolver with its class's TTL rule, the workload's client count, request
rate and answer change. It is the baseline for issue 16's "requests per wall second at least
100x a straightforward SimPy model"; compare.sh runs it beside gtsim.

Simplifications (stated, so nobody reads it as a second model of record):
- one arm (Route 53 latency, TTL 60 s, health checks 30 s x 3), where gtsim runs two;
- each resolver has a home region drawn once (us-east-1 0.40, eu-west-1 0.35,
  ap-southeast-1 0.25, roughly the workload's world-internet-users split seen from the three
  regions; ASSUMED here); the latency answer is the home region while it is healthy, else the
  next one in a fixed order;
- us-east-1 fails at 600 s and leaves the answers at 690 s (30 s x 3 detection); no
  propagation, no client caches, no connection reuse, no latency model, no retries.
"""

import argparse
import json
import random
import time

import simpy

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-1"]
HOME_WEIGHTS = [0.40, 0.35, 0.25]
FAIL_AT = 600.0
DETECTED_AT = 690.0
TTL = 60.0
EXTEND_FLOOR = 300.0  # the workload's extends-ttl class: floor 300 s
EXTEND_SHARE = 0.0874  # the workload's extends-ttl share
CLIENTS_PER_RESOLVER = 500
RATE = 1.0 / 30.0  # clients.request_rate
DURATION = 1800.0


def answer(home, now):
    if home == 0 and now >= DETECTED_AT:
        return 1
    return home


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    n_res = max(1, args.clients // CLIENTS_PER_RESOLVER)
    homes = [rng.choices(range(3), HOME_WEIGHTS)[0] for _ in range(n_res)]
    lives = [EXTEND_FLOOR if rng.random() < EXTEND_SHARE else TTL for _ in range(n_res)]
    caches = [None] * n_res  # (answer, expires)
    counts = {"requests": 0, "stale": 0, "auth_queries": 0}
    env = simpy.Environment()

    def client(r):
        # Start at a random phase: nothing synchronised at t = 0.
        yield env.timeout(rng.expovariate(RATE))
        while True:
            now = env.now
            entry = caches[r]
            if entry is None or entry[1] <= now:
                entry = (answer(homes[r], now), now + max(TTL, lives[r]))
                caches[r] = entry
                counts["auth_queries"] += 1
            counts["requests"] += 1
            if entry[0] == 0 and now >= FAIL_AT:
                counts["stale"] += 1
            yield env.timeout(rng.expovariate(RATE))

    for i in range(args.clients):
        env.process(client(i % n_res))
    started = time.perf_counter()
    env.run(until=DURATION)
    wall = time.perf_counter() - started
    print(
        json.dumps(
            {
                "model": "simpy-peer",
                "simpy": simpy.__version__,
                "clients": args.clients,
                "simulated_s": DURATION,
                "requests": counts["requests"],
                "stale_requests": counts["stale"],
                "auth_queries": counts["auth_queries"],
                "wall_s": round(wall, 3),
                "requests_per_wall_s": round(counts["requests"] / wall),
            }
        )
    )


if __name__ == "__main__":
    main()
