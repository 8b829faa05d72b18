#!/usr/bin/env bash
# Installs the freshly built auditchain into a scratch prefix, then builds a
# small host application against it twice: with find_package(auditchain) and
# with pkg-config. Both must build, run, and verify their own ledger.
# CONSUMER_CXXFLAGS and CONSUMER_LDFLAGS (the library's own build flags, empty
# in a plain build) compile the host application as the library was compiled.
set -euo pipefail
source_dir=$1
build_dir=$2
cxxflags=${CONSUMER_CXXFLAGS:-}
ldflags=${CONSUMER_LDFLAGS:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/auditchain/auditchain.hpp"
libdir=$(find "$work/prefix" -name 'libauditchain.so*' -printf '%h\n' | head -n 1)
test -n "$libdir"

echo "== find_package(auditchain)"
cmake -S "$source_dir/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_CXX_FLAGS="$cxxflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$work/consumer" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/consumer/consumer" "$work/cmake.ledger"

echo "== pkg-config auditchain"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs auditchain)
# shellcheck disable=SC2086 # the flags are lists of words
c++ -std=c++20 $cxxflags "$source_dir/tests/consumer/main.cc" $flags $ldflags -o "$work/consumer-pc"
LD_LIBRARY_PATH="$libdir" "$work/consumer-pc" "$work/pkgconfig.ledger"

echo "== installed command"
"$work/prefix/bin/auditchain" --version
echo "install test passed"
