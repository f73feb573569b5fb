#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# One run of sse-hub-bench against nginx + nchan (1 worker), then against
# the hub, with the same clients and options, so both meet the same machine.
#   bench/beside-nchan.sh BUILD_DIR [sse-hub-bench options...]
# e.g. bench/beside-nchan.sh _build-release -n 10000 --no-settle
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
status=0
echo "== nginx + nchan"
"$build/bench/sse-hub-bench" --url http://127.0.0.1:$port --nchan \
  ${worker:+--hub-pid "$worker"} "$@" || status=1
echo "== sse-hub"
"$build/bench/sse-hub-bench" "$@" || status=1
exit $status
