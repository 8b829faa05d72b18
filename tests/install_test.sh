#!/usr/bin/env bash
# Installs the freshly built auditchain into a scratch prefix, then builds a
# small host application against it twice: with find_package(auditchain) and
# with pkg-config. Both must build, run, and verify their own ledger.
set -euo pipefail
source_dir=$1
build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/auditchain/auditchain.hpp"
libdir=$(find "$work/prefix" -name 'libauditchain.so*' -printf '%h\n' | head -n 1)
test -n "$libdir"

echo "== find_package(auditchain)"
cmake -S "$source_dir/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
LD_LIBRARY_PATH="$libdir" "$work/consumer/consumer" "$work/cmake.ledger"

echo "== pkg-config auditchain"
export PKG_CONFIG_PATH="$libdir/pkgconfig"
flags=$(pkg-config --cflags --libs auditchain)
c++ -std=c++20 "$source_dir/tests/consumer/main.cc" $flags -o "$work/consumer-pc"
LD_LIBRARY_PATH="$libdir" "$work/consumer-pc" "$work/pkgconfig.ledger"

echo "== installed command"
"$work/prefix/bin/auditchain" --version
echo "install test passed"
