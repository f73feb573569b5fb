#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds SSE Hub with warnings as errors and runs every test suite: core
# (real sockets, churn, crashes, fuzz replays), window (Xvfb), audience page
# (headless Chromium), data files; then the core and browser suites again
# under AddressSanitizer (leak checking on) and UndefinedBehaviorSanitizer.
# Ends with one line: "N passed, M failed".
set -uo pipefail
cd "$(dirname "$0")/.."
source build-aux/deps.sh
install_missing "${BUILD_PACKAGES[@]}" "${TEST_PACKAGES[@]}" || exit 1
install_npm_packages tests/browser || exit 1

passed=0
failed=0

# Adds one meson run's results to the totals, from its machine-readable log.
count_results () {
  local log="$1/meson-logs/testlog.json"
  local counts
  counts=$(python3 - "$log" <<'PY'
import json, sys
ok = bad = 0
try:
    with open(sys.argv[1]) as f:
        for line in f:
            r = json.loads(line).get("result")
            if r in ("OK", "EXPECTEDFAIL"):
                ok += 1
            elif r != "SKIP":
                bad += 1
except FileNotFoundError:
    bad = 1
print(ok, bad)
PY
)
  passed=$((passed + ${counts% *}))
  failed=$((failed + ${counts#* }))
}

run_suites () {
  local dir="$1"; shift
  rm -f "$dir/meson-logs/testlog.json"
  meson test -C "$dir" --print-errorlogs --num-processes 2 "$@"
  count_results "$dir"
}

if [ -f _build-ci/build.ninja ]; then
  meson setup --reconfigure _build-ci --werror >/dev/null
else
  meson setup _build-ci --werror
fi
if ninja -C _build-ci; then
  run_suites _build-ci
else
  failed=$((failed + 1))
fi

# The sanitizer build runs the GTK-free suites and the browser suite (its hub
# is the sanitized binary).  The window suite stays out: GTK's C++ GIO modules
# abort under clang's ASan runtime, and its timing checks do not hold at
# ASan's speed.
if [ ! -f _build-asan/build.ninja ]; then
  CC=clang meson setup _build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug
fi
if ninja -C _build-asan; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  LSAN_OPTIONS=suppressions="$PWD/tests/lsan.supp" \
    run_suites _build-asan --suite core --suite browser
else
  failed=$((failed + 1))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
