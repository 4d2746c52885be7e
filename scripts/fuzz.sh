#!/usr/bin/env bash
# Fuzzes packd's input decoders with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS         builds packd-fuzz, fuzzes TARGET, e.g. scripts/fuzz.sh order-json 60
#   scripts/fuzz.sh --build                only builds packd-fuzz
#   scripts/fuzz.sh --no-build TARGET SECONDS   fuzzes with the packd-fuzz built last
#   scripts/fuzz.sh --list                 the targets
#
# The build is a release build in .build-fuzz (PACKD_FUZZ_BUILD=1, Package.swift):
# only packd's modules that hold the decoders get -sanitize=fuzzer,address; the
# rest (NIO, GRDB...) are built as for release. A run fuzzes a working copy of the target's seed corpus
# (Fuzz/corpus/TARGET; new inputs stay in .build-fuzz/corpus/TARGET) for
# SECONDS. A crash leaves the input in .build-fuzz/crashes/TARGET/ and exits
# non-zero; replay it with
#   swift run packd-fuzz TARGET FILE
# and make it a regression test (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || export PATH="$PATH:/opt/swift/usr/bin"

targets=(order-json order-csv config template scanned-code serial-framer hid-pos keyboard carrier-pdf carrier-png book-record feed-page)
usage() { echo "usage: scripts/fuzz.sh [--no-build] TARGET SECONDS | --build | --list   (targets: ${targets[*]})" >&2; exit 2; }

build() {
    # Its own scratch directory: sharing .build/release with the package's
    # build was tried (same compiler flags) and SwiftPM still compiled every
    # module again each way (docs/fuzzing.md).
    PACKD_FUZZ_BUILD=1 swift build -c release --scratch-path .build-fuzz --product packd-fuzz >&2
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
[ -x .build-fuzz/release/packd-fuzz ] || { echo "fuzz.sh: no .build-fuzz/release/packd-fuzz: run scripts/fuzz.sh --build" >&2; exit 1; }

work=.build-fuzz/corpus/$target
crashes=.build-fuzz/crashes/$target
mkdir -p "$work" "$crashes"
# Inputs up to 64 KiB: enough for every format's structure, small enough to run fast.
PACKD_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
    .build-fuzz/release/packd-fuzz "$work" "Fuzz/corpus/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$crashes/" -print_final_stats=1
