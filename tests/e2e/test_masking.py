"""Masking is for free text only (docs/design.md §12.2): a value that equals a secret is data and
is shown, saved, applied and exported exactly; server text that echoes a secret is masked in
stderr, the -v log and the JSON report's error; the tool's own message templates never are."""
import json
import os
import unittest

from harness import SEED_ADMIN, SeededSandbox, ToolTestCase, demo_seed

# The admin password is a role name (a "role-like value"); it is also a metadata value.
ADMIN_PASSWORD = "organization_group_admin"


class SecretValuesTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        suffix = os.urandom(2).hex()
        # Distinct alphabets, so that neither is similar to the other's account (Django's
        # UserAttributeSimilarityValidator).
        self.s1 = "Mq7-Zephyr-Lantern-" + suffix
        self.s2 = "Vx3-Orchid-Basalt-" + suffix
        # The first account's username contains the second account's password.
        self.bot = "%s.bot@demo.example" % self.s2
        self.manifest = self.write("accounts.yaml", """\
version: 1
accounts:
  - username: "%s"
    first_name: Robot
    groups: [organization_group_admin]
    password: {env: SVC1_PASSWORD}
    metadata: {owner: "%s", team: %s}
  - username: helper@demo.example
    first_name: "%s"
    groups: [annotator]
    password: {env: SVC2_PASSWORD}
    metadata: {note: %s}
""" % (self.bot, self.s2, ADMIN_PASSWORD, self.s1, ADMIN_PASSWORD))

    def sandbox(self):
        return SeededSandbox(demo_seed(admin_password=ADMIN_PASSWORD), self.tmp)

    def tool_env(self, sb):
        return self.env(sb, SVC1_PASSWORD=self.s1, SVC2_PASSWORD=self.s2)

    def assertNoMask(self, text):
        self.assertNotIn("***", text)

    def test_values_equal_to_secrets_are_planned_saved_applied_and_exported_exactly(self):
        with self.sandbox() as sb:
            env = self.tool_env(sb)
            self.assertEqual(env["ROSSUM_PASSWORD"], ADMIN_PASSWORD)

            text = self.run_tool("plan", self.manifest, env=env)
            self.assertExit(text, 0)
            self.assertNoMask(text.stdout)
            self.assertIn("+ create %s" % self.bot, text.stdout)
            self.assertIn('+ groups         = ["organization_group_admin"]', text.stdout)
            self.assertIn('+ metadata.owner = "%s"' % self.s2, text.stdout)
            self.assertIn('+ metadata.team  = "%s"' % ADMIN_PASSWORD, text.stdout)
            self.assertIn('+ first_name    = "%s"' % self.s1, text.stdout)

            markdown = self.run_tool("plan", self.manifest, "--format", "markdown", env=env)
            self.assertExit(markdown, 0)
            self.assertNoMask(markdown.stdout)
            self.assertIn(self.bot, markdown.stdout)
            self.assertIn('+ metadata.owner = "%s"' % self.s2, markdown.stdout)

            as_json = self.run_tool("plan", self.manifest, "--format", "json", "--out",
                                    "plan.json", env=env)
            self.assertExit(as_json, 0)
            with open(os.path.join(self.tmp, "plan.json")) as f:
                saved = f.read()
            for document in (as_json.stdout, saved):
                self.assertNoMask(document)
                plan = json.loads(document)
                changes = {a["username"]: {c["field"]: c["after"] for c in a["changes"]}
                           for a in plan["actions"]}
                self.assertEqual(changes[self.bot]["metadata.owner"], self.s2)
                self.assertEqual(changes[self.bot]["metadata.team"], ADMIN_PASSWORD)
                self.assertEqual(changes[self.bot]["groups"], [ADMIN_PASSWORD])
                self.assertEqual(changes["helper@demo.example"]["first_name"], self.s1)
                self.assertEqual(changes["helper@demo.example"]["metadata.note"], ADMIN_PASSWORD)

            applied = self.run_tool("apply", "--plan", "plan.json", "--auto-approve", env=env)
            self.assertExit(applied, 0)
            self.assertIn("+ created %s" % self.bot, applied.stdout)
            bot, = sb.users_named(self.bot)
            self.assertEqual(bot["username"], self.bot)
            self.assertEqual(bot["metadata"]["owner"], self.s2)
            self.assertEqual(bot["metadata"]["team"], ADMIN_PASSWORD)
            self.assertEqual(bot["groups"], [sb.base + "/api/v1/groups/5107"])
            helper, = sb.users_named("helper@demo.example")
            self.assertEqual(helper["first_name"], self.s1)
            self.assertEqual(helper["metadata"]["note"], ADMIN_PASSWORD)

            exported = self.run_tool("export", env=env)
            self.assertExit(exported, 0)
            self.assertNoMask(exported.stdout)
            self.assertIn(self.bot, exported.stdout)
            self.assertIn("groups: [organization_group_admin]", exported.stdout)
            self.assertIn(self.s1, exported.stdout)

            again = self.run_tool("plan", self.manifest, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)

    def test_server_text_echoing_a_secret_is_masked_in_stderr_the_log_and_the_report(self):
        echo = "echo %s and %s" % (self.s1, ADMIN_PASSWORD)
        with self.sandbox() as sb:
            env = self.tool_env(sb)
            # An error body (stderr, with -v): the template stays, the echo is masked.
            sb.fault(method="GET", path="/api/v1/groups", action="respond", status=403,
                     body={"detail": echo})
            denied = self.run_tool("plan", self.manifest, "-v", env=env)
            self.assertExit(denied, 77)
            self.assertIn("rossum-accounts: error: GET %s/v1/groups?page_size=100: permission "
                          "denied (403): echo *** and ***\n" % sb.url, denied.stderr)
            self.assertIn("GET %s/v1/groups?page_size=100 -> 403 (" % sb.url, denied.stderr)

            # A Location header.
            sb.fault(method="GET", path="/api/v1/groups", action="redirect",
                     location="https://elsewhere.example/?p=" + self.s1)
            moved = self.run_tool("plan", self.manifest, "-v", env=env)
            self.assertExit(moved, 1)
            self.assertIn("redirect (302) to https://elsewhere.example/?p=***; redirects are "
                          "not followed", moved.stderr)

            # The JSON report: the error is masked, the username (data) is not.
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=400,
                     body={"password": ["'%s' is too common" % self.s1]}, times=2)
            report = self.run_tool("apply", self.manifest, "--auto-approve", "--format", "json",
                                   "-v", env=env)
            self.assertExit(report, 3)
            results = {r["username"]: r for r in json.loads(report.stdout)["results"]}
            self.assertEqual(results[self.bot]["error"],
                             "POST %s/v1/users: the API rejected the request (400): password: "
                             "'***' is too common" % sb.url)
            self.assertEqual(results[self.bot]["status"], "failed")
            for run in (denied, moved, report):
                for secret in (self.s1, ADMIN_PASSWORD):
                    self.assertNotIn(secret, run.stderr)
            self.assertNotIn(self.s1, report.stdout)

    def test_message_templates_are_never_masked(self):
        # An admin password that is a word of the tool's templates, and a service password that
        # is a word of the policy message.
        manifest = self.write("short.yaml", "version: 1\naccounts:\n  - username: "
                              "short.bot@demo\n    groups: [viewer]\n    password: "
                              "{env: SHORT_PASSWORD}\n")
        seed = demo_seed(admin_password="account")
        with SeededSandbox(seed, self.tmp) as sb:
            run = self.run_tool("apply", manifest, "--auto-approve",
                                env=self.env(sb, SHORT_PASSWORD="short"))
            self.assertExit(run, 65)
            self.assertIn('rossum-accounts: error: account "short.bot@demo": password from env '
                          'SHORT_PASSWORD violates the password policy: password is shorter '
                          'than 12 characters; password is too similar to the username\n',
                          run.stderr)
            self.assertEqual(sb.users_named("short.bot@demo"), [])
            self.assertEqual(sb.users_named(SEED_ADMIN)[0]["username"], SEED_ADMIN)


if __name__ == "__main__":
    unittest.main()
