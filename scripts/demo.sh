#!/usr/bin/env bash
# `make demo`: starts the daemon with the example application of examples/tend.toml (a one-shot migration, a
# web server in two instances, a worker) and a crashing program, then shows `tend ls`.
set -euo pipefail
tend=$(realpath "${1:-build/tend}")
root=$(cd "$(dirname "$0")/.." && pwd)
port=8765  # examples/tend.toml

# Re-running the demo replaces its programs instead of failing on "exists".
"$tend" delete migrate web worker crasher >/dev/null 2>&1 || true

echo "== tend apply -f examples/tend.toml: migrate first; web (2 instances) and worker wait for it"
"$tend" apply -f "$root/examples/tend.toml"
"$tend" ls
echo
echo "== a program that crashes after 300 ms, so backoff and giving up are visible"
"$tend" start --name crasher --min-uptime 1s --backoff-min 200ms --max-restarts 4 --shell -- \
  'echo "starting"; sleep 0.3; echo "boom" >&2; exit 3'

"$tend" wait web worker --for running --timeout 30s >/dev/null
"$tend" wait crasher --for backoff --timeout 10s >/dev/null || true
echo
"$tend" ls
echo
echo "The web server answers (the kernel spreads connections over both instances):"
python3 - "$port" <<'PY'
import sys, urllib.request
for _ in range(3):
    print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=5).read().decode().strip())
PY
cat <<EOF_HINT

Try:  $tend logs worker -f                 (Ctrl-C to leave)
      $tend ls                             (watch crasher go backoff -> failed)
      $tend logs crasher -n 10
      $tend apply --dry-run -f examples/tend.toml   (after editing it: what would change)
      $tend stop worker && $tend ls        (the worker finishes its job on SIGINT)
      make demo-stop                       (stop everything and the daemon)
EOF_HINT
