"""What a third hostile session found with the built tool against the sandbox (issue 8).

One test per defect; each docstring or comment says what the tool did. Expected failures name
the file where the fix belongs (src/cli/ is being restructured, src/core/apply.cpp is another
helper's).
"""
import glob
import json
import os
import signal
import subprocess
import time
import unittest

from harness import RA_BIN, RECORD_KEY, Sandbox, ToolTestCase, other_requests

SVC = "svc.hostile2@demo.example"


class TerminalSafetyTest(ToolTestCase):
    def test_del_and_c1_controls_in_values_never_reach_the_terminal_in_any_plan_format(self):
        # A first name or metadata value holding U+009B (CSI on terminals that obey C1 controls)
        # or DEL was printed raw by plan (text, markdown, JSON), while the README promises that
        # values are shown with their control characters escaped in rendered documents.
        manifest = self.write("c1.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n"
                              '    first_name: "A\\x9b31mRED\\x7fB"\n'
                              '    metadata: {k: "v\\x9b2J"}\n'
                              "    password: {env: SVC_PASSWORD}\n" % SVC)
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("c1"))
            for fmt in ("text", "markdown", "json"):
                run = self.run_tool("plan", manifest, "--format", fmt, env=env)
                self.assertExit(run, 0)
                self.assertNotIn("\x9b", run.stdout, fmt)
                self.assertNotIn("\x7f", run.stdout, fmt)
                self.assertIn("\\u009b", run.stdout, fmt)
            plan = json.loads(run.stdout)  # the escapes stand for the same data
            first = [c for c in plan["actions"][0]["changes"] if c["field"] == "first_name"]
            self.assertEqual(first[0]["after"], "A\x9b31mRED\x7fB")
            run = self.run_tool("plan", manifest, "--out", "plan.json", env=env)
            with open(os.path.join(self.tmp, "plan.json"), encoding="utf-8") as f:
                saved = f.read()
            self.assertNotIn("\x9b", saved)
            run = self.run_tool("apply", "--plan", "plan.json", "--auto-approve", "--format",
                                "json", env=env)
            self.assertExit(run, 0)
            self.assertNotIn("\x9b", run.stdout)
            created = sb.users_named(SVC)[0]
            self.assertEqual(created["first_name"], "A\x9b31mRED\x7fB")
            self.assertEqual(created["metadata"]["k"], "v\x9b2J")
            self.assertNoSecrets()


    def test_export_writes_del_escaped_and_the_manifest_reads_it_back(self):
        # yaml-cpp escapes C0 and C1 controls but wrote DEL raw to the terminal.
        with Sandbox() as sb:
            sb.patch_user(10003, first_name="Jo\x7fhn\x1b[2J\x85x")
            env = self.env(sb)
            run = self.run_tool("export", "--match", "john*", env=env)
            self.assertExit(run, 0)
            for raw in ("\x7f", "\x1b", "\x85"):
                self.assertNotIn(raw, run.stdout)
            self.write("john.yaml", run.stdout)
            run = self.run_tool("plan", "john.yaml", "--format", "json", env=env)
            self.assertExit(run, 0)
            [action] = json.loads(run.stdout)["actions"]
            self.assertEqual([c["field"] for c in action["changes"]], ["managed_by", RECORD_KEY])


class TokenCacheTest(ToolTestCase):
    def test_a_cache_file_with_a_non_string_api_url_or_username_is_a_warning_not_a_crash(self):
        # The cache reader called json::value("api_url", "") on a number: the run ended with
        # "internal error: [json.exception.type_error.302] ...", exit 1, though the README says
        # token cache problems (a foreign file) are warnings and the run goes on without it.
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n" % SVC)
        with Sandbox() as sb:
            env = self.env(sb)
            self.assertExit(self.run_tool("plan", manifest, env=env), 0)
            [path] = glob.glob(os.path.join(self.tmp, "cache", "rossum-accounts", "*.json"))
            with open(path) as f:
                good = json.load(f)
            self.secrets.add(good["token"])
            for edit in ({"api_url": 5}, {"username": None}):
                entry = dict(good, **edit)
                with open(path, "w") as f:
                    json.dump(entry, f)
                os.chmod(path, 0o600)
                run = self.run_tool("plan", manifest, env=env)
                self.assertExit(run, 0)
                self.assertNotIn("internal error", run.stderr)
                self.assertIn("warning: token cache: ignoring %s: not a token cache file" % path,
                              run.stderr)
            self.assertNoSecrets()


class SeveralManifestsTest(ToolTestCase):
    def test_a_diagnostic_of_the_second_manifest_names_the_index_in_that_file(self):
        # b.yaml holds one account, but its diagnostic said `accounts[1].groups`: the index in
        # the merged list of both manifests, which in b.yaml points at nothing.
        a = self.write("a.yaml", "version: 1\naccounts:\n"
                       "  - username: one@demo.example\n    groups: [viewer]\n")
        b = self.write("b.yaml", "version: 1\naccounts:\n"
                       "  - username: two@demo.example\n    groups: [approver]\n"
                       "  - username: three@demo.example\n    groups: [viewer]\n"
                       "    queues: [999]\n")
        with Sandbox() as sb:
            run = self.run_tool("plan", a, b, env=self.env(sb))
            self.assertExit(run, 65)
            self.assertIn("b.yaml:3:5: accounts[0].groups: role \"approver\"", run.stderr)
            self.assertIn("b.yaml:5:5: accounts[1].queues: queue 999", run.stderr)


class ExportCaseVariantsTest(ToolTestCase):
    def test_export_of_users_that_differ_only_in_case_still_validates(self):
        # On a cluster holding Dup@demo and dup@demo, export wrote both and its manifest was
        # refused (65, duplicate username), though "export, then plan shows no change except
        # adoption" is how an organization is brought under management.
        with Sandbox() as sb:
            sb.config(username_case_insensitive=False)
            sb.add_user(username="Dup@demo", organization=4201, groups=["viewer"])
            sb.add_user(username="dup@demo", organization=4201, groups=["viewer"])
            sb.config(username_case_insensitive=True)
            env = self.env(sb)
            run = self.run_tool("export", "--output", "exported.yaml", env=env)
            self.assertExit(run, 0)
            self.assertIn('users "Dup@demo", "dup@demo" differ only in case', run.stderr)
            run = self.run_tool("validate", "exported.yaml", env=env)
            self.assertExit(run, 0)
            with open(os.path.join(self.tmp, "exported.yaml")) as f:
                self.assertNotIn("Dup@demo", f.read().replace("dup@demo", ""))
            sb.clear_requests()
            run = self.run_tool("plan", "exported.yaml", "--format", "json", env=env)
            self.assertExit(run, 0)
            actions = json.loads(run.stdout)["actions"]
            self.assertEqual({a["action"] for a in actions}, {"update"})  # adoption only
            self.assertTrue(all(c["field"] in ("managed_by", RECORD_KEY) for a in actions
                                for c in a["changes"]))


class SavedPlanUsernameTest(ToolTestCase):
    def test_a_saved_plan_creating_a_username_no_manifest_can_declare_is_65(self):
        # The create's username (and its username change) edited to "svc ws\u2028@..." was
        # created as such, exit 0, though a fresh plan never creates a username with whitespace
        # (the manifest refuses it) and the README refuses plans a fresh plan could not produce.
        manifest = self.write("svc.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n"
                              "    password: {env: SVC_PASSWORD}\n" % SVC)
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("ws"))
            self.assertExit(self.run_tool("plan", manifest, "--out", "plan.json", env=env), 0)
            with open(os.path.join(self.tmp, "plan.json")) as f:
                plan = json.load(f)
            for username in ("svc ws@demo.example", "svc\tws@demo.example"):
                action = plan["actions"][0]
                action["username"] = username
                for change in action["changes"]:
                    if change["field"] == "username":
                        change["after"] = username
                self.write("edited.json", json.dumps(plan))
                sb.clear_requests()
                run = self.run_tool("apply", "--plan", "edited.json", "--auto-approve", env=env)
                self.assertExit(run, 65)
                self.assertIn("actions[0].username: a plan creates only usernames a manifest "
                              "can declare", run.stderr)
                self.assertEqual(sb.requests(), [])
            self.assertNoSecrets()


class SavedPlanCaseVariantTest(ToolTestCase):
    # The saved-plan check accepted an action whose username is only the same username (case
    # folded) as the re-read user's, so the user_id, user_url and fingerprint of `Dup@demo` could
    # be put under the shown `dup@demo`: the screen said `~ update dup@demo` and the write went
    # to Dup@demo, exit 0. A fresh plan names a case variant only when no user has the exact
    # name, so such an action's username is looked up, and the plan is malformed (65) when
    # another user holds it exactly.
    def test_a_saved_plan_retargeted_to_a_case_variant_of_the_shown_user_is_refused(self):
        with Sandbox() as sb:
            sb.config(username_case_insensitive=False)
            upper = sb.add_user(username="Dup@demo", organization=4201, groups=["viewer"])
            sb.add_user(username="dup@demo", organization=4201, groups=["viewer"])
            env = self.env(sb)
            shown = self.write("shown.yaml", "version: 1\naccounts:\n"
                               "  - username: dup@demo\n    groups: [annotator]\n")
            other = self.write("other.yaml", "version: 1\naccounts:\n"
                               "  - username: Dup@demo\n    groups: [annotator]\n")
            self.assertExit(self.run_tool("plan", shown, "--out", "shown.json", env=env), 0)
            self.assertExit(self.run_tool("plan", other, "--out", "other.json", env=env), 0)
            with open(os.path.join(self.tmp, "shown.json")) as f:
                plan = json.load(f)
            with open(os.path.join(self.tmp, "other.json")) as f:
                target = json.load(f)["actions"][0]
            for key in ("user_id", "user_url", "fingerprint"):
                plan["actions"][0][key] = target[key]
            self.write("edited.json", json.dumps(plan))
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", "edited.json", "--auto-approve", env=env)
            writes = [r for r in other_requests(sb.requests()) if r["method"] != "GET"]
            self.assertEqual(writes, [], repr(run))
            self.assertNotEqual(run.code, 0, repr(run))
            self.assertEqual(sb.control("GET", "/users/%d" % upper["id"])["metadata"], {})


class DuringApplyTest(ToolTestCase):
    JANE = ("version: 1\naccounts:\n"
            "  - username: jane.doe@demo.example\n    groups: [viewer]\n")

    # jane.doe was renamed (ceo@demo.example) while apply asked for `yes`. The PATCH re-read
    # the user to merge metadata, saw the new username, and still wrote jane's roles and the
    # ownership marker to it ("~ updated jane.doe@demo.example", exit 0); the next prune then
    # deactivated ceo@demo.example, a user nobody declared. A re-read user whose username is no
    # longer the action's fails that action, nothing written (as a deleted one does).
    def test_a_user_renamed_while_apply_asks_is_not_patched(self):
        manifest = self.write("jane.yaml", self.JANE)
        with Sandbox() as sb:
            run = self.run_in_terminal(
                "apply", manifest, env=self.env(sb),
                on_prompt=lambda: sb.patch_user(10002, username="ceo@demo.example"))
            renamed = sb.control("GET", "/users/10002")
            self.assertEqual(renamed["metadata"], {}, repr(run))
            self.assertEqual(len(renamed["groups"]), 1)
            self.assertNotEqual(run.code, 0)

    # The first SIGINT prints "stopping after the requests in flight; nothing more will be
    # written", but when it arrived during the GET that re-reads a user before its metadata
    # PATCH, the PATCH was still sent and the report said "updated", exit 0. The stop is now
    # asked for between the re-read and the write; the action is not attempted (exit 1).
    def test_a_signal_during_the_re_read_before_a_patch_writes_nothing_more(self):
        manifest = self.write("jane.yaml", self.JANE)
        with Sandbox() as sb:
            env = self.env(sb)
            sb.fault(method="GET", path="/api/v1/users/10002", action="hang", ms=8000)
            proc = subprocess.Popen([RA_BIN, "apply", manifest, "--auto-approve"], env=env,
                                    cwd=self.tmp, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 30
            while time.time() < deadline and not any(
                    r["path"] == "/api/v1/users" for r in sb.requests()):
                time.sleep(0.05)
            time.sleep(2.5)  # the re-read of jane now hangs for 8 s
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
            self.outputs.append(out + err)
            self.assertIn("stopping after the requests in flight", err)
            patches = [r for r in sb.requests() if r["method"] == "PATCH"]
            self.assertEqual(patches, [], out + err)
            self.assertEqual(proc.returncode, 1)


class CaBundleTest(ToolTestCase):
    def test_a_ca_bundle_that_is_a_fifo_is_64_at_once_without_blocking(self):
        # `--ca-bundle FIFO` opened the FIFO for reading, which waits for a writer: the run hung
        # forever, though the README says an unreadable --ca-bundle is 64 before any request.
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n" % SVC)
        fifo = os.path.join(self.tmp, "ca.pem")
        os.mkfifo(fifo)
        with Sandbox() as sb:
            sb.clear_requests()
            run = self.run_tool("--ca-bundle", fifo, "plan", manifest, env=self.env(sb),
                                timeout=20)
            self.assertExit(run, 64)
            self.assertIn("--ca-bundle %s: not a regular file" % fifo, run.stderr)
            self.assertEqual(sb.requests(), [])


class TokenToStdoutTest(ToolTestCase):
    # `token USERNAME --manifest M > /dev/full` (any stdout that cannot take the write: a full
    # disk, a closed pipe) exited 0 with nothing written and left the exchanged 162 h token
    # valid, held by nobody; with --output the same failure logs the token out and exits 1
    # (README: "token leaves exactly the long-lived token it wrote"). Fixed in
    # src/cli/cmd_token.cpp run_token: stdout goes through the same `deliver` callback (print,
    # flush, check the stream), so a failed write logs the token out.
    @unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
    def test_a_token_that_cannot_be_written_to_stdout_is_logged_out_and_fails(self):
        manifest = self.write("svc.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n"
                              "    password: {env: SVC_PASSWORD}\n" % SVC)
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("full"))
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            sb.expire_tokens()
            with open("/dev/full", "w") as full:
                proc = subprocess.run([RA_BIN, "token", SVC, "--manifest", manifest], env=env,
                                      cwd=self.tmp, stdin=subprocess.DEVNULL, stdout=full,
                                      stderr=subprocess.PIPE, text=True, timeout=60)
            self.outputs.append(proc.stderr)
            long_lived = [t for t in sb.live_tokens() if t["lifetime_s"] > 300]
            self.assertEqual(long_lived, [], proc.stderr)
            self.assertEqual(proc.returncode, 1)
            self.assertNoSecrets()


class VerboseTokenTest(ToolTestCase):
    # `-v token ...` logged nothing: service_account_token builds its RequestSender with an
    # empty LogSink (and max_rps 10), so the login and the exchange are never logged, though the
    # README says -v logs every request to stderr. Fixed: ServiceTokenRequest
    # (include/rossum_accounts/io/rossum_client.hpp) carries the log sink and max_rps, and
    # src/cli/session.cpp service_account_token passes the console's log, as open_session does.
    def test_a_verbose_token_logs_its_login_and_exchange_without_secrets(self):
        manifest = self.write("svc.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n"
                              "    password: {env: SVC_PASSWORD}\n" % SVC)
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("verbose"))
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            run = self.run_tool("-v", "token", SVC, "--manifest", manifest, env=env)
            self.assertExit(run, 0)
            self.secrets.add(run.stdout.strip())
            self.outputs[-1] = run.stderr  # stdout is the token itself
            self.assertIn("POST %s/v1/auth/login -> 200" % sb.url, run.stderr)
            self.assertIn("POST %s/v1/auth/token -> 200" % sb.url, run.stderr)
            self.assertNoSecrets()


class ConcurrentCacheTest(ToolTestCase):
    # Two runs that started together with an empty token cache (two CI jobs, two terminals)
    # both logged in and both exchanged the login token for a 162 h one; the second store
    # replaced the first in the cache, and the first long-lived token was left valid, held by
    # nobody, though "after a run the only long-lived token left valid is the cached one"
    # (README, product.md section 8). "Read the cache, log in, exchange, store" now holds a lock
    # on the cache entry: the second run waits and uses the first run's token.
    def test_two_runs_at_once_leave_only_the_cached_long_lived_token(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n" % SVC)
        with Sandbox("--latency-ms", "300") as sb:
            env = self.env(sb)
            procs = [subprocess.Popen([RA_BIN, "plan", manifest], env=env, cwd=self.tmp,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True) for _ in range(2)]
            for proc in procs:
                out, err = proc.communicate(timeout=60)
                self.outputs.append(out + err)
                self.assertEqual(proc.returncode, 0, err)
            long_lived = [t for t in sb.live_tokens()
                          if t["lifetime_s"] > 300 and t["username"] == sb.admin_username]
            self.assertEqual(len(long_lived), 1, long_lived)
            self.assertNoSecrets()


class NumericOptionsTest(ToolTestCase):
    # CLI::Range(1.0, 3600.0) and CLI::Range(0.1, 1000.0) let "nan" through (every comparison
    # with NaN is false): `--timeout nan` sets no timeout at all (a hanging answer is waited
    # for as long as it hangs) and `--max-rps nan` switches the rate limiter off, though the
    # README promises a per-request timeout and at most --max-rps requests per second. Fixed in
    # src/cli/app.cpp add_global_options: a check that also refuses NaN (64).
    def test_nan_as_timeout_or_max_rps_is_a_usage_error_before_any_request(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [viewer]\n" % SVC)
        with Sandbox() as sb:
            env = self.env(sb)
            for option in ("--timeout", "--max-rps"):
                for value in ("nan", "NaN"):
                    sb.clear_requests()
                    run = self.run_tool(option, value, "plan", manifest, env=env)
                    self.assertExit(run, 64)
                    self.assertEqual(sb.requests(), [])


if __name__ == "__main__":
    unittest.main()
