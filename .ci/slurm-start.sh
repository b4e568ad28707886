#!/usr/bin/env bash
# Starts a single-node Slurm cluster on localhost (munged, slurmctld, slurmd) for the Slurm tests.
# State, pid files, logs and slurm.conf live in $COSA_SLURM_DIR (default /tmp/cosa-slurm);
# .ci/slurm-stop.sh stops the daemons by their pid files. Needs root and Debian's slurmctld,
# slurmd, slurm-client and munge packages. Prints the SLURM_CONF to export for clients.
set -euo pipefail
D="${COSA_SLURM_DIR:-/tmp/cosa-slurm}"
CONF="$D/slurm.conf"

mkdir -p "$D/state/ctld" "$D/state/d" "$D/run" "$D/log"
chown munge:munge "$D/log"
cat > "$CONF" <<CONF
ClusterName=cosa-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$D/state/ctld
SlurmdSpoolDir=$D/state/d
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
MinJobAge=5
NodeName=localhost NodeAddr=127.0.0.1 NodeHostname=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$CONF"

# Polls `$1` (a command string) every 0.2 s for at most $2 seconds.
wait_for() {
  local tries=$(( $2 * 5 ))
  for _ in $(seq "$tries"); do
    if eval "$1" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "slurm-start: timed out after $2 s waiting for: $1 (logs in $D/log)" >&2
  return 1
}

# munged writes its pid file and socket under /run/munge, which only systemd would create.
install -d -o munge -g munge -m 0755 /run/munge
if ! munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
  runuser -u munge -- /usr/sbin/munged --log-file="$D/log/munged.log"
fi
wait_for 'munge -n | unmunge' 10

/usr/sbin/slurmctld -f "$CONF"
# -N fixes the node name, so the node is found whatever the machine's hostname is.
/usr/sbin/slurmd -f "$CONF" -N localhost
wait_for '[ "$(sinfo -h -N -o %t)" = idle ]' 30

echo "SLURM_CONF=$CONF"
