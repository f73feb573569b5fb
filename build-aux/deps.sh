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
  dbus-daemon at-spi2-core python3-gi gir1.2-atspi-2.0
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
  if [ -f "$dir/package.json" ] && npm_packages_outdated "$dir"; then
    echo "Installing npm packages in $dir"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# True when node_modules does not match package-lock.json: npm writes
# node_modules/.package-lock.json on every install, so a lock file newer than
# it (a dependency added since) or a missing dependency means installing again.
npm_packages_outdated () {
  local dir="$1"
  local installed="$dir/node_modules/.package-lock.json"
  local package
  [ -f "$installed" ] || return 0
  [ "$dir/package-lock.json" -nt "$installed" ] && return 0
  for package in $(node -e 'const lock = require(process.argv[1]);
    for (const path of Object.keys(lock.packages || {}))
      if (path.startsWith("node_modules/")) console.log(path);' "$(realpath "$dir/package-lock.json")"); do
    [ -d "$dir/$package" ] || return 0
  done
  return 1
}
