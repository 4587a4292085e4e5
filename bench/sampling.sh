#!/usr/bin/env bash
# bench/sampling.sh — issue 4's figures: the CPU time of one sampling sweep over 1,000 managed instances and
# `tend ls --json` at 1,000 instances, beside `ps -e -o pid,stat,rss,time` (and ps over exactly those
# processes), measured in one sitting. Prints a markdown section on stdout; progress goes to stderr.
#
#   bench/sampling.sh [--quick] [TEND_BINARY]     (default build/tend; `bench/run.sh` appends it to RESULTS.md)
#
# Runs its own daemon in a private TEND_HOME under /tmp, with its own 1,000 /bin/sleep instances, and stops
# both (by `tend shutdown`, then by pid) at exit.
set -uo pipefail

. "$(dirname "$0")/common.sh"
bench_args sampling.sh 9 "$@"
BENCH_TAG=sampling
[ -x "$TEND" ] || { echo "sampling.sh: no tend binary at $TEND" >&2; exit 1; }

N=1000
INTERVAL_MS=250
if [ "$QUICK" = 1 ]; then SWEEPS=12; LS_ROUNDS=8; PS_ROUNDS=8; else SWEEPS=40; LS_ROUNDS=25; PS_ROUNDS=25; fi

W=$(mktemp -d /tmp/tend-bench-sampling.XXXXXX)
export TEND_HOME="$W/home"
export TEND_SAMPLE_INTERVAL="${INTERVAL_MS}ms"   # the daemon's interval for memory limits
DAEMON=""
cleanup() {
  set +e
  if [ -n "$DAEMON" ] && kill -0 "$DAEMON" 2>/dev/null; then
    timeout 60 "$TEND" shutdown >/dev/null 2>&1
    kill -0 "$DAEMON" 2>/dev/null && kill -KILL "$DAEMON"
  fi
  rm -rf "$W"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cc -O2 -Wall -o "$W/timeit" "$BENCH/timeit.c" || { log "cc timeit.c failed"; exit 1; }
tend() { timeout 180 "$TEND" "$@"; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
minmax() { sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%s–%s", lo, hi }'; }
metric() { tend metrics | awk -v m="$1" '$1 == m { print $2 }'; }
fmt() { awk -v v="$1" 'BEGIN { printf (v < 10 ? "%.2f" : "%.1f"), v }'; }

BUSY_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
log "starting $N instances (and the daemon, as the first client does)"
tend start --name s --instances "$N" --min-uptime 0 -- /bin/sleep 100000 >/dev/null || exit 1
DAEMON=$(tr -dc 0-9 <"$TEND_HOME/tend.pid")
log "daemon pid $DAEMON"
tend wait s --for running --timeout 120s >/dev/null || exit 1
PIDS=$(tend ls --json | python3 -c 'import json, sys; print(",".join(str(i["pid"]) for i in json.load(sys.stdin)))')
sleep 1

# ---- one sweep with a `tend top` attached: stat + status (context switches) + the fd count of each
ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
log "sweeps for a top client: $SWEEPS at ${INTERVAL_MS}ms"
S0=$(metric tend_sampler_sweeps_total); C0=$(metric tend_sampler_cpu_seconds_total); T0=$(ticks "$DAEMON")
tend top --batch -n $((SWEEPS + 1)) --interval "${INTERVAL_MS}ms" >"$W/top.out" &
TOP=$!
LAST=()
while kill -0 "$TOP" 2>/dev/null; do
  sleep 0.6
  v=$(metric tend_sampler_last_sweep_cpu_seconds); [ -n "$v" ] && LAST+=("$v")
done
wait "$TOP"
S1=$(metric tend_sampler_sweeps_total); C1=$(metric tend_sampler_cpu_seconds_total); T1=$(ticks "$DAEMON")
TOP_SWEEPS=$((S1 - S0))
TOP_MEAN=$(awk -v a="$C0" -v b="$C1" -v n="$TOP_SWEEPS" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }')
TOP_LAST_MED=$(printf '%s\n' "${LAST[@]}" | awk '{ print $1 * 1000 }' | median)
TOP_LAST_RANGE=$(printf '%s\n' "${LAST[@]}" | awk '{ printf "%.2f\n", $1 * 1000 }' | minmax)
HZ=$(getconf CLK_TCK)
DAEMON_PER_SWEEP=$(awk -v a="$T0" -v b="$T1" -v n="$TOP_SWEEPS" -v hz="$HZ" 'BEGIN { printf "%.2f", (b - a) * 1000 / hz / n }')
ROWS=$(grep -c '^s:' "$W/top.out")
log "top sweeps: $TOP_SWEEPS, mean $TOP_MEAN ms CPU"

# ---- one sweep for memory limits only: /proc/PID/stat of each limited instance
log "sweeps for memory limits: $N instances with --max-memory"
tend delete s >/dev/null || exit 1
tend start --name m --instances "$N" --min-uptime 0 --max-memory 1G -- /bin/sleep 100000 >/dev/null || exit 1
tend wait m --for running --timeout 120s >/dev/null || exit 1
sleep 1
S0=$(metric tend_sampler_sweeps_total); C0=$(metric tend_sampler_cpu_seconds_total)
sleep "$(awk -v n="$SWEEPS" -v i="$INTERVAL_MS" 'BEGIN { print n * i / 1000 }')"
S1=$(metric tend_sampler_sweeps_total); C1=$(metric tend_sampler_cpu_seconds_total)
MEM_SWEEPS=$((S1 - S0))
MEM_MEAN=$(awk -v a="$C0" -v b="$C1" -v n="$MEM_SWEEPS" 'BEGIN { printf "%.3f", (b - a) * 1000 / n }')
tend delete m >/dev/null || exit 1
tend start --name s --instances "$N" --min-uptime 0 -- /bin/sleep 100000 >/dev/null || exit 1
tend wait s --for running --timeout 120s >/dev/null || exit 1
PIDS=$(tend ls --json | python3 -c 'import json, sys; print(",".join(str(i["pid"]) for i in json.load(sys.stdin)))')
sleep 1
ACTIVE_AFTER=$(metric tend_sampler_active)

# ---- ps beside them, and ls --json at 1,000 instances (whole client runs, interleaved)
log "ls --json and ps: $LS_ROUNDS interleaved rounds"
PROCS=$(ps -e --no-headers | wc -l)
"$W/timeit" "$LS_ROUNDS" 2 ls "$TEND" ls --json :: ps_all ps -e -o pid,stat,rss,time :: \
  ps_same ps -o pid,stat,rss,time -p "$PIDS" >"$W/runs.tsv" || log "some timed runs failed"
col() { awk -F'\t' -v l="$1" -v c="$2" '$1 == l { print $c }' "$W/runs.tsv"; }
LS_WALL=$(col ls 2 | median); LS_RANGE=$(col ls 2 | minmax); LS_CPU=$(col ls 3 | median)
PSA_WALL=$(col ps_all 2 | median); PSA_RANGE=$(col ps_all 2 | minmax); PSA_CPU=$(col ps_all 3 | median)
PSS_WALL=$(col ps_same 2 | median); PSS_RANGE=$(col ps_same 2 | minmax); PSS_CPU=$(col ps_same 3 | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }

cat <<EOF

## Sampling and listing at $N instances (issue 4)

Written by \`bench/sampling.sh\`; command: \`$([ "$QUICK" = 1 ] && echo "bench/sampling.sh --quick" || echo "bench/sampling.sh") ${TEND_ARG}\` (also run by \`make bench\`).

- date: $(date -u '+%Y-%m-%d %H:%M UTC')
- machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores, $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), $(uname -sr)
- machine state: load average $BUSY_LOAD before, $(cut -d' ' -f1-3 /proc/loadavg) after ($PROCS processes; other work on the machine shares the CPUs)
- $N instances of \`/bin/sleep 100000\` in one program; daemon sampling interval ${INTERVAL_MS} ms
- sweep CPU time: the daemon's own thread CPU clock around each periodic sweep (reading /proc, computing the figures, checking limits, building and queueing the sample message), from \`tend metrics\` (\`tend_sampler_cpu_seconds_total\` / \`tend_sampler_sweeps_total\`)

| sweep over $N instances | reads per instance | sweeps | CPU per sweep (mean) | last-sweep samples (median, min–max) |
|---|---|---|---|---|
| a \`tend top\` attached | stat, status (or every thread's), fd directory | $TOP_SWEEPS | $(fmt "$TOP_MEAN") ms | $(fmt "$TOP_LAST_MED") ms, ${TOP_LAST_RANGE} ms |
| memory limits only (\`--max-memory\`) | stat (through the descriptor kept open) | $MEM_SWEEPS | $(fmt "$MEM_MEAN") ms | |

- the whole daemon while a top was attached: $DAEMON_PER_SWEEP ms CPU per sweep (utime+stime of the daemon over the window, clock ticks of 1/$HZ s; includes answering \`tend metrics\`), $ROWS rows streamed to it
- with no consumer left the sampler stops: \`tend_sampler_active\` = $ACTIVE_AFTER afterwards

| whole client run ($LS_ROUNDS interleaved rounds, process start included) | wall median | min–max | CPU median | wall × \`ps -e\` |
|---|---|---|---|---|
| \`tend ls --json\` ($N instances) | $(fmt "$LS_WALL") ms | $LS_RANGE | $(fmt "$LS_CPU") ms (client only) | $(ratio "$LS_WALL" "$PSA_WALL") |
| \`ps -e -o pid,stat,rss,time\` ($PROCS processes) | $(fmt "$PSA_WALL") ms | $PSA_RANGE | $(fmt "$PSA_CPU") ms | 1× |
| \`ps -o pid,stat,rss,time -p\` the $N instances | $(fmt "$PSS_WALL") ms | $PSS_RANGE | $(fmt "$PSS_CPU") ms | $(ratio "$PSS_WALL" "$PSA_WALL") |

One top sweep reads what that \`ps -p\` run reads of the same $N processes (\`/proc/PID/stat\` and \`status\`)
plus their fd directories, for $(awk -v a="$TOP_MEAN" -v b="$PSS_CPU" 'BEGIN { printf "%.2f", a / b }')× its CPU time (the \`ps\` figure includes its own process start).
EOF
log "done"
