#!/usr/bin/env bash
# A private single-node Slurm cluster in one folder, for tests and CI (issue 15).
#
#   .ci/slurm/cluster.sh start  DIR   install the Debian packages if absent, start munged,
#                                     slurmctld and slurmd from DIR, wait for the node to be idle
#   .ci/slurm/cluster.sh status DIR   daemons alive (by PID), sinfo, squeue
#   .ci/slurm/cluster.sh stop   DIR   cancel the jobs, shut the daemons down, kill leftovers by
#                                     PID, and check that none of them is still running
#
# After `start`, clients use the cluster with `source DIR/env.sh` (it exports SLURM_CONF).
#
# Nothing is shared with a Slurm or MUNGE instance on the machine's defaults: the munge key,
# socket, seed, pid and log files, slurm.conf, the controller's state and slurmd's spool all live
# under DIR, and the two daemons listen on free high ports chosen at start. The packages are
# installed under a policy-rc.d that answers 101, so their init scripts start nothing on the
# default ports; a policy-rc.d this script creates is removed again, one that was there is kept.
# The node gets this machine's real CPU count and memory (from `slurmd -C`); select/cons_tres
# with CR_CPU lets two one-CPU array tasks run at once on two cores. Without systemd and cgroups:
# proctrack/linuxproc, task/none, no accounting (sacct is unavailable: check jobs by exit status
# and files; DIR/jobcomp.txt has one line per finished job, from jobcomp/filetxt).
#
# Runs as root (the daemons run as root with a root-owned key). Timeouts: SLURM_CLUSTER_TIMEOUT
# seconds (default 60) for the node to become idle and for the daemons to stop.
set -euo pipefail

PACKAGES=(slurmctld slurmd slurm-client munge)
TIMEOUT="${SLURM_CLUSTER_TIMEOUT:-60}"
POLICY=/usr/sbin/policy-rc.d

log() { echo "cluster.sh: $*" >&2; }
die() {
  log "error: $*"
  exit 1
}

usage() {
  echo "usage: $0 start|stop|status DIR" >&2
  exit 2
}

# --- install -------------------------------------------------------------------------------

have_packages() {
  command -v slurmctld >/dev/null && command -v slurmd >/dev/null \
    && command -v sbatch >/dev/null && command -v munged >/dev/null \
    && command -v mungekey >/dev/null
}

install_packages() {
  if have_packages; then
    return 0
  fi
  [ "$(id -u)" = 0 ] || die "the Slurm packages are missing and installing them needs root"
  log "installing ${PACKAGES[*]} (Debian) under a policy-rc.d that starts no daemon"
  POLICY_CREATED=0 POLICY_SAVED=""
  # Put the policy back as it was even if the install is interrupted.
  trap restore_policy EXIT
  trap "exit 130" INT TERM
  if [ -e "$POLICY" ]; then
    # Keep an existing policy only if it already denies starts (exit 101).
    local rc=0
    "$POLICY" munge start >/dev/null 2>&1 || rc=$?
    if [ "$rc" != 101 ]; then
      POLICY_SAVED="$(mktemp "$POLICY.saved.XXXXXX")"
      mv "$POLICY" "$POLICY_SAVED"
    fi
  fi
  if [ ! -e "$POLICY" ]; then
    printf '#!/bin/sh\n# written by gtsim .ci/slurm/cluster.sh for one apt-get install\nexit 101\n' >"$POLICY"
    chmod 755 "$POLICY"
    POLICY_CREATED=1
  fi
  local status=0
  {
    env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q \
      && env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q --no-install-recommends \
        "${PACKAGES[@]}"
  } >&2 || status=$?
  restore_policy
  trap - EXIT INT TERM
  [ "$status" = 0 ] || die "apt-get install ${PACKAGES[*]} failed (exit $status)"
  have_packages || die "installed ${PACKAGES[*]} but slurmctld/slurmd/sbatch/munged are still missing"
}

# Remove the policy-rc.d this script wrote; put back one it moved aside.
restore_policy() {
  if [ "${POLICY_CREATED:-0}" = 1 ]; then rm -f "$POLICY"; fi
  if [ -n "${POLICY_SAVED:-}" ]; then mv "$POLICY_SAVED" "$POLICY"; fi
  POLICY_CREATED=0 POLICY_SAVED=""
}

# --- helpers -------------------------------------------------------------------------------

# Is TCP port $1 free (no socket bound to it, IPv4 or IPv6, any state)?
port_free() {
  local hex
  hex="$(printf '%04X' "$1")"
  ! awk -v h=":$hex" 'NR > 1 && substr($2, length($2) - 4) == h { found = 1 } END { exit !found }' \
    /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

# Two consecutive free ports from 16817 on (SlurmctldPort, SlurmdPort).
pick_ports() {
  local p
  for ((p = 16817; p < 16817 + 400; p += 2)); do
    if port_free "$p" && port_free "$((p + 1))"; then
      echo "$p"
      return 0
    fi
  done
  die "no two free consecutive TCP ports in 16817..17217"
}

# PID $1 alive and running program $2 (its comm, cut to 15 characters by the kernel)?
alive_as() {
  local pid="$1" name="$2" comm
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] || return 1
  comm="$(cat "/proc/$pid/comm" 2>/dev/null)" || return 1
  [ "$comm" = "${name:0:15}" ]
}

read_pid() { [ -s "$1" ] && tr -dc '0-9' <"$1" || true; }

show_logs() {
  local d="$1" f
  for f in "$d"/log/*; do
    [ -f "$f" ] || continue
    echo "----- $f (last 40 lines)" >&2
    tail -n 40 "$f" >&2 || true
  done
}

# --- start ---------------------------------------------------------------------------------

start() {
  local d="$1"
  install_packages
  mkdir -p "$d"
  d="$(cd "$d" && pwd)"
  [ ! -e "$d/slurm.conf" ] || die "$d already holds a cluster (stop it, or use a fresh folder)"
  # sun_path holds 108 bytes: keep the munge socket path well under it.
  [ "${#d}" -lt 80 ] || die "folder path too long for a unix socket: $d"
  # munged wants its socket folder (run/) searchable by all, up to /, and its key folder private.
  chmod 755 "$d"
  local up="$d"
  while up="$(dirname "$up")" && [ "$up" != / ]; do
    [ "$(($(stat -c %#a "$up") & 1))" = 1 ] \
      || die "munged needs every folder above its socket searchable by all: chmod o+x $up"
  done
  mkdir -p "$d/munge" "$d/log" "$d/ctld" "$d/spool" "$d/run"
  chmod 700 "$d/munge" "$d/ctld"
  chmod 755 "$d/spool" "$d/run"

  # MUNGE: own key, socket, seed, pid and log; munged runs as root, the owner of these files.
  mungekey --create --keyfile="$d/munge/munge.key" >&2
  chmod 400 "$d/munge/munge.key"
  munged --socket="$d/run/munge.sock" --key-file="$d/munge/munge.key" \
    --pid-file="$d/run/munged.pid" --log-file="$d/log/munged.log" \
    --seed-file="$d/munge/munged.seed" 2>"$d/log/munged.start" || {
    cat "$d/log/munged.start" >&2
    show_logs "$d"
    die "munged did not start"
  }
  echo "munged $(read_pid "$d/run/munged.pid")" >"$d/run/pids"

  # slurm.conf: this machine's CPUs and memory, as slurmd reports them.
  local hw ports
  hw="$(slurmd -C 2>/dev/null | head -n 1)"
  case "$hw" in NodeName=*) ;; *) die "slurmd -C printed no node line: '$hw'" ;; esac
  hw="${hw#NodeName=* }"
  ports="$(pick_ports)"
  cat >"$d/slurm.conf" <<EOF
# Private single-node test cluster written by gtsim .ci/slurm/cluster.sh; lives in $d.
ClusterName=gtsimtest
SlurmctldHost=localhost
SlurmctldPort=$ports
SlurmdPort=$((ports + 1))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/run/munge.sock
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$d/ctld
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$d/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# A test cluster: look at pending jobs every 2 s (defaults 60 s and 30 s), so that an array
# task freed by an earlier one never waits for the next periodic pass.
SchedulerParameters=sched_interval=2,bf_interval=2
MpiDefault=none
ReturnToService=2
MailProg=/bin/true
KillWait=5
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 $hw State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
  printf 'export SLURM_CONF=%q\n' "$d/slurm.conf" >"$d/env.sh"
  export SLURM_CONF="$d/slurm.conf"

  slurmctld 2>"$d/log/slurmctld.start" || {
    cat "$d/log/slurmctld.start" >&2
    show_logs "$d"
    (stop "$d") || true
    die "slurmctld did not start"
  }
  wait_pidfile "$d/run/slurmctld.pid" slurmctld "$d"
  echo "slurmctld $(read_pid "$d/run/slurmctld.pid")" >>"$d/run/pids"
  slurmd 2>"$d/log/slurmd.start" || {
    cat "$d/log/slurmd.start" >&2
    show_logs "$d"
    (stop "$d") || true
    die "slurmd did not start"
  }
  wait_pidfile "$d/run/slurmd.pid" slurmd "$d"
  echo "slurmd $(read_pid "$d/run/slurmd.pid")" >>"$d/run/pids"

  local t0=$SECONDS state=""
  while :; do
    state="$(sinfo -h -n localhost -o %T 2>/dev/null || true)"
    [ "$state" = idle ] && break
    if ((SECONDS - t0 >= TIMEOUT)); then
      log "node state after ${TIMEOUT}s: '${state:-none}'"
      sinfo -N -l >&2 || true
      show_logs "$d"
      (stop "$d") || true
      die "the node did not become idle within ${TIMEOUT}s"
    fi
    sleep 0.5
  done
  log "cluster up in $((SECONDS - t0))s after the daemons: ports $ports/$((ports + 1)), $hw"
  log "use it with: source $d/env.sh"
}

# Wait (up to 10 s) for a daemon's pid file, and check that its PID runs that daemon.
wait_pidfile() {
  local f="$1" name="$2" d="$3" i pid
  for ((i = 0; i < 100; i++)); do
    pid="$(read_pid "$f")"
    if [ -n "$pid" ] && alive_as "$pid" "$name"; then return 0; fi
    sleep 0.1
  done
  show_logs "$d"
  (stop "$d") || true
  die "$name wrote no live PID to $f"
}

# --- status --------------------------------------------------------------------------------

status() {
  local d="$1" name pid up=0
  [ -f "$d/run/pids" ] || die "$d holds no cluster (no run/pids)"
  while read -r name pid; do
    if alive_as "$pid" "$name"; then
      echo "$name $pid running"
      up=$((up + 1))
    else
      echo "$name $pid not running"
    fi
  done <"$d/run/pids"
  if [ "$up" -gt 0 ]; then
    export SLURM_CONF="$d/slurm.conf"
    sinfo -N -l || true
    squeue || true
  fi
}

# --- stop ----------------------------------------------------------------------------------

stop() {
  local d="$1" name pid
  [ -d "$d" ] || die "no folder $d"
  d="$(cd "$d" && pwd)"
  [ -f "$d/run/pids" ] || { log "no daemons recorded in $d"; return 0; }
  if [ -f "$d/slurm.conf" ]; then
    export SLURM_CONF="$d/slurm.conf"
    if pid_of slurmctld "$d" >/dev/null; then
      # End the jobs first, so that no slurmstepd or job process outlives the cluster.
      scancel --quiet --full --partition=test 2>/dev/null || true
      local t0=$SECONDS
      while [ -n "$(squeue -h -o %i 2>/dev/null)" ] && ((SECONDS - t0 < 15)); do sleep 0.5; done
      scontrol shutdown >/dev/null 2>&1 || true
    fi
  fi
  # slurmd and slurmctld end on `scontrol shutdown`; munged on --stop. Wait, then TERM, then KILL.
  if pid="$(pid_of munged "$d")"; then
    munged --stop --socket="$d/run/munge.sock" >/dev/null 2>&1 || true
  fi
  local t0=$SECONDS left
  while left="$(alive_list "$d")" && [ -n "$left" ] && ((SECONDS - t0 < TIMEOUT / 2)); do
    sleep 0.3
  done
  for sig in TERM KILL; do
    left="$(alive_list "$d")"
    [ -n "$left" ] || break
    log "still running after shutdown: $left; sending SIG$sig"
    for pid in $left; do kill "-$sig" "$pid" 2>/dev/null || true; done
    sleep 2
  done
  left="$(alive_list "$d")"
  [ -z "$left" ] || die "daemons still running: $left"
  # No process of this cluster is left: the daemons, and no slurmstepd or job (by their
  # environment or cwd pointing into DIR).
  local stray
  stray="$(strays "$d")"
  if [ -n "$stray" ]; then
    log "processes of this cluster still running: $stray; killing them"
    for pid in $stray; do kill -KILL "$pid" 2>/dev/null || true; done
    sleep 1
    stray="$(strays "$d")"
    [ -z "$stray" ] || die "processes still running: $stray"
  fi
  log "stopped; no daemon of $d is running"
}

# PID of daemon $1 of cluster $2, if it runs.
pid_of() {
  local want="$1" d="$2" name pid
  while read -r name pid; do
    if [ "$name" = "$want" ] && alive_as "$pid" "$name"; then
      echo "$pid"
      return 0
    fi
  done <"$d/run/pids"
  return 1
}

alive_list() {
  local d="$1" name pid out=""
  while read -r name pid; do
    if alive_as "$pid" "$name"; then out="$out $pid"; fi
  done <"$d/run/pids"
  echo "${out# }"
}

# Processes whose SLURM_CONF is this cluster's (jobs and steps inherit it), or whose cwd or
# command line is inside DIR; never this script or its parents.
strays() {
  local d="$1" p out=""
  for p in /proc/[0-9]*; do
    local pid="${p#/proc/}"
    [ "$pid" != "$$" ] && [ "$pid" != "$PPID" ] || continue
    if [ "$(readlink "$p/cwd" 2>/dev/null)" = "$d/spool" ] \
      || grep -qzF "$d/" "$p/cmdline" 2>/dev/null \
      || grep -qzxF "SLURM_CONF=$d/slurm.conf" "$p/environ" 2>/dev/null; then
      case "$(cat "$p/comm" 2>/dev/null)" in
        slurmstepd | slurmctld | slurmd | munged) out="$out $pid" ;;
      esac
    fi
  done
  echo "${out# }"
}

# --- main ----------------------------------------------------------------------------------

[ $# = 2 ] || usage
case "$1" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  status) status "$2" ;;
  *) usage ;;
esac
