#!/usr/bin/env bash
# Crash test: kills a process that is appending to a ledger with SIGKILL at N
# random moments (default 1000), reopening and checking the ledger after each
# kill: verify valid, every acknowledged entry present and equal, nothing
# partial (see docs/TESTING.md, "Crash test and soak").
#
#   scripts/crash-test.sh [N] [SEED]
#
# The seed is printed; running again with it replays the same kill delays.
# Builds the test programs into $AUDITCHAIN_BUILD_DIR (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1000}"
seed="${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
build="${AUDITCHAIN_BUILD_DIR:-build}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUDITCHAIN_WERROR=ON >/dev/null
cmake --build "$build" --target crash_appender crash_check -j"$(nproc)"
work="$(mktemp -d "${TMPDIR:-/tmp}/auditchain-crash.XXXXXX")"
status=0
"$build/tests/crash/crash_check" --appender "$build/tests/crash/crash_appender" --dir "$work" \
  --rounds "$rounds" --seed "$seed" || status=$?
# crash_check keeps its work directory (the ledger) only when a check failed.
if [ "$status" -eq 0 ]; then rm -rf "$work"; fi
exit "$status"
