#!/usr/bin/env bash
# bench/run.sh — tend against PM2, supervisord, s6 and raw baselines, in one sitting; writes bench/RESULTS.md.
#
#   bench/run.sh [--quick] [TEND_BINARY]        (`make bench` runs `bench/run.sh build/tend`)
#
# Installs its peers if missing (npm: pm2; Debian: supervisor, s6) and touches the network for nothing else.
# Every tool runs from its own private directory under bench/work/ (TEND_HOME, PM2_HOME, a private
# supervisord.conf and socket, a private s6 scan directory); everything started here is stopped at exit by
# pid (and the pids of its descendants), never by name. --quick: fewer repetitions, shorter windows, smaller
# log flood, for development only.
set -uo pipefail

. "$(dirname "$0")/common.sh"
bench_args run.sh 10 "$@"
BENCH_TAG=bench

W="$BENCH/work"

if [ "$QUICK" = 1 ]; then
  START_REPS=3; LS_ROUNDS=10; IDLE_SECS=10; CRASH_SECS=3; CRASH_SLOW_SECS=6; FLOOD_REPS=1
  FLOOD_BYTES=$((100 * 1024 * 1024)); STOP_REPS=2; PSS_SAMPLES=1
else
  START_REPS=7; LS_ROUNDS=25; IDLE_SECS=60; CRASH_SECS=8; CRASH_SLOW_SECS=14; FLOOD_REPS=3
  FLOOD_BYTES=$((500 * 1024 * 1024)); STOP_REPS=5; PSS_SAMPLES=3
fi
N=100            # programs per tool for most figures
N_BIG=1000       # tend's second PSS / ls point
KILL_TIMEOUT_MS=1000
SLEEP_ARGS=(/bin/sleep 100000)

# ---------------------------------------------------------------------------------------------------------
# set-up: peers, helpers, private directories

ensure_peers() {
  local missing=()
  command -v supervisord >/dev/null && command -v supervisorctl >/dev/null || missing+=(supervisor)
  command -v s6-svscan >/dev/null && command -v s6-log >/dev/null || missing+=(s6)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]} (apt)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "${missing[@]}" >"$W/apt.log" 2>&1 ||
      { apt-get update >>"$W/apt.log" 2>&1 && apt-get install -y "${missing[@]}" >>"$W/apt.log" 2>&1; } ||
      die "apt-get install ${missing[*]} failed (see $W/apt.log)"
  fi
  if ! command -v pm2 >/dev/null; then
    log "installing pm2 (npm install -g pm2)"
    npm install -g pm2 >"$W/npm.log" 2>&1 || die "npm install -g pm2 failed (see $W/npm.log)"
  fi
}

# every run starts from scratch; compiled helpers are rebuilt (cheap)
rm -rf "$W"
mkdir -p "$W"
ensure_peers
for src in "$BENCH"/*.c; do
  cc -O2 -Wall -o "$W/$(basename "${src%.c}")" "$src" || die "cc $src failed"
done

SAMPLES="$W/samples.tsv"; META="$W/meta.tsv"
: >"$SAMPLES"; : >"$META"
sample() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$SAMPLES"; }   # figure tool key value
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
note() { log "NOTE: $*"; meta note "$*"; }

export TEND_HOME="$W/tend-home"
export PM2_HOME="$W/pm2-home"
SUP="$W/sup"; SUPCONF="$SUP/supervisord.conf"
S6="$W/s6"; SCAN="$S6/scan"
mkdir -p "$SUP/conf.d" "$SUP/logs" "$S6/scan" "$S6/logs" "$W/logs"

# pids this script is responsible for
TEND_PID=""; PM2_PID=""; SUP_PID=""; S6_PID=""; BG_PIDS=()

tend() { timeout 120 "$TEND" "$@"; }
pm2c() { timeout 120 pm2 "$@"; }
supctl() { timeout 120 supervisorctl -c "$SUPCONF" "$@"; }

now_us() { local t=$EPOCHREALTIME; echo "${t/./}"; }
ms_since() { local t1; t1=$(now_us); awk -v a="$1" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1000 }'; }
alive() { [ -n "${1:-}" ] && kill -0 "$1" 2>/dev/null; }

# all descendants of the given pids (by ppid), deepest last
descendants() {
  ps -e -o pid=,ppid= | awk -v roots="$*" '
    { kids[$2] = kids[$2] " " $1 }
    END { n = split(roots, q, " "); for (i = 1; i <= n; i++) { split(kids[q[i]], k, " ");
            for (j in k) if (k[j] != "") { q[++n] = k[j]; print k[j] } } }'
}

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  log "cleaning up"
  local roots=() p
  for p in "$TEND_PID" "$PM2_PID" "$SUP_PID" "$S6_PID" "${BG_PIDS[@]}"; do alive "$p" && roots+=("$p"); done
  local all=()
  [ ${#roots[@]} -gt 0 ] && mapfile -t all < <(descendants "${roots[@]}")
  for p in "${BG_PIDS[@]}"; do alive "$p" && kill -TERM "$p" 2>/dev/null; done
  alive "$TEND_PID" && timeout 30 "$TEND" shutdown >/dev/null 2>&1
  alive "$PM2_PID" && timeout 30 pm2 kill >/dev/null 2>&1
  alive "$SUP_PID" && timeout 30 supervisorctl -c "$SUPCONF" shutdown >/dev/null 2>&1
  alive "$S6_PID" && timeout 10 s6-svscanctl -t "$SCAN" >/dev/null 2>&1
  local i
  for i in $(seq 1 100); do
    local left=0
    for p in "${roots[@]}"; do alive "$p" && left=1; done
    [ $left = 0 ] && break
    sleep 0.1
  done
  # whatever is left of what we started, and anything that appeared below it meanwhile
  local more=()
  local live=()
  for p in "${roots[@]}"; do alive "$p" && live+=("$p"); done
  [ ${#live[@]} -gt 0 ] && mapfile -t more < <(descendants "${live[@]}")
  for p in "${roots[@]}" "${all[@]}" "${more[@]}"; do
    alive "$p" && { log "killing leftover pid $p ($(cat /proc/$p/comm 2>/dev/null))"; kill -KILL "$p" 2>/dev/null; }
  done
  wait 2>/dev/null
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------------------------------------
# machine and versions

meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
meta cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
meta nproc "$(nproc)"
meta mem "$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
meta kernel "$(uname -sr)"
meta os "$(. /etc/os-release && echo "$PRETTY_NAME")"
meta quick "$QUICK"
meta n "$N"
meta n_big "$N_BIG"
meta idle_secs "$IDLE_SECS"
meta flood_bytes "$FLOOD_BYTES"
meta kill_timeout_ms "$KILL_TIMEOUT_MS"
# other work on the machine skews every figure: record how busy it was before we started and at the end
BUSY=$(cpu_busy)
if [ "$BUSY" -gt 10 ] && [ "$QUICK" = 0 ]; then   # wait up to 3 minutes for other work to finish
  log "the machine is $BUSY% busy with other work; waiting up to 3 minutes for it to calm down"
  for i in $(seq 1 45); do
    [ "$BUSY" -le 10 ] && break
    sleep 2; BUSY=$(cpu_busy)
  done
fi
meta busy_before "$BUSY% CPU busy, load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$BUSY" -gt 10 ]; then
  # Niceness is no remedy: with autogroup scheduling every session gets an equal share of the CPU, so
  # whatever runs in its own session (daemons, tend's programs, the raw baselines) competes with the other
  # work on its own terms. Only a quiet machine gives figures to trust.
  note "the machine was $BUSY% busy with other work when the run started (load $(cut -d' ' -f1-3 /proc/loadavg)): every figure is slower and noisier than on a quiet machine, and ratios are skewed (the scheduler shares the CPU between sessions, and tools differ in how many sessions they spread over); rerun on a quiet machine for the record"
fi
meta command "$([ "$QUICK" = 1 ] && echo "bench/run.sh --quick $TEND_ARG" || echo "make bench")"
meta ver_supervisord "$(supervisord --version 2>/dev/null)"
meta ver_s6 "$(dpkg-query -W -f='${Version}' s6 2>/dev/null)"
meta ver_node "$(node --version 2>/dev/null)"

# ---------------------------------------------------------------------------------------------------------
# configuration of the peers

# PM2: ecosystem files (fork mode, no interpreter, no log timestamps: PM2's defaults)
pm2_app() {  # name script args-json extra-json
  printf '{"name":"%s","script":"%s","args":%s,"interpreter":"none","exec_mode":"fork","autorestart":true,' "$1" "$2" "$3"
  printf '"out_file":"%s","error_file":"%s","merge_logs":true%s}' "$W/logs/pm2-$1.out.log" "$W/logs/pm2-$1.err.log" "${4:+,$4}"
}
{
  echo '{"apps":['
  for i in $(seq 0 $((N - 1))); do
    [ "$i" -gt 0 ] && echo ","
    pm2_app "s-$i" "${SLEEP_ARGS[0]}" '["100000"]' '"min_uptime":0'
  done
  echo ']}'
} >"$W/pm2-sleep.json"
echo "{\"apps\":[$(pm2_app crash "$W/crash" "[\"$W/crash-pm2.bin\"]" '"restart_delay":0,"min_uptime":0,"max_restarts":1000000000')]}" >"$W/pm2-crash.json"
echo "{\"apps\":[$(pm2_app stubborn "$W/ignoreterm" '[]' "\"kill_timeout\":$KILL_TIMEOUT_MS")]}" >"$W/pm2-stubborn.json"
for L in 2 100; do
  echo "{\"apps\":[$(pm2_app "flood$L" "$W/flood" "[\"$FLOOD_BYTES\",\"$L\",\"$W/stamp\"]" '"autorestart":false')]}" >"$W/pm2-flood$L.json"
done

# supervisord: private socket, pid file and logs; programs in conf.d (the extras are added after the idle
# figure so that the 100-program figures see only the 100 programs)
cat >"$SUPCONF" <<EOF
[unix_http_server]
file=$SUP/supervisor.sock
chmod=0700

[supervisord]
logfile=$SUP/supervisord.log
pidfile=$SUP/supervisord.pid
childlogdir=$SUP/logs
loglevel=warn
minfds=8192
minprocs=2000

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$SUP/supervisor.sock

[include]
files = $SUP/conf.d/*.conf
EOF
cat >"$SUP/conf.d/sleep.conf" <<EOF
[program:s]
command=${SLEEP_ARGS[*]}
process_name=%(program_name)s-%(process_num)d
numprocs=$N
autostart=false
autorestart=true
startsecs=0
EOF
cat >"$SUP/extra.conf" <<EOF
[program:crash]
command=$W/crash $W/crash-supervisord.bin
autostart=false
autorestart=true
startsecs=0
startretries=1000000000
exitcodes=0

[program:stubborn]
command=$W/ignoreterm
autostart=false
autorestart=true
startsecs=0
stopsignal=TERM
stopwaitsecs=$((KILL_TIMEOUT_MS / 1000))
EOF
for L in 2 100; do
  cat >>"$SUP/extra.conf" <<EOF

[program:flood$L]
command=$W/flood $FLOOD_BYTES $L $W/stamp
autostart=false
autorestart=false
startsecs=0
stdout_logfile=$W/logs/sup-flood$L.log
stdout_logfile_maxbytes=0
stdout_logfile_backups=0
stderr_logfile=$W/logs/sup-flood$L.err.log
EOF
done

# s6: one service directory per program, conventional #!/bin/sh run scripts; the sleep services start down
s6_service() {  # dir command...
  local d="$1"; shift
  mkdir -p "$d"
  printf '#!/bin/sh\nexec %s\n' "$*" >"$d/run"
  chmod +x "$d/run"
  touch "$d/down"
}
for i in $(seq 0 $((N - 1))); do s6_service "$SCAN/s-$i" "${SLEEP_ARGS[*]}"; done
S6_SLEEP_DIRS=("$SCAN"/s-*)
S6_EXTRA="$S6/extra"
s6_service "$S6_EXTRA/crash" "$W/crash $W/crash-s6.bin"
s6_service "$S6_EXTRA/stubborn" "$W/ignoreterm"
echo "$KILL_TIMEOUT_MS" >"$S6_EXTRA/stubborn/timeout-kill"
for L in 2 100; do
  s6_service "$S6_EXTRA/flood$L" "$W/flood $FLOOD_BYTES $L $W/stamp"
  mkdir -p "$S6/logs/flood$L"
  s6_service "$S6_EXTRA/flood$L/log" "s6-log -b n100 s268435455 $S6/logs/flood$L"
  rm -f "$S6_EXTRA/flood$L/log/down"   # the logger runs all the time, its service starts on demand
done

# ---------------------------------------------------------------------------------------------------------
# daemons

TEND_OK=0
start_tend() {
  if [ ! -x "$TEND" ]; then note "tend binary $TEND not found: tend figures skipped"; return; fi
  meta ver_tend "$("$TEND" version 2>/dev/null | head -1)"
  timeout 20 "$TEND" daemon >"$W/tend-daemon.out" 2>&1
  local i
  for i in $(seq 1 50); do
    TEND_PID=$(cat "$TEND_HOME/tend.pid" 2>/dev/null | tr -dc 0-9)
    alive "$TEND_PID" && tend ls --json >/dev/null 2>&1 && { TEND_OK=1; break; }
    sleep 0.1
  done
  if [ $TEND_OK = 1 ]; then
    log "tend daemon pid $TEND_PID"
    meta tend_containment "$("$TEND" version --verbose 2>/dev/null | grep -i containment | head -1)"
  else
    note "the tend daemon did not come up ($TEND daemon; tend ls --json failed): tend figures skipped"
  fi
}

start_pm2() {
  pm2c ping >/dev/null 2>&1 || die "pm2 ping failed"
  PM2_PID=$(cat "$PM2_HOME/pm2.pid" 2>/dev/null)
  alive "$PM2_PID" || die "no PM2 daemon"
  meta ver_pm2 "$(pm2c --version 2>/dev/null | tail -1)"
  log "PM2 daemon pid $PM2_PID"
}

start_sup() {
  timeout 30 supervisord -c "$SUPCONF" || die "supervisord failed to start"
  local i
  for i in $(seq 1 100); do
    SUP_PID=$(cat "$SUP/supervisord.pid" 2>/dev/null)
    alive "$SUP_PID" && supctl pid >/dev/null 2>&1 && break
    sleep 0.1
  done
  alive "$SUP_PID" || die "no supervisord"
  log "supervisord pid $SUP_PID"
}

start_s6() {
  s6-svscan "$SCAN" </dev/null >"$S6/svscan.log" 2>&1 &
  S6_PID=$!
  local i
  for i in $(seq 1 100); do
    local ok=1 d
    for d in "${S6_SLEEP_DIRS[@]}"; do [ -p "$d/supervise/control" ] || { ok=0; break; }; done
    [ $ok = 1 ] && break
    sleep 0.1
  done
  s6-svok "${S6_SLEEP_DIRS[0]}" || die "s6-svscan did not start its supervisors"
  log "s6-svscan pid $S6_PID"
}

log "tend binary: $TEND"
start_tend
start_pm2
start_sup
start_s6

# s6 sends commands through the control fifo, exactly what s6-svc does, without 100 process starts
s6_all() {  # cmd-letter dirs...
  local c="$1" d; shift
  for d in "$@"; do printf '%s' "$c" >"$d/supervise/control"; done
}
s6_pids() {  # s6-svscan and the s6-supervise processes of the given service dirs (by their supervise/ dirs)
  echo "$S6_PID"
  local p
  for p in $(ps -o pid= --ppid "$S6_PID"); do
    [ "$(cat /proc/$p/comm 2>/dev/null)" = s6-supervise ] || continue
    [ -z "${1:-}" ] && { echo "$p"; continue; }
    local cwd; cwd=$(readlink /proc/$p/cwd)
    case " $* " in *" $cwd "*) echo "$p" ;; esac
  done
}

# ---------------------------------------------------------------------------------------------------------
# figure 3: start N instances until all are running (interleaved repetitions)

count_pm2_online() {
  pm2c jlist 2>/dev/null | python3 -c '
import json, sys
try: apps = json.load(sys.stdin)
except Exception: print(0); sys.exit()
print(sum(1 for a in apps if a["name"].startswith("s-") and a["pm2_env"]["status"] == "online"))'
}

start_once() {  # tool -> prints ms or nothing on failure
  local t0 ms
  case "$1" in
    tend)
      t0=$(now_us)
      tend start --name s --instances "$N" --min-uptime 0 -- "${SLEEP_ARGS[@]}" >/dev/null 2>>"$W/errors.log" || return 1
      tend wait s --for running --timeout 60s >/dev/null 2>>"$W/errors.log" || return 1
      ms_since "$t0" ;;
    pm2)
      t0=$(now_us)
      pm2c start "$W/pm2-sleep.json" >/dev/null 2>>"$W/errors.log" || return 1
      ms=$(ms_since "$t0")
      # `pm2 start` returns once the God daemon has spawned every app; check (untimed) that they are online
      local on; on=$(count_pm2_online)
      [ "$on" = "$N" ] || { note "pm2 start returned with $on/$N online"; return 1; }
      echo "$ms" ;;
    supervisord)
      t0=$(now_us)
      supctl start 's:*' >/dev/null 2>>"$W/errors.log" || return 1
      ms_since "$t0" ;;
    s6)
      t0=$(now_us)
      s6_all u "${S6_SLEEP_DIRS[@]}"
      timeout 60 s6-svwait -u -a "${S6_SLEEP_DIRS[@]}" || return 1
      ms_since "$t0" ;;
    raw)
      setsid "$W/spawnmany" "$N" "${SLEEP_ARGS[@]}" ;;
  esac
}

stop_all_sleeps() {  # tool
  case "$1" in
    tend) [ $TEND_OK = 1 ] && tend delete s >/dev/null 2>>"$W/errors.log" ;;
    pm2) pm2c delete "$W/pm2-sleep.json" >/dev/null 2>>"$W/errors.log" ;;
    supervisord) supctl stop 's:*' >/dev/null 2>>"$W/errors.log" ;;
    s6) s6_all d "${S6_SLEEP_DIRS[@]}"; timeout 60 s6-svwait -d -a "${S6_SLEEP_DIRS[@]}" ;;
    raw) : ;;
  esac
}

TOOLS=(raw s6 supervisord pm2)
[ $TEND_OK = 1 ] && TOOLS=(tend "${TOOLS[@]}")
log "figure 3: start $N instances until running, $START_REPS interleaved repetitions"
meta cmd_start_tend "tend start --name s --instances $N --min-uptime 0 -- ${SLEEP_ARGS[*]} && tend wait s --for running"
meta cmd_start_pm2 "pm2 start pm2-sleep.json ($N fork-mode apps, interpreter none; untimed check: all online)"
meta cmd_start_supervisord "supervisorctl start 's:*' ([program:s] numprocs=$N startsecs=0, predefined)"
meta cmd_start_s6 "'u' into each supervise/control (what s6-svc -u does), then s6-svwait -u -a (supervisors already running)"
meta cmd_start_raw "setsid spawnmany $N ${SLEEP_ARGS[*]} (posix_spawn loop, time until the last posix_spawn returned)"
for rep in $(seq 1 "$START_REPS"); do
  # rotate the order so that no tool is always first or last
  k=$(( (rep - 1) % ${#TOOLS[@]} ))
  order=("${TOOLS[@]:$k}" "${TOOLS[@]:0:$k}")
  for tool in "${order[@]}"; do
    sleep 0.5
    if ms=$(start_once "$tool") && [ -n "$ms" ]; then
      sample start "$tool" "$N" "$ms"
    else
      note "start of $N ($tool) failed in repetition $rep"
    fi
    [ "$rep" -lt "$START_REPS" ] && stop_all_sleeps "$tool"
  done
  log "  repetition $rep/$START_REPS done"
done
# now every supervisor holds N running sleeps (the raw loop's children are gone)

# ---------------------------------------------------------------------------------------------------------
# figure 1: daemon PSS with N programs

tend_pids() {  # the daemon and its own helper processes (children running the tend binary, e.g. the fd holder)
  echo "$TEND_PID"
  local p exe; exe=$(readlink "/proc/$TEND_PID/exe")
  for p in $(ps -o pid= --ppid "$TEND_PID"); do
    [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$exe" ] && echo "$p"
  done
}
pss_kb() {  # pids... -> sum of Pss (kB)
  local sum=0 p v
  for p in "$@"; do
    v=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
    sum=$((sum + ${v:-0}))
  done
  echo $sum
}
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

measure_pss() {  # label n
  local i tool
  for i in $(seq 1 "$PSS_SAMPLES"); do
    if [ $TEND_OK = 1 ]; then
      mapfile -t tp < <(tend_pids)
      sample pss tend "$2" "$(pss_kb "${tp[@]}")"
      sample pssdaemon tend "$2" "$(pss_kb "$TEND_PID")"
      meta tend_pss_processes "${#tp[@]} ($(for p in "${tp[@]}"; do cat /proc/$p/comm; done | tr '\n' ' '))"
    fi
    if [ "$1" = all ]; then
      sample pss pm2 "$2" "$(pss_kb "$PM2_PID")"
      sample pss supervisord "$2" "$(pss_kb "$SUP_PID")"
      mapfile -t s6p < <(s6_pids "${S6_SLEEP_DIRS[@]}")
      sample pss s6 "$2" "$(pss_kb "${s6p[@]}")"
      meta s6_pss_processes "${#s6p[@]}"
    fi
    [ "$i" -lt "$PSS_SAMPLES" ] && sleep 1
  done
}
log "figure 1: PSS with $N programs"
sleep 2
measure_pss all "$N"

# ---------------------------------------------------------------------------------------------------------
# figure 2: list wall time with N programs (client process start included), interleaved rounds

run_timeit() {  # n timeit-args...
  local n="$1"; shift
  "$W/timeit" "$LS_ROUNDS" 2 "$@" >"$W/timeit.out" 2>>"$W/errors.log"
  local label ms cpu rc
  while IFS=$'\t' read -r label ms cpu rc; do
    sample ls "$label" "$n" "$ms"
    [ "$rc" = 0 ] || meta "ls_exit_$label" "$rc"
  done <"$W/timeit.out"
}
log "figure 2: list with $N programs, $LS_ROUNDS interleaved rounds"
meta cmd_ls_tend "tend ls --json"
meta cmd_ls_pm2 "pm2 jlist"
meta cmd_ls_supervisord "supervisorctl -c supervisord.conf status"
meta cmd_ls_ps "ps -e -o pid,stat,rss,time"
TA=()
[ $TEND_OK = 1 ] && TA=(tend "$TEND" ls --json ::)
run_timeit "$N" "${TA[@]}" pm2 pm2 jlist :: supervisord supervisorctl -c "$SUPCONF" status :: ps ps -e -o pid,stat,rss,time
meta ps_processes_at_ls "$(ps -e --no-headers | wc -l)"

# ---------------------------------------------------------------------------------------------------------
# figure 6: idle, N sleeping programs, every daemon over the same window

ticks() {  # pids... -> utime+stime (clock ticks), whole thread groups
  local sum=0 p v
  for p in "$@"; do
    v=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat" 2>/dev/null)
    sum=$((sum + ${v:-0}))
  done
  echo $sum
}
wakeups() {  # pids... -> voluntary + involuntary context switches over every thread
  local sum=0 p v
  for p in "$@"; do
    v=$(cat /proc/$p/task/*/status 2>/dev/null | awk '/ctxt_switches/ { s += $2 } END { print s + 0 }')
    sum=$((sum + ${v:-0}))
  done
  echo $sum
}
log "figure 6: idle for ${IDLE_SECS}s with $N sleeping programs in each daemon"
sleep 3
declare -A IDLE_PIDS
[ $TEND_OK = 1 ] && IDLE_PIDS[tend]="$(tend_pids | tr '\n' ' ')"
IDLE_PIDS[pm2]="$PM2_PID"
IDLE_PIDS[supervisord]="$SUP_PID"
IDLE_PIDS[s6]="$(s6_pids "${S6_SLEEP_DIRS[@]}" | tr '\n' ' ')"
declare -A T0 C0
for tool in "${!IDLE_PIDS[@]}"; do
  # shellcheck disable=SC2086
  T0[$tool]=$(ticks ${IDLE_PIDS[$tool]}); C0[$tool]=$(wakeups ${IDLE_PIDS[$tool]})
done
sleep "$IDLE_SECS"
for tool in "${!IDLE_PIDS[@]}"; do
  # shellcheck disable=SC2086
  sample idle "$tool" ticks $(( $(ticks ${IDLE_PIDS[$tool]}) - T0[$tool] ))
  # shellcheck disable=SC2086
  sample idle "$tool" wakeups $(( $(wakeups ${IDLE_PIDS[$tool]}) - C0[$tool] ))
done
meta clk_tck "$(getconf CLK_TCK)"

# ---------------------------------------------------------------------------------------------------------
# tend with N_BIG programs: PSS and ls

if [ $TEND_OK = 1 ]; then
  more=$((N_BIG - N))
  log "tend with $N_BIG programs"
  t0=$(now_us)
  if tend start --name t --instances "$more" --min-uptime 0 -- "${SLEEP_ARGS[@]}" >/dev/null 2>>"$W/errors.log" &&
     tend wait t --for running --timeout 120s >/dev/null 2>>"$W/errors.log"; then
    meta start_tend_more "$more instances in $(ms_since "$t0") ms"
    sleep 2
    measure_pss tend "$N_BIG"
    run_timeit "$N_BIG" tend "$TEND" ls --json :: ps ps -e -o pid,stat,rss,time
  else
    note "tend could not start $more more instances"
  fi
  tend delete t >/dev/null 2>>"$W/errors.log"
fi

log "stopping the sleeps"
for tool in tend pm2 supervisord s6; do stop_all_sleeps "$tool"; done

# extras for the remaining figures
cp "$SUP/extra.conf" "$SUP/conf.d/extra.conf"
supctl update >/dev/null 2>>"$W/errors.log" || note "supervisorctl update failed"
for d in "$S6_EXTRA"/*; do ln -s "$d" "$SCAN/$(basename "$d")"; done
s6-svscanctl -a "$SCAN"
for i in $(seq 1 100); do
  [ -p "$SCAN/stubborn/supervise/control" ] && [ -p "$SCAN/flood100/log/supervise/control" ] && break
  sleep 0.1
done

# ---------------------------------------------------------------------------------------------------------
# figure 4: crash-restart interval with zero delays; every start is recorded by the crash program itself

crash_measure() {  # tool seconds
  local f="$W/crash-$1.bin"
  rm -f "$f"
  case "$1" in
    tend)
      tend start --name crash --min-uptime 0 --backoff-min 0 --backoff-max 0 --max-restarts 1000000 \
        -- "$W/crash" "$f" >/dev/null 2>>"$W/errors.log" || { note "tend start crash failed"; return 1; } ;;
    pm2) pm2c start "$W/pm2-crash.json" >/dev/null 2>>"$W/errors.log" || return 1 ;;
    supervisord) supctl start crash >/dev/null 2>>"$W/errors.log" ;;   # exit 1 at once: start may "fail"
    s6) printf u >"$SCAN/crash/supervise/control" ;;
    raw) setsid "$W/spawnloop" "$W/crash" "$f" & BG_PIDS+=($!) ;;
  esac
}
crash_stop() {
  case "$1" in
    tend) tend delete crash >/dev/null 2>>"$W/errors.log" ;;
    pm2) pm2c delete crash >/dev/null 2>>"$W/errors.log" ;;
    supervisord) supctl stop crash >/dev/null 2>>"$W/errors.log" ;;
    s6) printf d >"$SCAN/crash/supervise/control" ;;
    raw) local p="${BG_PIDS[-1]}"; kill -TERM "$p"; wait "$p" 2>/dev/null; unset 'BG_PIDS[-1]' ;;
  esac
}
tend_restarts() {
  tend ls --json 2>/dev/null | python3 -c '
import json, sys
for i in json.load(sys.stdin):
    if i.get("name") == "crash": print(i.get("restarts", 0)); break
else: print(0)'
}
crash_windows() {  # tool seconds: analyse the record into 4 windows after a 1 s warm-up
  python3 "$BENCH/report.py" crash "$W/crash-$1.bin" 1 "$2" 4 >"$W/crash-$1.txt" 2>>"$W/errors.log"
  local v
  while read -r v; do sample crash "$1" - "$v"; done <"$W/crash-$1.txt"
}
log "figure 4: crash-restart interval"
meta cmd_crash_tend "tend start --name crash --min-uptime 0 --backoff-min 0 --backoff-max 0 --max-restarts 1000000 -- crash FILE"
meta cmd_crash_pm2 "pm2 start (restart_delay 0, min_uptime 0, max_restarts 1e9)"
meta cmd_crash_supervisord "[program:crash] autorestart=true startsecs=0 startretries=1e9"
meta cmd_crash_s6 "s6-svc -u on a service whose run script execs crash"
meta cmd_crash_raw "setsid spawnloop crash FILE (posix_spawn + waitpid loop)"
for tool in tend pm2 raw; do
  [ "$tool" = tend ] && [ $TEND_OK = 0 ] && continue
  log "  $tool"
  if crash_measure "$tool"; then
    if [ "$tool" = tend ]; then
      sleep 1; r0=$(tend_restarts); t0=$(now_us)
      sleep "$CRASH_SECS"; r1=$(tend_restarts); ms=$(ms_since "$t0")
      [ "$r1" -gt "$r0" ] 2>/dev/null && meta crash_tend_ls "$(awk -v m="$ms" -v a="$r0" -v b="$r1" \
        'BEGIN { printf "%d restarts in %.0f ms by tend ls --json: %.3f ms each", b - a, m, m / (b - a) }')"
      sleep 0.5
    else
      sleep $((CRASH_SECS + 2))
    fi
    crash_stop "$tool"
    crash_windows "$tool" "$CRASH_SECS"
  else
    note "crash loop ($tool) could not be started"
  fi
done
log "  supervisord and s6 (together: both wait ~1 s per restart)"
crash_measure supervisord; crash_measure s6
sleep $((CRASH_SLOW_SECS + 2))
crash_stop supervisord; crash_stop s6
crash_windows supervisord "$CRASH_SLOW_SECS"; crash_windows s6 "$CRASH_SLOW_SECS"

# ---------------------------------------------------------------------------------------------------------
# figure 5: FLOOD_BYTES of stdout into the log; seconds from the flood's own start until the log holds
# every byte (the flood program has then written everything)

log_size() {  # file or dir (s6-log: current + archives)
  if [ -d "$1" ]; then
    find "$1" -maxdepth 1 -type f \( -name current -o -name '@*' \) -printf '%s\n' | awk '{ s += $1 } END { print s + 0 }'
  else
    stat -c %s "$1" 2>/dev/null || echo 0
  fi
}
flood_once() {  # tool line-length variant -> prints seconds
  local tool="$1" L="$2" v="$3" path base stamped=0 out
  rm -f "$W/stamp" "$W/stamp.done"
  case "$tool" in
    raw)
      path="$W/logs/raw.log"; rm -f "$path"; base=0
      if [ "$v" = bulk ]; then setsid "$W/flood" "$FLOOD_BYTES" "$L" "$W/stamp" bulk >"$path" &
      else setsid "$W/flood" "$FLOOD_BYTES" "$L" "$W/stamp" >"$path" &
      fi ;;
    tend)
      local name="flood$L$v"
      path="$TEND_HOME/logs/$name-0.out.log"; rm -f "$path"; base=0
      local lt=false
      [ "$v" = ts ] && { lt=true; stamped=1; }
      tend start --name "$name" --restart never --log-time "$lt" --log-max-size 2G \
        -- "$W/flood" "$FLOOD_BYTES" "$L" "$W/stamp" >/dev/null 2>>"$W/errors.log" || return 1 ;;
    pm2)
      path="$W/logs/pm2-flood$L.out.log"; rm -f "$path"; base=0
      pm2c start "$W/pm2-flood$L.json" >/dev/null 2>>"$W/errors.log" || return 1 ;;
    supervisord)
      path="$W/logs/sup-flood$L.log"; rm -f "$path"; base=0
      supctl start "flood$L" >/dev/null 2>>"$W/errors.log" || return 1 ;;
    s6)
      path="$S6/logs/flood$L"; rm -f "$path"/@*; base=$(log_size "$path")
      printf o >"$SCAN/flood$L/supervise/control" ;;
  esac
  out=$("$W/waitlog" "$path" "$base" "$FLOOD_BYTES" "$L" "$W/stamp" 300 "$stamped")
  local rc=$?
  wait_flood_exit "$tool" "$L" "$v"
  rm -f "$W/logs/raw.log" "$W/logs/pm2-flood$L.out.log" "$W/logs/sup-flood$L.log" "$TEND_HOME/logs/flood$L$v-0.out.log"
  if [ $rc != 0 ]; then
    case "$out" in
      incomplete*) read -r _ got exp <<<"$out"
        note "flood $tool ${L}-byte lines: the program finished but the log never got its last $((exp - got)) bytes (lost)" ;;
      *) note "flood $tool ${L}-byte lines$v: $out" ;;
    esac
    return 1
  fi
  echo "${out%% *}"
}
wait_flood_exit() {  # make sure the flood process is gone and its program record removed before the next
  case "$1" in
    raw) wait ;;
    tend) tend wait "flood$2$3" --for exited --timeout 60s >/dev/null 2>&1; tend delete "flood$2$3" >/dev/null 2>>"$W/errors.log" ;;
    pm2) pm2c delete "flood$2" >/dev/null 2>>"$W/errors.log" ;;
    supervisord)
      local i; for i in $(seq 1 100); do supctl status "flood$2" | grep -q RUNNING || break; sleep 0.1; done ;;
    s6) timeout 60 s6-svwait -d "$SCAN/flood$2" ;;
  esac
}
log "figure 5: $((FLOOD_BYTES / 1048576)) MiB of stdout into the log, $FLOOD_REPS interleaved repetitions"
meta cmd_flood "flood $FLOOD_BYTES LINELEN STAMPFILE: lines copied one by one into a st_blksize (4 KiB) buffer, written when full"
meta cmd_flood_raw "setsid flood ... > file"
meta cmd_flood_tend "tend start --name floodL --restart never --log-time false|true --log-max-size 2G -- flood ..."
meta cmd_flood_pm2 "pm2 start (fork mode, out_file, no log_date_format)"
meta cmd_flood_supervisord "supervisorctl start floodL (stdout_logfile=..., stdout_logfile_maxbytes=0)"
meta cmd_flood_s6 "s6-svc -o; logger: s6-log -b n100 s268435455 DIR (no timestamps)"
CASES=("raw 2 -" "raw 100 -" "raw 2 bulk" "raw 100 bulk" "supervisord 2 -" "supervisord 100 -" "pm2 2 -" "pm2 100 -" "s6 2 -" "s6 100 -")
[ $TEND_OK = 1 ] && CASES=("tend 2 -" "tend 100 -" "tend 100 ts" "${CASES[@]}")
[ $TEND_OK = 1 ] && sample floodrss tend before "$(rss_kb "$TEND_PID")"
for rep in $(seq 1 "$FLOOD_REPS"); do
  for c in "${CASES[@]}"; do
    read -r tool L v <<<"$c"
    [ "$v" = - ] && v=""
    sleep 0.5
    if s=$(flood_once "$tool" "$L" "$v") && [ -n "$s" ]; then
      sample flood "$tool" "$L$v" "$s"
      log "  $tool ${L}B$v: $s s"
    fi
  done
done
[ $TEND_OK = 1 ] && sample floodrss tend after "$(rss_kb "$TEND_PID")"

# ---------------------------------------------------------------------------------------------------------
# figure 7: stop of a program that ignores SIGTERM, kill timeout 1 s (client process start included)

log "figure 7: stop of a program that ignores SIGTERM, kill timeout ${KILL_TIMEOUT_MS} ms"
meta cmd_stop_tend "tend stop stubborn (--kill-timeout ${KILL_TIMEOUT_MS}ms)"
meta cmd_stop_pm2 "pm2 stop stubborn (kill_timeout $KILL_TIMEOUT_MS; PM2 sends SIGINT first)"
meta cmd_stop_supervisord "supervisorctl stop stubborn (stopwaitsecs=$((KILL_TIMEOUT_MS / 1000)))"
meta cmd_stop_s6 "s6-svc -wd -d (timeout-kill $KILL_TIMEOUT_MS)"
stubborn_up() {
  case "$1" in
    tend)
      if [ "${STUB_DEFINED:-0}" = 0 ]; then
        STUB_DEFINED=1
        tend start --name stubborn --kill-timeout "${KILL_TIMEOUT_MS}ms" --min-uptime 0 -- "$W/ignoreterm" >/dev/null 2>>"$W/errors.log" || return 1
      else
        tend start stubborn >/dev/null 2>>"$W/errors.log" || return 1
      fi
      tend wait stubborn --for running --timeout 30s >/dev/null 2>>"$W/errors.log" ;;
    pm2)
      if [ "${PM2_STUB:-0}" = 0 ]; then PM2_STUB=1; pm2c start "$W/pm2-stubborn.json" >/dev/null 2>>"$W/errors.log"
      else pm2c start stubborn >/dev/null 2>>"$W/errors.log"; fi ;;
    supervisord) supctl start stubborn >/dev/null 2>>"$W/errors.log" ;;
    s6) printf u >"$SCAN/stubborn/supervise/control"; timeout 30 s6-svwait -u "$SCAN/stubborn" ;;
  esac
}
stubborn_stop() {
  case "$1" in
    tend) tend stop stubborn >/dev/null 2>>"$W/errors.log" ;;
    pm2) pm2c stop stubborn >/dev/null 2>>"$W/errors.log" ;;
    supervisord) supctl stop stubborn >/dev/null 2>>"$W/errors.log" ;;
    s6) timeout 30 s6-svc -wd -d "$SCAN/stubborn" ;;
  esac
}
STOP_TOOLS=(s6 supervisord pm2)
[ $TEND_OK = 1 ] && STOP_TOOLS=(tend "${STOP_TOOLS[@]}")
for rep in $(seq 1 "$STOP_REPS"); do
  for tool in "${STOP_TOOLS[@]}"; do
    stubborn_up "$tool" || { note "stubborn ($tool) did not start"; continue; }
    sleep 0.5   # let it install its signal dispositions
    t0=$(now_us)
    if stubborn_stop "$tool"; then sample stop "$tool" - "$(ms_since "$t0")"
    else note "stop of stubborn ($tool) failed"; fi
  done
done
[ $TEND_OK = 1 ] && tend delete stubborn >/dev/null 2>>"$W/errors.log"

# ---------------------------------------------------------------------------------------------------------
# report

meta load_after "load average $(cut -d' ' -f1-3 /proc/loadavg) at the end"
python3 "$BENCH/report.py" report "$SAMPLES" "$META" "$BENCH/RESULTS.md" || die "report.py failed"
log "wrote $BENCH/RESULTS.md"
# issue 4's sampling and listing figures, in a daemon and home of their own, appended as their own section
if [ $TEND_OK = 1 ]; then
  log "sampling at 1000 instances (bench/sampling.sh)"
  "$BENCH/sampling.sh" $([ "$QUICK" = 1 ] && echo --quick) "$TEND" >>"$BENCH/RESULTS.md" || note "bench/sampling.sh failed"
fi
# Messages through tend: bench/ipc.sh prints its own section (with its own TEND_HOME).
"$BENCH/ipc.sh" $([ "$QUICK" = 1 ] && echo --quick) "$TEND" >>"$BENCH/RESULTS.md" || log "bench/ipc.sh failed"
# The job queue (issue 5) measures in its own script, appending its section after the report above.
if [ -x "$TEND" ]; then
  log "job queue: bench/jobs.sh"
  "$BENCH/jobs.sh" $([ "$QUICK" = 1 ] && echo --quick) "$TEND" >>"$BENCH/RESULTS.md" || log "bench/jobs.sh failed"
fi
[ -s "$W/errors.log" ] && log "client errors were logged to $W/errors.log"
exit 0
