#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Builds SSE Hub and runs it from the build tree.  Extra arguments go to the
# app, e.g. `bash build-aux/run.sh --headless --port 3001`.
set -euo pipefail
cd "$(dirname "$0")/.."
source build-aux/deps.sh
install_missing "${BUILD_PACKAGES[@]}"

[ -f _build/build.ninja ] || meson setup _build
ninja -C _build

# Uninstalled run: schemas from the build tree.
export GSETTINGS_SCHEMA_DIR="$PWD/_build/data"
exec _build/src/sse-hub "$@"
