#!/usr/bin/env bash
# bench/ipc.sh — messages through tend beside a raw socketpair, in one sitting; prints a markdown section.
#
#   bench/ipc.sh [--quick] [TEND_BINARY]      (bench/run.sh appends its output to bench/RESULTS.md)
#
# Measures round-trip latency and messages/s of: a raw socketpair between two processes (the baseline),
# `send` requests on tend's control socket, the `tend send --wait-reply` command, and one child messaging
# another through tend ({"tend":"send","to":...}). Every child is bench/ipcpeer; everything runs from a
# private TEND_HOME under bench/work-ipc/ and is stopped at exit by pid.
set -uo pipefail

. "$(dirname "$0")/common.sh"
bench_args ipc.sh 10 "$@"
BENCH_TAG=bench-ipc
W="$BENCH/work-ipc"
if [ "$QUICK" = 1 ]; then RTT_N=2000; FLOOD_K=20000; CLI_N=30; ROUTE_N=2000; ROUTE_K=20000
else RTT_N=20000; FLOOD_K=200000; CLI_N=200; ROUTE_N=10000; ROUTE_K=100000; fi

rm -rf "$W"
mkdir -p "$W"
export TEND_HOME="$W/home"
tend() { timeout 120 "$TEND" "$@"; }
cleanup() {
  local daemon
  daemon=$(cat "$TEND_HOME/tend.pid" 2>/dev/null)
  [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null && timeout 30 "$TEND" shutdown >/dev/null 2>&1
  [ -n "$daemon" ] && kill -0 "$daemon" 2>/dev/null && kill -KILL "$daemon" 2>/dev/null
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Other work on the machine (2 cores shared by several builders) skews every figure: wait up to 3 minutes
# for it to calm down, and say how busy it was.
BUSY=$(cpu_busy)
if [ "$QUICK" = 0 ]; then
  for i in $(seq 1 45); do
    [ "$BUSY" -le 10 ] && break
    [ "$i" = 1 ] && log "the machine is $BUSY% busy with other work; waiting up to 3 minutes for it to calm down"
    BUSY=$(cpu_busy)
  done
fi
BUSY_NOTE="$BUSY% CPU busy with other work, load average $(cut -d' ' -f1-3 /proc/loadavg) before the run"

for p in ipcpeer ipcraw ipcsend timeit; do cc -O2 -Wall -o "$W/$p" "$BENCH/$p.c" || die "cc $p.c failed"; done
PEER="$W/ipcpeer"
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

log "raw socketpair"
RAW_RTT=$("$W/ipcraw" "$PEER" rtt "$RTT_N") || die "ipcraw rtt"
RAW_FLOOD=$("$W/ipcraw" "$PEER" flood "$FLOOD_K") || die "ipcraw flood"

log "tend: starting the peers"
tend start --name echo --ready ipc --min-uptime 0 -- "$PEER" echo >/dev/null || die "tend start echo"
tend start --name last --ready ipc --min-uptime 0 -- "$PEER" reply-last >/dev/null || die "tend start last"
tend start --name b --ready ipc --min-uptime 0 -- "$PEER" route-back a >/dev/null || die "tend start b"
tend start --name a --ready ipc --min-uptime 0 -- "$PEER" route-bench b "$ROUTE_N" "$ROUTE_K" >/dev/null ||
  die "tend start a"
tend wait echo last a b --for running --timeout 30s >/dev/null || die "the peers did not become ready"

log "tend: send requests on the control socket"
SEND_RTT=$("$W/ipcsend" "$TEND_HOME/tend.sock" echo rtt "$RTT_N") || die "ipcsend rtt"
SEND_FLOOD=$("$W/ipcsend" "$TEND_HOME/tend.sock" last flood "$FLOOD_K" 64) || die "ipcsend flood"

log "tend: the tend send command"
"$W/timeit" "$CLI_N" 3 send "$TEND" send echo '{"seq":1}' --wait-reply 5s >"$W/cli.tsv" || die "tend send failed"
CLI_MS=$(awk -F'\t' '{ print $2 }' "$W/cli.tsv" | sort -n | awk '{ a[NR] = $1 } END { printf "%.2f %.2f", a[int((NR + 1) / 2)], a[int(NR * 0.99 + 0.5)] }')

log "tend: child to child"
tend send a '"go"' >/dev/null || die "tend send a go"
ROUTE=""
for i in $(seq 1 600); do
  ROUTE=$(grep -m1 -o 'RESULT.*' "$TEND_HOME/logs/a-0.out.log" 2>/dev/null) && [ -n "$ROUTE" ] && break
  sleep 0.1
done
[ -n "$ROUTE" ] || die "the routing bench did not finish (see $TEND_HOME/logs/a-0.*.log)"
DROPPED=$(grep -c 'message_dropped' "$TEND_HOME/tend.log")
VERSION=$("$TEND" version)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f×", a / b; else print "-" }'; }
RAW_P50=$(field rtt_p50_us "$RAW_RTT"); RAW_P99=$(field rtt_p99_us "$RAW_RTT"); RAW_MPS=$(field msgs_per_s "$RAW_FLOOD")
S_P50=$(field rtt_p50_us "$SEND_RTT"); S_P99=$(field rtt_p99_us "$SEND_RTT"); S_MPS=$(field msgs_per_s "$SEND_FLOOD")
C_P50=$(awk -v m="${CLI_MS% *}" 'BEGIN { printf "%.0f", m * 1000 }'); C_P99=$(awk -v m="${CLI_MS#* }" 'BEGIN { printf "%.0f", m * 1000 }')
R_P50=$(field rtt_p50_us "$ROUTE"); R_P99=$(field rtt_p99_us "$ROUTE"); R_MPS=$(field msgs_per_s "$ROUTE")
num() {  # 1234567 -> 1,234,567
  awk -v x="$1" 'BEGIN { s = sprintf("%.0f", x); out = "";
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    print s out }'
}

cat <<MD

## 8. Messages: tend send and child-to-child routing beside a raw socketpair

Written by \`bench/ipc.sh\` (command: \`bench/ipc.sh${QUICK:+$([ "$QUICK" = 1 ] && echo " --quick")} $TEND_ARG\`), $(date -u '+%Y-%m-%d %H:%M UTC'), $VERSION;
$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(nproc) cores; $BUSY_NOTE, $(cut -d' ' -f1-3 /proc/loadavg) at the end.
Every child is \`bench/ipcpeer\` speaking the channel's framing (one JSON document per line) on \`TEND_IPC_FD\`.
Round trip: a message out and the child's answer back, one at a time ($(num "$RTT_N") of them; $(num "$ROUTE_N") for routing),
median and 99th percentile. Messages/s: a stream of small messages (\`{"seq":N}\`) until the child has read the last
($(num "$FLOOD_K"); $(num "$ROUTE_K") for routing).

- raw: \`ipcraw\`: the same child on a socketpair, no tend in between (blocking writes; the kernel paces the stream)
- tend \`send\` (protocol): \`ipcsend\`: \`{"cmd":"send"}\` requests on \`tend.sock\` — round trip with \`wait_reply_ms\`;
  the stream pipelined with at most 64 unanswered requests, the last one waiting for the child's reply
- \`tend send --wait-reply\`: the command itself, client start included ($(num "$CLI_N") runs, \`bench/timeit\`)
- routing: child \`a\` sends \`{"tend":"send","to":"b","data":…}\`, \`b\` routes it back to \`a\` the same way (two
  hops through the daemon per round trip); the stream from \`a\` to \`b\` asks \`b\` to answer every 256th
  message and keeps at most 8 such answers outstanding (tend drops what a child does not read, so the stream
  is paced); $DROPPED message(s) were dropped during the run

| path | round trip p50 | p99 | × raw (p50) | messages/s | × raw |
|---|---|---|---|---|---|
| raw socketpair | $RAW_P50 µs | $RAW_P99 µs | 1× | $(num "$RAW_MPS") | 1× |
| tend \`send\` (protocol) | $S_P50 µs | $S_P99 µs | $(ratio "$S_P50" "$RAW_P50") | $(num "$S_MPS") | $(awk -v a="$S_MPS" -v b="$RAW_MPS" 'BEGIN { printf "%.2f×", a / b }') |
| \`tend send --wait-reply\` (command) | $(num "$C_P50") µs | $(num "$C_P99") µs | $(ratio "$C_P50" "$RAW_P50") | $(awk -v m="${CLI_MS% *}" 'BEGIN { printf "%.0f", 1000 / m }') (one at a time) | |
| child → tend → child | $R_P50 µs | $R_P99 µs | $(ratio "$R_P50" "$RAW_P50") | $(num "$R_MPS") | $(awk -v a="$R_MPS" -v b="$RAW_MPS" 'BEGIN { printf "%.2f×", a / b }') |
MD
