"""Throttling, retries, tokens, interruption and concurrency against the sandbox (the reliability matrix of tests/README.md)."""
import json
import os
import signal
import stat
import subprocess
import time
import unittest

from harness import RA_BIN, Sandbox, ToolTestCase, writes

MANIFEST = """\
version: 1
accounts:
  - username: one.bot@demo
    groups: [annotator]
    password: {env: ONE_PASSWORD}
  - username: two.bot@demo
    groups: [viewer]
    password: {env: TWO_PASSWORD}
  - username: three.bot@demo
    groups: [viewer]
    password: {env: THREE_PASSWORD}
"""
USERS = ("one.bot@demo", "two.bot@demo", "three.bot@demo")


class ResilienceTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = self.write("m.yaml", MANIFEST)

    def tool_env(self, sb, **extra):
        return self.env(sb, ONE_PASSWORD=self.password("one"), TWO_PASSWORD=self.password("two"),
                        THREE_PASSWORD=self.password("three"), **extra)

    def logins(self, sb):
        return [r for r in sb.requests() if r["path"].endswith("/auth/login")]

    def test_a_429_with_retry_after_on_a_get_is_waited_out_and_the_plan_succeeds(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", action="respond", status=429,
                     headers={"Retry-After": "1"}, body={"detail": "throttled"})
            started = time.monotonic()
            run = self.run_tool("plan", self.manifest, env=self.tool_env(sb))
            self.assertExit(run, 0)
            self.assertGreaterEqual(time.monotonic() - started, 1.0)
            groups = [r["status"] for r in sb.requests() if r["path"].endswith("/v1/groups")]
            self.assertEqual(groups, [429, 200])
        self.assertNoSecrets()

    def test_a_create_answered_429_is_resent_after_the_wait_and_a_patch_503_is_retried(self):
        with Sandbox() as sb:
            sb.add_user(username="two.bot@demo", organization=4201, groups=["admin"],
                        metadata={"managed_by": "rossum-accounts"})
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=429,
                     headers={"Retry-After": "1"}, body={"detail": "throttled"})
            sb.fault(method="PATCH", path="/api/v1/users", prefix=True, action="respond",
                     status=503, body={"detail": "unavailable"})
            run = self.run_tool("apply", self.manifest, "--auto-approve", env=self.tool_env(sb))
            self.assertExit(run, 0)
            posts = [r["status"] for r in sb.requests() if r["method"] == "POST"
                     and r["path"].endswith("/v1/users")]
            self.assertEqual(posts, [429, 201, 201])
            patches = [r["status"] for r in sb.requests() if r["method"] == "PATCH"]
            self.assertEqual(patches, [503, 200])
            for name in USERS:
                self.assertEqual(len(sb.users_named(name)), 1, name)
            self.assertEqual(sb.users_named("two.bot@demo")[0]["groups"][0].rsplit("/", 1)[1],
                             "5101")
        self.assertNoSecrets()

    def test_a_retry_after_beyond_the_cap_is_75_at_once_naming_it(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", action="respond", status=429,
                     headers={"Retry-After": "86400"}, body={"detail": "throttled"})
            started = time.monotonic()
            run = self.run_tool("plan", self.manifest, env=self.tool_env(sb))
            self.assertExit(run, 75)
            self.assertLess(time.monotonic() - started, 10)
            self.assertIn("86400", run.stderr)
        self.assertNoSecrets()

    def test_a_throttled_login_is_75_after_at_most_two_logins(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/auth/login", action="respond", status=429,
                     headers={"Retry-After": "1"}, times=-1, body={"detail": "throttled"})
            run = self.run_tool("plan", self.manifest, env=self.tool_env(sb))
            self.assertExit(run, 75)
            self.assertLessEqual(len(self.logins(sb)), 2)
        self.assertNoSecrets()

    def test_the_token_cache_is_0600_reused_and_an_expired_token_costs_one_fresh_login(self):
        with Sandbox() as sb:
            env = self.tool_env(sb)
            self.assertExit(self.run_tool("plan", self.manifest, env=env), 0)
            cache = os.path.join(self.tmp, "cache", "rossum-accounts")
            # The token file and the lock file that serializes runs using it.
            files = sorted(os.listdir(cache), key=lambda name: name.endswith(".lock"))
            self.assertEqual([os.path.splitext(f)[1] for f in files], [".json", ".lock"])
            self.assertEqual(os.path.splitext(files[0])[0], os.path.splitext(files[1])[0])
            for name in files:
                self.assertEqual(stat.S_IMODE(os.stat(os.path.join(cache, name)).st_mode), 0o600)
            sb.clear_requests()
            self.assertExit(self.run_tool("plan", self.manifest, env=env), 0)
            self.assertEqual(self.logins(sb), [], "the cached token is reused")
            self.assertFalse([r for r in sb.requests() if r["path"].endswith("/auth/logout")])
            sb.expire_tokens()
            sb.clear_requests()
            self.assertExit(self.run_tool("plan", self.manifest, env=env), 0)
            self.assertEqual(len(self.logins(sb)), 1)
        self.assertNoSecrets()

    def test_without_the_token_cache_the_run_logs_out_at_the_end_and_writes_no_cache(self):
        with Sandbox() as sb:
            run = self.run_tool("plan", self.manifest, "--no-token-cache",
                                env=self.tool_env(sb))
            self.assertExit(run, 0)
            self.assertTrue(sb.requests()[-1]["path"].endswith("/auth/logout"))
            self.assertFalse(os.path.exists(os.path.join(self.tmp, "cache", "rossum-accounts")))
        self.assertNoSecrets()

    def test_a_create_committed_then_truncated_or_timed_out_leaves_one_user(self):
        for fault in ({"action": "truncate"}, {"action": "hang", "ms": 4000, "commit": True}):
            with Sandbox() as sb:
                sb.fault(method="POST", path="/api/v1/users", **fault)
                run = self.run_tool("apply", self.manifest, "--auto-approve", "--timeout", "2",
                                    env=self.tool_env(sb))
                self.assertExit(run, 0)
                for name in USERS:
                    self.assertEqual(len(sb.users_named(name)), 1, (fault, name))
        self.assertNoSecrets()

    def test_a_look_up_that_fails_once_after_a_dropped_create_is_retried(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/users", action="drop_after_commit")
            sb.fault(method="GET", path="/api/v1/users", action="respond", status=503,
                     body={"detail": "unavailable"})
            run = self.run_tool("apply", self.manifest, "--auto-approve", env=self.tool_env(sb))
            self.assertExit(run, 0)
            for name in USERS:
                self.assertEqual(len(sb.users_named(name)), 1, name)
        self.assertNoSecrets()

    def test_a_server_error_echoing_the_password_is_redacted(self):
        with Sandbox() as sb:
            env = self.tool_env(sb)
            echoed = json.dumps({"password": ["'%s' is too common" % env["ONE_PASSWORD"]]})
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=400,
                     body=echoed)
            run = self.run_tool("apply", self.manifest, "--auto-approve", "-v", env=env)
            self.assertExit(run, 3)
            self.assertIn("one.bot@demo", run.stdout)
            self.assertEqual(sb.users_named("one.bot@demo"), [])
            self.assertEqual(len(sb.users_named("two.bot@demo")), 1)
            sb.clear_requests()
            rerun = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
            self.assertExit(rerun, 0)
            self.assertEqual([(r["method"], r["status"]) for r in writes(sb)], [("POST", 201)],
                             "only the failed account is created")
        self.assertNoSecrets()

    def test_a_verbose_apply_logs_requests_without_any_secret(self):
        with Sandbox() as sb:
            run = self.run_tool("apply", self.manifest, "--auto-approve", "-v",
                                env=self.tool_env(sb))
            self.assertExit(run, 0)
            self.assertIn("POST", run.stderr)
            self.assertIn("/v1/users", run.stderr)
        self.assertNoSecrets()

    def test_unavailability_during_apply_stops_writes_and_marks_the_rest_not_attempted(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=503,
                     times=-1, body={"detail": "unavailable"})
            run = self.run_tool("apply", self.manifest, "--auto-approve", "--format", "json",
                                "--timeout", "2", env=self.tool_env(sb), timeout=180)
            self.assertExit(run, 75)
            report = json.loads(run.stdout)
            self.assertEqual(report["summary"], {"created": 0, "updated": 0, "deactivated": 0,
                                                 "skipped": 0, "failed": 1, "not_attempted": 2})
            self.assertEqual([r["status"] for r in report["results"]],
                             ["unknown", "not_attempted", "not_attempted"])
            posts = [r for r in sb.requests() if r["method"] == "POST"
                     and r["path"].endswith("/v1/users")]
            self.assertEqual(len(posts), 2, "one resend after the look-up, never a third")
            for name in USERS:
                self.assertEqual(sb.users_named(name), [])
        self.assertNoSecrets()

    def test_a_next_link_leaving_the_api_origin_is_refused(self):
        with Sandbox() as sb:
            page = {"pagination": {"total": 200, "total_pages": 2, "next":
                                   "http://127.0.0.1:9/api/v1/users?page=2", "previous": None},
                    "results": []}
            sb.fault(method="GET", path="/api/v1/users", action="respond", status=200,
                     body=page, headers={"Content-Type": "application/json"})
            manifest = self.write("prune.yaml", MANIFEST.replace("version: 1\n",
                                                                 "version: 1\nprune: true\n"))
            run = self.run_tool("plan", manifest, env=self.tool_env(sb))
            self.assertExit(run, 1)
            self.assertIn("127.0.0.1:9", run.stderr)
        self.assertNoSecrets()

    def test_a_non_json_success_body_is_an_error_not_a_crash(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", action="respond", status=200,
                     body="<html>oops</html>", times=-1, headers={"Content-Type": "text/html"})
            run = self.run_tool("plan", self.manifest, env=self.tool_env(sb), timeout=120)
            self.assertIn(run.code, (1, 75), repr(run))
            self.assertNotIn("internal error", run.stderr)
        self.assertNoSecrets()

    def test_max_rps_keeps_a_rate_limited_api_from_answering_429(self):
        with Sandbox(rate_limit=5) as sb:
            for n in range(4):
                sb.add_user(username="extra.%d@demo" % n, organization=4201, groups=["viewer"])
            run = self.run_tool("apply", self.manifest, "--auto-approve", "--max-rps", "5",
                                env=self.tool_env(sb))
            self.assertExit(run, 0)
            time.sleep(1.1)  # the limit is per process: let the first run's window pass
            again = self.run_tool("plan", self.manifest, "--max-rps", "5",
                                  "--detailed-exitcode", env=self.tool_env(sb))
            self.assertExit(again, 0)
            self.assertEqual([r for r in sb.requests() if r["status"] == 429], [])
        self.assertNoSecrets()

    def test_sigterm_during_apply_reports_and_a_rerun_converges(self):
        with Sandbox("--latency-ms", "400") as sb:
            env = self.tool_env(sb)
            # One write at a time: the parallel case is test_parallel.py's.
            proc = subprocess.Popen([RA_BIN, "apply", self.manifest, "--auto-approve",
                                     "--parallelism", "1"], env=env,
                                    cwd=self.tmp, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 30
            while time.time() < deadline and not sb.users_named("one.bot@demo"):
                time.sleep(0.02)
            proc.send_signal(signal.SIGTERM)  # the first create committed; two are left
            out, err = proc.communicate(timeout=60)
            self.outputs.append(out + err)
            self.assertEqual(proc.returncode, 1, out + err)
            self.assertIn("Apply interrupted", out)
            self.assertIn(". not attempted two.bot@demo", out)
            self.assertEqual(sb.users_named("two.bot@demo"), [])
            rerun = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
            self.assertExit(rerun, 0)
            for name in USERS:
                self.assertEqual(len(sb.users_named(name)), 1, name)
        self.assertNoSecrets()

    def test_two_applies_at_once_never_make_two_users(self):
        with Sandbox("--latency-ms", "150") as sb:
            env = self.tool_env(sb)
            procs = [subprocess.Popen([RA_BIN, "apply", self.manifest, "--auto-approve",
                                       "--no-token-cache"], env=env, cwd=self.tmp,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
            results = [p.communicate(timeout=120) for p in procs]
            for p, (out, err) in zip(procs, results):
                self.outputs.append(out + err)
                self.assertIn(p.returncode, (0, 3), out + err)
            for name in USERS:
                self.assertEqual(len(sb.users_named(name)), 1, name)
            again = self.run_tool("plan", self.manifest, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        self.assertNoSecrets()

    def test_a_managed_user_deleted_out_of_band_is_recreated_once(self):
        with Sandbox() as sb:
            env = self.tool_env(sb)
            self.assertExit(self.run_tool("apply", self.manifest, "--auto-approve", env=env), 0)
            user = sb.users_named("two.bot@demo")[0]
            sb.control("DELETE", "/users/%d" % user["id"])
            plan = self.run_tool("plan", self.manifest, "--detailed-exitcode", env=env)
            self.assertExit(plan, 2)
            self.assertIn("+ create two.bot@demo", plan.stdout)
            self.assertExit(self.run_tool("apply", self.manifest, "--auto-approve", env=env), 0)
            self.assertEqual(len(sb.users_named("two.bot@demo")), 1)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
