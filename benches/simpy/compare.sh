#!/usr/bin/env bash
# gtsim vs a straightforward SimPy model of the same workload, side by side (issue 16).
#
#   benches/simpy/compare.sh
#
# Sets up a venv with simpy under target/simpy-venv if it has none, builds gtsim (release),
# runs the SimPy peer at PEER_CLIENTS (default 150000: 40-60 s on the project's 2-core VM),
# then gtsim at GTSIM_CLIENTS (default 1000000) on benches/workloads/perf-default-2arm.toml,
# both arms and the Route 53 arm alone, and again at the peer's client count; prints requests
# per wall second and the ratios. Not part of the test suite (CI has no simpy). See README.md.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$root"

venv=target/simpy-venv
if ! "$venv/bin/python" -c 'import simpy' 2>/dev/null; then
    echo "setting up $venv ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r benches/simpy/requirements.txt
fi

cargo build --release --quiet -p gtsim

exec "$venv/bin/python" benches/simpy/compare.py
