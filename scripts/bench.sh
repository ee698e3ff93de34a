#!/usr/bin/env bash
# Benchmarks: builds, then prints the machine and two markdown tables for README.md's performance
# section: plan and apply at the sandbox's 10 requests/s with 0 and 250 ms latency (requests,
# 429s, wall, the floor (R - 10)/10 + 4L, wall/floor), and a 10,000 × 100,000 plan's CPU and
# peak RSS. Figures only, no assertions. Usage: scripts/bench.sh [--smoke]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh" "$here/build"
export RA_BIN="$here/build/rossum-accounts" RA_SANDBOX="$here/build/rossum-sandbox"
export RA_SOURCE_DIR="$here" NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$here/tests/bench/bench_plan.py" "$@"
