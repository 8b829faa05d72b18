#!/usr/bin/env bash
# Soak: 2 processes of 8 threads each append (single and batch, to shared and
# own tenants), read, query, verify and checkpoint one ledger for SECONDS
# (default 60); then no error in any thread, the ledger valid, and every
# tenant's entry count equal to the sum the threads report (see
# docs/TESTING.md, "Crash test and soak").
#
#   scripts/soak.sh [SECONDS] [SEED]
#
# Builds the test program into $AUDITCHAIN_BUILD_DIR (default: build).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
seed="${2:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}"
build="${AUDITCHAIN_BUILD_DIR:-build}"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUDITCHAIN_WERROR=ON >/dev/null
cmake --build "$build" --target auditchain_soak -j"$(nproc)"
work="$(mktemp -d "${TMPDIR:-/tmp}/auditchain-soak.XXXXXX")"
status=0
"$build/tests/crash/auditchain_soak" --dir "$work" --seconds "$seconds" --processes 2 --threads 8 \
  --seed "$seed" || status=$?
# auditchain_soak keeps its work directory (the ledger) only when a check failed.
if [ "$status" -eq 0 ]; then rm -rf "$work"; fi
exit "$status"
