#!/usr/bin/env bash
# Builds dist/packd_<version>_amd64.deb from this checkout (docs/packaging.md).
#
#   scripts/build-deb.sh [--output DIR] [--skip-build]
#
# The release binary links the Swift runtime statically (--static-swift-stdlib):
# the station PC needs no Swift. The version is packd's own (`packd --version`,
# Sources/PackCLI/Packd.swift); Depends comes from the binary's libraries
# (dpkg-shlibdeps) and from the ones it loads on first use. Prints the
# package's path on its last line.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
output=$root/dist
skip_build=false
while [ $# -gt 0 ]; do
    case "$1" in
    --output) output=$2; shift 2 ;;
    --skip-build) skip_build=true; shift ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-deb.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

for tool in dpkg-deb dpkg-shlibdeps fakeroot gzip strip; do
    command -v "$tool" >/dev/null || { echo "build-deb.sh: $tool is missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
done
# A C compiler for the Depends stand-in below: the Swift toolchain's clang, or cc.
c_compiler=$(command -v clang || command -v cc) \
    || { echo "build-deb.sh: no C compiler (clang comes with the Swift toolchain)" >&2; exit 1; }

# Linked by lld with packed relative relocations (DT_RELR, glibc 2.36) and
# without exporting its symbols: the loader then reads 50 KB of relocations
# instead of 3.5 MB, and looks nothing up in a 56,000-symbol table, which keeps
# start-up and idle memory small (docs/benchmarks.md). Still a PIE, now with
# every symbol bound at start (-z now: the whole GOT read-only).
# No debug info (-gnone): strip removes it from the package anyway, and not
# emitting it cuts the release build from 800 s to 600 s on a 2-core CI machine.
build=(swift build -c release --product packd --static-swift-stdlib -Xswiftc -gnone
    -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs -Xlinker --no-export-dynamic
    -Xlinker -z -Xlinker now)
if ! $skip_build; then
    "${build[@]}"
fi
binary=$("${build[@]}" --show-bin-path)/packd
[ -x "$binary" ] || { echo "build-deb.sh: no release binary at $binary" >&2; exit 1; }
version=$("$binary" --version)
case "$version" in
[0-9]*) ;;
*) echo "build-deb.sh: packd --version said '$version'" >&2; exit 1 ;;
esac

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
pkg=$stage/packd
mkdir -p "$pkg/DEBIAN"

# The program, without its symbol table (Swift's metadata sections stay).
install -D -m 0755 "$binary" "$pkg/usr/bin/packd"
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/packd"

# systemd, udev and sysusers, where Debian 12's own packages put theirs.
install -D -m 0644 systemd/packd.service "$pkg/lib/systemd/system/packd.service"
install -D -m 0644 udev-rules/60-packd.rules "$pkg/lib/udev/rules.d/60-packd.rules"
install -D -m 0644 systemd/packd.sysusers "$pkg/usr/lib/sysusers.d/packd.conf"

# The configuration (a conffile: an operator's edits survive upgrades).
install -D -m 0644 packaging/debian/packd.toml "$pkg/etc/packd/packd.toml"

# The bundled label templates (also built into the binary), as examples for
# [labels] templates.
for template in templates/*.json; do
    install -D -m 0644 "$template" "$pkg/usr/share/packd/templates/$(basename "$template")"
done

# Shell completions and the man page, from the command's own definition.
# (bash-completion sources the file: it takes no #! line.)
"$pkg/usr/bin/packd" --generate-completion-script bash | sed '1{/^#!/d}' | install -D -m 0644 /dev/stdin "$pkg/usr/share/bash-completion/completions/packd"
"$pkg/usr/bin/packd" --generate-completion-script zsh | install -D -m 0644 /dev/stdin "$pkg/usr/share/zsh/vendor-completions/_packd"
"$pkg/usr/bin/packd" --generate-completion-script fish | install -D -m 0644 /dev/stdin "$pkg/usr/share/fish/vendor_completions.d/packd.fish"
mkdir -p "$pkg/usr/share/man/man1"
"$pkg/usr/bin/packd" --experimental-dump-help | python3 scripts/man-page.py --version "$version" | gzip -9n > "$pkg/usr/share/man/man1/packd.1.gz"

# What lintian reports and is accepted, each with why (docs/packaging.md).
install -D -m 0644 packaging/debian/lintian-overrides "$pkg/usr/share/lintian/overrides/packd"

# Documentation.
doc=$pkg/usr/share/doc/packd
install -D -m 0644 README.md "$doc/README.md"
for page in docs/*.md; do install -D -m 0644 "$page" "$doc/docs/$(basename "$page")"; done
install -D -m 0644 packaging/debian/copyright "$doc/copyright"
gzip -9n < packaging/debian/changelog > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
# README.md's pictures are not shipped: the links name the repository's files.

# Maintainer scripts, and the conffile.
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$pkg/DEBIAN/"
echo /etc/packd/packd.toml > "$pkg/DEBIAN/conffiles"

# Depends from the libraries the binary links (dpkg-shlibdeps wants a source
# package's debian/control to stand in), and from the ones it loads with
# dlopen when it first renders a label or speaks to CUPS
# (Sources/CLazyLibraries): the binary does not name those, so a throwaway
# object that calls every function of lazy_functions.h stands in, linked with
# --no-undefined against the libraries below (a function none of them has
# fails here), so that dpkg-shlibdeps sees which versions those functions need.
lazy_libraries=(libpangocairo-1.0.so.0 libpango-1.0.so.0 libcairo.so.2 libgobject-2.0.so.0 libglib-2.0.so.0
    libpoppler-glib.so.8 libcups.so.2)
mkdir -p "$stage/src/debian"
printf 'Source: packd\n\nPackage: packd\nArchitecture: amd64\n' > "$stage/src/debian/control"
{
    echo '#define LAZY_FUNCTION(library, type, name, parameters, arguments) extern void name(void); void *packd_uses_##name = (void *)name;'
    echo '#define LAZY_VOID(library, name, parameters, arguments) LAZY_FUNCTION(library, void, name, parameters, arguments)'
    echo '#include "lazy_functions.h"'
} > "$stage/src/lazy-libraries.c"
"$c_compiler" -shared -fPIC -I Sources/CLazyLibraries -o "$stage/src/lazy-libraries.so" "$stage/src/lazy-libraries.c" \
    -Wl,--no-undefined -Wl,--no-as-needed "${lazy_libraries[@]/#/-l:}"
shlibs=$(cd "$stage/src" && dpkg-shlibdeps -O "$pkg/usr/bin/packd" lazy-libraries.so 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "build-deb.sh: dpkg-shlibdeps found no libraries" >&2; exit 1; }
# Packed relative relocations (DT_RELR) need glibc 2.36: an older loader would
# skip them and packd would crash at start. lld marks no symbol version for
# them (GLIBC_ABI_DT_RELR), so dpkg-shlibdeps cannot know; say it here.
libc_version=$(sed -n 's/.*libc6 (>= \([^)]*\)).*/\1/p' <<<"$shlibs")
if [ -z "$libc_version" ]; then
    shlibs="libc6 (>= 2.36), $shlibs"
elif dpkg --compare-versions "$libc_version" lt 2.36; then
    shlibs=${shlibs/"libc6 (>= $libc_version)"/"libc6 (>= 2.36)"}
fi

size=$(du -k -s --exclude=DEBIAN "$pkg" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$size/" -e "s/@SHLIBS@/$shlibs/" packaging/debian/control.in > "$pkg/DEBIAN/control"
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles" "$pkg/DEBIAN/md5sums"
find "$pkg" -type d -exec chmod 0755 {} +

mkdir -p "$output"
deb=$output/packd_${version}_amd64.deb
fakeroot dpkg-deb --build -Zxz "$pkg" "$deb" >/dev/null
echo "$deb"
