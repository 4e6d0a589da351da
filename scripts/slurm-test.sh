#!/usr/bin/env bash
# Runs the README's Slurm job-array file for real, on a one-node Slurm cluster started on this
# machine, and checks what the README promises of it:
#   1. the array processes every photo exactly once across its 16 shards (the reports, merged
#      with the README's jq command, list each file once, all ok), every output whole;
#   2. the same array resubmitted (--skip-existing) does nothing: every file skipped, no output
#      touched;
#   3. in a fresh run, one array task killed mid-run (scancel JOBID_K) and the array resubmitted
#      ends with every output whole and present, nothing half-written, no temporary file left.
# It installs Slurm and MUNGE from the Debian packages when they are missing (apt-get, with sudo
# unless root), starts its own munged, slurmctld and slurmd (no systemd, no cgroups:
# proctrack/linuxproc, task/none) with their configuration, sockets and state in a temporary
# folder, on ports of their own, and stops exactly those daemons when it ends.
#
# The job file is taken from README.md and run unchanged except for its two paths (the photos
# and the output folder). Its resources (16 tasks of 8 CPUs and 8G) are those of a real cluster:
# the test node declares 16 CPUs and 16 GiB whatever the machine has (two tasks at a time).
#
# Usage: scripts/slurm-test.sh     (EDGEGRAD_BIN: the binary, default target/release/edgegrad,
#                                   built if missing; COPIES: copies of each sample photo, 200;
#                                   KEEP=1 keeps the work folder)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=${EDGEGRAD_BIN:-$repo/target/release/edgegrad}
copies=${COPIES:-200}
say() { printf 'slurm-test: %s\n' "$*"; }
fail() {
  say "FAILED: $*" >&2
  exit 1
}
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- Slurm and MUNGE from the Debian packages ---------------------------------------------
missing=()
for pair in slurmctld:slurmctld slurmd:slurmd sbatch:slurm-client munged:munge jq:jq; do
  command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}")
done
if ((${#missing[@]})); then
  say "installing ${missing[*]}"
  # Keep the packages' init scripts from starting daemons of their own while installing.
  policy=/usr/sbin/policy-rc.d
  made_policy=
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod +x "$policy"
    made_policy=1
  fi
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
  if [ -n "$made_policy" ]; then as_root rm -f "$policy"; fi
fi
if [ ! -x "$bin" ]; then
  say "building $bin"
  (cd "$repo" && cargo build --release --quiet)
fi

# --- A one-node cluster in a temporary folder ---------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/edgegrad-slurm.XXXXXX")
chmod 755 "$work"
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do as_root kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do as_root kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [ -n "${KEEP:-}" ] || [ "$status" -ne 0 ]; then
    say "work folder kept: $work"
  else
    as_root rm -rf "$work"
  fi
}
trap cleanup EXIT
# Starts a daemon that writes its pid to FILE, and remembers the pid to stop it at the end.
start() {
  local pidfile=$1
  shift
  as_root "$@"
  for _ in $(seq 100); do [ -s "$pidfile" ] && break; sleep 0.1; done
  [ -s "$pidfile" ] || fail "$1 did not start (see $work/*.log)"
  pids+=("$(cat "$pidfile")")
}

mkdir -p "$work/munge" "$work/spool" "$work/state"
chmod 700 "$work/munge"
head -c 1024 /dev/urandom >"$work/munge/munge.key"
chmod 400 "$work/munge/munge.key"
start "$work/munge/munged.pid" munged --key-file="$work/munge/munge.key" \
  --socket="$work/munge/socket" --pid-file="$work/munge/munged.pid" \
  --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" --force

node=$(hostname -s)
port=$((20000 + RANDOM % 20000))
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<EOF
ClusterName=edgegrad-test
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$work/munge/socket
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SlurmdParameters=config_overrides
ReturnToService=2
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
NodeName=$node NodeAddr=127.0.0.1 CPUs=16 RealMemory=16384 State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
start "$work/slurmctld.pid" slurmctld -f "$SLURM_CONF" -i
start "$work/slurmd.pid" slurmd -f "$SLURM_CONF" -N "$node"
for _ in $(seq 120); do
  [ "$(sinfo -h -n "$node" -o %t 2>/dev/null)" = idle ] && break
  sleep 0.5
done
[ "$(sinfo -h -n "$node" -o %t)" = idle ] || fail "the node is not idle: $(sinfo -h -o '%t %E')"
say "cluster up: node $node, 16 CPUs declared, slurmctld on port $port"

# --- The README's job file, with this machine's paths -------------------------------------
photos=$work/photos
out=$work/edges
awk '/^```sh$/ { getline line; if (line ~ /^#!\/bin\/bash/) { p = 1; print line }; next }
     p && /^```$/ { exit } p' "$repo/README.md" >"$work/readme.sbatch"
grep -q '#SBATCH --array' "$work/readme.sbatch" || fail "no Slurm job file found in README.md"
sed -e "s#/data/photos#$photos#g" -e "s#/scratch/\$USER/edges#$out#g" \
  "$work/readme.sbatch" >"$work/edges.sbatch"
grep -q "$photos $out" "$work/edges.sbatch" ||
  fail "the README's job file no longer reads /data/photos into /scratch/\$USER/edges"
diff "$work/readme.sbatch" "$work/edges.sbatch" | sed 's/^/    /' || true
# The README's merging of the reports (its first jq command).
awk '/^Merging the per-shard reports/ { f = 1 } f && /^```sh$/ { p = 1; next }
     p && /^```$/ { exit } p' "$repo/README.md" >"$work/merge.sh"
grep -q 'report.json' "$work/merge.sh" || fail "no report merging found in README.md"

# --- Sample photos: the shared samples (or the repository's), copied into a tree ------------
samples=${SAMPLES:-}
for dir in "$repo/../shared/images" /work/shared/images "$repo/assets"; do
  if [ -z "$samples" ] && compgen -G "$dir/*.png" >/dev/null; then samples=$dir; fi
done
for i in $(seq "$copies"); do
  dest=$photos/batch$((i % 10))/set$i
  mkdir -p "$dest"
  cp "$samples"/*.png "$dest/"
done
(cd "$photos" && find . -type f | sed 's#^\./##' | sort) >"$work/inputs.txt"
total=$(wc -l <"$work/inputs.txt")
say "$total photos ($(ls "$samples"/*.png | wc -l) from $samples, $copies copies)"
export PATH=$(dirname "$bin"):$PATH

# Submits the job file (extra sbatch options first) and waits for the whole array.
submit() {
  (cd "$work" && sbatch --parsable "$@" edges.sbatch)
}
wait_job() {
  for _ in $(seq 1200); do
    [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && return 0
    sleep 0.5
  done
  fail "job $1 did not end in 10 minutes"
}
# Merges the reports with the README's command; prints the merged report's totals.
merged() {
  (cd "$work" && bash merge.sh >/dev/null)
  jq -c .totals "$work/report.json"
}
# Every output is a whole picture: edgegrad itself reads them all back.
check_outputs() {
  local n
  n=$(find "$out" -name '*.png' | wc -l)
  rm -rf "$work/check"
  "$bin" batch "$out" "$work/check" --threshold 0.5 --quiet --report "$work/check.json" ||
    fail "some outputs do not decode: $(jq -c '[.files[] | select(.status == "failed")]' "$work/check.json")"
  [ "$(jq .totals.ok "$work/check.json")" -eq "$n" ] || fail "not every output was read back"
  echo "$n"
}
temporaries() { find "$out" -name '*.tmp' | wc -l; }
# How many of the watched shard's outputs exist.
shard_done() {
  local n=0 f
  while read -r f; do if [ -e "$out/$f" ]; then n=$((n + 1)); fi; done <"$work/shard-outputs.txt"
  echo "$n"
}
fresh() { rm -rf "$out" "$work/reports" "$work/logs" "$work/report.json" && mkdir -p "$work/logs"; }

# 1. The whole array: every photo exactly once.
fresh
job=$(submit --wait) || fail "the array failed: $(tail -n 3 "$work"/logs/*.out)"
reports=$(ls "$work"/reports/report-*.json | wc -l)
[ "$reports" -eq 16 ] || fail "$reports reports instead of 16"
totals=$(merged)
jq -r '.files[].input' "$work/report.json" >"$work/processed.txt"
diff -q "$work/inputs.txt" "$work/processed.txt" >/dev/null ||
  fail "the merged report does not list every photo exactly once"
[ "$(jq '[.files[] | select(.status == "ok")] | length' "$work/report.json")" -eq "$total" ] ||
  fail "not every photo succeeded: $totals"
[ "$(check_outputs)" -eq "$total" ] || fail "not one output per photo"
[ "$(temporaries)" -eq 0 ] || fail "temporary files left"
say "1. array $job: 16 shards, $total photos each processed exactly once, $total whole outputs ($totals)"

# The photos of one shard, to watch it: those a run with --shard K/16 over the whole output
# skips.
kill_task=5
"$bin" batch "$photos" "$out" --canny --quiet --skip-existing --shard "$kill_task/16" \
  --report "$work/shard.json"
jq -r '.files[].output' "$work/shard.json" >"$work/shard-outputs.txt"
shard_total=$(wc -l <"$work/shard-outputs.txt")

# 2. Resubmitted: nothing to do.
find "$out" -type f -printf '%p %T@ %s\n' | sort >"$work/before.txt"
rm -rf "$work/reports"
job=$(submit --wait) || fail "the resubmitted array failed"
totals=$(merged)
[ "$(jq .totals.skipped "$work/report.json")" -eq "$total" ] &&
  [ "$(jq .totals.ok "$work/report.json")" -eq 0 ] || fail "the resubmitted array did work: $totals"
find "$out" -type f -printf '%p %T@ %s\n' | sort >"$work/after.txt"
diff -q "$work/before.txt" "$work/after.txt" >/dev/null || fail "the resubmitted array changed outputs"
say "2. array $job resubmitted: all $total skipped, no output touched ($totals)"

# 3. A fresh run with task $kill_task cancelled mid-run, then resubmitted.
fresh
job=$(submit)
done_at_kill=0
for _ in $(seq 6000); do
  done_at_kill=$(shard_done)
  [ "$done_at_kill" -gt 0 ] && break
  [ -z "$(squeue -h -j "$job")" ] && break
  sleep 0.05
done
scancel "${job}_$kill_task"
wait_job "$job"
done_after=$(shard_done)
[ "$done_after" -lt "$shard_total" ] ||
  fail "task $kill_task finished before it was cancelled ($done_after of $shard_total)"
state=$(grep -h -o 'CANCELLED[^*]*' "$work/logs/edges-${job}_$kill_task.out" | head -1 || true)
left=$(temporaries)
whole=$(check_outputs)
[ "$whole" -eq $((total - shard_total + done_after)) ] ||
  fail "$whole outputs after the cancel, expected $((total - shard_total + done_after))"
say "3. array $job: task $kill_task cancelled (${state:-cancelled}) with $done_after of its $shard_total outputs written;" \
  "all $whole outputs whole, $left temporary file(s) left by the killed task"
rm -rf "$work/reports"
job=$(submit --wait) || fail "the array resubmitted after the cancel failed"
totals=$(merged)
[ "$(check_outputs)" -eq "$total" ] || fail "outputs missing after the resubmission"
[ "$(temporaries)" -eq 0 ] || fail "temporary files left after the resubmission"
ok=$(jq .totals.ok "$work/report.json")
[ "$ok" -eq $((shard_total - done_after)) ] ||
  fail "the resubmission processed $ok photos, expected $((shard_total - done_after))"
[ "$(jq .totals.files "$work/report.json")" -eq "$total" ] || fail "files missing from the reports"
say "   array $job resubmitted: the $ok missing photos processed, the rest skipped;" \
  "$total whole outputs, no temporary file ($totals)"
say "passed"
