"""What a second hostile session found after the fixes of issue 8 (one test per defect).

Each test reproduces a defect with the built tool against the sandbox; see the docstrings.
"""
import copy
import json
import os
import unittest

from harness import Sandbox, ToolTestCase, other_requests

MANIFEST = """\
version: 1
accounts:
  - username: svc.hostile@demo.example
    groups: [annotator]
    password: {env: SVC_PASSWORD}
"""


def recount(plan):
    plan["summary"] = {k: sum(a["action"] == k for a in plan["actions"])
                       for k in ("create", "update", "skip", "deactivate")}


class HostilePlanTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = self.write("accounts.yaml", MANIFEST)
        self.plan_path = os.path.join(self.tmp, "plan.json")

    def make_plan(self, env, manifest=None):
        run = self.run_tool("plan", manifest or self.manifest, "--out", self.plan_path, env=env)
        self.assertExit(run, 0)
        with open(self.plan_path) as f:
            return json.load(f)

    def edited(self, plan, edit):
        plan = copy.deepcopy(plan)
        edit(plan)
        recount(plan)
        return self.write("edited-%d.json" % len(self.outputs), json.dumps(plan, indent=2))

    def writes(self, sb):
        return [r for r in other_requests(sb.requests()) if r["method"] != "GET"]

    def test_a_password_source_edited_away_from_the_shown_one_is_65_with_nothing_written(self):
        # The screen shows `password = (sensitive: env SVC_PASSWORD)` (the change's label) but
        # the executor reads `password_source`: edited to ROSSUM_PASSWORD, apply created the
        # service account with the admin's own password, exit 0.
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("svc"))
            plan = self.make_plan(env)

            def edit(p):
                p["actions"][0]["password_source"] = {"env": "ROSSUM_PASSWORD"}
            path = self.edited(plan, edit)
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", path, "--auto-approve", env=env)
            self.assertExit(run, 65)
            self.assertIn("actions[0].changes[4].after", run.stderr)
            self.assertEqual(self.writes(sb), [])
            self.assertEqual(sb.users_named("svc.hostile@demo.example"), [])
            self.assertNoSecrets()

    def test_an_unedited_plan_with_a_password_file_still_applies(self):
        with Sandbox() as sb:
            secret = self.password("file")
            self.write("secrets/svc.txt", secret + "\n", mode=0o600)
            manifest = self.write("file.yaml", MANIFEST.replace(
                "{env: SVC_PASSWORD}", "{file: secrets/svc.txt}"))
            env = self.env(sb)
            self.make_plan(env, manifest)
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env,
                                cwd="/")
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("svc.hostile@demo.example")), 1)
            self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
