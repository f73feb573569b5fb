#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds the libFuzzer harnesses with clang (address and undefined-behaviour
# sanitizers on) and runs each for SECONDS (default 60).  Inputs that make a
# harness fail are copied to fuzz/regressions/<harness>/, where the normal
# test suite replays them from then on.
#   bash fuzz/run-fuzzers.sh [SECONDS] [HARNESS...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
harnesses=("$@")
[ "${#harnesses[@]}" -gt 0 ] || harnesses=(person-body frame store-journal ws-frame)

out=_build-fuzz
mkdir -p "$out"
# The core's sources want config.h; the fuzzers need only the gettext name.
cat > "$out/config.h" <<'H'
#define GETTEXT_PACKAGE "sse-hub"
#define PACKAGE_VERSION "fuzz"
H

flags=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
       -DG_LOG_DOMAIN=\"SseHub\" -DGLIB_VERSION_MIN_REQUIRED=GLIB_VERSION_2_74
       -I"$out" -Isrc/core $(pkg-config --cflags glib-2.0 gio-2.0 json-glib-1.0))
libs=($(pkg-config --libs glib-2.0 gio-2.0 json-glib-1.0))
core=(src/core/sse-hub-wire.c src/core/sse-hub-wire-parse.c src/core/sse-hub-websocket.c src/core/sse-hub-person.c
      src/core/sse-hub-person-store.c src/core/sse-hub-person-list-text.c src/core/sse-hub-journal.c
      src/core/sse-hub-journal-format.c src/core/sse-hub-durable-file.c)

status=0
for harness in "${harnesses[@]}"; do
  echo "== $harness: building"
  clang "${flags[@]}" -o "$out/fuzz-$harness" "fuzz/fuzz-$harness.c" "${core[@]}" "${libs[@]}"
  work="$out/corpus-$harness"
  rm -rf "$out/crashes-$harness"
  mkdir -p "$work" "$out/crashes-$harness"
  echo "== $harness: fuzzing for $seconds s"
  if ! ASAN_OPTIONS=detect_leaks=1 "$out/fuzz-$harness" -max_total_time="$seconds" \
       -max_len=4096 -artifact_prefix="$out/crashes-$harness/" \
       "$work" "fuzz/corpus/$harness"; then
    status=1
  fi
  for crash in "$out/crashes-$harness"/*; do
    [ -f "$crash" ] || continue
    cp "$crash" "fuzz/regressions/$harness/"
    echo "!! $harness: kept $(basename "$crash") in fuzz/regressions/$harness/"
    status=1
  done
done
exit "$status"
