#!/usr/bin/env bash
# bench/jobs.sh — tend's job queue against xargs -P2, GNU parallel -j2, task-spooler (tsp) and a raw 2-wide
# posix_spawn loop, in one sitting; then a mixed workload of short and long CPU-bound jobs under each policy.
# Prints a markdown section on stdout (bench/run.sh appends it to bench/RESULTS.md).
#
#   bench/jobs.sh [--quick] [TEND_BINARY]        (default build/tend)
#
# Installs its peers if missing (Debian: parallel, task-spooler). Every tool runs from a private directory
# under bench/work/jobs (TEND_HOME, TS_SOCKET and TMPDIR for tsp, HOME for parallel); a second tend daemon
# runs with its TEND_HOME on tmpfs (/dev/shm), where tend's default home ($XDG_RUNTIME_DIR/tend) lives on a
# systemd machine. Everything started here is stopped at exit by pid, never by name. Repetitions are
# interleaved between tools; the figure is the median.
set -uo pipefail

. "$(dirname "$0")/common.sh"
bench_args jobs.sh 12 "$@"
BENCH_TAG=jobs
W="$BENCH/work/jobs"
if [ "$QUICK" = 1 ]; then N=500; REPS=1; else N=2000; REPS=3; fi

[ -x "$TEND" ] || die "no tend binary at $TEND"

rm -rf "$W"
mkdir -p "$W/tsp-tmp" "$W/parallel-home"
missing=()
command -v parallel >/dev/null || missing+=(parallel)
command -v tsp >/dev/null || missing+=(task-spooler)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y "${missing[@]}" >"$W/apt.log" 2>&1 ||
    { apt-get update >>"$W/apt.log" 2>&1 && apt-get install -y "${missing[@]}" >>"$W/apt.log" 2>&1; } ||
    die "apt-get install ${missing[*]} failed (see $W/apt.log)"
fi
cc -O2 -Wall -o "$W/spawn2" "$BENCH/spawn2.c" || die "cc spawn2.c failed"
cc -O2 -Wall -o "$W/spin" "$BENCH/spin.c" || die "cc spin.c failed"

HOME_DISK="$W/tend-home"
HOME_TMPFS=""
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ]; then HOME_TMPFS=$(mktemp -d /dev/shm/tend-bench.XXXXXX); fi
export TS_SOCKET="$W/tsp.sock" TS_MAXFINISHED=$((N + 10))
DAEMONS=()
cleanup() {
  local rc=$? h p
  set +e
  for h in "$HOME_DISK" $HOME_TMPFS; do TEND_HOME="$h" timeout 30 "$TEND" shutdown >/dev/null 2>&1; done
  TMPDIR="$W/tsp-tmp" timeout 10 tsp -K >/dev/null 2>&1
  for p in "${DAEMONS[@]}"; do kill -0 "$p" 2>/dev/null && kill -KILL "$p"; done
  [ -n "$HOME_TMPFS" ] && rm -rf "$HOME_TMPFS"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
rate() { awk -v n="$N" -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", n * 1e6 / (b - a) }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }

BUSY=$(cpu_busy)
if [ "$BUSY" -gt 10 ] && [ "$QUICK" = 0 ]; then
  log "the machine is $BUSY% busy with other work; waiting up to 3 minutes for it to calm down"
  for i in $(seq 1 45); do [ "$BUSY" -le 10 ] && break; sleep 2; BUSY=$(cpu_busy); done
fi
BUSY_BEFORE="$BUSY% CPU busy, load average $(cut -d' ' -f1-3 /proc/loadavg)"

start_tend() {  # home
  TEND_HOME="$1" timeout 30 "$TEND" queue set bench --slots 2 --policy fcfs >/dev/null || die "tend did not start ($1)"
  DAEMONS+=("$(tr -dc 0-9 <"$1/tend.pid")")
}
start_tend "$HOME_DISK"
[ -n "$HOME_TMPFS" ] && start_tend "$HOME_TMPFS"
TMPDIR="$W/tsp-tmp" tsp -S 2 >/dev/null || die "tsp -S 2 failed"

# Each returns the jobs/s of one run of N jobs of `true` (each gets its number as an argument).
run_tend() {  # home
  local before after t0 t1
  before=$(TEND_HOME="$1" "$TEND" job stats --queue bench --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["jobs"]["done"])')
  t0=$(now_us)
  seq "$N" | TEND_HOME="$1" "$TEND" job submit --lines --queue bench -- true >/dev/null || return 1
  TEND_HOME="$1" "$TEND" job wait --queue bench >/dev/null || return 1
  t1=$(now_us)
  after=$(TEND_HOME="$1" "$TEND" job stats --queue bench --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["jobs"]["done"])')
  [ $((after - before)) = "$N" ] || { log "tend: $((after - before)) of $N jobs done"; return 1; }
  rate "$t0" "$t1"
}
run_xargs() { local t0; t0=$(now_us); seq "$N" | xargs -P2 -n1 true || return 1; rate "$t0" "$(now_us)"; }
run_parallel() {
  local t0; t0=$(now_us)
  seq "$N" | HOME="$W/parallel-home" TMPDIR="$W" parallel --will-cite -j2 true || return 1
  rate "$t0" "$(now_us)"
}
run_tsp() {
  local t0 t1 i last=0 done_count
  TMPDIR="$W/tsp-tmp" tsp -C >/dev/null
  t0=$(now_us)
  for i in $(seq "$N"); do last=$(TMPDIR="$W/tsp-tmp" tsp true "$i") || return 1; done
  TMPDIR="$W/tsp-tmp" tsp -w "$((last - 1))" >/dev/null 2>&1; TMPDIR="$W/tsp-tmp" tsp -w "$last" >/dev/null 2>&1
  t1=$(now_us)
  done_count=$(TMPDIR="$W/tsp-tmp" tsp -l | grep -c ' finished ')
  [ "$done_count" -ge "$N" ] || { log "tsp: $done_count of $N finished"; return 1; }
  rm -f "$W"/tsp-tmp/ts-out.*
  rate "$t0" "$t1"
}
run_raw() { local t0; t0=$(now_us); "$W/spawn2" "$N" true || return 1; rate "$t0" "$(now_us)"; }

TOOLS=(tend-disk xargs parallel tsp raw)
[ -n "$HOME_TMPFS" ] && TOOLS=(tend-disk tend-tmpfs xargs parallel tsp raw)
: >"$W/rates.tsv"
for rep in $(seq 1 "$REPS"); do
  for tool in "${TOOLS[@]}"; do
    sleep 1
    case "$tool" in
      tend-disk) r=$(run_tend "$HOME_DISK") ;;
      tend-tmpfs) r=$(run_tend "$HOME_TMPFS") ;;
      *) r=$("run_$tool") ;;
    esac
    if [ -n "$r" ]; then printf '%s\t%s\n' "$tool" "$r" >>"$W/rates.tsv"; log "$tool: $r jobs/s"; else log "$tool failed"; fi
  done
done
rates_of() { awk -v t="$1" -F'\t' '$1 == t { print $2 }' "$W/rates.tsv"; }

# ---- the mixed workload: 4 long and 12 short CPU-bound jobs on 2 slots, long ones submitted first (the
# convoy FCFS suffers from); priority marks the short ones urgent, sjf is told each job's length.
LONG=400; SHORT=20
mix() {  # policy extra-queue-options...
  local policy="$1" q="mix-$1" i; shift
  TEND_HOME="$HOME_DISK" "$TEND" queue set "$q" --slots 2 --policy "$policy" "$@" >/dev/null || return 1
  TEND_HOME="$HOME_DISK" "$TEND" queue pause "$q" >/dev/null
  for i in 1 2 3 4; do
    TEND_HOME="$HOME_DISK" "$TEND" job submit --queue "$q" --name long --priority 0 --estimate "${LONG}ms" -- "$W/spin" "$LONG" >/dev/null
  done
  for i in $(seq 1 12); do
    TEND_HOME="$HOME_DISK" "$TEND" job submit --queue "$q" --name short --priority 1 --estimate "${SHORT}ms" -- "$W/spin" "$SHORT" >/dev/null
  done
  TEND_HOME="$HOME_DISK" "$TEND" queue resume "$q" >/dev/null
  TEND_HOME="$HOME_DISK" "$TEND" job wait --queue "$q" >/dev/null || return 1
  TEND_HOME="$HOME_DISK" "$TEND" job ls --queue "$q" --json >"$W/mix-$policy.json"
}
log "mixed workload"
MIX_OK=()
mix fcfs && MIX_OK+=(fcfs)
mix priority --aging 10s && MIX_OK+=(priority)
mix sjf && MIX_OK+=(sjf)
mix rr --quantum 50ms && MIX_OK+=(rr)
mix mlfq --levels 3 --quantum 25ms --aging 1s && MIX_OK+=(mlfq)

# ---- report
X=$(rates_of xargs | median)
row() {  # tool how
  local m all
  m=$(rates_of "$1" | median); all=$(rates_of "$1" | paste -sd' ' | sed 's/ /, /g')
  # The description goes through the environment: awk -v would eat the backslash of "\|".
  HOW="$2" awk -v t="$1" -v m="$m" -v a="$all" -v x="$X" 'BEGIN {
    h = ENVIRON["HOW"]
    ratio = (m == "-" || x == "-" || x == 0) ? "-" : sprintf("%.2f×", m / x);
    printf "| %s | %s | %s | %s | %s |\n", t, h, m, a, ratio }'
}
RATE_ROWS=$(
  row tend-disk "\`tend job submit --lines\` + \`tend job wait\` (jobs.db and two log files per job on ext4)"
  [ -n "$HOME_TMPFS" ] && row tend-tmpfs "the same, TEND_HOME on tmpfs"
  row xargs "\`seq $N \\| xargs -P2 -n1 true\`"
  row parallel "\`seq $N \\| parallel -j2 true\`"
  row tsp "\`tsp -S 2\`, then \`tsp true I\` per job (no batch submit), \`tsp -w\`"
  row raw "\`spawn2 $N true\`: posix_spawn, two at a time, wait"
)
target() {  # tool
  local m; m=$(rates_of "$1" | median)
  awk -v t="$1" -v m="$m" -v x="$X" 'BEGIN {
    if (m == "-" || x == "-" || x == 0) { printf "%s: no figure", t; exit }
    r = m / x; verdict = r >= 1 ? "PASS" : sprintf("**MISS** by %.0f%%", 100 * (1 - r)); printf "%s %.2f× (%s)", t, r, verdict }'
}
TARGET_LINE="**Target: tend ≥ 1.0× xargs.** $(target tend-disk)$([ -n "$HOME_TMPFS" ] && echo "; $(target tend-tmpfs)")."
TEND_TMPFS_NOTE=""
[ -n "$HOME_TMPFS" ] && TEND_TMPFS_NOTE="; tend-tmpfs: the same with TEND_HOME on tmpfs (/dev/shm), as the default \$XDG_RUNTIME_DIR/tend is on a systemd machine"
cat <<MD

## Job queue: $N jobs of \`true\`, 2 slots (issue 5)

Written by \`bench/jobs.sh\` (appended by \`bench/run.sh\`). Command: \`$([ "$QUICK" = 1 ] && echo "bench/jobs.sh --quick $TEND_ARG" || echo "bench/jobs.sh $TEND_ARG")\`.

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")
- versions: $("$TEND" version | head -1); GNU parallel $(parallel --version 2>/dev/null | head -1 | awk '{ print $3 }'); task-spooler $(dpkg-query -W -f='${Version}' task-spooler 2>/dev/null); $(xargs --version | head -1)
- machine state: $BUSY_BEFORE before; load average $(cut -d' ' -f1-3 /proc/loadavg) at the end
- anchors (the issue's figures for this machine type, for comparison only): xargs 1,901 jobs/s, task-spooler 711, parallel 321, a raw C 2-wide spawn loop 2,557
- jobs/s = $N ÷ the wall time from the first submission until the last job has ended, client start-ups included; $REPS interleaved runs per tool, median shown. Each job runs \`true I\` (I = 1..$N). tend-disk: TEND_HOME on the ext4 work tree, the daemon already running, one \`seq $N | tend job submit --lines --queue bench -- true\` then \`tend job wait --queue bench\`$TEND_TMPFS_NOTE.

| tool | how | jobs/s (median) | runs | × xargs |
|---|---|---|---|---|
$RATE_ROWS

$TARGET_LINE

### Mixed workload under each policy

2 slots; 4 long jobs (\`spin $LONG\`, about $LONG ms of CPU) submitted first, then 12 short ones (\`spin $SHORT\`); the queue is
paused while they are submitted and released at once. priority: short jobs have priority 1, long 0 (aging 10 s);
sjf: \`--estimate\` gives each job's length; rr: quantum 50 ms; mlfq: 3 levels, quantum 25 ms, boost every 1 s.
Times in ms, from \`tend job ls --json\` (the daemon's own measurements).

| policy | mean wait | mean response | mean turnaround | short jobs: mean turnaround | long jobs: mean turnaround | makespan |
|---|---|---|---|---|---|---|
$(for p in "${MIX_OK[@]}"; do python3 - "$W/mix-$p.json" "$p" <<'PY'
import json, sys
jobs = json.load(open(sys.argv[1]))
def mean(xs): return sum(xs) / len(xs) if xs else 0
from datetime import datetime
def t(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%S.%fZ").timestamp() * 1000
short = [j for j in jobs if j["name"] == "short"]; long_ = [j for j in jobs if j["name"] == "long"]
span = max(t(j["end_time"]) for j in jobs) - min(t(j["start_time"]) for j in jobs)
print("| %s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |" % (sys.argv[2], mean([j["wait_ms"] for j in jobs]),
      mean([j["response_ms"] for j in jobs]), mean([j["turnaround_ms"] for j in jobs]),
      mean([j["turnaround_ms"] for j in short]), mean([j["turnaround_ms"] for j in long_]), span))
PY
done)
MD
