"""Requests in parallel within the rate limit (docs/design.md §9.7): the sandbox's request log
(arrival time, duration, client port) shows the rate, the overlap, the kept-alive GETs and the
fresh connection of every POST."""
import json
import os
import re
import signal
import subprocess
import time
import unittest

from harness import RA_BIN, SeededSandbox, ToolTestCase, demo_seed


def manifest(usernames, prune=False):
    lines = ["version: 1", "prune: %s" % ("true" if prune else "false"), "accounts:"]
    for name in usernames:
        lines += ["  - username: %s" % name, "    groups: [annotator]",
                  "    password: {env: SVC_PASSWORD}"]
    return "\n".join(lines) + "\n"


def most_in_one_second(requests):
    """The most requests that arrived within any sliding window of one second."""
    times = sorted(r["at_ms"] for r in requests)
    most, start = 0, 0
    for end, t in enumerate(times):
        while t - times[start] >= 1000:
            start += 1
        most = max(most, end - start + 1)
    return most


def most_overlapping(requests):
    """The most requests whose [arrival, answer) intervals overlapped at one moment."""
    events = []
    for r in requests:
        events.append((r["at_ms"], 1))
        events.append((r["at_ms"] + r["duration_ms"], -1))
    most = now = 0
    for _, delta in sorted(events, key=lambda e: (e[0], e[1])):
        now += delta
        most = max(most, now)
    return most


class ParallelTest(ToolTestCase):
    def sandbox(self, users=600, **kwargs):
        seed = demo_seed(generate=[{"count": users, "organization": 4201, "prefix": "bulk"}])
        return SeededSandbox(seed, self.tmp, **kwargs)

    def test_a_parallel_plan_stays_within_max_rps_in_every_sliding_second_with_no_429(self):
        path = self.write("m.yaml", manifest(["new.one@demo"], prune=True))
        with self.sandbox(users=1500, rate_limit=10) as sb:
            sb.config(latency_ms=150)
            run = self.run_tool("plan", path, "--detailed-exitcode", "--parallelism", "10",
                                env=self.env(sb))
            self.assertExit(run, 2)
            log = sb.requests()
        timeline = "\n".join("%8.1f %6.1f %d %s %s?%s" % (r["at_ms"], r["duration_ms"], r["status"],
                                                        r["method"], r["path"], r["query"])
                             for r in sorted(log, key=lambda r: r["at_ms"]))
        self.assertEqual([r for r in log if r["status"] == 429], [], timeline)
        self.assertGreaterEqual(len(log), 18)  # 16 pages, the caller, groups, auth
        self.assertLessEqual(most_in_one_second(log), 10)
        # The pages went side by side, not one after another.
        self.assertGreater(most_overlapping(log), 2)
        self.assertNoSecrets()

    def test_with_parallelism_one_no_two_requests_overlap(self):
        path = self.write("m.yaml", manifest(["new.one@demo"], prune=True))
        with self.sandbox(users=450) as sb:
            sb.config(latency_ms=20)
            run = self.run_tool("plan", path, "--parallelism", "1", env=self.env(sb))
            self.assertExit(run, 0)
            log = sb.requests()
        self.assertEqual(most_overlapping(log), 1)

    def test_the_first_read_goes_beside_the_token_exchange_unless_parallelism_is_one(self):
        path = self.write("m.yaml", manifest(["new.one@demo"]))

        def by_path(log, wanted):
            return [r for r in log if r["path"] == "/api/v1" + wanted][0]

        for parallelism, overlaps in (("10", True), ("1", False)):
            with self.subTest(parallelism=parallelism), self.sandbox(users=50) as sb:
                sb.config(latency_ms=200)
                env = self.env(sb, XDG_CACHE_HOME=os.path.join(self.tmp, "c" + parallelism))
                run = self.run_tool("plan", path, "--parallelism", parallelism, env=env)
                self.assertExit(run, 0)
                log = sb.requests()
                exchange, caller = by_path(log, "/auth/token"), by_path(log, "/auth/user")
                self.assertEqual(caller["status"], 200)
                exchange_end = exchange["at_ms"] + exchange["duration_ms"]
                self.assertEqual(caller["at_ms"] < exchange_end, overlaps, log)
                # The exchanged token is the one cached: the next run logs in no more.
                sb.clear_requests()
                self.assertExit(self.run_tool("plan", path, env=env), 0)
                self.assertNotIn("/api/v1/auth/login", [r["path"] for r in sb.requests()])
        self.assertNoSecrets()

    def test_gets_reuse_kept_alive_connections_and_every_post_opens_a_fresh_one(self):
        names = ["svc.%02d@demo" % n for n in range(12)]
        path = self.write("m.yaml", manifest(names, prune=True))
        env = self.env(SVC_PASSWORD="Sv-" + os.urandom(8).hex())
        with self.sandbox(users=900) as sb:
            sb.config(latency_ms=30)
            env = self.env(sb, SVC_PASSWORD=env["SVC_PASSWORD"])
            self.secrets.add(env["SVC_PASSWORD"])
            run = self.run_tool("apply", path, "--auto-approve", "--parallelism", "4", env=env)
            self.assertExit(run, 0)
            log = sorted(sb.requests(), key=lambda r: r["at_ms"])
        gets = [r for r in log if r["method"] == "GET"]
        posts = [r for r in log if r["method"] == "POST" and r["path"] == "/api/v1/users"]
        self.assertEqual(len(posts), 12)
        # Ten pages and the other reads over a handful of connections: one per worker.
        self.assertLessEqual(len({r["client_port"] for r in gets}), 6)
        seen = set()
        for r in log:
            if r in posts:
                self.assertNotIn(r["client_port"], seen, "a POST went on a reused connection")
            seen.add(r["client_port"])
        self.assertNoSecrets()

    def test_a_parallel_apply_reports_and_prints_progress_in_username_order(self):
        names = ["svc.%02d@demo" % n for n in range(24)]
        path = self.write("m.yaml", manifest(names))
        password = "Sv-" + os.urandom(8).hex()
        with self.sandbox(users=50) as sb:
            sb.config(latency_ms=40)
            env = self.env(sb, SVC_PASSWORD=password)
            self.secrets.add(password)
            run = self.run_tool("apply", path, "--auto-approve", "--parallelism", "8",
                                env=env)
            self.assertExit(run, 0)
            log = sb.requests()
            self.assertGreater(most_overlapping([r for r in log if r["method"] == "POST"]), 1)
            for name in names:
                self.assertEqual(len(sb.users_named(name)), 1)
            again = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        progress = re.findall(r"created (svc\.\d\d@demo)", run.stderr + run.stdout)
        self.assertEqual(progress, names)
        self.assertNoSecrets()

    def test_a_signal_during_a_parallel_apply_leaves_an_exact_report_and_a_rerun_converges(self):
        names = ["svc.%02d@demo" % n for n in range(30)]
        path = self.write("m.yaml", manifest(names))
        password = "Sv-" + os.urandom(8).hex()
        self.secrets.add(password)
        with self.sandbox(users=20) as sb:
            sb.config(latency_ms=150)
            env = self.env(sb, SVC_PASSWORD=password)
            proc = subprocess.Popen([RA_BIN, "apply", path, "--auto-approve", "--format", "json",
                                     "--parallelism", "4"], env=env, cwd=self.tmp,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 30
            while time.time() < deadline and len(
                    [u for u in sb.users() if u["username"].startswith("svc.")]) < 3:
                time.sleep(0.01)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
            self.outputs.append(out + err)
            self.assertEqual(proc.returncode, 1, out + err)
            report = json.loads(out)
            statuses = {r["username"]: r["status"] for r in report["results"]}
            self.assertEqual(sorted(statuses), names)
            self.assertEqual([r["username"] for r in report["results"]], names)
            done = [n for n in names if statuses[n] == "done"]
            rest = [n for n in names if statuses[n] == "not_attempted"]
            self.assertEqual(len(done) + len(rest), 30, statuses)
            self.assertGreaterEqual(len(done), 3)
            self.assertGreater(len(rest), 10, "the stop let only the writes in flight finish")
            for name in done:
                self.assertEqual(len(sb.users_named(name)), 1, name)
            for name in rest:
                self.assertEqual(sb.users_named(name), [], name)
            rerun = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(rerun, 0)
            for name in names:
                self.assertEqual(len(sb.users_named(name)), 1, name)
        self.assertNoSecrets()

    def test_an_ambiguous_create_among_parallel_ones_is_settled_once_by_a_look_up(self):
        names = ["svc.%02d@demo" % n for n in range(10)]
        path = self.write("m.yaml", manifest(names))
        password = "Sv-" + os.urandom(8).hex()
        self.secrets.add(password)
        with self.sandbox(users=20) as sb:
            sb.config(latency_ms=30)
            # The third POST commits, then its connection drops: its outcome is unknown.
            sb.fault(method="POST", path="/api/v1/users", action="drop_after_commit", skip=2)
            env = self.env(sb, SVC_PASSWORD=password)
            run = self.run_tool("apply", path, "--auto-approve", "--format", "json",
                                "--parallelism", "6", env=env)
            self.assertExit(run, 0)
            report = json.loads(run.stdout)
            self.assertEqual(report["summary"]["created"] + report["summary"]["updated"], 10)
            for name in names:
                self.assertEqual(len(sb.users_named(name)), 1, name)
            posts = [r for r in sb.requests() if r["method"] == "POST"
                     and r["path"] == "/api/v1/users"]
            self.assertEqual(len(posts), 10, "the dropped create was settled, never resent")
            lookups = [r for r in sb.requests() if r["method"] == "GET"
                       and "username=" in r["query"]]
            self.assertEqual(len(lookups), 1)
        self.assertNoSecrets()

    def test_parallelism_outside_one_to_sixty_four_is_a_usage_error(self):
        path = self.write("m.yaml", manifest(["new.one@demo"]))
        for value in ("0", "65", "x"):
            run = self.run_tool("validate", path, "--parallelism", value, env=self.env())
            self.assertExit(run, 64)
            self.assertIn("--parallelism", run.stderr)


if __name__ == "__main__":
    unittest.main()
