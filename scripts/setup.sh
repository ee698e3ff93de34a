#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs (when missing) and builds it.
# Usage: scripts/setup.sh [--test-tools] [BUILD_DIR] [extra cmake args...]
# Without --test-tools only what building and running need is installed (the quick start); the
# test command (scripts/test.sh) passes --test-tools for Catch2, clang and its sanitizer runtime,
# clang-format, python3 and its modules, and the packaging and man page tools.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
test_tools=0
if [ "${1:-}" = "--test-tools" ]; then
  test_tools=1
  shift
fi
build=${1:-"$here/build"}
shift || true

packages=(build-essential cmake ninja-build pkg-config git ca-certificates
  libyaml-dev libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  libcpp-httplib-dev libicu-dev)
if [ "$test_tools" -eq 1 ]; then
  # dpkg-dev (dpkg-shlibdeps) and file: CPack's Depends; groff-base and man-db: rendering the
  # man pages; zsh and fish: parsing the generated completion scripts.
  packages+=(catch2 clang-14 libclang-rt-14-dev clang-format-14 python3 python3-jsonschema
    python3-yaml openssl dpkg-dev file groff-base man-db zsh fish)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

tests_arg=()
[ "$test_tools" -eq 1 ] && tests_arg=(-DRA_TESTS=ON)
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "${tests_arg[@]}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
