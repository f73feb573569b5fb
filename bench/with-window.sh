#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One run of sse-hub-bench against the app with its window open under Xvfb
# at 1920x1080 (persons, log and clients side by side), then against a
# headless hub the benchmark starts, with the same options, so both meet the
# same machine.
#   bench/with-window.sh BUILD_DIR [sse-hub-bench options...]
# e.g. bench/with-window.sh _build-release -n 1000 -m 50
#
# The window draws with GSK_RENDERER=cairo unless the caller sets it: Xvfb
# has no GPU, so GTK's GL renderer runs in software (llvmpipe) and its
# threads take the cores the hub and the benchmark need, which a
# presenter's laptop, drawing on its GPU, does not.  GSK_RENDERER=default
# leaves the choice to GTK (software GL here), any other value is passed on.
set -eu
case "${GSK_RENDERER-cairo}" in
  default) unset GSK_RENDERER ;;
  *) export GSK_RENDERER="${GSK_RENDERER-cairo}" ;;
esac
build=$(cd "$1" && pwd)
shift
# The window takes its settings from GSettings: a keyfile of its own in a
# scratch home, so the presenter's settings and list are never touched.
home=$(mktemp -d)
mkdir -p "$home/config/glib-2.0/settings" "$home/data"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$home/config/glib-2.0/settings/keyfile" <<KEYS
[com/example/SseHub]
port=uint32 $port
listen-on-network=false
max-clients=uint32 100000
max-streams-per-address=uint32 0
window-width=1920
window-height=1080
window-maximized=true
KEYS
XDG_CONFIG_HOME=$home/config XDG_DATA_HOME=$home/data GSETTINGS_BACKEND=keyfile \
  GSETTINGS_SCHEMA_DIR=$build/data NO_AT_BRIDGE=1 \
  xvfb-run -a -s "-screen 0 1920x1080x24" "$build/src/sse-hub" >"$home/app.log" 2>&1 &
xvfb_pid=$!
# Under set -e a kill of a child already gone would make the script fail.
trap 'kill "$xvfb_pid" 2>/dev/null || true; wait "$xvfb_pid" 2>/dev/null || true; rm -rf "$home"' EXIT
# The window serves once its port answers.
up=0
for _ in $(seq 100); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && { up=1; break; }
  sleep 0.1
done
if [ $up = 0 ]; then
  echo "with-window.sh: the app did not serve on port $port within 10 s:" >&2
  cat "$home/app.log" >&2
  exit 1
fi
hub=$(pgrep -P "$xvfb_pid" -x sse-hub | head -n 1 || true)
status=0
echo "== sse-hub, window open at 1920x1080 (GSK_RENDERER=${GSK_RENDERER-GTK's default})"
"$build/bench/sse-hub-bench" --url "http://127.0.0.1:$port" ${hub:+--hub-pid "$hub"} "$@" ||
  status=1
[ -n "$hub" ] && kill "$hub"
wait "$xvfb_pid" || true
echo "== sse-hub --headless"
"$build/bench/sse-hub-bench" "$@" || status=1
exit $status
