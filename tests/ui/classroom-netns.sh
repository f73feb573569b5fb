#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a command in a network namespace of its own whose one network card
# has a classroom Wi-Fi address, so that the presentation screenshots show
# the join address a class would see (http://192.168.1.20:3001/) rather
# than this machine's.  Without root or unshare, runs the command as is;
# the screenshots then show the hub on 127.0.0.1.
set -eu

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null 2>&1 && command -v ip >/dev/null 2>&1 &&
   unshare --net true 2>/dev/null; then
  exec unshare --net sh -eu -c '
    ip link set lo up
    ip link add wlp2s0 type veth peer name wlp2s0-ap
    ip addr add 192.168.1.20/24 dev wlp2s0
    ip link set wlp2s0 up
    ip link set wlp2s0-ap up
    SSE_HUB_TEST_CLASSROOM_ADDRESS=192.168.1.20 exec "$@"' sh "$@"
fi

exec "$@"
