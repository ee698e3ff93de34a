"""Benchmarks that print figures (no timed assertions: machines here are shared and noisy).

Prints the machine, then two markdown tables the README's performance section takes verbatim:

1. plan and apply against a sandbox that answers after --latency-ms and limits /api requests to
   10 in any sliding second (the tool at its default --max-rps 10): requests R (every /api
   request, login and token exchange included), 429 answers, wall time, the floor
   (R - 10)/10 + 4L (L the latency in seconds: the login -> exchange -> first read -> last
   answer chain is sequential) and wall / floor;
2. plan at scale with the rate limit off: CPU (user + sys of the rossum-accounts process alone),
   wall and peak RSS.

Run with scripts/bench.sh; `--smoke` runs the same code on tiny inputs (ctest's "bench: smoke").
"""
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import LOOPBACK, RA_BIN, SOURCE_DIR, Sandbox  # noqa: E402

ADMIN = "bench.admin@x.example"
ADMIN_PASSWORD = "Bench-Admin-Pass-42"

# (label, users, accounts, existing) per sizing; "smoke" keeps every run under a second or two.
FULL = {"plan": (5000, 500, 250), "apply": (5000, 100), "scale": (100000, 10000, 5000),
        "latencies": (0, 250)}
SMOKE = {"plan": (300, 20, 10), "apply": (300, 3), "scale": (2000, 200, 100),
         "latencies": (0, 20)}


def seed(tmp, users):
    path = os.path.join(tmp, "seed-%d.json" % users)
    with open(path, "w") as f:
        json.dump({
            "organizations": [{"id": 4201, "name": "Bench", "roles": {
                "viewer": 7001, "annotator": 7002, "admin": 7003}}],
            "queues": [{"id": 812, "name": "Invoices", "organization": 4201}],
            "users": [{"username": ADMIN, "password": ADMIN_PASSWORD,
                       "organization": 4201, "groups": ["admin"]}],
            "generate": {"organization": 4201, "count": users - 1, "prefix": "bulk",
                         "groups": ["viewer"]},
            "admin": ADMIN}, f)
    return path


def manifest(tmp, accounts, existing):
    """`accounts` accounts, the first `existing` of them already in the seed."""
    lines = ["version: 1", "prune: false", "accounts:"]
    for i in range(accounts):
        name = ("bulk.%04d@generated.example" % (i + 1)) if i < existing else "svc%05d@bench" % i
        lines += ["  - username: %s" % name, "    groups: [viewer]",
                  "    password: {env: BENCH_PASSWORD}"]
    path = os.path.join(tmp, "m-%d-%d.yaml" % (accounts, existing))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def tool_env(tmp, sb, run_name):
    # A fresh token cache per run: every run logs in and exchanges once, and logs out nothing.
    return {"PATH": os.environ.get("PATH", ""), "HOME": tmp,
            "XDG_CACHE_HOME": os.path.join(tmp, "cache-" + run_name), "NO_PROXY": LOOPBACK,
            "no_proxy": LOOPBACK, "NO_COLOR": "1", "ROSSUM_API_URL": sb.url,
            "ROSSUM_USERNAME": ADMIN, "ROSSUM_PASSWORD": ADMIN_PASSWORD,
            "BENCH_PASSWORD": "Bench-Service-Pass-42"}


def run(args, env):
    """Wall seconds, CPU seconds (user + sys) and peak RSS (KiB) of one tool run; wait4 gives
    that child's own rusage, not the sandbox's."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.monotonic()
        proc = subprocess.Popen([RA_BIN] + args, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.monotonic() - start
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 2):
            err.seek(0)
            raise SystemExit("bench: %s exited %d:\n%s" % (args, code, err.read().decode()))
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def count(n):
    return "{:,}".format(n)


def rated_run(tmp, kind, sizes, latency_ms):
    """One plan or apply at the sandbox's default limit of 10 requests in any second."""
    users = sizes[kind][0]
    with Sandbox("--latency-ms", str(latency_ms), seed=seed(tmp, users), rate_limit=10,
                 startup_timeout=120) as sb:
        if kind == "plan":
            _, accounts, existing = sizes["plan"]
            path = manifest(tmp, accounts, existing)
            args = ["plan", path, "--format", "json"]
            label = "plan, %s accounts among %s users" % (count(accounts), count(users))
        else:
            creates = sizes["apply"][1]
            path = manifest(tmp, creates, 0)
            args = ["apply", path, "--auto-approve"]
            label = "apply, %s creates among %s users" % (count(creates), count(users))
        sb.clear_requests()
        wall, _, _ = run(args, tool_env(tmp, sb, "%s-%d" % (kind, latency_ms)))
        log = sb.requests()
    requests = len(log)
    throttled = sum(1 for r in log if r["status"] == 429)
    latency = latency_ms / 1000.0
    floor = max(requests - 10, 0) / 10.0 + 4 * latency
    ratio = "%.2f ×" % (wall / floor) if floor > 0 else "–"
    return "| %s | %d ms | %d | %d | %.2f s | %.2f s | %s |" % (
        label, latency_ms, requests, throttled, wall, floor, ratio)


def scale_run(tmp, sizes):
    users, accounts, existing = sizes["scale"]
    with Sandbox(seed=seed(tmp, users), startup_timeout=300) as sb:
        path = manifest(tmp, accounts, existing)
        env = tool_env(tmp, sb, "scale")
        run(["validate", path], env)  # warm the page cache
        sb.clear_requests()
        wall, cpu, peak = run(["plan", path, "--max-rps", "1000", "--format", "json"], env)
        requests = len(sb.requests())
    label = "plan, %s accounts among %s users" % (count(accounts), count(users))
    return "| %s | %d | %.2f s | %.1f s | %.0f MiB |" % (label, requests, cpu, wall, peak / 1024)


def machine():
    try:
        commit = subprocess.run(["git", "-C", SOURCE_DIR, "describe", "--always", "--dirty"],
                                capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = "unknown"
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f
                          if line.startswith("model name")), model)
    except OSError:
        pass
    return "machine: %d CPUs (nproc), %s; commit %s" % (len(os.sched_getaffinity(0)), model,
                                                        commit)


def main():
    sizes = SMOKE if "--smoke" in sys.argv[1:] else FULL
    tmp = tempfile.mkdtemp(prefix="ra-bench-")
    print(machine())
    print()
    print("| run | latency | requests | 429s | wall | floor | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind in ("plan", "apply"):
        for latency_ms in sizes["latencies"]:
            print(rated_run(tmp, kind, sizes, latency_ms), flush=True)
    print()
    print("| run (rate limit off) | requests | CPU (user+sys) | wall | peak RSS |")
    print("| --- | --- | --- | --- | --- |")
    print(scale_run(tmp, sizes), flush=True)


if __name__ == "__main__":
    main()
