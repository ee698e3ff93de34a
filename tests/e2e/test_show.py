"""`show PLANFILE` (issue 11, item 5): a saved plan rendered offline, like `terraform show`.

It loads the file exactly as `apply --plan` does and renders it with plan's renderers, so a
later job can post the plan an earlier one made: no credentials, no network.
"""
import glob
import json
import os
import subprocess
import unittest

from harness import DEMO_MANIFEST, RA_BIN, SOURCE_DIR, Sandbox, ToolTestCase
from test_snapshot import unshare_works
from workflow_commands import commands

MANIFEST = DEMO_MANIFEST + """\
  - username: file.bot@demo
    groups: [annotator]
    password: {file: secrets/file_bot.txt}
"""

FORMATS = ("text", "markdown", "json", "github")
SAVED_LINE = "Saved the plan to "
UNREACHABLE = "http://127.0.0.1:9/api"  # the discard port: nothing answers there


def body(stdout):
    """What plan printed without the line that says where it saved the plan."""
    return "".join(line for line in stdout.splitlines(True) if not line.startswith(SAVED_LINE))


class ShowTest(ToolTestCase):

    def setUp(self):
        super().setUp()
        self.write_manifest(MANIFEST)
        self.secret = self.password("new-bot")

    def offline_env(self, **extra):
        """No credential at all, and an API URL where nothing listens."""
        env = self.env(ROSSUM_API_URL=UNREACHABLE, **extra)
        self.assertFalse([k for k in env if k in ("ROSSUM_USERNAME", "ROSSUM_PASSWORD",
                                                  "ROSSUM_TOKEN")])
        return env

    def plan_in_every_format(self, sb):
        """{format: (plan's stdout, path of the plan it saved)}, each made with --out."""
        env = self.env(sb, NEW_BOT_PASSWORD=self.secret)
        out = {}
        for fmt in FORMATS:
            path = os.path.join(self.tmp, "plan-%s.json" % fmt)
            run = self.run_tool("plan", "accounts.yaml", "--out", path, "--format", fmt, env=env)
            self.assertExit(run, 0)
            out[fmt] = (run.stdout, path)
        return out

    def test_show_prints_what_plan_printed_when_it_saved_the_file_in_every_format(self):
        with Sandbox() as sb:
            planned = self.plan_in_every_format(sb)
        for fmt, (stdout, path) in planned.items():
            with self.subTest(format=fmt):
                run = self.run_tool("show", path, "--format", fmt, env=self.offline_env())
                self.assertExit(run, 0)
                self.assertEqual(run.stdout, body(stdout))
                self.assertEqual(run.stderr, "")
        # The plan is a real one: a create with a warning, an update.
        self.assertIn("+ create new.bot@demo", planned["text"][0])
        self.assertIn("~ update jane.doe@demo.example", planned["text"][0])
        self.assertIn("password source is not usable here", planned["text"][0])
        # The JSON shown is the file itself.
        with open(planned["json"][1]) as f:
            self.assertEqual(json.loads(f.read()), json.loads(planned["json"][0]))
        self.assertNoSecrets()

    def test_show_without_a_format_is_text_and_quiet_is_the_summary_line(self):
        with Sandbox() as sb:
            stdout, path = self.plan_in_every_format(sb)["text"]
        run = self.run_tool("show", path, env=self.offline_env())
        self.assertExit(run, 0)
        self.assertEqual(run.stdout, body(stdout))
        quiet = self.run_tool("-q", "show", path, env=self.offline_env())
        self.assertEqual(quiet.stdout, "Plan: 2 to create, 1 to update, 0 to deactivate, "
                                       "0 unchanged.\n")

    def test_show_opens_no_connection_and_needs_no_credentials(self):
        with Sandbox() as sb:
            _, path = self.plan_in_every_format(sb)["text"]
            sb.clear_requests()
            # The plan's own API is up, another is named, neither is asked anything.
            run = self.run_tool("--api-url", UNREACHABLE, "show", path,
                                env=self.offline_env(ROSSUM_TOKEN=None))
            self.assertExit(run, 0)
            self.assertEqual(sb.requests(), [])
        self.assertIn("+ create new.bot@demo", run.stdout)

    def test_show_runs_without_any_network(self):
        if not unshare_works():
            self.skipTest("unshare -n is not permitted here (needs a user or network namespace)")
        with Sandbox() as sb:
            planned = self.plan_in_every_format(sb)
        for fmt in FORMATS:
            stdout, path = planned[fmt]
            proc = subprocess.run(["unshare", "-n", RA_BIN, "show", path, "--format", fmt],
                                  env=self.offline_env(), cwd=self.tmp, capture_output=True,
                                  text=True, timeout=60)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(proc.stdout, body(stdout))

    def test_detailed_exitcode_is_2_with_changes_and_0_without(self):
        with Sandbox() as sb:
            env = self.env(sb)
            in_sync = self.write("in_sync.yaml", "version: 1\naccounts:\n"
                                 "  - username: jane.doe@demo.example\n    groups: [annotator]\n")
            changes = os.path.join(self.tmp, "changes.json")
            none = os.path.join(self.tmp, "none.json")
            self.assertExit(self.run_tool("plan", "accounts.yaml", "--out", changes, env=env), 0)
            self.assertExit(self.run_tool("apply", in_sync, "--auto-approve", env=env), 0)
            self.assertExit(self.run_tool("plan", in_sync, "--out", none, env=env), 0)
        self.assertExit(self.run_tool("show", changes, "--detailed-exitcode",
                                      env=self.offline_env()), 2)
        self.assertExit(self.run_tool("show", changes, env=self.offline_env()), 0)
        run = self.run_tool("show", none, "--detailed-exitcode", env=self.offline_env())
        self.assertExit(run, 0)
        self.assertIn("No changes.", run.stdout)

    def test_show_github_annotates_the_warnings_at_their_manifest_lines(self):
        with Sandbox() as sb:
            stdout, path = self.plan_in_every_format(sb)["github"]
        run = self.run_tool("show", path, "--format", "github", env=self.offline_env())
        self.assertExit(run, 0)
        warnings = [c for c in commands(run.stdout) if c["level"] == "warning"]
        by_account = {c["message"].split('"')[1]: c["properties"] for c in warnings}
        # new.bot's password is set where the plan was made; file.bot's file is missing.
        self.assertEqual(by_account, {"file.bot@demo": {"file": "accounts.yaml", "line": "8",
                                                        "title": "rossum-accounts"}})
        (notice,) = [c for c in commands(run.stdout) if c["level"] == "notice"]
        self.assertEqual(notice["message"], "Plan: 2 to create, 1 to update, 0 to deactivate, "
                                            "0 unchanged.")

    def test_an_edited_warning_cannot_forge_a_workflow_command(self):
        with Sandbox() as sb:
            _, path = self.plan_in_every_format(sb)["json"]
        with open(path) as f:
            plan = json.load(f)
        forged = "x\n::error file=evil.yaml,line=1::forged\r\n\u001b[2J 100%"
        next(a for a in plan["actions"] if a["warnings"])["warnings"] = [forged]
        edited = self.write("edited.json", json.dumps(plan))
        run = self.run_tool("show", edited, "--format", "github", env=self.offline_env())
        self.assertExit(run, 0)
        self.assertNotIn("\n::error", run.stdout)
        self.assertNotIn("\x1b", run.stdout)
        self.assertIn("x%0A::error file=evil.yaml,line=1::forged%0D%0A\\u001b[2J 100%25",
                      run.stdout)
        (warning,) = [c for c in commands(run.stdout) if c["level"] == "warning"]
        self.assertTrue(warning["message"].endswith(": x\n::error file=evil.yaml,line=1::forged"
                                                    "\r\n\\u001b[2J 100%"), warning)

    def test_a_plan_from_a_snapshot_still_says_so(self):
        with Sandbox() as sb:
            snapshot = os.path.join(self.tmp, "snapshot.json")
            self.assertExit(self.run_tool("snapshot", "--output", snapshot, env=self.env(sb)), 0)
        saved = os.path.join(self.tmp, "plan.json")
        plan = self.run_tool("plan", "--snapshot", snapshot, "accounts.yaml", "--out", saved,
                             "--format", "markdown", env=self.env())
        self.assertExit(plan, 0)
        run = self.run_tool("show", saved, "--format", "markdown", env=self.env())
        self.assertExit(run, 0)
        self.assertEqual(run.stdout, plan.stdout)
        self.assertIn("> Based on a snapshot taken ", run.stdout)


class ShowRefusesWhatApplyRefusesTest(ToolTestCase):
    """A file apply --plan refuses before connecting is refused by show with the same message and
    exit code: both read it with one loader."""

    def assertSameRefusal(self, path, code=65):
        apply = self.run_tool("apply", "--plan", path, "--auto-approve",
                              env=self.env(ROSSUM_API_URL=UNREACHABLE))
        show = self.run_tool("show", path, env=self.env())
        self.assertExit(apply, code)
        self.assertExit(show, code)
        self.assertEqual(show.stderr, apply.stderr)
        self.assertEqual(show.stdout, "")
        self.assertTrue(show.stderr.startswith("rossum-accounts: error: "), show.stderr)
        return show

    def test_every_invalid_plan_fixture_is_refused_alike(self):
        fixtures = sorted(glob.glob(os.path.join(SOURCE_DIR, "tests/fixtures/plans/invalid/*")))
        self.assertGreater(len(fixtures), 10)
        for path in fixtures:
            with self.subTest(fixture=os.path.basename(path)):
                run = self.assertSameRefusal(path)
                self.assertIn(path + ": ", run.stderr)

    def test_a_corrupt_missing_or_foreign_file_is_refused_alike(self):
        with open(os.path.join(SOURCE_DIR, "tests/fixtures/plans/valid/sample.json")) as f:
            sample = json.load(f)
        http_api = dict(sample, api_url="http://mycompany.rossum.app/api")
        cases = {"not_json.json": "{not json", "empty.json": "",
                 "truncated.json": json.dumps(sample)[:200],
                 "http_api.json": json.dumps(http_api)}
        for name, text in cases.items():
            with self.subTest(case=name):
                self.assertSameRefusal(self.write(name, text))
        missing = self.assertSameRefusal(os.path.join(self.tmp, "missing.json"))
        self.assertIn("missing.json", missing.stderr)
        self.assertSameRefusal(self.tmp)  # a directory
        self.assertIn("api_url is not acceptable",
                      self.run_tool("show", os.path.join(self.tmp, "http_api.json"),
                                    env=self.env()).stderr)

    def test_a_valid_fixture_is_shown(self):
        path = os.path.join(SOURCE_DIR, "tests/fixtures/plans/valid/sample.json")
        run = self.run_tool("show", path, "--format", "json", env=self.env())
        self.assertExit(run, 0)
        with open(path) as f:
            self.assertEqual(json.loads(run.stdout), json.load(f))

    def test_show_without_a_file_is_a_usage_error(self):
        run = self.run_tool("show", env=self.env())
        self.assertExit(run, 64)
        self.assertIn("PLANFILE", run.stderr)
        bad = self.run_tool("show", "x.json", "--format", "yaml", env=self.env())
        self.assertExit(bad, 64)


if __name__ == "__main__":
    unittest.main()
