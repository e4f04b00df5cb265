#!/usr/bin/env python3
"""A straightforward SimPy peer of benches/workloads/perf-default-2arm.toml (Route 53 arm only).

Issue 16 asks gtsim to simulate at least 100x the requests per wall second of "a straightforward
SimPy model of the same workload". This is that model, written the way one would write it in an
afternoon: one SimPy process per client, one dict cache per resolver, one process for the
failure and its detection. See README.md next to this file for what it simplifies.

Prints one JSON line: clients, simulated seconds, requests, stale requests (sent to the failed
region after the failure), wall seconds (building the model and running it, not the interpreter's
start), CPU seconds, requests per wall second.
"""

import argparse
import json
import random
import time

import simpy

# --- The workload (benches/workloads/perf-default-2arm.toml) ---------------------------------
DURATION_S = 30 * 60  # simulation.duration = "30m"
SEED = 1  # simulation.seed
REQUEST_RATE = 1.0 / 30.0  # clients.request_rate = "1/30s", Poisson
CLIENTS_PER_RESOLVER = 500  # resolvers[].clients_per_resolver
# resolvers[]: (name, share, cache life for an answer of TTL t)
RESOLVER_CLASSES = [
    ("honours-ttl", 0.9126, lambda ttl: ttl),
    ("extends-ttl", 0.0874, lambda ttl: max(ttl, 300.0)),  # ttl = { mode = "floor", min = "300s" }
]
TTL_S = 60.0  # arms[0].ttl = "60s"
FAILED_REGION = "us-east-1"  # failures[0].region
FAILURE_AT_S = 10 * 60  # failures[0].at = "10m"
DETECTION_S = 30 * 3  # health_check = { interval = "30s", failure_threshold = 3 }

# Route 53 latency routing: each resolver sits in one place and gets its nearest healthy
# region. Simplification: instead of gtsim's 40 client areas and its RTT model, resolvers are
# assigned to their nearest region in proportion to the world-internet-users weights (each
# area's Internet users to its great-circle-nearest region of the three; computed once from
# crates/sim-engine/src/geography.rs). Every area nearest to us-east-1 has eu-west-1 second.
REGION_SHARES = [
    ("us-east-1", 0.1779),
    ("eu-west-1", 0.2922),
    ("ap-southeast-1", 0.5299),
]
NEXT_BEST = {
    "us-east-1": ["us-east-1", "eu-west-1", "ap-southeast-1"],
    "eu-west-1": ["eu-west-1", "us-east-1", "ap-southeast-1"],
    "ap-southeast-1": ["ap-southeast-1", "eu-west-1", "us-east-1"],
}

NAME = "app.example.com"


class Route53:
    """The authoritative side: latency answer = the resolver's nearest region that is healthy."""

    def __init__(self):
        self.unhealthy = set()
        self.queries = 0

    def answer(self, home_region):
        self.queries += 1
        for region in NEXT_BEST[home_region]:
            if region not in self.unhealthy:
                return region
        return home_region  # all unhealthy: fail open


class Resolver:
    def __init__(self, env, route53, class_name, cache_life, home_region):
        self.env = env
        self.route53 = route53
        self.class_name = class_name
        self.cache_life = cache_life
        self.home_region = home_region
        self.cache = {}  # name -> (region, expires_at)

    def resolve(self, name):
        now = self.env.now
        entry = self.cache.get(name)
        if entry is not None and entry[1] > now:
            return entry[0]
        region = self.route53.answer(self.home_region)
        self.cache[name] = (region, now + self.cache_life(TTL_S))
        return region


class Stats:
    def __init__(self):
        self.requests = 0
        self.stale = 0


def client(env, rng, resolver, world, stats):
    """One client: Poisson requests; each resolves the name and sends to the answer."""
    while True:
        yield env.timeout(rng.expovariate(REQUEST_RATE))
        region = resolver.resolve(NAME)
        stats.requests += 1
        if region in world["down"]:
            stats.stale += 1


def failure(env, route53, world):
    """us-east-1 is blackholed at 10 min; Route 53's health checks mark it unhealthy 90 s later."""
    yield env.timeout(FAILURE_AT_S)
    world["down"].add(FAILED_REGION)
    yield env.timeout(DETECTION_S)
    route53.unhealthy.add(FAILED_REGION)


def pick(rng, weighted):
    x = rng.random()
    acc = 0.0
    for item, share in weighted:
        acc += share
        if x < acc:
            return item
    return weighted[-1][0]


def build(env, rng, clients, stats):
    route53 = Route53()
    world = {"down": set()}
    resolvers = []
    for class_name, share, life in RESOLVER_CLASSES:
        n_clients = round(clients * share)
        n_resolvers = max(1, round(n_clients / CLIENTS_PER_RESOLVER))
        class_resolvers = [
            Resolver(env, route53, class_name, life, pick(rng, REGION_SHARES))
            for _ in range(n_resolvers)
        ]
        resolvers.extend(class_resolvers)
        for _ in range(n_clients):
            env.process(client(env, rng, rng.choice(class_resolvers), world, stats))
    env.process(failure(env, route53, world))
    return route53, resolvers


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--duration", type=float, default=DURATION_S, help="simulated seconds")
    args = ap.parse_args()

    t0 = time.perf_counter()
    c0 = time.process_time()
    rng = random.Random(args.seed)
    env = simpy.Environment()
    stats = Stats()
    route53, resolvers = build(env, rng, args.clients, stats)
    env.run(until=args.duration)
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0

    print(
        json.dumps(
            {
                "model": "simpy-peer",
                "simpy": simpy.__version__,
                "clients": args.clients,
                "resolvers": len(resolvers),
                "simulated_s": args.duration,
                "requests": stats.requests,
                "stale_requests": stats.stale,
                "auth_queries": route53.queries,
                "wall_s": round(wall, 3),
                "cpu_s": round(cpu, 3),
                "requests_per_wall_s": round(stats.requests / wall, 1),
            }
        )
    )


if __name__ == "__main__":
    main()
