#!/usr/bin/env bash
# The test command: installs what is missing (the build packages and the test tools), builds with warnings as errors, checks formatting,
# runs every test; then rebuilds with clang + ASan/UBSan + libFuzzer and runs the whole suite
# again, fuzzers included (each for RA_FUZZ_SECONDS, default 30).
# Usage: scripts/test.sh [--quick]   (--quick: skip the sanitizer/fuzz stage)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
jobs=$(nproc)
export NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1

echo "== build (g++, -Werror)"
scripts/setup.sh --test-tools "$here/build" -DRA_WERROR=ON
echo "== format (clang-format 14)"
scripts/check-format.sh
echo "== tests"
ctest --test-dir "$here/build" --output-on-failure -j "$jobs" --timeout 900

if [ "${1:-}" = "--quick" ]; then
  exit 0
fi
echo "== build (clang, ASan+UBSan, libFuzzer)"
scripts/setup.sh --test-tools "$here/build-asan" -DRA_WERROR=ON -DRA_SANITIZE=ON -DRA_FUZZ=ON \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=Debug \
  -DRA_FUZZ_SECONDS="${RA_FUZZ_SECONDS:-30}"
echo "== tests under ASan+UBSan, fuzzers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$here/build-asan" --output-on-failure -j "$jobs" --timeout 900
