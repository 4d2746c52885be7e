#!/usr/bin/env bash
# Fuzzes packd's input decoders with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS         builds packd-fuzz, fuzzes TARGET, e.g. scripts/fuzz.sh order-json 60
#   scripts/fuzz.sh --build                only builds packd-fuzz
#   scripts/fuzz.sh --no-build TARGET SECONDS   fuzzes with the packd-fuzz built last
#   scripts/fuzz.sh --list                 the targets
#
# The build is the debug build in .build (PACKD_FUZZ_BUILD=1, Package.swift):
# only packd's modules that hold the decoders are compiled again, with
# -sanitize=fuzzer,address and -O; the rest (NIO, GRDB...) are the modules the
# tests were built with. The next ordinary `swift build` compiles packd's
# modules again without the sanitizers. A run fuzzes a working copy of the
# target's seed corpus (Fuzz/corpus/TARGET; new inputs stay in
# .build-fuzz/corpus/TARGET) for
# SECONDS. A crash leaves the input in .build-fuzz/crashes/TARGET/ and exits
# non-zero; replay it with
#   swift run packd-fuzz TARGET FILE
# and make it a regression test (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || export PATH="$PATH:/opt/swift/usr/bin"

targets=(order-json order-csv config template scanned-code serial-framer scale-framer hid-pos keyboard carrier-pdf carrier-png book-record feed-page)
usage() { echo "usage: scripts/fuzz.sh [--no-build] TARGET SECONDS | --build | --list   (targets: ${targets[*]})" >&2; exit 2; }

build() {
    # Not a release build of its own (.build-fuzz/release until 2026-12-07):
    # that compiled all 69 modules again (9 min in CI); this compiles packd's
    # own, about 2 min, and fuzzes about as fast (docs/fuzzing.md).
    PACKD_FUZZ_BUILD=1 swift build --product packd-fuzz >&2
    # Copied out: the next ordinary build replaces .build/debug/packd-fuzz with
    # one that cannot fuzz.
    mkdir -p .build-fuzz
    cp .build/debug/packd-fuzz .build-fuzz/packd-fuzz
}

case "${1:-}" in
--list) printf '%s\n' "${targets[@]}"; exit 0 ;;
--build) [ $# -eq 1 ] || usage; build; exit 0 ;;
--no-build) shift ;;
*) [ $# -eq 2 ] && build ;;
esac
if [ $# -ne 2 ] || ! printf '%s\n' "${targets[@]}" | grep -qx -- "$1" || ! [[ "$2" =~ ^[0-9]+$ ]]; then
    usage
fi
target=$1
seconds=$2
[ -x .build-fuzz/packd-fuzz ] || { echo "fuzz.sh: no .build-fuzz/packd-fuzz: run scripts/fuzz.sh --build" >&2; exit 1; }

work=.build-fuzz/corpus/$target
crashes=.build-fuzz/crashes/$target
mkdir -p "$work" "$crashes"
# Inputs up to 64 KiB: enough for every format's structure, small enough to run fast.
PACKD_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    .build-fuzz/packd-fuzz "$work" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$crashes/" -print_final_stats=1
