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
# then every fuzz target for 20 s.
#
# Extra arguments go to the first run (e.g. --filter StationHub), and only it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --build-tests
swift test --skip-build "$@"
if [ $# -eq 0 ]; then
  # Bounded: a hang here fails the run instead of holding CI.
  PACKD_FLEET_TESTS=1 timeout 600 swift test --skip-build --filter PackFleetTests
  timeout 2400 ./scripts/test-package.sh
  # Each fuzz target for a bounded time (libFuzzer + AddressSanitizer,
  # docs/fuzzing.md): a crash fails the run and leaves its input in
  # .build-fuzz/crashes/.
  mkdir -p .build-fuzz/logs
  for target in $(./scripts/fuzz.sh --list); do
    if ! ./scripts/fuzz.sh "$target" 20 > ".build-fuzz/logs/$target.log" 2>&1; then
      tail -n 60 ".build-fuzz/logs/$target.log"
      echo "fuzz target $target failed" >&2
      exit 1
    fi
    echo "$target: $(grep -h 'stat::number_of_executed_units' ".build-fuzz/logs/$target.log")"
  done
fi
