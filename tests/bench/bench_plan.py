"""Benchmarks that print figures (no timed assertions: machines here are shared and noisy).

For each scenario: wall time, peak RSS of the tool and the number of API requests (excluding
login and token exchange) against the bound of docs/design.md §9.1. Run with scripts/bench.sh.
"""
import json
import math
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import LOOPBACK, RA_BIN, Sandbox  # noqa: E402


def seed(tmp, users):
    path = os.path.join(tmp, "seed-%d.json" % users)
    with open(path, "w") as f:
        json.dump({
            "organizations": [{"id": 4201, "name": "Bench", "roles": {
                "viewer": 7001, "annotator": 7002, "admin": 7003}}],
            "queues": [{"id": 812, "name": "Invoices", "organization": 4201}],
            "users": [{"username": "bench.admin@x.example", "password": "Bench-Admin-Pass-42",
                       "organization": 4201, "groups": ["admin"]}],
            "generate": {"organization": 4201, "count": users - 1, "prefix": "bulk",
                         "groups": ["viewer"]},
            "admin": "bench.admin@x.example"}, f)
    return path


def manifest(tmp, accounts, existing, prune=False):
    """`accounts` accounts, the first `existing` of them already in the seed."""
    lines = ["version: 1", "prune: %s" % ("true" if prune else "false"), "accounts:"]
    for i in range(accounts):
        name = ("bulk.%04d@generated.example" % (i + 1)) if i < existing else "svc%05d@bench" % i
        lines += ["  - username: %s" % name, "    groups: [viewer]",
                  "    password: {env: BENCH_PASSWORD}"]
    path = os.path.join(tmp, "m-%d-%d-%s.yaml" % (accounts, existing, prune))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def run(args, env):
    """Wall seconds and peak RSS (KiB) of one tool run (wait4 gives that child's own rusage)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([RA_BIN] + args, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 2):
            err.seek(0)
            raise SystemExit("bench: %s exited %d:\n%s" % (args, proc.returncode,
                                                            err.read().decode()))
    return elapsed, usage.ru_maxrss


def main():
    tmp = tempfile.mkdtemp(prefix="ra-bench-")
    print("%-44s %9s %9s %9s %7s" % ("scenario", "wall s", "peak MiB", "requests", "bound"))
    for users, accounts, existing, prune in [(350, 50, 25, False), (5000, 3, 1, False),
                                             (5000, 500, 250, False), (5000, 500, 250, True),
                                             (20000, 2000, 1000, False)]:
        with Sandbox(seed=seed(tmp, users), startup_timeout=120) as sb:
            env = {"PATH": os.environ.get("PATH", ""), "HOME": tmp,
                   "XDG_CACHE_HOME": os.path.join(tmp, "cache"), "NO_PROXY": LOOPBACK,
                   "no_proxy": LOOPBACK, "NO_COLOR": "1", "ROSSUM_API_URL": sb.url,
                   "ROSSUM_USERNAME": "bench.admin@x.example",
                   "ROSSUM_PASSWORD": "Bench-Admin-Pass-42",
                   "BENCH_PASSWORD": "Bench-Service-Pass-42"}
            path = manifest(tmp, accounts, existing, prune)
            run(["validate", path], env)  # warm the page cache
            sb.clear_requests()
            wall, peak = run(["plan", path, "--max-rps", "1000", "--format", "json"], env)
            count = len(sb.api_requests())
            pages = math.ceil(users / 100)
            bound = 3 + (pages if prune else min(accounts, pages))
            label = "plan N=%d U=%d%s" % (accounts, users, " prune" if prune else "")
            print("%-44s %9.2f %9.1f %9d %7d" % (label, wall, peak / 1024, count, bound))
    big = manifest(tmp, 10000, 0)
    wall, peak = run(["validate", big], {"PATH": os.environ.get("PATH", "")})
    print("%-44s %9.2f %9.1f %9s %7s" % ("validate N=10000 (%d KiB)" % (os.path.getsize(big) // 1024),
                                        wall, peak / 1024, "-", "-"))


if __name__ == "__main__":
    main()
