"""Reliability matrix D2-D8, C2-C7 and E1: ambiguous creates, interruptions, drift, races.

D1, D6, C1 and C4 live in the functional tests (see tests/README.md).
"""
import json
import os
import signal
import subprocess
import time
import unittest

from harness import RA_BIN, Sandbox, ToolTestCase, writes

ORG = 4201
NAMES = ["svc-a@example", "svc-b@example", "svc-c@example"]


def manifest(*usernames, groups="annotator"):
    text = "version: 1\naccounts:\n"
    for name in usernames:
        text += ("  - username: %s\n    groups: [%s]\n    first_name: Bot\n"
                 "    password:\n      env: PW_%s\n" % (name, groups, env_name(name)))
    return text


def env_name(username):
    return username.split("@")[0].replace("-", "_").upper()


def without_last_login(users):
    """The admin's last_login moves with every login; everything else must stay."""
    return [{k: v for k, v in u.items() if k != "last_login"} for u in users]


def wait_for(predicate, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


class CreateTest(ToolTestCase):
    def env_for(self, sandbox, *usernames, **extra):
        pw = {"PW_" + env_name(n): self.password(env_name(n).lower()) for n in usernames}
        pw.update(extra)
        return self.env(sandbox, **pw)

    def apply(self, path, env, *flags):
        return self.run_tool("apply", path, "--auto-approve", *flags, env=env)

    def start_apply(self, path, env, *flags):
        return subprocess.Popen([RA_BIN, "apply", path, "--auto-approve"] + list(flags), env=env,
                                cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)

    def finish(self, proc):
        out, err = proc.communicate(timeout=120)
        self.outputs += [out, err]
        return proc.returncode, out, err

    def assertConverged(self, sandbox, path, env, *usernames):
        """A plan shows nothing to do and each username exists exactly once."""
        again = self.run_tool("plan", path, "--detailed-exitcode", env=env)
        self.assertExit(again, 0)
        for name in usernames:
            self.assertEqual(len(sandbox.users_named(name)), 1, name)

    def assertOnePost(self, sandbox):
        """The sandbox logs a request once answered: wait out the hang, then count."""
        wait_for(lambda: any(r["method"] == "POST" for r in sandbox.api_requests()))
        time.sleep(0.2)
        self.assertEqual(len([r for r in writes(sandbox) if r["method"] == "POST"]), 1)

    # ---- D2 / D3 / D4 / D5 ambiguous creates --------------------------------------------------
    def test_d2_truncated_201_is_settled_by_a_look_up_and_adopted(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            sb.fault(method="POST", path="/api/v1/users", action="truncate")
            run = self.apply(path, env)
            self.assertExit(run, 0)
            self.assertEqual(len([r for r in writes(sb) if r["method"] == "POST"]), 1)
            self.assertConverged(sb, path, env, "svc-a@example")
        self.assertNoSecrets()

    def test_d3_commit_then_sleep_past_the_timeout_is_adopted_not_resent(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            sb.fault(method="POST", path="/api/v1/users", action="hang", commit=True, ms=2500)
            run = self.apply(path, env, "--timeout", "1")
            self.assertExit(run, 0)
            self.assertIn("adopted after an ambiguous create", run.stdout)
            self.assertOnePost(sb)
            self.assertConverged(sb, path, env, "svc-a@example")
        self.assertNoSecrets()

    def test_d4_a_failing_look_up_after_an_ambiguous_create_is_retried(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            sb.fault(method="POST", path="/api/v1/users", action="hang", commit=True, ms=2500)
            proc = self.start_apply(path, env, "--timeout", "1")
            # The plan's own users GET is done once it is logged; the next one is the look-up.
            self.assertTrue(wait_for(lambda: any(r["path"] == "/api/v1/users"
                                                 for r in sb.api_requests())))
            sb.fault(method="GET", path="/api/v1/users", action="status_without_commit",
                     status=503)
            code, out, err = self.finish(proc)
            self.assertEqual(code, 0, out + err)
            gets = [r["status"] for r in sb.api_requests()
                    if r["path"] == "/api/v1/users" and r["method"] == "GET"]
            self.assertEqual(gets[-2:], [503, 200])
            self.assertOnePost(sb)
            self.assertConverged(sb, path, env, "svc-a@example")
        self.assertNoSecrets()

    def test_d5_a_resent_create_answered_username_exists_in_our_org_is_adopted(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            sb.fault(method="POST", path="/api/v1/users", action="status_without_commit",
                     status=503)
            sb.fault(method="POST", path="/api/v1/users", action="status_after_commit",
                     status=400, body={"username": ["user with this username already exists."]})
            run = self.apply(path, env)
            self.assertExit(run, 0)
            self.assertEqual([r["status"] for r in writes(sb) if r["method"] == "POST"],
                             [503, 400])
            self.assertConverged(sb, path, env, "svc-a@example")
        self.assertNoSecrets()

    # ---- D7 / D8 interruptions ----------------------------------------------------------------
    def test_d7_kill_9_after_a_create_then_rerun_converges_without_a_duplicate(self):
        path = self.write("m.yaml", manifest("svc-a@example", "svc-b@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example", "svc-b@example")
            sb.fault(method="POST", path="/api/v1/users", action="hang", commit=True, ms=5000)
            proc = self.start_apply(path, env)
            self.assertTrue(wait_for(lambda: sb.users_named("svc-a@example")))
            proc.kill()
            self.finish(proc)
            self.assertEqual(proc.returncode, -signal.SIGKILL)
            self.assertEqual(sb.users_named("svc-b@example"), [])
            run = self.apply(path, env)
            self.assertExit(run, 0)
            self.assertNotIn("svc-a@example", [line.split()[-1] for line in run.stdout.splitlines()
                                               if line.strip().startswith("+ created")])
            self.assertConverged(sb, path, env, "svc-a@example", "svc-b@example")
        self.assertNoSecrets()

    def test_d8_sigterm_or_sigint_mid_apply_reports_done_and_not_attempted_then_converges(self):
        path = self.write("m.yaml", manifest(*NAMES))
        for sig in (signal.SIGTERM, signal.SIGINT):
            with self.subTest(signal=sig.name), Sandbox() as sb:
                sb.add_user(username="svc-a@example", organization=ORG, groups=["annotator"],
                            first_name="Old")
                env = self.env_for(sb, *NAMES)
                sb.fault(method="POST", path="/api/v1/users", action="hang", commit=True,
                         ms=3000)
                # One write at a time, so that exactly svc-b's create is in flight (the parallel
                # case is test_parallel.py's).
                proc = self.start_apply(path, env, "--format", "json", "--parallelism", "1")
                self.assertTrue(wait_for(lambda: any(r["method"] == "PATCH"
                                                     for r in sb.api_requests())))
                time.sleep(0.8)  # svc-b's create is hanging now
                proc.send_signal(sig)
                code, out, err = self.finish(proc)
                report = json.loads(out)
                statuses = {r["username"]: (r["action"], r["status"]) for r in report["results"]}
                self.assertEqual(statuses, {"svc-a@example": ("update", "done"),
                                            "svc-b@example": ("create", "done"),
                                            "svc-c@example": ("create", "not_attempted")})
                self.assertEqual(report["summary"]["not_attempted"], 1)
                # Interrupted with nothing failed: 1 ("error not covered"); 3 is reserved for
                # runs that attempted every action (docs/design.md §7.4, §7.5).
                self.assertEqual(code, 1, err)
                self.assertEqual(sb.users_named("svc-c@example"), [])
                self.assertExit(self.apply(path, env), 0)
                self.assertConverged(sb, path, env, *NAMES)
        self.assertNoSecrets()

    def test_d8_a_second_signal_stops_at_once_and_the_next_run_converges(self):
        path = self.write("m.yaml", manifest(*NAMES))
        with Sandbox() as sb:
            env = self.env_for(sb, *NAMES)
            sb.fault(method="POST", path="/api/v1/users", action="hang", commit=True, ms=20000)
            proc = self.start_apply(path, env)
            self.assertTrue(wait_for(lambda: any(r["method"] == "POST"
                                                 for r in sb.requests()) or proc.poll()))
            time.sleep(0.3)  # the first create is hanging now
            proc.send_signal(signal.SIGINT)
            time.sleep(0.3)
            self.assertIsNone(proc.poll(), "the first signal only asks to stop")
            started = time.monotonic()
            proc.send_signal(signal.SIGINT)
            code, out, err = self.finish(proc)
            self.assertLess(time.monotonic() - started, 5, "the second signal stops at once")
            self.assertEqual(code, -signal.SIGINT, err)
            self.assertIn("stopping after the requests in flight", err)
            sb.control("DELETE", "/faults")
            self.assertExit(self.apply(path, env), 0)
            self.assertConverged(sb, path, env, *NAMES)
        self.assertNoSecrets()

    def test_a_reader_that_closes_stdout_early_does_not_stop_the_apply_half_way(self):
        path = self.write("m.yaml", manifest(*NAMES))
        with Sandbox() as sb:
            sb.config(latency_ms=100)
            env = self.env_for(sb, *NAMES)
            proc = self.start_apply(path, env)
            proc.stdout.readline()
            proc.stdout.close()  # like `apply | head -1`: later writes hit a closed pipe
            err = proc.stderr.read()
            proc.stderr.close()
            self.assertEqual(proc.wait(60), 0, err)
            self.outputs.append(err)
            sb.config(latency_ms=0)
            self.assertConverged(sb, path, env, *NAMES)
        self.assertNoSecrets()

    # ---- C2 / C3 drift ------------------------------------------------------------------------
    def test_c2_out_of_band_drift_is_detected_then_fixed(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            self.assertExit(self.apply(path, env), 0)
            user = sb.users_named("svc-a@example")[0]
            sb.patch_user(user["id"], groups=["viewer"], first_name="Changed")
            plan = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(plan, 2)
            self.assertIn("~ update svc-a@example", plan.stdout)
            self.assertIn("Plan: 0 to create, 1 to update, 0 to deactivate, 0 unchanged.",
                          plan.stdout)
            self.assertExit(self.apply(path, env), 0)
            self.assertConverged(sb, path, env, "svc-a@example")
            self.assertEqual(sb.users_named("svc-a@example")[0]["first_name"], "Bot")
        self.assertNoSecrets()

    def test_c3_a_managed_user_removed_out_of_band_is_recreated_once(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            self.assertExit(self.apply(path, env), 0)
            sb.control("DELETE", "/users/%d" % sb.users_named("svc-a@example")[0]["id"])
            plan = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(plan, 2)
            self.assertIn("+ create svc-a@example", plan.stdout)
            sb.clear_requests()
            self.assertExit(self.apply(path, env), 0)
            self.assertEqual(len([r for r in writes(sb) if r["method"] == "POST"]), 1)
            self.assertConverged(sb, path, env, "svc-a@example")
        self.assertNoSecrets()

    # ---- C5 two applies at once ---------------------------------------------------------------
    def test_c5_two_concurrent_applies_never_make_two_users(self):
        path = self.write("m.yaml", manifest(*NAMES))
        with Sandbox() as sb:
            sb.config(latency_ms=150)
            env = self.env_for(sb, *NAMES)
            # One run without the token cache, one with it: both log in, one writes the cache.
            first = self.start_apply(path, env, "--no-token-cache")
            second = self.start_apply(path, env)
            results = [self.finish(first), self.finish(second)]
            codes = sorted(code for code, _, _ in results)
            self.assertIn(codes, ([0, 0], [0, 3]), results)
            for code, out, err in results:
                if code == 3:
                    self.assertIn("failed", out)
            sb.config(latency_ms=0)
            self.assertConverged(sb, path, env, *NAMES)
        self.assertNoSecrets()

    # ---- C6 partial failure -------------------------------------------------------------------
    def test_c6_a_server_side_rejection_fails_one_item_and_a_rerun_applies_only_it(self):
        path = self.write("m.yaml", manifest(*NAMES))
        with Sandbox() as sb:
            env = self.env_for(sb, *NAMES)
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=400,
                     body={"password": ["This password is too common."]})
            run = self.apply(path, env, "--format", "json")
            self.assertExit(run, 3)
            results = {r["username"]: r for r in json.loads(run.stdout)["results"]}
            self.assertEqual(results["svc-a@example"]["status"], "failed")
            self.assertIn("password: This password is too common.",
                          results["svc-a@example"]["error"])
            self.assertEqual(results["svc-b@example"]["status"], "done")
            self.assertEqual(results["svc-c@example"]["status"], "done")
            plan = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(plan, 2)
            self.assertIn("Plan: 1 to create, 0 to update, 0 to deactivate, 2 unchanged.",
                          plan.stdout)
            self.assertExit(self.apply(path, env), 0)
            self.assertConverged(sb, path, env, *NAMES)
        self.assertNoSecrets()

    # ---- C7 plan changes nothing --------------------------------------------------------------
    def test_c7_plan_sends_only_gets_and_changes_nothing(self):
        path = self.write("m.yaml", "version: 1\nprune: true\n" + manifest(*NAMES).split("\n", 1)[1])
        with Sandbox() as sb:
            sb.add_user(username="svc-a@example", organization=ORG, groups=["viewer"])
            sb.add_user(username="old-bot@example", organization=ORG, groups=["viewer"],
                        metadata={"managed_by": "rossum-accounts"})
            env = self.env_for(sb, *NAMES)
            before = without_last_login(sb.users())
            sb.clear_requests()
            for fmt in ("text", "json", "markdown"):
                run = self.run_tool("plan", path, "--detailed-exitcode", "--format", fmt,
                                    "--out", os.path.join(self.tmp, "plan.json"), env=env)
                self.assertExit(run, 2)
            self.assertEqual({r["method"] for r in sb.api_requests()}, {"GET"})
            self.assertEqual(without_last_login(sb.users()), before)
        self.assertNoSecrets()

    # ---- E1 exit codes ------------------------------------------------------------------------
    def test_e1_every_outcome_has_its_exit_code(self):
        path = self.write("m.yaml", manifest("svc-a@example"))
        bad = self.write("bad.yaml", "version: 1\naccounts: [\n")
        with Sandbox() as sb:
            env = self.env_for(sb, "svc-a@example")
            cases = [
                ("validate ok", ["validate", path], None, 0),
                ("plan with changes", ["plan", path, "--detailed-exitcode"], None, 2),
                ("plan without --detailed-exitcode", ["plan", path], None, 0),
                ("invalid manifest", ["plan", bad], None, 65),
                ("unknown flag", ["plan", path, "--bogus"], None, 64),
                ("apply without a terminal", ["apply", path], None, 64),
                ("redirect", ["plan", path],
                 dict(method="GET", path="/api/v1/groups", action="redirect",
                      location=sb.base + "/x"), 1),
                ("unavailable", ["plan", path, "--timeout", "1"],
                 dict(method="GET", path="/api/v1/groups", action="respond", status=503,
                      times=-1), 75),
                ("auth rejected", ["plan", path],
                 dict(method="POST", path="/api/v1/auth/login", action="respond", status=401), 77),
                ("partial apply", ["apply", path, "--auto-approve"],
                 dict(method="POST", path="/api/v1/users", action="respond", status=400,
                      body={"password": ["too common"]}), 3),
                ("apply converges", ["apply", path, "--auto-approve"], None, 0),
                ("plan in sync", ["plan", path, "--detailed-exitcode"], None, 0),
            ]
            for name, args, fault, code in cases:
                with self.subTest(name):
                    sb.control("DELETE", "/faults")
                    if fault:
                        sb.fault(**fault)
                    run = self.run_tool(*args, env=dict(env, XDG_CACHE_HOME=os.path.join(
                        self.tmp, "cache-" + name.replace(" ", "-"))))
                    self.assertExit(run, code)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
