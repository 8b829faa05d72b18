#!/usr/bin/env bash
# Builds the benchmark programs and runs the whole performance suite: appends
# (single, 8 threads with group commit, batches) against raw SQLite commits,
# verification against raw scan + SHA-256, exports against a raw read, inclusion
# proofs against raw lookups, and peak memory of verify and export at 100k and
# 1M entries. Prints the table of ratios docs/PERFORMANCE.md reports.
#
#   scripts/bench.sh [RESULTS_DIR]
#
# Results (Google Benchmark JSON, one file per program) go to RESULTS_DIR,
# by default build/benchmarks/results. The ledgers the benchmarks share are
# built on first use in build/benchmarks/data (or $AUDITCHAIN_BENCH_DATA) and
# kept: a first run takes about half an hour, later runs about twenty minutes.
# Run it on an otherwise idle machine: the figures are only as quiet as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
results="${1:-build/benchmarks/results}"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target verify_benchmark export_benchmark append_benchmark tree_benchmark
mkdir -p "$results"

run() {
  local program="$1"
  shift
  echo "== $program $*" >&2
  "build/benchmarks/$program" --benchmark_out="$results/$program.json" --benchmark_out_format=json "$@"
}

run append_benchmark
run verify_benchmark --benchmark_filter='HashScaling|VerifyToCeiling|VerifyPeakMemory'
run export_benchmark
run tree_benchmark --benchmark_filter='InclusionProofToRawLookups'
python3 benchmarks/summarize.py "$results"
