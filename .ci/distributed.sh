#!/usr/bin/env bash
# Distributed-run checks (issue 15): a real Slurm engine and the Kubernetes manifests.
#
#   bash .ci/distributed.sh          (as root; .ci/run calls it; a few minutes, mostly apt/pip)
#
# 1. Starts a private single-node Slurm cluster (.ci/slurm/cluster.sh) in a temp folder.
# 2. Slurm array jobs with a trivial task: `sbatch --wait --array=0-3` writes one file per index,
#    two tasks run at once on 2 CPUs, index 2 fails on purpose (exit 1) and is detected from
#    sbatch's exit status, the per-task files and jobcomp; `sbatch --wait --array=2` reruns it.
# 3. The templates deploy/slurm/{sweep,run,merge}.sbatch run under Slurm with the real gtsim
#    (target/release/gtsim), a failed index is rerun and merged, and the merged sweeps (S = 1, 3,
#    4) and sharded run are compared byte for byte with one-machine runs.
# 4. Validates deploy/kubernetes/*.yaml against the Kubernetes 1.29 and 1.33 schemas
#    (kubernetes-validate from PyPI, pinned; its schemas ship in the wheel, no network at
#    validation time) and shows that broken manifests are rejected.
# 5. Runs every index of the Indexed Jobs locally with JOB_COMPLETION_INDEX set (index 0 twice)
#    and the merge Job's command.
# The cluster is always stopped on exit (trap) and the script checks that nothing is left running.
# Environment: DIST_KEEP=1 keeps the temp folder; DIST_TMP sets its parent (default /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

KV_VERSION=1.37.0           # kubernetes-validate (PyPI); ships schemas up to Kubernetes 1.37
K8S_VERSIONS=(1.29.0 1.33.0) # backoffLimitPerIndex: beta and on by default in 1.29, GA in 1.33
# Its dependencies, pinned to the versions this script was written against.
KV_PINS=(PyYAML==6.0.4 jsonschema==4.26.0 jsonschema-specifications==2025.9.1 referencing==0.37.0
  rpds-py==2026.9.1 attrs==26.1.0 typing_extensions==4.16.0 importlib_resources==7.1.0
  packaging==26.4)
SBATCH_TIMEOUT=180 # seconds for any one `sbatch --wait`

if [ "$(id -u)" != 0 ]; then
  echo "distributed.sh: run as root (it installs Debian packages and runs slurmd as root)" >&2
  exit 2
fi

PASSED=0
FAILED=0
T_START=$SECONDS
ok() {
  PASSED=$((PASSED + 1))
  echo "  ok   $*"
}
bad() {
  FAILED=$((FAILED + 1))
  echo "  FAIL $*"
}
check() { # check DESCRIPTION COMMAND...: passes when the command succeeds
  local what="$1"
  shift
  if "$@"; then ok "$what"; else bad "$what"; fi
}
section() { echo "== distributed: $* ($((SECONDS - T_START))s)"; }

WORK="$(mktemp -d "${DIST_TMP:-/tmp}/gtsim-dist.XXXXXX")"
chmod 755 "$WORK" # munged wants the folders above its socket searchable by all
CLUSTER="$WORK/cluster"
mkdir -p "$WORK/bin" "$WORK/logs"

cleanup() {
  local rc=$?
  set +e
  if [ -f "$CLUSTER/run/pids" ]; then
    section "slurm: stop"
    if "$ROOT/.ci/slurm/cluster.sh" stop "$CLUSTER"; then
      ok "cluster stopped"
    else
      bad "cluster stopped"
      rc=1
    fi
    # Nothing of this run may be left: no process whose command line names the temp folder.
    local left
    left="$(ps -eo pid=,args= | grep -F "$WORK/" | grep -v grep || true)"
    if [ -n "$left" ]; then
      echo "$left"
      bad "no process left running"
      rc=1
    else
      ok "no process left running"
    fi
  fi
  if [ "$rc" != 0 ] || [ "$FAILED" != 0 ]; then
    for f in "$CLUSTER"/log/*.log; do
      [ -f "$f" ] && {
        echo "----- $f (last 30 lines)"
        tail -n 30 "$f"
      }
    done
  fi
  if [ "${DIST_KEEP:-0}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
  echo "distributed: $PASSED passed, $FAILED failed ($((SECONDS - T_START))s)"
  if [ "$FAILED" != 0 ] && [ "$rc" = 0 ]; then rc=1; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# sbatch --wait with a bound; prints nothing, returns sbatch's exit status (the highest exit
# status of the array's tasks), 124 on timeout.
sbatch_wait() {
  local rc=0
  timeout "$SBATCH_TIMEOUT" sbatch --wait --quiet "$@" >>"$WORK/logs/sbatch.out" 2>&1 || rc=$?
  return "$rc"
}

# --- 1. the cluster --------------------------------------------------------------------------

section "slurm: start a private single-node cluster"
t0=$SECONDS
"$ROOT/.ci/slurm/cluster.sh" start "$CLUSTER"
# shellcheck disable=SC1091
source "$CLUSTER/env.sh"
ok "cluster up ($((SECONDS - t0))s, including any install): $(sinfo -h -o '%N %T %c CPUs')"
NCPU="$(sinfo -h -o %c | head -n 1)"

# --- 2. array jobs with a trivial task ---------------------------------------------------------

section "slurm: array job 0-3 with index 2 failing on purpose, then a rerun of index 2"
A="$WORK/array"
mkdir -p "$A/out"
cat >"$A/task.sbatch" <<'EOF'
#!/usr/bin/env bash
# Trivial array task: fails (exit 1) while $A/fail-<index> exists, else writes <index> into
# out/<index>.txt atomically, with its start and end times (two tasks must overlap on 2 CPUs).
set -euo pipefail
i="$SLURM_ARRAY_TASK_ID"
start="$(date +%s.%N)"
if [ -e "$A_DIR/fail-$i" ]; then
  echo "index $i fails on purpose" >&2
  exit 1
fi
sleep 2
printf '%s\n' "$i" >"$A_DIR/out/$i.txt.tmp"
mv "$A_DIR/out/$i.txt.tmp" "$A_DIR/out/$i.txt"
echo "$i $start $(date +%s.%N) count=$SLURM_ARRAY_TASK_COUNT job=$SLURM_ARRAY_JOB_ID" >"$A_DIR/out/$i.times"
EOF
touch "$A/fail-2"
t0=$SECONDS
rc=0
A_DIR="$A" sbatch_wait --array=0-3 --export=ALL,A_DIR="$A" -o "$A/slurm-%A_%a.out" "$A/task.sbatch" || rc=$?
echo "  sbatch --wait --array=0-3: exit $rc in $((SECONDS - t0))s"
check "sbatch --wait exits 1 (the highest task exit status) when index 2 fails" [ "$rc" = 1 ]
check "indexes 0, 1, 3 wrote their files, index 2 none" \
  bash -c "cd '$A/out' && [ \"\$(cat 0.txt 1.txt 3.txt)\" = \$'0\n1\n3' ] && [ ! -e 2.txt ]"
missing=""
for i in 0 1 2 3; do [ -e "$A/out/$i.txt" ] || missing="$missing,$i"; done
missing="${missing#,}"
check "the missing index found from the marker files: '$missing'" [ "$missing" = 2 ]
check "the failed task's own output says why" grep -q "index 2 fails on purpose" "$A"/slurm-*_2.out
if [ -s "$CLUSTER/jobcomp.txt" ]; then
  check "jobcomp (no slurmdbd) records ArrayTaskId=2 as FAILED with exit code 1" \
    grep -Eq "JobState=FAILED .*ArrayTaskId=2 .*ExitCode=1:0" "$CLUSTER/jobcomp.txt"
fi
if [ "${NCPU:-1}" -ge 2 ]; then
  check "two array tasks ran at once on $NCPU CPUs (intervals overlap)" python3 - "$A/out" <<'EOF'
import pathlib, sys
iv = []
for f in pathlib.Path(sys.argv[1]).glob("*.times"):
    _, s, e = f.read_text().split()[:3]
    iv.append((float(s), float(e)))
sys.exit(0 if any(a[0] < b[1] and b[0] < a[1] for i, a in enumerate(iv) for b in iv[i + 1:]) else 1)
EOF
fi
rm "$A/fail-$missing"
t0=$SECONDS
rc=0
sbatch_wait --array="$missing" --export=ALL,A_DIR="$A" -o "$A/slurm-%A_%a.out" "$A/task.sbatch" || rc=$?
echo "  sbatch --wait --array=$missing: exit $rc in $((SECONDS - t0))s"
check "the rerun of index $missing exits 0" [ "$rc" = 0 ]
check "all four indexes have their file" \
  bash -c "cd '$A/out' && [ \"\$(cat 0.txt 1.txt 2.txt 3.txt)\" = \$'0\n1\n2\n3' ]"
check "on the rerun SLURM_ARRAY_TASK_COUNT is 1, not 4 (why the shard count is passed explicitly)" \
  grep -q "count=1 " "$A/out/2.times"

# --- 3. the gtsim templates under Slurm ------------------------------------------------------

# Fails (exit 1) while $FLAKY_DIR/fail-<index> exists, else runs $FLAKY_REAL.
cat >"$WORK/bin/flaky" <<'EOF'
#!/usr/bin/env bash
i="${SLURM_ARRAY_TASK_ID:-${JOB_COMPLETION_INDEX:-}}"
if [ -n "$i" ] && [ -e "$FLAKY_DIR/fail-$i" ]; then
  echo "flaky: index $i fails on purpose" >&2
  exit 1
fi
exec "$FLAKY_REAL" "$@"
EOF
chmod +x "$WORK/bin/flaky"

# The real binary (built by .ci/run before this script: cargo build --release -p gtsim).
GTSIM_REAL="$ROOT/target/release/gtsim"
[ -x "$GTSIM_REAL" ] || {
  echo "distributed.sh: $GTSIM_REAL missing: cargo build --release -p gtsim first" >&2
  exit 2
}
# same_files A B F...: every F is byte-identical in folders A and B.
same_files() {
  local a="$1" b="$2" f
  shift 2
  for f in "$@"; do cmp -s "$a/$f" "$b/$f" || { echo "  differs: $f ($a vs $b)"; return 1; }; done
}
SWEEP_FILES=(sweep.csv sweep.json sweep.md sweep-summary.csv)
RUN_FILES=(summary.json curve.csv distributions.csv classes.csv)
WORKLOAD="$ROOT/workloads/seed000-latency-vs-ga.toml"
export FLAKY_DIR="$WORK/flaky" FLAKY_REAL="$GTSIM_REAL"
mkdir -p "$FLAKY_DIR"

section "slurm: deploy/slurm/sweep.sbatch, S=3, index 1 failing, rerun, merge.sbatch"
S=3
SW="$WORK/slurm-sweep"
export GTSIM="$WORK/bin/flaky" GTSIM_WORKLOAD="$WORKLOAD" GTSIM_OUT="$SW" GTSIM_SHARDS=$S
# A grid small enough for CI (2 grid values x 2 seeds at 2,000 clients: a few seconds of CPU);
# in step with the one-machine reference below.
export GTSIM_GRID="arms.0.ttl=20,60" GTSIM_ARGS="--seeds 2 --clients 2000"
touch "$FLAKY_DIR/fail-1"
t0=$SECONDS
rc=0
sbatch_wait --array=0-$((S - 1)) -o "$WORK/logs/%x-%A_%a.out" deploy/slurm/sweep.sbatch || rc=$?
echo "  sbatch --wait --array=0-$((S - 1)) deploy/slurm/sweep.sbatch: exit $rc in $((SECONDS - t0))s"
check "sweep array exits 1 with index 1 failing" [ "$rc" = 1 ]
rc=0
sbatch_wait --export=ALL,GTSIM_MERGE=sweep -o "$WORK/logs/%x-%j.out" deploy/slurm/merge.sbatch || rc=$?
check "merge.sbatch exits non-zero while shard 1 is missing (exit $rc)" [ "$rc" != 0 ]
check "the merge's output names the missing shard" grep -qs "missing shards 1 of 3" "$WORK"/logs/gtsim-merge-*.out
check "the merge's output gives the rerun command" grep -qs "sbatch --array=1 deploy/slurm/sweep.sbatch" "$WORK"/logs/gtsim-merge-*.out
check "no sweep.csv while shard 1 is missing" [ ! -e "$SW/sweep.csv" ]
rm "$FLAKY_DIR/fail-1"
t0=$SECONDS
jid="$(sbatch --parsable --array=1 -o "$WORK/logs/%x-%A_%a.out" deploy/slurm/sweep.sbatch)"
rc=0
sbatch_wait --dependency=afterany:"$jid" --export=ALL,GTSIM_MERGE=sweep \
  -o "$WORK/logs/%x-%j.out" deploy/slurm/merge.sbatch || rc=$?
echo "  rerun --array=1, then merge.sbatch --dependency=afterany:$jid: exit $rc in $((SECONDS - t0))s"
check "after the rerun of index 1, merge.sbatch (afterany) exits 0" [ "$rc" = 0 ]
check "every index wrote its shard file (3 shard files of 3)" \
  bash -c "ls '$SW'/shards/sweep-*-of-3.csv | wc -l | grep -qx 3"
"$GTSIM_REAL" sweep "$WORKLOAD" --grid arms.0.ttl=20,60 --seeds 2 --clients 2000 \
  --out "$WORK/sweep-local" --quiet >/dev/null
check "S=3 merged sweep is byte-identical to the one-machine sweep (${SWEEP_FILES[*]}, plots/)" \
  bash -c "$(declare -f same_files); same_files '$WORK/sweep-local' '$SW' ${SWEEP_FILES[*]} && diff -r -q '$WORK/sweep-local/plots' '$SW/plots'"
for S in 1 4; do
  export GTSIM_OUT="$WORK/slurm-sweep-$S" GTSIM_SHARDS=$S
  rc=0
  jid="$(sbatch --parsable --array=0-$((S - 1)) -o "$WORK/logs/%x-%A_%a.out" deploy/slurm/sweep.sbatch)"
  sbatch_wait --dependency=afterok:"$jid" --export=ALL,GTSIM_MERGE=sweep \
    -o "$WORK/logs/%x-%j.out" deploy/slurm/merge.sbatch || rc=$?
  check "S=$S: sweep array and merge exit 0, merged sweep byte-identical to the one-machine sweep" \
    bash -c "[ $rc = 0 ] && $(declare -f same_files); same_files '$WORK/sweep-local' '$GTSIM_OUT' ${SWEEP_FILES[*]}"
done

section "slurm: deploy/slurm/run.sbatch, S=2, merge.sbatch"
S=2
RN="$WORK/slurm-run"
export GTSIM_OUT="$RN" GTSIM_SHARDS=$S GTSIM_ARGS="--clients 20000"
unset GTSIM_GRID
t0=$SECONDS
jid="$(sbatch --parsable --array=0-$((S - 1)) -o "$WORK/logs/%x-%A_%a.out" deploy/slurm/run.sbatch)"
rc=0
sbatch_wait --dependency=afterok:"$jid" --export=ALL,GTSIM_MERGE=run \
  -o "$WORK/logs/%x-%j.out" deploy/slurm/merge.sbatch || rc=$?
echo "  run array 0-$((S - 1)), then merge.sbatch --dependency=afterok:$jid: exit $rc in $((SECONDS - t0))s"
check "run.sbatch array and its merge (afterok) exit 0" [ "$rc" = 0 ]
check "two run parts of 2" bash -c "ls '$RN'/shards/run-part-*-of-2.json | wc -l | grep -qx 2"
"$GTSIM_REAL" run "$WORKLOAD" --clients 20000 --out "$WORK/run-local" --quiet
check "the merged run is byte-identical to the one-machine run (${RUN_FILES[*]})" \
  bash -c "$(declare -f same_files); same_files '$WORK/run-local' '$RN' ${RUN_FILES[*]}"
rc=0
sbatch_wait -o "$WORK/logs/%x-%j.out" deploy/slurm/run.sbatch || rc=$?
check "run.sbatch submitted without --array refuses with exit 2 (exit $rc)" [ "$rc" = 2 ]
unset GTSIM GTSIM_WORKLOAD GTSIM_OUT GTSIM_SHARDS GTSIM_ARGS

# --- 4. the Kubernetes manifests against the schemas -----------------------------------------

section "kubernetes: validate deploy/kubernetes/*.yaml (kubernetes-validate $KV_VERSION)"
t0=$SECONDS
VENV="$ROOT/target/distributed/kv-venv"
mkdir -p "$(dirname "$VENV")"
if [ "$("$VENV/bin/kubernetes-validate" --version 2>/dev/null)" != "$KV_VERSION" ]; then
  rm -rf "$VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-venv
    rm -rf "$VENV"
    python3 -m venv "$VENV"
  fi
  "$VENV/bin/pip" install -q --disable-pip-version-check "kubernetes-validate==$KV_VERSION" "${KV_PINS[@]}"
fi
KV="$VENV/bin/kubernetes-validate"
echo "  kubernetes-validate $("$KV" --version) ready in $((SECONDS - t0))s"
for v in "${K8S_VERSIONS[@]}"; do
  check "deploy/kubernetes/*.yaml valid (--strict) for Kubernetes $v" \
    "$KV" --strict --quiet -k "$v" deploy/kubernetes/*.yaml
done
# Broken copies must be rejected: a misspelt field, a wrong type, a misspelt nested field, a
# scalar where a list belongs.
mkdir -p "$WORK/k8s-bad"
bad_case() { # bad_case NAME SED-EXPRESSION: the edited sweep-job.yaml must fail validation
  local f="$WORK/k8s-bad/$1.yaml"
  sed -e "$2" deploy/kubernetes/sweep-job.yaml >"$f"
  if cmp -s "$f" deploy/kubernetes/sweep-job.yaml; then
    bad "broken manifest '$1': the edit changed nothing"
  elif "$KV" --strict --quiet -k "${K8S_VERSIONS[0]}" "$f" >"$f.log" 2>&1; then
    bad "broken manifest '$1' rejected"
  else
    ok "broken manifest '$1' rejected: $(grep -m1 -o 'did not validate.*' "$f.log" | cut -c1-120)"
  fi
}
bad_case misspelt-field 's/backoffLimitPerIndex:/backoffLimitPerIdnex:/'
bad_case wrong-type 's/^  completions: 4 /  completions: four /'
bad_case misspelt-nested 's/restartPolicy: Never/restartPolicyy: Never/'
bad_case scalar-for-list 's/values: \[2\]/values: 2/'

# --- 5. every Kubernetes index run locally ---------------------------------------------------

# Prints the Job's completions, then the container's command and args of MANIFEST, all
# NUL-separated, with each volume's mountPath replaced by a local folder (MOUNT=DIR pairs) and
# flags overridden (FLAG=VALUE pairs). Checks the index contract: an index read from
# JOB_COMPLETION_INDEX needs --shards = completions; an explicit --index (a rerun) needs
# completions = 1.
k8s_command() {
  "$VENV/bin/python" - "$@" <<'EOF'
import sys, yaml
path, pairs = sys.argv[1], sys.argv[2:]
mounts = dict(p.split("=", 1) for p in pairs if p.startswith("/"))
overrides = dict(p.split("=", 1) for p in pairs if p.startswith("--"))
job = next(d for d in yaml.safe_load_all(open(path)) if d and d.get("kind") == "Job")
spec = job["spec"]
(c,) = spec["template"]["spec"]["containers"]
argv = list(c.get("command", [])) + [str(a) for a in c.get("args", [])]
completions = int(spec.get("completions", 1))
if "--shards" in argv:
    shards = int(argv[argv.index("--shards") + 1])
    if "--index-from-env" in argv:
        assert spec.get("completionMode") == "Indexed", f"{path}: not an Indexed Job"
        env = argv[argv.index("--index-from-env") + 1]
        assert env == "JOB_COMPLETION_INDEX", f"{path}: index from {env}, not JOB_COMPLETION_INDEX"
        assert shards == completions, f"{path}: --shards {shards} but completions {completions}"
    else:
        index = int(argv[argv.index("--index") + 1])
        assert completions == 1, f"{path}: --index {index} given, but completions {completions}"
        assert index < shards, f"{path}: --index {index} not below --shards {shards}"
for k, v in overrides.items():
    if k in argv:
        argv[argv.index(k) + 1] = v
    else:
        argv += [k, v]
def local(a):
    for m, d in mounts.items():
        if a == m or a.startswith(m + "/"):
            return d + a[len(m):]
    return a
sys.stdout.write("\0".join([str(completions)] + [local(a) for a in argv]) + "\0")
EOF
}

# Runs MANIFEST's container command once per index with JOB_COMPLETION_INDEX set, in a clean
# environment, all at once, and index 0 a second time concurrently (a pod started twice for one
# index); prints the indexes that failed (none: empty). gtsim is $K8S_GTSIM.
k8s_indexes() {
  local manifest="$1" out="$2" n i
  shift 2
  local -a argv
  mapfile -d '' argv < <(k8s_command "$manifest" /workload="$WORK/k8s-workload" /out="$out" "$@")
  [ "${#argv[@]}" -gt 1 ] || {
    echo "no command in $manifest"
    return 0
  }
  n="${argv[0]}"
  argv=("${argv[@]:1}")
  argv[0]="$K8S_GTSIM"
  local -a pids=() idx=()
  for i in $(seq 0 $((n - 1))) 0; do
    env -i PATH="$PATH" HOME="$WORK" FLAKY_DIR="$FLAKY_DIR" FLAKY_REAL="$FLAKY_REAL" \
      JOB_COMPLETION_INDEX="$i" "${argv[@]}" >>"$WORK/logs/k8s.out" 2>>"$WORK/logs/k8s.err" &
    pids+=($!)
    idx+=("$i")
  done
  local failed=""
  for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed="$failed ${idx[$i]}"; done
  echo "  ran $n indexes of $(basename "$manifest") (index 0 twice): ${argv[*]}" \
    | sed "s#$WORK#\$WORK#g" >&2
  echo "${failed# }"
}

# The rerun of one index as a Job of its own (the recipe of docs/distributed.md): completions 1,
# the index given explicitly.
k8s_rerun_manifest() { # k8s_rerun_manifest INDEX < sweep-job.yaml
  sed -e "s/^  name: gtsim-sweep .*/  name: gtsim-sweep-rerun-$1/" \
    -e 's/^  completions: .*/  completions: 1/' -e 's/^  parallelism: .*/  parallelism: 1/' \
    -e 's/^  maxFailedIndexes: .*/  maxFailedIndexes: 1/' \
    -e 's/- --index-from-env$/- --index/' -e "s/- JOB_COMPLETION_INDEX$/- \"$1\"/"
}

section "kubernetes: every index of the Indexed Jobs locally, JOB_COMPLETION_INDEX=0..S-1, 0 twice"
mkdir -p "$WORK/k8s-workload"
cp "$WORKLOAD" "$WORK/k8s-workload/workload.toml"
K8="$WORK/k8s"
# K8S_GTSIM runs $GTSIM_REAL through the flaky wrapper; the overrides --clients 2000
# --threads 1 keep the manifests' sizes out of CI.
K8S_GTSIM="$WORK/bin/flaky"
touch "$FLAKY_DIR/fail-2"
failed="$(k8s_indexes deploy/kubernetes/sweep-job.yaml "$K8/out" --clients=2000 --threads=1)"
check "sweep-job.yaml: indexes 0, 1, 3 exit 0 (0 twice), index 2 fails on purpose ('$failed')" \
  [ "$failed" = 2 ]
check "index 0 ran twice and left one shard file (3 shard files of 4)" \
  bash -c "ls '$K8/out/sweep/shards'/sweep-*-of-4.csv | wc -l | grep -qx 3"
mapfile -d '' merge < <(k8s_command deploy/kubernetes/merge-job.yaml /out="$K8/out")
merge=("$GTSIM_REAL" "${merge[@]:2}") # the real binary for merge-job.yaml's command
rc=0
"${merge[@]}" 2>>"$WORK/logs/k8s.err" || rc=$?
check "merge-job.yaml's command (${merge[*]:1}) exits non-zero while index 2 is missing (exit $rc)" \
  [ "$rc" != 0 ]
rm "$FLAKY_DIR/fail-2"
k8s_rerun_manifest 2 <deploy/kubernetes/sweep-job.yaml >"$WORK/rerun-2.yaml"
check "the rerun Job of index 2 (docs/distributed.md) is valid for Kubernetes ${K8S_VERSIONS[0]}" \
  "$KV" --strict --quiet -k "${K8S_VERSIONS[0]}" "$WORK/rerun-2.yaml"
failed="$(k8s_indexes "$WORK/rerun-2.yaml" "$K8/out" --clients=2000 --threads=1)"
check "the rerun Job of index 2 exits 0, also when its pod runs twice" [ -z "$failed" ]
check "after the rerun, merge-job.yaml's command exits 0" "${merge[@]}"
"$GTSIM_REAL" sweep "$WORK/k8s-workload/workload.toml" --grid arms.0.ttl=20,60,300 --seeds 3 \
  --clients 2000 --threads 1 --out "$WORK/k8s-sweep-local" --quiet >/dev/null
check "sweep-job.yaml merged: byte-identical to the one-machine sweep (${SWEEP_FILES[*]})" \
  bash -c "$(declare -f same_files); same_files '$WORK/k8s-sweep-local' '$K8/out/sweep' ${SWEEP_FILES[*]}"
failed="$(k8s_indexes deploy/kubernetes/run-job.yaml "$K8/out" --clients=20000 --threads=1)"
check "run-job.yaml: every index exits 0 (0 twice)" [ -z "$failed" ]
check "run-job.yaml: the run merge (gtsim merge /out/run) exits 0" "$GTSIM_REAL" merge "$K8/out/run"
"$GTSIM_REAL" run "$WORK/k8s-workload/workload.toml" --clients 20000 --threads 1 \
  --out "$WORK/k8s-run-local" --quiet
check "run-job.yaml merged: byte-identical to the one-machine run (${RUN_FILES[*]})" \
  bash -c "$(declare -f same_files); same_files '$WORK/k8s-run-local' '$K8/out/run' ${RUN_FILES[*]}"

section "done"
