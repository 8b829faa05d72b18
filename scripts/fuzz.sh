#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) and fuzzes each in turn.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS is the time per target (default 60); TARGETs are names such as
# fuzz_json (default: every target with a corpus under tests/fuzz/corpus).
# Targets run one after the other, one process each.
#
# Everything goes under the build directory, $AUDITCHAIN_FUZZ_BUILD_DIR
# (default build/fuzz):
#   corpus/TARGET/     the working corpus, seeded from tests/fuzz/corpus/TARGET
#                      and kept between runs, so later runs start further on
#   crashes/TARGET/    inputs that crashed, hung, leaked or broke a property
#   logs/TARGET.log    libFuzzer's output
# Prints one line per target and exits 1 when any target failed, naming the
# input that did it; reproduce with `BUILD/tests/fuzz/clang/TARGET INPUT`.
# A crash worth keeping belongs in tests/fuzz/corpus/TARGET/ once fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [SECONDS] [TARGET...]   (SECONDS per target, a positive whole number)" >&2
  exit 2
fi
shift $(($# > 0 ? 1 : 0))

source_corpus=tests/fuzz/corpus
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in "$source_corpus"/fuzz_*/; do
    targets+=("$(basename "$dir")")
  done
fi
for t in "${targets[@]}"; do
  if [ ! -d "$source_corpus/$t" ]; then
    echo "unknown fuzz target $t (no $source_corpus/$t)" >&2
    exit 2
  fi
done

build=${AUDITCHAIN_FUZZ_BUILD_DIR:-build/fuzz}
scripts/install-deps.sh
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DAUDITCHAIN_FUZZ=ON >/dev/null
cmake --build "$build" --target auditchain_fuzz -j"$(nproc)" >/dev/null

bin="$build/tests/fuzz/clang"
# The dictionary of each target, as tests/fuzz/CMakeLists.txt lists them.
dict_of() {
  sed -n "s/^ *$1 [0-9][0-9]* \([a-z_-]*\).*/\1/p" tests/fuzz/CMakeLists.txt
}

failed=0
for t in "${targets[@]}"; do
  corpus="$build/corpus/$t"
  crashes="$build/crashes/$t"
  log="$build/logs/$t.log"
  mkdir -p "$corpus" "$crashes" "$build/logs" "$build/tmp/$t"
  for seed in "$source_corpus/$t"/*; do
    [ -e "$corpus/$(basename "$seed")" ] || cp "$seed" "$corpus/"
  done
  args=(-max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$crashes/")
  dict=$(dict_of "$t")
  if [ -n "$dict" ] && [ "$dict" != "-" ]; then
    args+=(-dict="tests/fuzz/dict/$dict.dict")
  fi
  status=0
  TMPDIR="$build/tmp/$t" "$bin/$t" "${args[@]}" "$corpus" >"$log" 2>&1 || status=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  took=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  inputs=$(find "$corpus" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    printf '%-20s ok     %12s runs in %ss (%s/s), corpus %s inputs\n' "$t" "${runs:-?}" "$seconds" "${took:-?}" \
      "$inputs"
  else
    failed=1
    input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
    printf '%-20s FAILED after %s runs: input %s, log %s\n' "$t" "${runs:-?}" "${input:-(none saved)}" "$log"
  fi
done
exit $failed
