#!/usr/bin/env bash
# Builds auditchain with every test and runs them all through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUDITCHAIN_WERROR=ON >/dev/null
cmake --build build -j"$(nproc)"
cd build
exec ctest --output-on-failure --timeout 900 -j"$(nproc)"
