#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds SSE Hub and runs it from the build tree.  Extra arguments go to the
# app, e.g. `bash build-aux/run.sh --headless --port 3001`.
set -euo pipefail
cd "$(dirname "$0")/.."

# The window needs a display; say what works without one before building.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [[ " $* " != *" --headless "* ]]; then
  echo "No display found. To serve without a window: run sse-hub --headless" >&2
  exit 1
fi
source build-aux/deps.sh
install_missing "${BUILD_PACKAGES[@]}"

[ -f _build/build.ninja ] || meson setup _build
ninja -C _build

# Uninstalled run: schemas from the build tree.
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
exec _build/src/sse-hub "$@"
