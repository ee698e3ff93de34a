"""Plan renderings: golden text and markdown, colour rules, -q, and the JSON schema.

Regenerate the golden files with RA_UPDATE_GOLDEN=1 after an intended change.
"""
import json
import os
import re
import unittest

import jsonschema

from harness import SOURCE_DIR, Sandbox, SeededSandbox, ToolTestCase, demo_seed

GOLDEN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden")
MARK = {"managed_by": "rossum-accounts"}

SEED_USERS = [
    {"id": 20001, "username": "in.sync@demo", "organization": 4201, "groups": ["viewer"],
     "first_name": "In", "last_name": "Sync", "metadata": MARK},
    {"id": 20002, "username": "drifted@demo", "organization": 4201, "groups": ["viewer"],
     "queues": [812], "first_name": "Old", "email": "old@example.com",
     "metadata": {"managed_by": "rossum-accounts", "team": "a"}},
    {"id": 20003, "username": "legacy@demo", "organization": 4201, "groups": ["annotator"]},
    {"id": 20004, "username": "retired@demo", "organization": 4201, "groups": ["viewer"],
     "metadata": MARK},
]

MANIFEST = """\
version: 1
prune: true
defaults:
  groups: [viewer]
accounts:
  - username: in.sync@demo
    first_name: In
    last_name: Sync
  - username: drifted@demo
    first_name: New | "quoted" <b>
    email: new@example.com
    groups: [viewer, annotator]
    queues: [812, 813]
    metadata: {team: b}
  - username: legacy@demo
    groups: [annotator]
  - username: brand.new@demo
    email: ops@example.com
    groups: [admin]
    password: {env: BRAND_NEW_PASSWORD}
"""

ESC = "\x1b["


class OutputsTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.write("accounts.yaml", MANIFEST)

    def sandbox(self):
        return SeededSandbox(demo_seed(users=SEED_USERS), self.tmp)

    def normalize(self, text, sb):
        port = sb.url.split(":")[2].split("/")[0]
        return text.replace("127.0.0.1:" + port, "127.0.0.1:PORT")

    def check_golden(self, name, text):
        path = os.path.join(GOLDEN, name)
        if os.environ.get("RA_UPDATE_GOLDEN") == "1":
            os.makedirs(GOLDEN, exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
        with open(path) as f:
            self.assertEqual(text, f.read(), "golden file %s differs" % name)

    def test_the_text_plan_matches_its_golden_file(self):
        with self.sandbox() as sb:
            run = self.run_tool("plan", "accounts.yaml", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertNotIn(ESC, run.output)
            self.check_golden("plan.txt", self.normalize(run.stdout, sb))
        self.assertNoSecrets()

    def test_the_markdown_plan_matches_its_golden_file(self):
        with self.sandbox() as sb:
            run = self.run_tool("plan", "accounts.yaml", "--format", "markdown",
                                env=self.env(sb))
            self.assertExit(run, 0)
            self.assertNotIn(ESC, run.output)
            self.assertLess(len(run.stdout), 60000)
            self.check_golden("plan.md", self.normalize(run.stdout, sb))
        self.assertNoSecrets()

    def test_colour_only_on_a_terminal_without_no_color_or_no_color_flag(self):
        with self.sandbox() as sb:
            coloured = self.run_in_terminal("plan", "accounts.yaml",
                                            env=self.env(sb, NO_COLOR=None))
            self.assertExit(coloured, 0)
            self.assertIn(ESC, coloured.stdout)
            for args, env in ((["--no-color"], self.env(sb, NO_COLOR=None)),
                              ([], self.env(sb)),
                              ([], self.env(sb, NO_COLOR="yes"))):
                run = self.run_in_terminal("plan", "accounts.yaml", *args, env=env)
                self.assertExit(run, 0)
                self.assertNotIn(ESC, run.stdout, args)
            piped = self.run_tool("plan", "accounts.yaml", env=self.env(sb, NO_COLOR=None))
            self.assertExit(piped, 0)
            self.assertNotIn(ESC, piped.output)
        self.assertNoSecrets()

    def test_quiet_prints_only_the_summary_line(self):
        with self.sandbox() as sb:
            run = self.run_tool("plan", "accounts.yaml", "-q", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertEqual(run.stdout,
                             "Plan: 1 to create, 2 to update, 1 to deactivate, 1 unchanged.\n")
            self.assertEqual(run.stderr, "")
            before = self.run_tool("-q", "plan", "accounts.yaml", "--detailed-exitcode",
                                   env=self.env(sb))
            self.assertExit(before, 2)
            self.assertEqual(before.stdout, run.stdout)
        self.assertNoSecrets()

    def test_quiet_apply_prints_only_the_final_summary_line(self):
        with self.sandbox() as sb:
            env = self.env(sb, BRAND_NEW_PASSWORD=self.password("brand"))
            run = self.run_tool("apply", "accounts.yaml", "--auto-approve", "-q", env=env)
            self.assertExit(run, 0)
            self.assertEqual(run.stdout, "Apply complete: 1 created, 2 updated, 1 deactivated, "
                                         "1 unchanged, 0 failed, 0 not attempted.\n")
            self.assertEqual(run.stderr, "")
            again = self.run_tool("-q", "apply", "accounts.yaml", "--auto-approve", env=env)
            self.assertExit(again, 0)
            self.assertEqual(again.stdout, "No changes. 5 accounts are in sync.\n")
        self.assertNoSecrets()

    def test_the_json_plan_validates_against_the_schema(self):
        with self.sandbox() as sb:
            run = self.run_tool("plan", "accounts.yaml", "--format", "json", env=self.env(sb))
            self.assertExit(run, 0)
            plan = json.loads(run.stdout)
            with open(os.path.join(SOURCE_DIR, "schemas", "plan.schema.json")) as f:
                jsonschema.validate(plan, json.load(f))
            self.assertEqual(plan["summary"], {"create": 1, "update": 2, "skip": 1,
                                               "deactivate": 1})
            self.assertEqual([a["username"] for a in plan["actions"]],
                             ["brand.new@demo", "drifted@demo", "in.sync@demo", "legacy@demo",
                              "retired@demo"])
            self.assertEqual(plan["organization"]["id"], 4201)
            self.assertTrue(re.match(r"http://127\.0\.0\.1:\d+/api$", plan["api_url"]))
        self.assertNoSecrets()


# One create that succeeds and one that fails: the username belongs to a user of another
# organization (the built-in sandbox seeds shared.name@other.example in organization 4202).
CONFLICT_MANIFEST = """\
version: 1
accounts:
  - username: fine.bot@demo
    groups: [viewer]
    password: {env: FINE_PASSWORD}
  - username: Shared.Name@other.example
    groups: [annotator]
    password: {env: SHARED_PASSWORD}
"""


class ApplyReportTest(ToolTestCase):
    def apply(self, *args):
        path = self.write("m.yaml", CONFLICT_MANIFEST)
        with Sandbox() as sb:
            env = self.env(sb, FINE_PASSWORD=self.password("fine"),
                           SHARED_PASSWORD=self.password("shared"))
            run = self.run_tool("apply", path, "--auto-approve", *args, env=env)
            self.assertEqual(len(sb.users_named("fine.bot@demo")), 1)
        self.assertNoSecrets()
        return run

    def test_quiet_apply_still_names_each_failed_account_and_why(self):
        run = self.apply("-q")
        self.assertExit(run, 3)
        lines = run.stdout.splitlines()
        self.assertEqual(len(lines), 2, run.stdout)
        self.assertRegex(lines[0], r"^  ! failed Shared\.Name@other\.example: \S.*"
                                   r"Shared\.Name@other\.example")
        self.assertEqual(lines[1], "Apply complete: 1 created, 0 updated, 0 deactivated, "
                                   "0 unchanged, 1 failed, 0 not attempted.")
        self.assertEqual(run.stderr, "")

    def test_a_markdown_apply_prints_a_markdown_report_and_its_progress_on_stderr(self):
        run = self.apply("--format", "markdown")
        self.assertExit(run, 3)
        md = run.stdout
        self.assertTrue(md.startswith("## rossum-accounts apply\n\nApply complete.\n\n"), md)
        self.assertIn("| Created | Updated | Deactivated | Unchanged | Failed | Not attempted |\n"
                      "| ---: | ---: | ---: | ---: | ---: | ---: |\n"
                      "| 1 | 0 | 0 | 0 | 1 | 0 |\n", md)
        self.assertLess(md.index("### Not applied"), md.index("### Applied"))
        self.assertRegex(md, r"\n\| failed \| `Shared\.Name@other\.example` \| create \| "
                             r"[^|\n]*Shared\.Name\\@other\.example[^|\n]* \|\n")
        self.assertIn("\n| created | `fine.bot@demo` |  |\n", md)
        self.assertNotIn("Plan:", md, "json and markdown print only the report")
        self.assertNotIn("! failed", md)
        self.assertIn("+ created fine.bot@demo", run.stderr)
        self.assertIn("! failed Shared.Name@other.example", run.stderr)
        self.assertLess(len(md), 60000)


if __name__ == "__main__":
    unittest.main()
