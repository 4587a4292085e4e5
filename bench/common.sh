# bench/common.sh — what every bench script begins with, sourced (never run):
#
#   . "$(dirname "$0")/common.sh"
#   bench_args NAME LAST_HELP_LINE "$@"   # --quick, -h (prints lines 2..LAST_HELP_LINE of the script), TEND_BINARY
#   BENCH_TAG=name                         # the prefix of log lines
#
# Also log/die (to stderr, tagged) and cpu_busy (to check that the machine is quiet before measuring).
#
# bench_args sets QUICK (0 or 1), TEND_ARG (the binary as given, default build/tend), TEND (its absolute
# path), BENCH (this directory) and ROOT (the repository).

bench_args() {
  local name="$1" help_end="$2" a
  shift 2
  QUICK=0
  TEND_ARG=""
  for a in "$@"; do
    case "$a" in
      --quick) QUICK=1 ;;
      -h|--help) sed -n "2,${help_end}p" "$0"; exit 0 ;;
      -*) echo "$name: unknown option $a" >&2; exit 2 ;;
      *) TEND_ARG="$a" ;;
    esac
  done
  BENCH=$(cd "$(dirname "$0")" && pwd)
  ROOT=$(cd "$BENCH/.." && pwd)
  TEND_ARG=${TEND_ARG:-build/tend}
  case "$TEND_ARG" in /*) TEND="$TEND_ARG" ;; *) TEND="$ROOT/$TEND_ARG" ;; esac
}

log() { printf '[%s %s] %s\n' "${BENCH_TAG:-bench}" "$(date +%T)" "$*" >&2; }
die() { log "FATAL: $*"; exit 1; }

cpu_busy() {  # percent of all CPU time not idle over 2 s
  local a b
  a=$(awk '/^cpu / { print $2+$3+$4+$6+$7+$8, $2+$3+$4+$5+$6+$7+$8 }' /proc/stat); sleep 2
  b=$(awk '/^cpu / { print $2+$3+$4+$6+$7+$8, $2+$3+$4+$5+$6+$7+$8 }' /proc/stat)
  awk -v a="$a" -v b="$b" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f", 100 * (y[1] - x[1]) / (y[2] - x[2]) }'
}
