#!/usr/bin/env bash
# `make demo`: starts the daemon and three sample programs, then shows `tend ls`.
set -euo pipefail
tend=$(realpath "${1:-build/tend}")
port=${DEMO_PORT:-8765}
demo_dir=$(mktemp -d /tmp/tend-demo.XXXXXX)
echo "<h1>served by an instance supervised by tend</h1>" > "$demo_dir/index.html"

# Re-running the demo replaces its programs instead of failing on "exists".
"$tend" delete web ticker crasher >/dev/null 2>&1 || true

echo "== a small web server on 127.0.0.1:$port"
"$tend" start --name web --cwd "$demo_dir" -- python3 -m http.server "$port" --bind 127.0.0.1
echo "== a ticking logger"
"$tend" start --name ticker --shell -- 'i=0; while :; do i=$((i+1)); echo "tick $i"; sleep 1; done'
echo "== a program that crashes after 300 ms, so backoff and giving up are visible"
"$tend" start --name crasher --min-uptime 1s --backoff-min 200ms --max-restarts 4 --shell -- \
  'echo "starting"; sleep 0.3; echo "boom" >&2; exit 3'

"$tend" wait web ticker --for running --timeout 10s >/dev/null
"$tend" wait crasher --for backoff --timeout 10s >/dev/null || true
echo
"$tend" ls
echo
echo "The web server answers:"
python3 - "$port" <<'PY'
import sys, urllib.request
print(urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=5).read().decode().strip())
PY
cat <<EOF_HINT

Try:  $tend logs ticker -f        (Ctrl-C to leave)
      $tend ls                    (watch crasher go backoff -> failed)
      $tend logs crasher -n 10
      $tend stop web && $tend ls
      make demo-stop              (stop everything and the daemon)
EOF_HINT
