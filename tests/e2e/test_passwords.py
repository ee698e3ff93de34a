"""Password sources and other input problems: all found before the first write (docs/design.md §7.1, §12.3)."""
import json
import os
import unittest
import urllib.error
import urllib.request

from harness import _OPENER, Sandbox, ToolTestCase, writes

TWO = """\
version: 1
accounts:
  - username: env.bot@demo
    groups: [annotator]
    password: {env: ENV_BOT_PASSWORD}
  - username: file.bot@demo
    groups: [viewer]
    password: {file: secrets/file_bot.txt}
"""


class PasswordSourcesTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = self.write("conf/m.yaml", TWO)
        self.file_password = self.password("file")

    def secret_file(self, content, mode=0o600):
        return self.write("conf/secrets/file_bot.txt", content, mode=mode)

    def test_both_sources_work_with_a_trailing_crlf_stripped_and_the_password_is_the_one_set(self):
        self.secret_file(self.file_password + "\r\n")
        with Sandbox() as sb:
            env = self.env(sb, ENV_BOT_PASSWORD=self.password("env"))
            run = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
            self.assertExit(run, 0)
            token = self.run_tool("token", "file.bot@demo", "--manifest", self.manifest,
                                  "--output", "t.txt", env=env)
            self.assertExit(token, 0)
            with open(os.path.join(self.tmp, "t.txt")) as f:
                self.secrets.add(f.read().strip())
        self.assertNoSecrets()

    def test_an_unset_variable_is_65_naming_account_and_variable_with_no_write(self):
        self.secret_file(self.file_password + "\n")
        with Sandbox() as sb:
            run = self.run_tool("apply", self.manifest, "--auto-approve", env=self.env(sb))
            self.assertExit(run, 65)
            self.assertIn('account "env.bot@demo"', run.stderr)
            self.assertIn("ENV_BOT_PASSWORD", run.stderr)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()

    def test_an_insecure_or_missing_file_is_65_naming_account_and_file_with_no_write(self):
        with Sandbox() as sb:
            env = self.env(sb, ENV_BOT_PASSWORD=self.password("env"))
            run = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
            self.assertExit(run, 65)
            self.assertIn('account "file.bot@demo"', run.stderr)
            self.assertIn("file_bot.txt", run.stderr)
            self.secret_file(self.file_password + "\n", mode=0o644)
            run = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
            self.assertExit(run, 65)
            self.assertIn('account "file.bot@demo"', run.stderr)
            self.assertIn("file_bot.txt", run.stderr)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()

    def test_a_symlinked_0600_file_is_followed(self):
        target = self.write("elsewhere/real.txt", self.file_password + "\n", mode=0o600)
        os.makedirs(os.path.join(self.tmp, "conf", "secrets"))
        os.symlink(target, os.path.join(self.tmp, "conf", "secrets", "file_bot.txt"))
        with Sandbox() as sb:
            env = self.env(sb, ENV_BOT_PASSWORD=self.password("env"))
            self.assertExit(self.run_tool("apply", self.manifest, "--auto-approve", env=env), 0)
            self.assertEqual(len(sb.users_named("file.bot@demo")), 1)
        self.assertNoSecrets()

    def test_policy_violations_are_65_before_any_write(self):
        self.secret_file(self.file_password + "\n")
        with Sandbox() as sb:
            for bad, why in (("short1", "12"), ("123456789012345", "digit"),
                             ("env.bot@demo", "username"), ("x" * 65, "64")):
                if bad != "env.bot@demo":
                    self.secrets.add(bad)
                env = self.env(sb, ENV_BOT_PASSWORD=bad)
                run = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
                self.assertExit(run, 65)
                if bad != "env.bot@demo":  # else the username is masked as the secret it is
                    self.assertIn('account "env.bot@demo"', run.stderr)
                self.assertIn("ENV_BOT_PASSWORD", run.stderr)
                self.assertIn(why, run.stderr)
                plan = self.run_tool("plan", self.manifest, env=env)
                self.assertExit(plan, 0)
                self.assertIn("violates the password policy", plan.stdout)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()

    ROBOT = """\
version: 1
accounts:
  - username: integration.robot@demo
    first_name: Maximilian
    last_name: Ballantyne
    email: ops.mailbox@example.com
    groups: [annotator]
    password: {env: ROBOT_PASSWORD}
"""
    # Rossum's whole policy (Django's validators); each of these passed the old local check.
    ROSSUM_REFUSES = (("password1234", "password is too common"),
                      ("PASSWORD1234  ", "password is too common"),
                      ("Integration-Robot1", "password is too similar to the username"),
                      ("Maximilian-99", "password is too similar to the first name"),
                      ("Ballantyne-2024", "password is too similar to the last name"),
                      ("Mailbox-Example1", "password is too similar to the email"))

    def test_rossums_whole_policy_is_65_naming_account_and_source_before_any_write(self):
        path = self.write("robot.yaml", self.ROBOT)
        with Sandbox() as sb:
            for bad, why in self.ROSSUM_REFUSES:
                self.secrets.add(bad)
                env = self.env(sb, ROBOT_PASSWORD=bad)
                run = self.run_tool("apply", path, "--auto-approve", env=env)
                self.assertExit(run, 65)
                self.assertIn('account "integration.robot@demo": password from env '
                              'ROBOT_PASSWORD violates the password policy: ' + why, run.stderr)
                plan = self.run_tool("plan", path, env=env)
                self.assertExit(plan, 0)
                self.assertIn("password from env ROBOT_PASSWORD violates the password policy: "
                              + why, plan.stdout)
            self.assertEqual(writes(sb), [])
            self.assertEqual(sb.users_named("integration.robot@demo"), [])
            # The sandbox, like Rossum, would have refused each of them (the same rules).
            for bad, _ in self.ROSSUM_REFUSES:
                body = {"username": "integration.robot@demo", "first_name": "Maximilian",
                        "last_name": "Ballantyne", "email": "ops.mailbox@example.com",
                        "password": bad}
                self.assertIn("password", self.post_user(sb, body))
            # A compliant password is created.
            good = self.password("robot")
            run = self.run_tool("apply", path, "--auto-approve",
                                env=self.env(sb, ROBOT_PASSWORD=good))
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("integration.robot@demo")), 1)
        self.assertNoSecrets()

    def test_apply_plan_takes_the_names_from_the_saved_plan(self):
        path = self.write("robot.yaml", self.ROBOT)
        bad = "Maximilian-99"  # similar to the first name only, which only the plan holds
        self.secrets.add(bad)
        with Sandbox() as sb:
            env = self.env(sb, ROBOT_PASSWORD=bad)
            self.assertExit(self.run_tool("plan", path, "--out", "plan.json", env=env), 0)
            os.remove(path)  # apply --plan has no manifest
            run = self.run_tool("apply", "--plan", "plan.json", "--auto-approve", env=env)
            self.assertExit(run, 65)
            self.assertIn('account "integration.robot@demo": password from env ROBOT_PASSWORD '
                          'violates the password policy: password is too similar to the first '
                          'name', run.stderr)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()

    def post_user(self, sb, fields):
        """POSTs a user as the sandbox admin; returns the 400 body (or {} on success)."""
        login = urllib.request.Request(
            sb.url + "/v1/auth/login", method="POST",
            data=json.dumps({"username": sb.admin_username,
                             "password": sb.admin_password}).encode(),
            headers={"Content-Type": "application/json"})
        with _OPENER.open(login, timeout=10) as resp:
            token = json.loads(resp.read())["key"]
        self.secrets.add(token)
        body = dict(fields, organization=sb.url + "/v1/organizations/4201",
                    groups=[sb.url + "/v1/groups/5102"])
        req = urllib.request.Request(
            sb.url + "/v1/users", method="POST", data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "Authorization": "Bearer " + token})
        try:
            with _OPENER.open(req, timeout=10):
                return {}
        except urllib.error.HTTPError as e:
            self.assertEqual(e.code, 400)
            return json.loads(e.read())

    def test_existing_accounts_need_no_password_source(self):
        with Sandbox() as sb:
            path = self.write("existing.yaml", """\
version: 1
accounts:
  - username: jane.doe@demo.example
    groups: [annotator]
    first_name: Janet
""")
            run = self.run_tool("apply", path, "--auto-approve", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertEqual(sb.users_named("jane.doe@demo.example")[0]["first_name"], "Janet")
        self.assertNoSecrets()

    def test_a_create_without_a_password_source_is_65_and_plan_warns(self):
        with Sandbox() as sb:
            path = self.write("nopw.yaml", """\
version: 1
accounts:
  - username: nopw.bot@demo
    groups: [annotator]
""")
            run = self.run_tool("apply", path, "--auto-approve", env=self.env(sb))
            self.assertExit(run, 65)
            self.assertIn('account "nopw.bot@demo"', run.stderr)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()


class ManifestInputTest(ToolTestCase):
    def test_an_invalid_manifest_sends_nothing(self):
        path = self.write("bad.yaml", "version: 1\naccounts:\n  - username: a@demo\n"
                                      "    groups: [viewer]\n    usernmae: typo\n")
        with Sandbox() as sb:
            for command in (["plan"], ["apply", "--auto-approve"]):
                run = self.run_tool(*command, path, env=self.env(sb))
                self.assertExit(run, 65)
                self.assertIn(path + ":5:5:", run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_a_username_in_two_manifests_is_65_naming_both_places(self):
        a = self.write("a.yaml", "version: 1\naccounts:\n  - username: Dup@demo\n"
                                 "    groups: [viewer]\n")
        b = self.write("b.yaml", "version: 1\naccounts:\n  - username: x@demo\n"
                                 "    groups: [viewer]\n  - username: dup@DEMO\n"
                                 "    groups: [viewer]\n")
        with Sandbox() as sb:
            run = self.run_tool("plan", a, b, env=self.env(sb))
            self.assertExit(run, 65)
            self.assertIn(a + ":3", run.stderr)
            self.assertIn(b + ":5", run.stderr)
            self.assertEqual(sb.requests(), [])
            both = self.run_tool("plan", a, self.write("c.yaml", "version: 1\naccounts:\n"
                                 "  - username: other@demo\n    groups: [viewer]\n"),
                                 env=self.env(sb))
            self.assertExit(both, 0)
            self.assertIn("Plan: 2 to create", both.stdout)
        self.assertNoSecrets()

    def test_a_token_from_the_environment_needs_no_login(self):
        with Sandbox() as sb:
            path = self.write("m.yaml", "version: 1\naccounts:\n"
                                        "  - username: jane.doe@demo.example\n"
                                        "    groups: [annotator]\n")
            self.assertExit(self.run_tool("plan", path, "--no-token-cache", env=self.env(sb)), 0)
            # Obtain a token the ordinary way, then use it as ROSSUM_TOKEN.
            req = urllib.request.Request(
                sb.url + "/v1/auth/login", method="POST",
                data=json.dumps({"username": sb.admin_username,
                                 "password": sb.admin_password}).encode(),
                headers={"Content-Type": "application/json"})
            with _OPENER.open(req, timeout=10) as resp:
                token = json.loads(resp.read())["key"]
            self.secrets.add(token)
            sb.clear_requests()
            run = self.run_tool("plan", path, env=self.env(sb, ROSSUM_USERNAME=None,
                                                           ROSSUM_PASSWORD=None,
                                                           ROSSUM_TOKEN=token))
            self.assertExit(run, 0)
            self.assertEqual([r for r in sb.requests() if "/auth/" in r["path"]
                              and not r["path"].endswith("/auth/user")], [])
            bad = self.run_tool("plan", path, env=self.env(sb, ROSSUM_USERNAME=None,
                                                           ROSSUM_PASSWORD=None,
                                                           ROSSUM_TOKEN="not-a-valid-token"))
            self.assertExit(bad, 77)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
