"""apply's confirmation: refused without a terminal, 'yes' applies, anything else writes nothing."""
import json
import os
import unittest

import jsonschema

from harness import SOURCE_DIR, Sandbox, ToolTestCase, writes

MANIFEST = """\
version: 1
accounts:
  - username: jane.doe@demo.example
    groups: [annotator]
  - username: term.bot@demo
    groups: [viewer]
    password: {env: TERM_BOT_PASSWORD}
"""


class ApplyConfirmationTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = self.write("m.yaml", MANIFEST)

    def test_apply_without_a_terminal_or_auto_approve_is_64_before_any_request(self):
        with Sandbox() as sb:
            env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
            run = self.run_tool("apply", self.manifest, env=env)
            self.assertExit(run, 64)
            self.assertIn("--auto-approve", run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_answering_yes_on_a_terminal_applies(self):
        with Sandbox() as sb:
            env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
            run = self.run_in_terminal("apply", self.manifest, env=env, answer="yes\n")
            self.assertExit(run, 0)
            self.assertIn("+ create term.bot@demo", run.stdout)
            self.assertIn("Enter a value:", run.stdout)
            self.assertIn("+ created term.bot@demo", run.stdout)
            self.assertEqual(len(sb.users_named("term.bot@demo")), 1)
            self.assertEqual(len(writes(sb)), 2, "one POST (create) and one PATCH (jane)")
        self.assertNoSecrets()

    def test_answering_anything_but_yes_writes_nothing(self):
        for answer in ("no\n", "y\n", "YES\n"):
            with Sandbox() as sb:
                env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
                run = self.run_in_terminal("apply", self.manifest, env=env, answer=answer)
                self.assertNotEqual(run.code, 0, repr(run))
                self.assertIn("Apply cancelled.", run.stdout)
                self.assertEqual(writes(sb), [])
                self.assertEqual(sb.users_named("term.bot@demo"), [])
        self.assertNoSecrets()

    def test_a_json_apply_on_a_terminal_shows_the_plan_before_asking(self):
        with Sandbox() as sb:
            env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
            run = self.run_in_terminal("apply", self.manifest, "--format", "json", env=env)
            self.assertExit(run, 0)
            self.assertLess(run.stdout.index("+ create term.bot@demo"),
                            run.stdout.index("Enter a value:"))
            report = json.loads(run.stdout[run.stdout.index("\n{") + 1:])
            self.assertEqual(report["summary"]["created"], 1)
        self.assertNoSecrets()

    def apply_into_a_file(self, sb, *args):
        """`apply ... > out` typed on a terminal: returns (the terminal's text, the file's)."""
        env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
        out = os.path.join(self.tmp, "out")
        run = self.run_in_terminal("apply", self.manifest, *args, env=env, stdout_path=out,
                                   timeout=20)
        with open(out) as f:
            written = f.read()
        self.outputs.append(written)
        return run, written

    def test_a_json_apply_into_a_file_asks_on_the_terminal_and_the_file_holds_only_the_report(self):
        with Sandbox() as sb:
            run, written = self.apply_into_a_file(sb, "--format", "json")
            self.assertExit(run, 0)
            self.assertLess(run.stdout.index("+ create term.bot@demo"),
                            run.stdout.index("Enter a value:"))
            report = json.loads(written)  # the whole file, nothing before or after
            self.assertEqual(report["summary"]["created"], 1)
            self.assertNotIn("Enter a value", written)
            self.assertIn("+ created term.bot@demo", run.stdout, "progress on the terminal")
            self.assertEqual(len(sb.users_named("term.bot@demo")), 1)
        self.assertNoSecrets()

    def test_a_text_or_markdown_apply_into_a_file_never_writes_the_question_into_it(self):
        with Sandbox() as sb:
            run, written = self.apply_into_a_file(sb)
            self.assertExit(run, 0)
            self.assertLess(run.stdout.index("+ create term.bot@demo"),
                            run.stdout.index("Enter a value:"))
            self.assertEqual(written, "  ~ updated jane.doe@demo.example (managed_by)\n"
                                      "  + created term.bot@demo\n\n"
                                      "Apply complete: 1 created, 1 updated, 0 deactivated, "
                                      "0 unchanged, 0 failed, 0 not attempted.\n")
        with Sandbox() as sb:
            run, written = self.apply_into_a_file(sb, "--format", "markdown")
            self.assertExit(run, 0)
            self.assertLess(run.stdout.index("+ create term.bot@demo"),
                            run.stdout.index("Enter a value:"))
            self.assertIn("+ created term.bot@demo", run.stdout, "progress on the terminal")
            self.assertTrue(written.startswith("## rossum-accounts apply\n"), written)
            self.assertIn("| created | `term.bot@demo` |", written)
            for asked in ("Enter a value", "Do you want", "+ create"):
                self.assertNotIn(asked, written)
        self.assertNoSecrets()

    def test_a_cancelled_apply_into_a_file_leaves_it_empty(self):
        with Sandbox() as sb:
            env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
            out = os.path.join(self.tmp, "out")
            run = self.run_in_terminal("apply", self.manifest, env=env, answer="no\n",
                                       stdout_path=out, timeout=20)
            self.assertExit(run, 1)
            self.assertIn("Apply cancelled.", run.stdout)
            with open(out) as f:
                self.assertEqual(f.read(), "")
        self.assertNoSecrets()

    def test_nothing_to_change_asks_nothing_in_any_format(self):
        with Sandbox() as sb:
            env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
            first = self.run_tool("apply", self.manifest, "--auto-approve", env=env)
            self.assertExit(first, 0)
            for fmt in ("text", "json", "markdown"):
                run = self.run_in_terminal("apply", self.manifest, "--format", fmt, env=env,
                                           answer="no\n")
                self.assertExit(run, 0)
                self.assertNotIn("Enter a value", run.stdout, fmt)
            self.assertEqual(len(writes(sb)), 2, "only the first apply wrote")
        self.assertNoSecrets()

    def test_the_json_report_has_the_documented_shape(self):
        with Sandbox() as sb:
            env = self.env(sb, TERM_BOT_PASSWORD=self.password("t"))
            run = self.run_tool("apply", self.manifest, "--auto-approve", "--format", "json",
                                env=env)
            self.assertExit(run, 0)
            report = json.loads(run.stdout)
            schema_path = os.path.join(SOURCE_DIR, "schemas", "report.schema.json")
            with open(schema_path) as f:
                jsonschema.validate(report, json.load(f))
            self.assertEqual(report["format_version"], 1)
            self.assertEqual(report["summary"], {"created": 1, "updated": 1, "deactivated": 0,
                                                 "skipped": 0, "failed": 0,
                                                 "not_attempted": 0})
            self.assertEqual(report["results"], [
                {"username": "jane.doe@demo.example", "action": "update", "status": "done",
                 "error": None, "note": None},
                {"username": "term.bot@demo", "action": "create", "status": "done",
                 "error": None, "note": None}])
            again = self.run_tool("apply", self.manifest, "--auto-approve", "--format", "json",
                                  env=env)
            self.assertExit(again, 0)
            report = json.loads(again.stdout)
            self.assertEqual(report["summary"]["skipped"], 2)
            self.assertEqual({r["status"] for r in report["results"]}, {"done"})
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
