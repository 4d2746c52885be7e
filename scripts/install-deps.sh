#!/usr/bin/env bash
# Installs the system packages packd builds and runs with, on Debian 12.
# (The Swift 6.3 toolchain itself comes from swift.org; see README.md.)
set -euo pipefail

packages=(
  libsqlite3-dev   # the journal (GRDB links the system SQLite)
  libstdc++-12-dev # TOMLKit's C++ TOML parser
  pkg-config
  libxkbcommon-dev # keyboard layouts of keyboard-wedge scanners
  xkb-data         # the layouts themselves (us, de, fr, gb...)
  libudev-dev      # device discovery
  umockdev         # the tests' mocked devices (umockdev-run)
  libumockdev-dev
  udev             # udevadm, to test udev-rules/60-packd.rules
)

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update
  "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi
