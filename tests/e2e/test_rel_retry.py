"""Reliability matrix R1-R9: throttling, Retry-After, bounded retries, login limits, creates."""
import email.utils
import json
import time
import unittest

from harness import Sandbox, ToolTestCase

ORG = 4201


def manifest(*usernames, first_name=None):
    text = "version: 1\naccounts:\n"
    for name in usernames:
        text += "  - username: %s\n    groups: [annotator]\n" % name
        if first_name:
            text += "    first_name: %s\n" % first_name
        text += "    password:\n      env: PW_%s\n" % name.split("@")[0].replace("-", "_").upper()
    return text


def logins(sandbox):
    return [r for r in sandbox.requests() if r["path"].endswith("/auth/login")]


class RetryTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.path = self.write("accounts.yaml", manifest("svc-r@example"))

    def timed(self, *args, env):
        started = time.monotonic()
        run = self.run_tool(*args, env=env, timeout=120)
        run.elapsed = time.monotonic() - started
        return run

    def users_gets(self, sandbox):
        return [r for r in sandbox.api_requests() if r["path"] == "/api/v1/users"]

    # ---- R1 / R2 / R3 Retry-After -------------------------------------------------------------
    def test_r1_retry_after_two_seconds_is_honoured(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/users", action="respond", status=429,
                     headers={"Retry-After": "2"}, body={"detail": "Request was throttled."})
            run = self.timed("plan", self.path, "--detailed-exitcode", env=self.env(sb))
            self.assertExit(run, 2)
            self.assertGreaterEqual(run.elapsed, 2.0)
            self.assertEqual(len(self.users_gets(sb)), 2)
        self.assertNoSecrets()

    def test_r2_retry_after_a_day_gives_up_at_once_with_75(self):
        tomorrow = email.utils.formatdate(time.time() + 86400, usegmt=True)
        for value, shown in (("86400", "86400 s"), (tomorrow, "863")):
            with Sandbox() as sb:
                sb.fault(method="GET", path="/api/v1/users", action="respond", status=429,
                         headers={"Retry-After": value}, times=-1)
                run = self.timed("plan", self.path, env=self.env(sb))
                self.assertExit(run, 75)
                self.assertIn("the API asked to retry after %s" % shown, run.stderr)
                self.assertIn("longer than the 60 s this tool waits", run.stderr)
                self.assertLess(run.elapsed, 10)
                self.assertEqual(len(self.users_gets(sb)), 1)
        self.assertNoSecrets()

    def test_r3_garbage_negative_or_past_retry_after_falls_back_to_backoff(self):
        past = email.utils.formatdate(time.time() - 3600, usegmt=True)
        for value in ("soon", "-5", past, "1e9"):
            with Sandbox() as sb:
                sb.fault(method="GET", path="/api/v1/users", action="respond", status=429,
                         headers={"Retry-After": value})
                run = self.timed("plan", self.path, "--detailed-exitcode", env=self.env(sb))
                self.assertExit(run, 2)
                self.assertLess(run.elapsed, 10)
                self.assertEqual(len(self.users_gets(sb)), 2)

    def test_r1_a_create_answered_429_was_not_processed_and_is_sent_again_after_the_wait(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=429,
                     headers={"Retry-After": "1"}, body={"detail": "Request was throttled."})
            env = self.env(sb, PW_SVC_R=self.password("r1post"))
            run = self.timed("apply", self.path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            self.assertGreaterEqual(run.elapsed, 1.0)
            self.assertEqual([r["status"] for r in sb.api_requests() if r["method"] == "POST"],
                             [429, 201])
            self.assertEqual(len(sb.users_named("svc-r@example")), 1)
        self.assertNoSecrets()

    # ---- R4 503 forever -----------------------------------------------------------------------
    def test_r4_503_on_every_get_stops_after_five_attempts_with_75(self):
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/users", action="status_without_commit",
                     status=503, times=-1)
            run = self.timed("plan", self.path, env=self.env(sb))
            self.assertExit(run, 75)
            self.assertIn("giving up after 4 retries: the API answered 503", run.stderr)
            self.assertEqual(len(self.users_gets(sb)), 5)
            self.assertLess(run.elapsed, 40)
        self.assertNoSecrets()

    # ---- R5 retries exhausted during apply ----------------------------------------------------
    def test_r5_exhausted_retries_mark_the_rest_not_attempted_with_75(self):
        names = ["svc-a@example", "svc-b@example", "svc-c@example"]
        path = self.write("three.yaml", manifest(*names, first_name="Bot"))
        with Sandbox() as sb:
            for name in names:
                sb.add_user(username=name, organization=ORG, groups=["annotator"],
                            first_name="Old")
            sb.fault(method="PATCH", path="/api/v1/users/", prefix=True,
                     action="status_without_commit", status=503, times=-1)
            run = self.timed("apply", path, "--auto-approve", "--format", "json",
                             env=self.env(sb))
            self.assertExit(run, 75)
            report = json.loads(run.stdout)
            statuses = {r["username"]: r["status"] for r in report["results"]}
            self.assertEqual(statuses, {"svc-a@example": "failed",
                                        "svc-b@example": "not_attempted",
                                        "svc-c@example": "not_attempted"})
            self.assertEqual(report["summary"]["not_attempted"], 2)
            patches = [r for r in sb.api_requests() if r["method"] == "PATCH"]
            self.assertEqual(len(patches), 5)
            self.assertTrue(all(u["first_name"] == "Old" for n in names
                                for u in sb.users_named(n)))
        self.assertNoSecrets()

    # ---- R6 / R7 login ------------------------------------------------------------------------
    def test_r6_throttled_login_is_tried_at_most_twice_then_75(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/auth/login", action="respond", status=429,
                     headers={"Retry-After": "1"}, times=-1)
            run = self.timed("plan", self.path, env=self.env(sb))
            self.assertExit(run, 75)
            self.assertIn("throttled", run.stderr)
            self.assertLessEqual(len(logins(sb)), 2)
            self.assertEqual(sb.api_requests(), [])
        self.assertNoSecrets()

    def test_r7_rejected_login_is_tried_once_then_77_naming_only_the_user(self):
        with Sandbox() as sb:
            wrong = "Wrong-" + sb.admin_password
            self.secrets.add(wrong)
            run = self.timed("plan", self.path, env=self.env(sb, ROSSUM_PASSWORD=wrong))
            self.assertExit(run, 77)
            self.assertIn('login for user "%s" failed: the API rejected the credentials (401)'
                          % sb.admin_username, run.stderr)
            self.assertEqual(len(logins(sb)), 1)
            self.assertEqual(sb.api_requests(), [])
        self.assertNoSecrets()

    # ---- R8 token expiry ----------------------------------------------------------------------
    def test_r8_expired_cached_token_leads_to_exactly_one_fresh_login(self):
        with Sandbox() as sb:
            env = self.env(sb)
            self.assertExit(self.run_tool("plan", self.path, env=env), 0)
            self.assertEqual(len(logins(sb)), 1)
            sb.clear_requests()
            self.assertExit(self.run_tool("plan", self.path, env=env), 0)
            self.assertEqual(logins(sb), [], "the cached token was not reused")
            sb.expire_tokens()
            sb.clear_requests()
            run = self.run_tool("plan", self.path, "--detailed-exitcode", env=env)
            self.assertExit(run, 2)
            self.assertEqual(len(logins(sb)), 1)
            self.assertEqual(sb.requests()[0]["status"], 401)
        self.assertNoSecrets()

    def test_r8_a_401_mid_run_renews_once_and_a_second_401_is_77(self):
        with Sandbox() as sb:
            env = self.env(sb)
            self.assertExit(self.run_tool("plan", self.path, env=env), 0)  # fills the cache
            sb.clear_requests()
            sb.fault(method="GET", path="/api/v1/groups", action="respond", status=401,
                     body={"detail": "Invalid token."})
            run = self.run_tool("plan", self.path, "--detailed-exitcode", env=env)
            self.assertExit(run, 2)
            self.assertEqual(len(logins(sb)), 1)
            self.assertEqual([r["status"] for r in sb.api_requests()
                              if r["path"] == "/api/v1/groups"], [401, 200])
            sb.clear_requests()
            sb.fault(method="GET", path="/api/v1/groups", action="respond", status=401,
                     body={"detail": "Invalid token."}, times=2)
            run = self.run_tool("plan", self.path, env=env)
            self.assertExit(run, 77)
            self.assertIn("the API rejected the credentials (401)", run.stderr)
            self.assertEqual(len(logins(sb)), 1)
        self.assertNoSecrets()

    # ---- R9 500 on create ---------------------------------------------------------------------
    def test_r9_500_without_commit_is_looked_up_then_posted_once_more(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/users", action="status_without_commit",
                     status=500)
            env = self.env(sb, PW_SVC_R=self.password("r9a"))
            run = self.run_tool("apply", self.path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("svc-r@example")), 1)
            posts = [r for r in sb.api_requests() if r["method"] == "POST"]
            self.assertEqual([p["status"] for p in posts], [500, 201])
            lookups = [r for r in sb.api_requests()
                       if r["method"] == "GET" and "username=" in r["query"]]
            self.assertGreaterEqual(len(lookups), 1)
        self.assertNoSecrets()

    def test_r9_500_after_commit_is_adopted_without_a_second_post(self):
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/users", action="status_after_commit",
                     status=500)
            env = self.env(sb, PW_SVC_R=self.password("r9b"))
            run = self.run_tool("apply", self.path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("svc-r@example")), 1)
            posts = [r for r in sb.api_requests() if r["method"] == "POST"]
            self.assertEqual(len(posts), 1)
            again = self.run_tool("plan", self.path, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
