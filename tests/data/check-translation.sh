#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the real sse-hub with LANGUAGE=zh_CN and checks that `--help` shows the
# Simplified Chinese catalogue built into the build tree: the summary and an
# option description.  The expected text comes from the catalogue itself, so
# the test follows rewordings in po/zh_CN.po.
#
# Usage: check-translation.sh SSE_HUB PRELOAD_MODULE LOCALEDIR DOMAIN
set -eu
sse_hub=$1 preload=$2 localedir=$3 domain=$4
# LD_PRELOAD resolves a relative path against the app's working directory.
case $preload in /*) ;; *) preload="$PWD/$preload" ;; esac

mo="$localedir/zh_CN/LC_MESSAGES/$domain.mo"
[ -f "$mo" ] || { echo "not ok: $mo was not built"; exit 1; }

translate () {
  LANGUAGE=zh_CN LANG=C.UTF-8 TEXTDOMAINDIR="$localedir" gettext -d "$domain" "$1"
}

help_text=$(LANGUAGE=zh_CN LANG=C.UTF-8 LC_ALL= \
  SSE_HUB_TEST_DOMAIN="$domain" SSE_HUB_TEST_LOCALEDIR="$localedir" \
  ASAN_OPTIONS="${ASAN_OPTIONS:-}:verify_asan_link_order=0" \
  LD_PRELOAD="$preload" "$sse_hub" --help)

status=0
for english in "A live Server-Sent Events hub for the classroom." \
               "Print the version and exit"; do
  chinese=$(translate "$english")
  if [ "$chinese" = "$english" ]; then
    echo "not ok: zh_CN does not translate \"$english\""
    status=1
  elif printf '%s\n' "$help_text" | grep -qF -- "$chinese"; then
    echo "ok: --help shows \"$chinese\""
  else
    echo "not ok: --help does not show \"$chinese\" for \"$english\""
    status=1
  fi
done

if [ "$status" -ne 0 ]; then
  echo "--- sse-hub --help under LANGUAGE=zh_CN:"
  printf '%s\n' "$help_text"
fi
exit "$status"
