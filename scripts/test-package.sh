#!/usr/bin/env bash
# The Debian package, tested as warehouse IT uses it (docs/packaging.md): built
# by scripts/build-deb.sh, checked by lintian, installed with apt into a fresh
# Debian 12 root made by debootstrap (no Swift there), run, upgraded over a
# journal holding orders and undelivered events, removed and purged.
#
#   scripts/test-package.sh [--deb FILE]
#
# Needs root (debootstrap, chroot, mounts) and the network (Debian's archive).
# The bare root is cached as a tarball ($PACKD_DEB_ROOT_CACHE, default
# ~/.cache/packd/bookworm-minbase.tar) between runs.
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$PWD
deb=""
while [ $# -gt 0 ]; do
    case "$1" in
    --deb) deb=$2; shift 2 ;;
    *) echo "test-package.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

step() { printf '\n== %s\n' "$*"; }
fail() { echo "test-package.sh: FAIL: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || fail "needs root (debootstrap, chroot)"

if [ -z "$deb" ]; then
    step "build the package"
    deb=$(scripts/build-deb.sh | tail -1)
fi
[ -f "$deb" ] || fail "no package at $deb"
version=$(dpkg-deb -f "$deb" Version)
echo "$deb: version $version, $(du -k "$deb" | cut -f1) KiB"

step "lintian"
# Errors fail; warnings and info are listed (docs/packaging.md says why each stays).
lintian --fail-on error --tag-display-limit 0 "$deb" | tee /tmp/packd-lintian.txt || fail "lintian reports errors (above)"

work=$(mktemp -d)
root=$work/root
mounted=()
packd_pid=""
nspawn_pid=""
cleanup() {
    [ -n "$packd_pid" ] && kill -KILL "$packd_pid" 2>/dev/null || true
    if [ -n "$nspawn_pid" ]; then kill -KILL "$nspawn_pid" 2>/dev/null; wait "$nspawn_pid" 2>/dev/null; fi || true
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

step "a fresh Debian 12 root"
cache=${PACKD_DEB_ROOT_CACHE:-$HOME/.cache/packd/bookworm-minbase.tar}
mkdir -p "$root"
if [ -f "$cache" ]; then
    tar -C "$root" -xf "$cache"
else
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    debootstrap --variant=minbase bookworm "$root" "${mirror:-http://deb.debian.org/debian}" >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log"; fail "debootstrap"; }
    mkdir -p "$(dirname "$cache")"
    tar -C "$root" -cf "$cache.part" . && mv "$cache.part" "$cache"
fi
for fs in proc sys dev dev/pts; do
    mkdir -p "$root/$fs"
    mount --bind "/$fs" "$root/$fs"
    mounted+=("$root/$fs")
done
cp /etc/resolv.conf "$root/etc/resolv.conf"
# As in an image build: services are not started by maintainer scripts here.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
in_root() { chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

step "apt-get install ./$(basename "$deb")"
cp "$deb" "$root/tmp/"
in_root apt-get update -q >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "/tmp/$(basename "$deb")" >"$work/install.log" 2>&1 \
    || { tail -30 "$work/install.log"; fail "apt-get install"; }
in_root sh -c 'command -v swift' && fail "a Swift toolchain is in the root"
[ -z "$(find "$root" -xdev -name 'libswiftCore*' -print -quit)" ] || fail "a Swift runtime library is in the root"

step "what it installed"
[ "$(in_root packd --version)" = "$version" ] || fail "packd --version is not $version"
in_root packd config check /etc/packd/packd.toml || fail "packd config check /etc/packd/packd.toml"
in_root id packd
for group in dialout lp; do
    in_root id -nG packd | tr ' ' '\n' | grep -qx "$group" || fail "packd is not in group $group"
done
# The input group reads every keyboard: scanners are granted one by one by the udev rule.
! in_root id -nG packd | tr ' ' '\n' | grep -qx input || fail "packd is in the input group"
for token in api display; do
    [ "$(in_root stat -c '%U %a' "/var/lib/packd/$token.token" 2>&1)" = "packd 600" ] \
        || { grep -i -A3 'setting up packd' "$work/install.log"; fail "$token.token is not packd's, mode 600"; }
done
[ -L "$root/etc/systemd/system/multi-user.target.wants/packd.service" ] || fail "packd.service is not enabled"
in_root systemd-analyze verify /lib/systemd/system/packd.service || fail "systemd-analyze verify"
for file in /lib/udev/rules.d/60-packd.rules /usr/share/man/man1/packd.1.gz /usr/share/bash-completion/completions/packd \
    /usr/share/zsh/vendor-completions/_packd /usr/share/fish/vendor_completions.d/packd.fish \
    /usr/share/packd/templates/waybill-100x150.json /usr/share/doc/packd/copyright; do
    [ -s "$root$file" ] || fail "$file is missing"
done
grep -qx /etc/packd/packd.toml "$root/var/lib/dpkg/info/packd.conffiles" || fail "/etc/packd/packd.toml is not a conffile"
set +e
in_root runuser -u packd -- packd doctor --config /etc/packd/packd.toml >"$work/doctor.txt" 2>&1
doctor=$?
set -e
cat "$work/doctor.txt"
# Nothing runs in this root (no systemd, no CUPS): the doctor says so, and exits 1.
[ "$doctor" -le 1 ] || fail "packd doctor exited $doctor"
grep -q "^ok   config:" "$work/doctor.txt" || fail "packd doctor did not pass the shipped configuration"

step "labels with the libraries packd loads on first use"
# pango/cairo are not linked but loaded when the first label is rendered: the
# package's Depends must have brought them (and a CJK font).
cp samples/orders.json "$root/tmp/orders.json"
in_root packd label render --order /tmp/orders.json --parcel SO-1001-1 --format zpl -o - >"$work/label.zpl" \
    || fail "packd label render (zpl)"
head -c 3 "$work/label.zpl" | grep -q '^^XA' || fail "the rendered label is not ZPL"
in_root packd label render --order /tmp/orders.json --parcel SO-1001-1 --format png -o /tmp/label.png \
    || fail "packd label render (png)"
[ "$(head -c 4 "$root/tmp/label.png" | od -An -tx1 | tr -d ' ')" = "89504e47" ] || fail "the rendered label is not a PNG"

step "a journal with orders and undelivered events"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$root/etc/packd/upgrade-test.toml" <<EOF
state_dir = "/var/lib/packd"
[core]
mode = "remote"
url = "http://127.0.0.1:9/core"
backoff_base_ms = 60000
[api]
listen = "127.0.0.1:$port"
[stations.pack-01]
EOF
token=$(cat "$root/var/lib/packd/api.token")
api() { curl -sS --max-time 10 -H "Authorization: Bearer $token" "$@"; }
start_packd() {
    # setpriv execs packd as packd (runuser would stay between, and answer signals itself).
    chroot "$root" setpriv --reuid=packd --regid=packd --init-groups env -i PATH=/usr/bin:/bin HOME=/var/lib/packd \
        packd run --config /etc/packd/upgrade-test.toml >>"$work/packd.log" 2>&1 &
    packd_pid=$!
    for _ in $(seq 1 300); do
        curl -s --max-time 1 "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        kill -0 "$packd_pid" 2>/dev/null || { cat "$work/packd.log"; fail "packd run ended"; }
        sleep 0.1
    done
    cat "$work/packd.log"
    fail "packd did not answer within 30 s"
}
stop_packd() {
    kill -TERM "$packd_pid"
    wait "$packd_pid" || fail "packd run exited $? on SIGTERM"
    packd_pid=""
}
start_packd
orders='{"orders": [
  {"id": "UP-1", "status": "approved", "waybill": "YTUP00000001", "lines": [{"sku": "MUG", "qty": 1, "barcodes": ["6901234567892"]}]},
  {"id": "UP-2", "status": "approved", "waybill": "YTUP00000002", "lines": [{"sku": "MUG", "qty": 2}]}]}'
api -X POST -H 'Content-Type: application/json' --data "$orders" "http://127.0.0.1:$port/v1/orders" | grep -q '"added":2' \
    || fail "the orders were not imported"
for code in YTUP00000001 6901234567892; do
    api -X POST -H 'Content-Type: application/json' --data "{\"code\": \"$code\"}" "http://127.0.0.1:$port/v1/stations/pack-01/scans" >/dev/null
done
api "http://127.0.0.1:$port/v1/orders/UP-1" | grep -q '"state":"shipped"' || fail "UP-1 did not ship"
# No printer here: the daemon has loaded none of the libraries it loads on first use.
if grep -E '/lib(pangocairo|cairo|pango-1|poppler|cups)[.-]' "/proc/$packd_pid/maps"; then
    fail "the idle daemon mapped a library it should load only on first use"
fi
echo "idle packd (no printer, 2 orders): $(awk '/^VmRSS/ {printf "%.1f MiB", $2 / 1024}' "/proc/$packd_pid/status") resident"
stop_packd
# Every order, parcel state and event, as the journal holds them: read from a
# copy (the journal with its WAL), so that the journal itself is not touched.
journal_rows() {
    python3 - "$root/var/lib/packd/journal.sqlite" <<'PY'
import os, shutil, sqlite3, sys, tempfile
copy = os.path.join(tempfile.mkdtemp(), "journal.sqlite")
for suffix in ("", "-wal"):
    if os.path.exists(sys.argv[1] + suffix):
        shutil.copyfile(sys.argv[1] + suffix, copy + suffix)
db = sqlite3.connect(copy)
for query in ("SELECT id, status FROM orders ORDER BY id",
              "SELECT order_id, parcel_id, state FROM parcels ORDER BY order_id, parcel_id",
              "SELECT id, type, state, payload FROM outbox ORDER BY seq"):
    for row in db.execute(query):
        print("|".join(str(v) for v in row))
PY
}
before=$(journal_rows)
echo "$before" | cut -c1-160
echo "$before" | grep -q '|parcel.shipped|pending|' || fail "no parcel.shipped event waits for the core"
counts=$(in_root packd outbox --json --config /etc/packd/upgrade-test.toml | head -1)
echo "$counts" | grep -q '"pending":1' || fail "packd outbox: $counts"

step "an upgrade over it"
newer=$work/newer
dpkg-deb -R "$deb" "$newer"
sed -i "s/^Version: .*/Version: $version+upgrade1/" "$newer/DEBIAN/control"
fakeroot dpkg-deb --build -Zxz "$newer" "$root/tmp/packd_newer.deb" >/dev/null
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends /tmp/packd_newer.deb >"$work/upgrade.log" 2>&1 \
    || { tail -30 "$work/upgrade.log"; fail "the upgrade"; }
[ "$(in_root dpkg-query -W -f '${Version}' packd)" = "$version+upgrade1" ] || fail "the upgrade did not install"
[ "$(cat "$root/var/lib/packd/api.token")" = "$token" ] || fail "the upgrade changed the API token"
[ "$(journal_rows)" = "$before" ] || fail "the upgrade changed the journal: $(journal_rows)"
start_packd
api "http://127.0.0.1:$port/v1/orders/UP-1" | grep -q '"state":"shipped"' || fail "UP-1 is gone after the upgrade"
api "http://127.0.0.1:$port/v1/orders/UP-2" | grep -q '"state":"pending"' || fail "UP-2 is gone after the upgrade"
stop_packd

start=$(date +%s%N)
for _ in $(seq 1 10); do in_root packd --version >/dev/null; done
version_ms=$(( ($(date +%s%N) - start) / 10000000 ))

step "remove keeps the state, purge removes it"
in_root env DEBIAN_FRONTEND=noninteractive apt-get remove -y -q packd >"$work/remove.log" 2>&1 || { tail -20 "$work/remove.log"; fail "remove"; }
[ ! -e "$root/usr/bin/packd" ] || fail "remove left /usr/bin/packd"
[ -s "$root/var/lib/packd/journal.sqlite" ] || ls -la "$root/var/lib/packd"
[ -n "$(ls -A "$root/var/lib/packd")" ] || fail "remove emptied /var/lib/packd"
in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q packd >"$work/purge.log" 2>&1 || { tail -20 "$work/purge.log"; fail "purge"; }
[ ! -e "$root/var/lib/packd" ] || fail "purge left /var/lib/packd"
[ ! -e "$root/etc/packd/packd.toml" ] || fail "purge left /etc/packd/packd.toml"

step "under a booted systemd"
# The same root, now booted: its systemd runs as PID 1 in a container
# (systemd-nspawn, sharing this machine's network), and the package is installed
# as on a station PC, where postinst starts the unit. This is where the unit's
# sandbox (SystemCallFilter, ProtectSystem, DevicePolicy...), Type=notify, the
# watchdog, reload, restart and an upgrade's try-restart are tried for real.
for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do umount -l "${mounted[$i]}"; done
mounted=()
# The container shares this machine's network, and the shipped configuration's
# API listens on 127.0.0.1:7780.
python3 -c 'import socket; socket.socket().bind(("127.0.0.1", 7780))' 2>/dev/null \
    || fail "127.0.0.1:7780 is in use here: the booted test runs the shipped configuration, whose API listens there"
rm -f "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/root/packd.deb"
cp "$root/tmp/packd_newer.deb" "$root/root/packd_newer.deb"
systemd-nspawn -D "$root" --boot --register=no --keep-unit --console=read-only </dev/null >"$work/boot.log" 2>&1 &
nspawn_pid=$!
leader=""
for _ in $(seq 1 300); do
    leader=$(pgrep -P "$nspawn_pid" -x systemd || true)
    [ -n "$leader" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || { cat "$work/boot.log"; fail "systemd-nspawn ended"; }
    sleep 0.1
done
[ -n "$leader" ] || { cat "$work/boot.log"; fail "the container's systemd did not start within 30 s"; }
booted() { nsenter -t "$leader" -a env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# Until systemd has opened its socket, systemctl cannot ask; then it waits for the boot.
state=""
for _ in $(seq 1 300); do
    state=$(booted timeout 60 systemctl is-system-running --wait 2>/dev/null || true)
    case "$state" in running | degraded | maintenance | stopping) break ;; esac
    sleep 0.1
done
case "$state" in
running | degraded) echo "the container's systemd: $state" ;;
*) cat "$work/boot.log"; fail "the container's systemd is '$state', not running" ;;
esac
booted env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q --no-install-recommends /root/packd.deb >"$work/booted-install.log" 2>&1 \
    || { tail -30 "$work/booted-install.log"; fail "apt-get install under systemd"; }
unit() { booted systemctl show -P "$1" packd.service; }
# Read whole into a file first: grep -q would end the pipe early (pipefail).
journal() { booted journalctl -u packd.service --no-pager -o cat "$@" >"$work/unit-journal.txt"; cat "$work/unit-journal.txt"; }
[ "$(unit ActiveState)" = active ] || { journal | tail -30; fail "postinst did not start packd.service: $(unit ActiveState)/$(unit SubState)"; }
main=$(unit MainPID)
[ "$(booted ps -o user= -p "$main")" = packd ] || fail "packd.service does not run as packd"
port=7780
token=$(cat "$root/var/lib/packd/api.token")
curl -sf --max-time 10 "http://127.0.0.1:$port/healthz" >/dev/null || { journal | tail -30; fail "packd.service does not answer on 127.0.0.1:$port"; }
# An order imported and shipped: the journal written under ProtectSystem=strict,
# the scan through the API, every system call it takes allowed by the filter.
orders='{"orders": [{"id": "SD-1", "status": "approved", "waybill": "YTSD00000001", "lines": [{"sku": "MUG", "qty": 1}]}]}'
api -X POST -H 'Content-Type: application/json' --data "$orders" "http://127.0.0.1:$port/v1/orders" | grep -q '"added":1' \
    || fail "the order was not imported into packd.service"
for code in YTSD00000001 MUG; do
    api -X POST -H 'Content-Type: application/json' --data "{\"code\": \"$code\"}" "http://127.0.0.1:$port/v1/stations/pack-01/scans" >/dev/null
done
api "http://127.0.0.1:$port/v1/orders/SD-1" | grep -q '"state":"shipped"' || { journal | tail -30; fail "SD-1 did not ship under systemd"; }
# The watchdog: systemd records each WATCHDOG=1 (every 2 s); a second one arrives.
pinged=$(unit WatchdogTimestampMonotonic)
for _ in $(seq 1 100); do [ "$(unit WatchdogTimestampMonotonic)" != "$pinged" ] && break; sleep 0.1; done
[ "$(unit WatchdogTimestampMonotonic)" != "$pinged" ] || fail "no watchdog ping reached systemd within 10 s"
booted systemctl reload packd.service || fail "systemctl reload packd"
# kill -HUP returns at once: packd logs the reload a moment later.
for _ in $(seq 1 100); do journal | grep -c 'reloaded (SIGHUP)' >/dev/null && break; sleep 0.1; done
grep -q 'reloaded (SIGHUP)' "$work/unit-journal.txt" || { tail -20 "$work/unit-journal.txt"; fail "packd did not log the reload within 10 s"; }
[ "$(unit MainPID)" = "$main" ] && [ "$(unit ActiveState)" = active ] || fail "systemctl reload ended packd"
booted systemctl restart packd.service || { journal | tail -30; fail "systemctl restart packd"; }
[ "$(unit ActiveState)" = active ] && [ "$(unit MainPID)" != "$main" ] || fail "systemctl restart did not start a new packd"
main=$(unit MainPID)
booted env DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q --no-install-recommends /root/packd_newer.deb >"$work/booted-upgrade.log" 2>&1 \
    || { tail -30 "$work/booted-upgrade.log"; fail "the upgrade under systemd"; }
[ "$(unit ActiveState)" = active ] && [ "$(unit MainPID)" != "$main" ] || fail "the upgrade did not restart packd.service"
api "http://127.0.0.1:$port/v1/orders/SD-1" | grep -q '"state":"shipped"' || fail "SD-1 is gone after the upgrade under systemd"
# Labels render on packd's own threads at nice 10, so that scans come first
# (docs/benchmarks.md): the unit's system call filter must let packd lower its
# own threads' priority. A printer whose queue does not exist is enough to
# make packd read an order on them.
printf '\n[printers.label-01]\nqueue = "nowhere"\nlanguage = "zpl"\n' >> "$root/etc/packd/packd.toml"
booted packd config check /etc/packd/packd.toml || fail "the test's printer made the configuration invalid"
booted systemctl restart packd.service || { journal | tail -30; fail "systemctl restart packd with a printer"; }
curl -s --max-time 10 -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    --data '{"printer": "label-01", "order": "SD-1"}' "http://127.0.0.1:$port/v1/print" >/dev/null || true
main=$(unit MainPID)
niceness=""
for _ in $(seq 1 100); do
    niceness=$(booted ps -L -o comm=,ni= -p "$main" | awk '$1 ~ /^packd-render/ {print $2}' | sort -u | tr '\n' ' ')
    [ -n "$niceness" ] && break
    sleep 0.1
done
[ "$niceness" = "10 " ] || { booted ps -L -o tid,comm,ni -p "$main"; fail "packd's render threads run at nice '$niceness' under the unit, not 10"; }
journal -p warning | tail -20
# What systemd itself says of the unit at warning level or worse (a setting it
# cannot apply, a directory mode it will not change) is a defect of the unit.
systemd_says=$(booted journalctl -q -u packd.service -p warning --no-pager -o short | grep -v ' packd\[[0-9]*\]: ' || true)
[ -z "$systemd_says" ] || fail "systemd warns about packd.service: $systemd_says"
booted systemctl --failed --no-pager --plain
echo "under systemd: started by postinst, shipped an order, watchdog pings, reload, restart, upgrade, render threads at nice 10"
# SIGTERM asks systemd-nspawn to shut the container down cleanly.
kill -TERM "$nspawn_pid"
timeout 60 tail --pid="$nspawn_pid" -f /dev/null || fail "the container did not shut down within 60 s"
wait "$nspawn_pid" || true
nspawn_pid=""

step "sizes and start-up (docs/packaging.md records them)"
echo "package: $(du -k "$deb" | cut -f1) KiB; installed: $(dpkg-deb -f "$deb" Installed-Size) KiB"
echo "apt set up $(grep -c '^Setting up' "$work/install.log") packages in the bare root to install it"
echo "packd --version, in the root through chroot: ${version_ms} ms each (10 runs)"
echo "packd run, start to ready (the two starts above): $(grep -o 'startup_s=[0-9.]*' "$work/packd.log" | tr '\n' ' ')"
echo "test-package.sh: the package passed"
