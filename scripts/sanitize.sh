#!/usr/bin/env bash
# Builds auditchain with a sanitizer and runs the whole ctest suite under it.
#
#   scripts/sanitize.sh address   AddressSanitizer + UndefinedBehaviorSanitizer, in build-asan/
#   scripts/sanitize.sh thread    ThreadSanitizer, in build-tsan/
#
# Any sanitizer report is fatal: the process that hits it exits with status 66,
# so the test that ran it fails. The last thing printed is ctest's summary.
# See docs/TESTING.md, "Sanitizers".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

usage() {
  echo "usage: scripts/sanitize.sh address|thread" >&2
  exit 2
}
[ $# -eq 1 ] || usage

case "$1" in
  address)
    build=build-asan
    flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    runtime_name=libasan.so
    ;;
  thread)
    build=build-tsan
    flags="-fsanitize=thread"
    runtime_name=libtsan.so
    ;;
  *) usage ;;
esac

scripts/install-deps.sh

# 66 is not an exit status the CLI or the tests give any other meaning.
common="halt_on_error=1:exitcode=66"
export ASAN_OPTIONS="$common:detect_leaks=1:check_initialization_order=1:strict_init_order=1"
export UBSAN_OPTIONS="$common:print_stacktrace=1:report_error_type=1"
export TSAN_OPTIONS="$common:second_deadlock_stack=1"

# The Python tests run a stock interpreter, which loads the instrumented
# library through ctypes (bindings/python/tests) or runs the instrumented CLI
# (tests/cli, tests/faults). A sanitizer runtime must be in a process from its
# start, so the interpreter CMake finds is a wrapper that preloads the runtime
# g++ links (and libstdc++, which the runtime must find at its start to
# intercept C++ exceptions). What a test starts inherits the preload: our own
# programs link the same runtime anyway, and an interpreter a test starts can
# load the library too.
runtime=$(readlink -f "$(g++ -print-file-name="$runtime_name")")
libstdcxx=$(readlink -f "$(g++ -print-file-name=libstdc++.so)")
for lib in "$runtime" "$libstdcxx"; do
  [ -f "$lib" ] || { echo "sanitize.sh: g++ does not provide $lib" >&2; exit 2; }
done
python=$(python3 -c 'import sys; print(sys.executable)')
tools="$root/$build/sanitizer"
mkdir -p "$tools"
{
  echo '#!/bin/sh'
  echo "# Written by scripts/sanitize.sh: $python with the $1 sanitizer runtime preloaded."
  echo "export LD_PRELOAD=\"$runtime $libstdcxx\${LD_PRELOAD:+ \$LD_PRELOAD}\""
  echo "exec \"$python\" \"\$@\""
} >"$tools/python3"
chmod +x "$tools/python3"

# The interpreter does not free all of its own memory at exit, which
# LeakSanitizer would report. Leak detection is therefore off in processes
# named as the interpreter is started (ASAN_OPTIONS includes $tools/NAME.asan
# by program name); all other checks stay on in them, and leak detection stays
# on in every other program, the CLI that a Python test runs included.
for name in "$(basename "$python")" "$(basename "$(readlink -f "$python")")" python3 python; do
  echo "detect_leaks=0" >"$tools/$name.asan"
done
export ASAN_OPTIONS="$ASAN_OPTIONS:include_if_exists=$tools/%b.asan"

# -O1 -g1 (line tables only) rather than the usual -O2 -g: the sanitizers'
# own advice, reports still name file and line, and it compiles in about half
# the time, which is most of what this script costs. Warnings are not errors
# here: with sanitizer instrumentation GCC warns of uninitialised use inside
# the standard library (std::regex) where there is none. scripts/test.sh
# builds with every warning an error.
optimize="-O1 -g1 -DNDEBUG"
flags="$flags -Wno-maybe-uninitialized"
cmake -S . -B "$build" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=gcc -DCMAKE_CXX_COMPILER=g++ \
  -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="$optimize" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$optimize" \
  -DCMAKE_EXE_LINKER_FLAGS="$flags" -DCMAKE_SHARED_LINKER_FLAGS="$flags" \
  -DAUDITCHAIN_WERROR=OFF \
  -DAUDITCHAIN_BUILD_BENCHMARKS=OFF \
  -DAUDITCHAIN_FUZZ=OFF \
  -DPython3_EXECUTABLE="$tools/python3" >/dev/null
cmake --build "$build" -j"$(nproc)"
cd "$build"
exec ctest --output-on-failure --timeout 900 -j"$(nproc)"
