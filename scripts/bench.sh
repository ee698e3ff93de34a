#!/usr/bin/env bash
# Benchmarks: builds, then prints wall time, peak memory and request counts of plan runs against
# the sandbox (no timed assertions; figures only). Usage: scripts/bench.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/setup.sh" "$here/build"
export RA_BIN="$here/build/rossum-accounts" RA_SANDBOX="$here/build/rossum-sandbox"
export RA_SOURCE_DIR="$here" NO_PROXY=127.0.0.1,localhost,::1 no_proxy=127.0.0.1,localhost,::1
python=/usr/bin/python3
[ -x "$python" ] || python=python3
exec "$python" "$here/tests/bench/bench_plan.py"
