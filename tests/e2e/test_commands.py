"""Every command and every exit code of docs/design.md §8, where each case lands."""
import os
import re
import unittest

from harness import EXAMPLES, RA_BIN, SOURCE_DIR, Sandbox, ToolTestCase, other_requests

INVALID = os.path.join(SOURCE_DIR, "tests", "fixtures", "manifests", "invalid")

ONE_ACCOUNT = """\
version: 1
accounts:
  - username: bot.one@demo
    groups: [annotator]
    password:
      env: BOT_ONE_PASSWORD
"""


class OfflineCommandsTest(ToolTestCase):
    def test_validate_accepts_every_example_with_exit_0(self):
        for name in sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".yaml")):
            run = self.run_tool("validate", os.path.join(EXAMPLES, name), env=self.env())
            self.assertExit(run, 0)

    def test_validate_rejects_an_invalid_fixture_with_65_naming_file_line_column(self):
        path = os.path.join(INVALID, "bad_queue.yaml")
        run = self.run_tool("validate", path, env=self.env())
        self.assertExit(run, 65)
        self.assertIn(path + ":5:14: accounts[0].queues[0]: must be a positive integer",
                      run.stderr)
        self.assertRegex(run.stderr, re.escape(path) + r":\d+:\d+: ")

    def test_help_version_and_help_plan_exit_0(self):
        run = self.run_tool("--help", env=self.env())
        self.assertExit(run, 0)
        self.assertIn("Exit codes:", run.stdout)
        version = self.run_tool("--version", env=self.env())
        self.assertExit(version, 0)
        self.assertRegex(version.stdout,
                         r"^rossum-accounts \d+\.\d+\.\d+ \(commit ([0-9a-f]{4,}|unknown)\)\n$")
        topic = self.run_tool("help", "plan", env=self.env())
        self.assertExit(topic, 0)
        self.assertIn("--detailed-exitcode", topic.stdout)
        self.assertIn("Usage: rossum-accounts plan [OPTIONS] MANIFEST...", topic.stdout)

    def test_an_unknown_flag_is_a_usage_error_64(self):
        run = self.run_tool("validate", "--bogus", "x.yaml", env=self.env())
        self.assertExit(run, 64)
        self.assertIn("--bogus", run.stderr)

    def test_an_unknown_command_is_named_with_the_nearest_one_and_exits_64(self):
        for args, message in ((["plna", "x.yaml"], 'unknown command "plna"; did you mean "plan"?'),
                              (["--api-url", "http://127.0.0.1:1/api", "aply", "x.yaml"],
                               'unknown command "aply"; did you mean "apply"?'),
                              (["-q", "exprot"], 'unknown command "exprot"; did you mean '
                                                 '"export"?'),
                              (["frobnicate"], 'unknown command "frobnicate"\n'),
                              (["--bogus"], 'unknown option "--bogus"\n'),
                              ([], "a command is required: validate, plan, show, apply, drift, "
                                   "export, snapshot, token, completion or help\n")):
            run = self.run_tool(*args, env=self.env())
            self.assertExit(run, 64)
            self.assertEqual(run.stdout, "")
            self.assertIn("rossum-accounts: error: " + message, run.stderr)
            self.assertIn("Run 'rossum-accounts --help' for usage.", run.stderr)
            self.assertNotIn("subcommand", run.stderr.lower())

    def test_help_for_an_unknown_command_is_a_usage_error_64(self):
        run = self.run_tool("help", "frobnicate", env=self.env())
        self.assertExit(run, 64)
        self.assertIn('unknown command "frobnicate"', run.stderr)
        near = self.run_tool("help", "tokn", env=self.env())
        self.assertExit(near, 64)
        self.assertIn('unknown command "tokn"; did you mean "token"?', near.stderr)


class ConnectionUsageErrorsTest(ToolTestCase):
    def test_plan_without_credentials_is_64_and_sends_nothing(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            env = self.env(sb, ROSSUM_USERNAME=None, ROSSUM_PASSWORD=None)
            run = self.run_tool("plan", path, env=env)
            self.assertExit(run, 64)
            self.assertIn("missing credentials", run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_bad_api_urls_are_64_before_any_request(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            port = sb.url.split(":")[2].split("/")[0]
            bad = ["http://example.com/api", "ftp://127.0.0.1:%s/api" % port, "garbage",
                   "http://10.1.2.3:%s/api" % port]
            for url in bad:
                for args, env in ((["--api-url", url], self.env(sb)),
                                  ([], self.env(sb, ROSSUM_API_URL=url))):
                    run = self.run_tool("plan", path, *args, env=env)
                    self.assertExit(run, 64)
                    self.assertIn("invalid api url", run.stderr)
            manifest_url = self.write("url.yaml", ONE_ACCOUNT.replace(
                "version: 1\n", "version: 1\napi_url: http://example.com/api\n"))
            run = self.run_tool("plan", manifest_url, env=self.env(sb, ROSSUM_API_URL=None))
            self.assertExit(run, 64)
            self.assertIn('invalid api url "http://example.com/api"', run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_a_missing_ca_bundle_is_64_before_any_request(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            run = self.run_tool("plan", path, "--ca-bundle", "/missing/ca.pem", env=self.env(sb))
            self.assertExit(run, 64)
            self.assertIn("/missing/ca.pem", run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()


class AuthenticationTest(ToolTestCase):
    def test_a_wrong_admin_password_is_77_after_exactly_one_login(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            wrong = self.password("wrong")
            run = self.run_tool("plan", path, env=self.env(sb, ROSSUM_PASSWORD=wrong))
            self.assertExit(run, 77)
            logins = [r for r in sb.requests() if r["path"].endswith("/auth/login")]
            self.assertEqual(len(logins), 1)
            self.assertEqual(logins[0]["status"], 401)
        self.assertNoSecrets()

    def test_a_caller_without_permission_to_create_is_77_and_nothing_is_created(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            weak = self.password("weak")
            sb.add_user(username="annotator.only@demo", organization=4201,
                        groups=["annotator"], password=weak)
            env = self.env(sb, ROSSUM_USERNAME="annotator.only@demo", ROSSUM_PASSWORD=weak,
                           BOT_ONE_PASSWORD=self.password("bot"))
            run = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(run, 77)
            posts = [r for r in sb.requests() if r["method"] == "POST"
                     and r["path"].endswith("/v1/users")]
            self.assertEqual([r["status"] for r in posts], [403])
            self.assertEqual(sb.users_named("bot.one@demo"), [])
        self.assertNoSecrets()


class PlanAndApplyExitCodesTest(ToolTestCase):
    def test_plan_detailed_exitcode_is_2_with_changes_and_0_without(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            env = self.env(sb, BOT_ONE_PASSWORD=self.password("bot"))
            self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=env), 2)
            self.assertExit(self.run_tool("plan", path, env=env), 0)
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=env), 0)
        self.assertNoSecrets()

    def test_apply_with_one_lasting_failure_is_3_and_applies_the_rest(self):
        path = self.write("m.yaml", ONE_ACCOUNT + """\
  - username: shared.name@other.example
    groups: [annotator]
    password:
      env: SHARED_PASSWORD
""")
        with Sandbox() as sb:
            env = self.env(sb, BOT_ONE_PASSWORD=self.password("bot"),
                           SHARED_PASSWORD=self.password("shared"))
            run = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(run, 3)
            self.assertIn("shared.name@other.example", run.stdout)
            self.assertEqual(len(sb.users_named("bot.one@demo")), 1)
            self.assertEqual(len(sb.users_named("shared.name@other.example")), 1)
        self.assertNoSecrets()

    def test_an_api_answering_503_to_everything_is_75_after_bounded_retries(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1", prefix=True, action="respond", status=503,
                     times=-1, body={"detail": "Service Unavailable"})
            run = self.run_tool("plan", path, "--timeout", "2", env=self.env(sb), timeout=180)
            self.assertExit(run, 75)
            gets = [r for r in other_requests(sb.requests()) if r["method"] == "GET"]
            self.assertEqual(len(gets), 5, "one GET and four retries")
            self.assertTrue(all(r["status"] == 503 for r in gets))
        self.assertNoSecrets()

    def test_an_organization_the_caller_cannot_see_is_1(self):
        path = self.write("m.yaml", ONE_ACCOUNT.replace("version: 1\n",
                                                        "version: 1\norganization: 4202\n"))
        with Sandbox() as sb:
            run = self.run_tool("plan", path, env=self.env(sb))
            self.assertExit(run, 1)
            self.assertIn("organization 4202 is not visible", run.stderr)
        self.assertNoSecrets()

    def test_a_redirect_from_the_api_is_1_and_not_followed(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            sb.fault(method="GET", path="/api/v1/groups", action="redirect",
                     location=sb.base + "/elsewhere/v1/groups", times=-1)
            run = self.run_tool("plan", path, env=self.env(sb))
            self.assertExit(run, 1)
            self.assertIn("redirect", run.stderr)
            self.assertFalse([r for r in sb.requests() if "elsewhere" in r["path"]])
            groups = [r for r in sb.requests() if r["path"].endswith("/v1/groups")]
            self.assertEqual(len(groups), 1, "a redirect is not retried")
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
