#!/usr/bin/env bash
# The whole test suite, as CI runs it.
#
# The suite: every test, the shared store's in-process tests (Tests/PackFleetTests)
# among them. Those drive PostgresNIO on Swift's cooperative threads; the
# blocking device and daemon tests beside them run on threads of their own
# (Tests/PackTestRequirements/OffCooperativePool.swift, docs/testing.md).
#
# Then the Debian package (scripts/test-package.sh): built in release mode,
# checked by lintian, installed into a fresh Debian 12 root, upgraded, purged;
# then every fuzz target for 10 s. Each part is bounded by `timeout` (a hang
# fails the run instead of holding CI) and timed; the times are printed at the
# end (docs/testing.md records them).
#
# Extra arguments go to the suite (e.g. --filter StationHub), and only it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
times=()
part() {
  local name=$1 start=$SECONDS
  shift
  "$@"
  times+=("$(printf '%6d s  %s' $((SECONDS - start)) "$name")")
}
report() { [ ${#times[@]} -eq 0 ] || { echo "== test.sh: time of each part"; printf '%s\n' "${times[@]}"; } >&2; }
trap report EXIT
part "debug build with the tests" swift build --build-tests
part "the suite" timeout 1500 swift test --skip-build "$@"
if [ $# -eq 0 ]; then
  part "the Debian package (release build, install, upgrade, purge)" timeout 2400 ./scripts/test-package.sh
  # Each fuzz target for a bounded time (libFuzzer + AddressSanitizer,
  # docs/fuzzing.md), built once in the debug build's directory (only the
  # decoders' modules are compiled again) and run two at a time (one per core;
  # libFuzzer is single-threaded): a crash fails the run and leaves its input in
  # .build-fuzz/crashes/.
  part "the fuzz build" timeout 600 ./scripts/fuzz.sh --build
  mkdir -p .build-fuzz/logs
  fuzz_one() {
    local target=$1
    if ! timeout 120 ./scripts/fuzz.sh --no-build "$target" 10 > ".build-fuzz/logs/$target.log" 2>&1; then
      tail -n 60 ".build-fuzz/logs/$target.log"
      echo "fuzz target $target failed" >&2
      return 1
    fi
    echo "$target: $(grep -h 'stat::number_of_executed_units' ".build-fuzz/logs/$target.log")"
  }
  # A failed target fails the part only after the other targets have run, so
  # no fuzzer is left running when test.sh exits.
  fuzz_all() {
    local running=0 failed=0 target
    for target in $(./scripts/fuzz.sh --list); do
      if [ "$running" -eq 2 ]; then wait -n || failed=1; running=$((running - 1)); fi
      fuzz_one "$target" &
      running=$((running + 1))
    done
    while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
    return "$failed"
  }
  part "the fuzz targets, 10 s each, two at a time" fuzz_all
fi
