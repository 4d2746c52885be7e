#!/usr/bin/env bash
# The whole test suite, as CI runs it.
#
# Two runs of one test binary: the suite, then the shared store's in-process
# tests (Tests/PackFleetTests) on their own. Those drive PostgresNIO inside the
# test process, on Swift's cooperative threads (two on two cores), and the
# suite's device and daemon tests hold those threads while they wait on real
# processes; beside them a store call could wait a minute for a thread
# (docs/fleet.md). On their own they run in seconds. The fleet's daemons are
# tested in the first run, through real packd processes.
#
# Then the Debian package (scripts/test-package.sh): built in release mode,
# checked by lintian, installed into a fresh Debian 12 root, upgraded, purged;
# then every fuzz target for 10 s. Each part is bounded by `timeout` (a hang
# fails the run instead of holding CI) and timed; the times are printed at the
# end (docs/testing.md records them).
#
# Extra arguments go to the first run (e.g. --filter StationHub), and only it runs.
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
# The store tests are left to their own run below, not skipped in this one.
part "the suite" timeout 1500 swift test --skip-build --skip PackFleetTests "$@"
if [ $# -eq 0 ]; then
  part "the shared store's tests" env PACKD_FLEET_TESTS=1 timeout 600 swift test --skip-build --filter PackFleetTests
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
