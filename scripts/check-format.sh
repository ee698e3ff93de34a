#!/usr/bin/env bash
# Fails when a tracked C++ file differs from clang-format 14's output.
set -euo pipefail
cd "$(dirname "$0")/.."
fmt=$(command -v clang-format-14 || command -v clang-format)
files=$(git ls-files -co --exclude-standard -- '*.cpp' '*.hpp' '*.h' | grep -v '^tests/fuzz/corpus/' || true)
[ -z "$files" ] && exit 0
# shellcheck disable=SC2086
$fmt --dry-run --Werror $files
