#!/usr/bin/env bash
# One brief, reproducible run of a fuzz target, as ctest runs it:
#   run_brief.sh TARGET CORPUS WORK RUNS [DICTIONARY]
# runs TARGET for exactly RUNS inputs from seed 1, starting from the committed
# CORPUS. libFuzzer writes the inputs it finds into its first corpus
# directory, so that is an emptied WORK/new: the committed corpus is only read,
# and every run starts from the same state. A crashing input is saved in
# WORK/crash-* (the log names it).
set -euo pipefail

if [ $# -lt 4 ]; then
  echo "usage: $0 TARGET CORPUS WORK RUNS [DICTIONARY]" >&2
  exit 2
fi
target=$1 corpus=$2 work=$3 runs=$4 dict=${5:-}

if [ ! -x "$target" ]; then
  echo "$target is missing: build the target auditchain_fuzz first" >&2
  exit 1
fi
if [ ! -d "$corpus" ]; then
  echo "$corpus is missing: every fuzz target needs a committed seed corpus" >&2
  exit 1
fi

rm -rf "$work"
mkdir -p "$work/new" "$work/tmp"
args=(-runs="$runs" -seed=1 -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/")
if [ -n "$dict" ]; then
  args+=(-dict="$dict")
fi
# Scratch files a target writes (fuzz_bundle) stay inside WORK.
export TMPDIR="$work/tmp"
exec "$target" "${args[@]}" "$work/new" "$corpus"
