#!/usr/bin/env bash
# Fuzzes one of packd's input decoders with libFuzzer and AddressSanitizer.
#
#   scripts/fuzz.sh TARGET SECONDS     e.g. scripts/fuzz.sh order-json 60
#   scripts/fuzz.sh --list             the targets
#
# Builds packd-fuzz in .build-fuzz (release, -sanitize=fuzzer,address), then runs
# the target for SECONDS on a working copy of its seed corpus (Fuzz/corpus/TARGET;
# new inputs stay in .build-fuzz/corpus/TARGET). A crash leaves the input in
# .build-fuzz/crashes/TARGET/ and exits non-zero; replay it with
#   swift run packd-fuzz TARGET FILE
# and make it a regression test (docs/fuzzing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || export PATH="$PATH:/opt/swift/usr/bin"

targets=(order-json order-csv config template scanned-code serial-framer hid-pos keyboard carrier-pdf carrier-png book-record feed-page)
if [ "${1:-}" = "--list" ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
if [ $# -ne 2 ] || ! printf '%s\n' "${targets[@]}" | grep -qx -- "$1" || ! [[ "$2" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/fuzz.sh TARGET SECONDS   (targets: ${targets[*]})" >&2
  exit 2
fi
target=$1
seconds=$2

swift build -c release --scratch-path .build-fuzz --product packd-fuzz \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -DPACKD_FUZZING >&2

work=.build-fuzz/corpus/$target
crashes=.build-fuzz/crashes/$target
mkdir -p "$work" "$crashes"
# Inputs up to 64 KiB: enough for every format's structure, small enough to run fast.
PACKD_FUZZ_TARGET=$target SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 \
  .build-fuzz/release/packd-fuzz "$work" "Fuzz/corpus/$target" \
  -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
  -artifact_prefix="$crashes/" -print_final_stats=1
