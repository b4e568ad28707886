#!/usr/bin/env bash
# Stops the daemons that .ci/slurm-start.sh started, by the pids in their pid files: TERM first,
# then KILL for any still alive after 15 s. Safe to run when nothing is running.
set -uo pipefail
D="${COSA_SLURM_DIR:-/tmp/cosa-slurm}"

stop_pid_file() {
  local file=$1 pid
  [ -s "$file" ] || return 0
  pid=$(cat "$file")
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid"
  for _ in $(seq 75); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  echo "slurm-stop: $file: pid $pid still alive after 15 s; sending KILL" >&2
  kill -KILL "$pid" 2>/dev/null || true
}

stop_pid_file "$D/run/slurmd.pid"
stop_pid_file "$D/run/slurmctld.pid"
stop_pid_file /run/munge/munged.pid
