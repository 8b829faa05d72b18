#!/usr/bin/env bash
# Builds auditchain and runs its demo: a ledger with two tenants is written,
# verified, tampered with (copies) and the tampering is caught.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target auditchain_cli -j"$(nproc)"
exec build/cli/auditchain demo --dir build/demo
