#!/usr/bin/env bash
# Installs the system packages packd builds and runs with, on Debian 12.
# (The Swift 6.3 toolchain itself comes from swift.org; see README.md.)
#
#   scripts/install-deps.sh          installs what is missing (with sudo when not root)
#   scripts/install-deps.sh --list   prints the packages, one per line (.ci/run installs them)
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
  libpango1.0-dev  # label text: Pango shapes, cairo draws (PNG, PDF, 1-bit rasters)
  libcairo2-dev
  fonts-wqy-microhei # the CJK font labels use by default (WenQuanYi Micro Hei)
  libzint-dev      # label barcodes
  libpoppler-glib-dev # carrier PDF labels rasterised for ZPL/TSPL printers
  zlib1g-dev       # ZPL Z64 graphics
  libcups2-dev     # printing through CUPS (libcups)
  cups             # the tests: a private cupsd with raw queues to socket printers
  cups-client      # the tests: lpadmin, cupsaccept/cupsreject, cupsenable/cupsdisable
  cups-filters     # the tests: CUPS's PDF filters for the IPP Everywhere queue
  cups-ipp-utils   # the tests: ippeveprinter, an IPP Everywhere printer simulator
  dbus             # the tests: ippeveprinter wants a (private) system bus
  zint             # the tests: independent barcode module dumps
  zbar-tools       # the tests: zbarimg decodes rendered labels
  poppler-utils    # the tests: pdftoppm renders PDF labels
  systemd          # the tests: systemd-analyze verify/security on systemd/packd.service
  strace           # the tests: every confirmed shipment follows a sync of the journal
  python3          # the tests and integrators: scripts/reference-core.py, the reference core
  chromium         # the tests: the station display page in a real browser (headless, DevTools protocol)
  openssl          # the tests: a private CA and a certificate for the https core
  postgresql-15    # the tests: the fleet's shared store (a private server per test run)
  systemd-container # the package test: systemd-nspawn boots the test root's systemd
  dpkg-dev         # scripts/build-deb.sh: dpkg-shlibdeps computes the package's Depends
  fakeroot         # scripts/build-deb.sh: files owned by root in the package
  binutils         # scripts/build-deb.sh: strip
  lintian          # the tests: the package checked as Debian checks packages
  debootstrap      # the tests: the package installed into a fresh Debian 12 root
  curl             # the tests: the packaged daemon's API, from outside its root
)

if [ "${1:-}" = "--list" ]; then printf '%s\n' "${packages[@]}"; exit 0; fi

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

# zplkit: an independent ZPL renderer (PyPI, a wheel with no dependencies), used
# only by the tests to check packd's ZPL.
if ! python3 -c "import zplkit" 2>/dev/null; then
  if ! python3 -m pip --version >/dev/null 2>&1; then
    "${sudo_cmd[@]}" apt-get install -y --no-install-recommends python3-pip
  fi
  python3 -m pip install --quiet zplkit==0.3.2 || python3 -m pip install --quiet --break-system-packages zplkit==0.3.2
fi
