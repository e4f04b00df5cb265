#!/usr/bin/env bash
# Issue 15 "Measured": a 64-cell sweep on 1 vs 2 Slurm slots, and a 4-way sharded 1 M-client run
# vs the one-machine run, on the private cluster of .ci/slurm/cluster.sh (docs/distributed.md,
# "Measured"). Needs target/release/gtsim (cargo build --release). Prints wall times and
# byte-identity checks; the per-job running times come from the cluster's jobcomp.txt (sbatch --wait
# itself polls, which adds up to ~30 s to the submit-to-return times). Usage: .ci/slurm/measure.sh [REPO]
set -euo pipefail
REPO=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cd "$REPO"
export GTSIM=$REPO/target/release/gtsim
C=$(mktemp -d /tmp/gtsim-measure-cluster.XXXXXX)
O=$(mktemp -d /tmp/gtsim-measure.XXXXXX)
.ci/slurm/cluster.sh start "$C" >/dev/null
trap '.ci/slurm/cluster.sh stop "$C" >/dev/null || true; rm -rf "$C"' EXIT
source "$C/env.sh"
sinfo -N -o "%N %c %m %T"
now() { date +%s.%N; }
el() { python3 -c "print(f'{$2 - $1:.1f}')"; }

export GTSIM_WORKLOAD=$REPO/workloads/seed000-latency-vs-ga.toml
GRID="arms.0.ttl=10,20,30,60,90,120,300,600 arms.0.health_check.interval=10s,30s simulation.seed=1,2,3,4"
export GTSIM_GRID="$GRID"
export GTSIM_ARGS="--clients 50000"
grid=(); for g in $GRID; do grid+=(--grid "$g"); done

t0=$(now); "$GTSIM" sweep "$GTSIM_WORKLOAD" "${grid[@]}" --clients 50000 --out "$O/sweep-local" --quiet >/dev/null; t1=$(now)
echo "sweep 64 cells, one machine (gtsim sweep, 2 CPUs): $(el $t0 $t1) s"

for S in 1 2; do
  export GTSIM_OUT=$O/sweep-s$S GTSIM_SHARDS=$S
  t0=$(now)
  sbatch --wait --parsable --array=0-$((S - 1)) --cpus-per-task=1 --chdir="$O" deploy/slurm/sweep.sbatch >/dev/null
  "$GTSIM" sweep merge "$GTSIM_OUT" >/dev/null
  t1=$(now)
  echo "sweep 64 cells, Slurm, $S slot(s) of 1 CPU (submit to merged): $(el $t0 $t1) s"
  for f in sweep.csv sweep.json sweep.md; do cmp "$O/sweep-local/$f" "$GTSIM_OUT/$f" && echo "  $f identical to one machine"; done
done

unset GTSIM_GRID
export GTSIM_ARGS="--clients 1000000"
t0=$(now); "$GTSIM" run "$GTSIM_WORKLOAD" --clients 1000000 --out "$O/run-local" --quiet >/dev/null; t1=$(now)
echo "run 1 M clients, one machine (2 threads): $(el $t0 $t1) s"
export GTSIM_OUT=$O/run-s4 GTSIM_SHARDS=4
t0=$(now)
sbatch --wait --parsable --array=0-3 --cpus-per-task=1 --chdir="$O" deploy/slurm/run.sbatch >/dev/null
t1=$(now)
"$GTSIM" merge "$GTSIM_OUT" >/dev/null
t2=$(now)
echo "run 1 M clients, Slurm, 4 indices on 2 slots of 1 CPU: tasks $(el $t0 $t1) s, merge $(el $t1 $t2) s"
for f in summary.json curve.csv distributions.csv classes.csv; do cmp "$O/run-local/$f" "$GTSIM_OUT/$f" && echo "  $f identical to one machine"; done
ls -la "$GTSIM_OUT/shards/" | awk '{print "  " $5, $9}'
echo "per Slurm job (jobcomp.txt): array job, tasks, first start to last end (s), submit to first start (s)"
python3 - "$C/jobcomp.txt" <<'PY'
import re, sys, datetime as d
jobs = {}
for line in open(sys.argv[1]):
    f = dict(re.findall(r'(\w+)=(\S*)', line))
    t = lambda k: d.datetime.fromisoformat(f[k])
    jobs.setdefault(f.get('ArrayJobId', f['JobId']), []).append((t('SubmitTime'), t('StartTime'), t('EndTime'), f['Name']))
for j, v in jobs.items():
    sub = min(x[0] for x in v); st = min(x[1] for x in v); en = max(x[2] for x in v)
    print(f"  job {j} {v[0][3]}: {len(v)} task(s), {(en - st).total_seconds():.0f} s running, {(st - sub).total_seconds():.0f} s queued")
PY
