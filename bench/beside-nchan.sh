#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One run of sse-hub-bench against nginx + nchan (1 worker), then against
# the hub, with the same clients and options, so both meet the same machine.
#   bench/beside-nchan.sh BUILD_DIR [sse-hub-bench options...]
# e.g. bench/beside-nchan.sh _build-release -n 10000 --no-settle
# With --transport ws the clients subscribe over WebSocket to nchan and to
# the hub, and the hub is measured over SSE too: three figures, one run.
set -eu
build=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
# Another port than the config's 3301 when asked: the machine may be shared.
port=${NCHAN_PORT:-3301}
prefix=$(mktemp -d)
mkdir -p "$prefix/body"
sed "s/127.0.0.1:3301/127.0.0.1:$port/" "$here/nchan.conf" > "$prefix/nchan.conf"
nginx -p "$prefix" -c "$prefix/nchan.conf" -g 'worker_processes 1;' &
nginx_pid=$!
trap 'kill "$nginx_pid" 2>/dev/null; wait "$nginx_pid" 2>/dev/null; rm -rf "$prefix"' EXIT
# nginx is up once its port answers.
for _ in $(seq 50); do
  curl -s -o /dev/null http://127.0.0.1:$port/ && break
  sleep 0.1
done
worker=$(pgrep -P "$nginx_pid" | head -n 1 || true)
ws=
prev=
for arg in "$@"; do
  case "$prev=$arg" in
    --transport=ws | *=--transport=ws) ws=1 ;;
    --transport=sse | *=--transport=sse) ws= ;;
  esac
  prev=$arg
done
status=0
# Each run's RESULT line, for the ratios at the end.
run () {
  label=$1
  shift
  echo "== $label"
  rm -f "$prefix/failed"
  { "$build/bench/sse-hub-bench" "$@" || touch "$prefix/failed"; } | tee "$prefix/out"
  [ ! -e "$prefix/failed" ] || status=1
  grep '^RESULT' "$prefix/out" | sed "s/^RESULT/$label/" >> "$prefix/results" || true
}
run nchan --url http://127.0.0.1:$port --nchan ${worker:+--hub-pid "$worker"} "$@"
run hub "$@"
if [ -n "$ws" ]; then
  # The same options, the transport last: GOption keeps an option's last value.
  run hub-sse "$@" --transport sse
  # The p99 of the hub's socket clients against nchan's and against its own SSE clients.
  awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^p99_ms=/) p[$1] = substr($i, 8) }
       END { if (p["nchan"] > 0 && p["hub-sse"] > 0)
               printf "RATIO p99 ws/nchan_ws=%.2f ws/sse=%.2f (ws=%s sse=%s nchan_ws=%s ms)\n",
                      p["hub"] / p["nchan"], p["hub"] / p["hub-sse"], p["hub"], p["hub-sse"], p["nchan"] }' \
    "$prefix/results"
fi
exit $status
