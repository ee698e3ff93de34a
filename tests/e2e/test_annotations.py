"""`--format github` for validate and plan, and `validate --format json` (issue 11, item 6).

The three forms carry the same diagnostics as the text format, each at its file, line and column;
GitHub's escaping keeps a hostile value inside its command; no secret appears in any of them.
"""
import glob
import json
import os
import unittest

from harness import SOURCE_DIR, Sandbox, ToolTestCase, writes
from workflow_commands import (commands, diagnostics_from_github, diagnostics_from_json,
                               diagnostics_from_text)

INVALID = os.path.join(SOURCE_DIR, "tests/fixtures/manifests/invalid")

TWO_PROBLEMS = """\
version: 1
accounts:
  - username: bot@x
    groups: [admn]
  - username: other@x
    groups: []
"""


class ValidateFormatsTest(ToolTestCase):

    def formats(self, *paths):
        """validate in text, github and json: the three runs."""
        env = self.env()
        return [self.run_tool("validate", *paths, "--format", fmt, env=env)
                for fmt in ("text", "github", "json")]

    def test_every_invalid_fixture_has_the_same_diagnostics_in_every_format(self):
        fixtures = sorted(glob.glob(os.path.join(INVALID, "*.yaml")))
        self.assertGreater(len(fixtures), 30)
        for path in fixtures:
            with self.subTest(fixture=os.path.basename(path)):
                text, github, as_json = self.formats(path)
                for run in (text, github, as_json):
                    self.assertExit(run, 65)
                expected = diagnostics_from_text(text.stderr)
                self.assertTrue(expected)
                self.assertEqual(diagnostics_from_github(github.stdout), expected)
                self.assertEqual(diagnostics_from_json(as_json.stdout), expected)
                # Annotations and the document are the whole output, on stdout.
                self.assertEqual(github.stderr, "")
                self.assertEqual(as_json.stderr, "")
                self.assertEqual(len(github.stdout.splitlines()), len(expected))

    def test_github_annotations_name_file_line_and_column(self):
        self.write("rossum/accounts.yaml", TWO_PROBLEMS)
        run = self.run_tool("validate", "rossum/accounts.yaml", "--format", "github",
                            env=self.env())
        self.assertExit(run, 65)
        lines = run.stdout.splitlines()
        self.assertEqual(len(lines), 2, run.stdout)
        self.assertRegex(lines[0], r"^::error file=rossum/accounts\.yaml,line=4,col=\d+,"
                                   r"title=rossum-accounts::accounts\[0\]\.groups\[0\]: ")
        self.assertRegex(lines[1], r"^::error file=rossum/accounts\.yaml,line=6,col=\d+,"
                                   r"title=rossum-accounts::accounts\[1\]\.groups: ")

    def test_json_lists_every_diagnostic_with_its_place(self):
        self.write("accounts.yaml", TWO_PROBLEMS)
        run = self.run_tool("validate", "accounts.yaml", "--format", "json", env=self.env())
        self.assertExit(run, 65)
        doc = json.loads(run.stdout)
        self.assertEqual(doc["format_version"], 1)
        self.assertIs(doc["valid"], False)
        self.assertEqual(doc["files"], ["accounts.yaml"])
        self.assertIsNone(doc["accounts"])
        self.assertEqual([(d["file"], d["line"], d["severity"]) for d in doc["diagnostics"]],
                         [("accounts.yaml", 4, "error"), ("accounts.yaml", 6, "error")])
        self.assertTrue(all(d["column"] >= 1 for d in doc["diagnostics"]))

    def test_a_valid_manifest(self):
        path = os.path.join(SOURCE_DIR, "examples", "accounts.yaml")
        text, github, as_json = self.formats(path)
        for run in (text, github, as_json):
            self.assertExit(run, 0)
        self.assertEqual(github.stdout, text.stdout)  # "FILE: valid (N accounts)"
        self.assertRegex(text.stdout, r"valid \(\d+ accounts?\)")
        doc = json.loads(as_json.stdout)
        self.assertIs(doc["valid"], True)
        self.assertEqual(doc["diagnostics"], [])
        self.assertEqual(doc["files"], [path])
        self.assertEqual(int(text.stdout.split("(")[1].split()[0]), doc["accounts"])

    def test_a_file_name_with_a_comma_colon_or_newline_stays_in_its_property(self):
        name = "a,line=1:b%\nc.yaml"
        self.write(name, TWO_PROBLEMS)
        run = self.run_tool("validate", name, "--format", "github", env=self.env())
        self.assertExit(run, 65)
        self.assertIn("::error file=a%2Cline=1%3Ab%25%0Ac.yaml,line=4,", run.stdout)
        self.assertEqual([c["properties"]["file"] for c in commands(run.stdout)], [name, name])
        self.assertEqual(len(run.stdout.splitlines()), 2)

    def test_several_manifests_that_disagree(self):
        a = self.write("a.yaml", "version: 1\nprune: true\naccounts:\n"
                       "  - username: one@x\n    groups: [viewer]\n")
        b = self.write("b.yaml", "version: 1\nprune: false\naccounts:\n"
                       "  - username: one@x\n    groups: [viewer]\n")
        text, github, as_json = self.formats(a, b)
        expected = diagnostics_from_text(text.stderr)
        self.assertTrue(expected)
        self.assertEqual(diagnostics_from_github(github.stdout), expected)
        self.assertEqual(diagnostics_from_json(as_json.stdout), expected)
        self.assertEqual(json.loads(as_json.stdout)["files"], [a, b])

    def test_an_inline_password_is_never_echoed_in_any_format(self):
        self.secrets.add("Secr3tPassword")
        self.formats(os.path.join(INVALID, "inline_password.yaml"))
        self.assertNoSecrets()

    def test_an_unknown_format_is_a_usage_error(self):
        run = self.run_tool("validate", "x.yaml", "--format", "markdown", env=self.env())
        self.assertExit(run, 64)


class PlanGithubTest(ToolTestCase):

    def test_the_plan_is_printed_with_its_warnings_annotated_at_their_lines(self):
        self.write_manifest()
        with Sandbox() as sb:
            env = self.env(sb)
            text = self.run_tool("plan", "accounts.yaml", env=env)
            run = self.run_tool("plan", "accounts.yaml", "--format", "github",
                                "--detailed-exitcode", env=env)
        self.assertExit(run, 2)
        self.assertTrue(run.stdout.startswith(text.stdout), run.stdout)
        annotations = commands(run.stdout[len(text.stdout):])
        self.assertEqual(len(run.stdout[len(text.stdout):].splitlines()), len(annotations))
        warning, notice = annotations
        self.assertEqual(warning["level"], "warning")
        self.assertEqual(warning["properties"], {"file": "accounts.yaml", "line": "5",
                                                 "title": "rossum-accounts"})
        self.assertTrue(warning["message"].startswith(
            'account "new.bot@demo": password source is not usable here'), warning)
        self.assertEqual(notice["level"], "notice")
        self.assertEqual(notice["message"], "Plan: 1 to create, 1 to update, 0 to deactivate, "
                                            "0 unchanged.")

    def test_manifest_problems_are_annotated_and_nothing_is_requested(self):
        self.write("accounts.yaml", TWO_PROBLEMS)
        with Sandbox() as sb:
            env = self.env(sb)
            text = self.run_tool("plan", "accounts.yaml", env=env)
            run = self.run_tool("plan", "accounts.yaml", "--format", "github", env=env)
            self.assertEqual(sb.api_requests(exclude_auth=False), [])
        self.assertExit(run, 65)
        self.assertEqual(run.stderr, "")
        self.assertEqual(diagnostics_from_github(run.stdout),
                         diagnostics_from_text(text.stderr))

    def test_a_role_the_organization_lacks_is_annotated_at_its_line(self):
        self.write("accounts.yaml", "version: 1\naccounts:\n  - username: jane.doe@demo.example\n"
                                    "    groups: [approver]\n")
        with Sandbox() as sb:
            env = self.env(sb)
            text = self.run_tool("plan", "accounts.yaml", env=env)
            run = self.run_tool("plan", "accounts.yaml", "--format", "github", env=env)
        self.assertExit(text, 65)
        self.assertExit(run, 65)
        expected = diagnostics_from_text(text.stderr)
        self.assertTrue(expected and expected[0].startswith("accounts.yaml:3:"), text.stderr)
        self.assertEqual(diagnostics_from_github(run.stdout), expected)

    def test_a_plan_over_the_deactivation_cap_is_an_error_annotation(self):
        self.write("m.yaml", "version: 1\nprune: true\naccounts: []\n")
        with Sandbox() as sb:
            for i in range(4):
                sb.add_user(username="old.%02d@demo" % i, organization=4201, groups=["viewer"],
                            metadata={"managed_by": "rossum-accounts"})
            run = self.run_tool("plan", "m.yaml", "--format", "github", env=self.env(sb))
            self.assertEqual(writes(sb), [])
        self.assertExit(run, 1)
        self.assertIn("- deactivate old.00@demo", run.stdout)
        errors = [c for c in commands(run.stdout) if c["level"] == "error"]
        self.assertEqual(len(errors), 1, run.stdout)
        self.assertIn("the plan deactivates 4 accounts, more than the 3 allowed",
                      errors[0]["message"])

    def test_no_secret_in_the_annotated_plan(self):
        self.write_manifest()
        # Too similar to the username: the policy warning names the rule, never the value.
        similar = "new.bot@demo1"
        self.secrets.add(similar)
        good = self.password("new-bot")
        with Sandbox() as sb:
            for value in (good, similar):
                run = self.run_tool("plan", "accounts.yaml", "--format", "github",
                                    env=self.env(sb, NEW_BOT_PASSWORD=value))
                self.assertExit(run, 0)
                self.assertIn("(sensitive: env NEW_BOT_PASSWORD)", run.stdout)
        self.assertIn("violates the password policy", run.stdout)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
