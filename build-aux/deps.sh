#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs what building, running and testing SSE Hub need on Debian 12,
# skipping whatever is already there.  Sourced by run.sh and test.sh.

BUILD_PACKAGES=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev
  libsoup-3.0-dev libjson-glib-dev libqrencode-dev
  desktop-file-utils appstream
)
TEST_PACKAGES=(
  xvfb xauth curl python3 chromium nodejs imagemagick
  fonts-noto-cjk fonts-dejavu-core
  clang libclang-rt-14-dev
)

as_root () {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  else
    sudo "$@"
  fi
}

install_missing () {
  local missing=()
  local package
  for package in "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$package")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"
  fi
}

install_npm_packages () {
  local dir="$1"
  # Node from other sources bundles npm; Debian's node needs its package.
  command -v npm >/dev/null || install_missing npm
  if [ -f "$dir/package.json" ] && [ ! -d "$dir/node_modules/playwright-core" ]; then
    echo "Installing npm packages in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}
