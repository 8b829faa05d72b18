#!/usr/bin/env bash
# Installs the Debian packages auditchain needs to build and test, only those
# that are missing. Safe to run again; does nothing when all are present.
set -euo pipefail

packages=(
  g++ cmake make pkg-config python3
  libsqlite3-dev sqlite3 libsodium-dev libboost-dev libcli11-dev
  libgtest-dev libbenchmark-dev
  # The fuzz targets (tests/fuzz): clang, and libclang-rt-dev for its
  # libFuzzer and sanitizer runtimes (libclang_rt.fuzzer), which clang only
  # recommends and so would not get below.
  clang libclang-rt-dev
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing missing packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
