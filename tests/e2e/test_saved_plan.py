"""plan --out then apply --plan: exactly that plan, refused when stale, tampered or for another API."""
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
    queues: [812, 813]
  - username: new.bot@demo
    first_name: New
    groups: [viewer]
    password: {env: NEW_BOT_PASSWORD}
  - username: file.bot@demo
    groups: [viewer]
    password: {file: secrets/file_bot.txt}
"""


def load_schema(name):
    with open(os.path.join(SOURCE_DIR, "schemas", name)) as f:
        return json.load(f)


class SavedPlanTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        # The manifest lives in a sub-directory: file sources are relative to it, not to the cwd.
        self.manifest = self.write("conf/accounts.yaml", MANIFEST)
        self.file_password = self.password("file")
        self.write("conf/secrets/file_bot.txt", self.file_password + "\n", mode=0o600)
        self.plan_path = os.path.join(self.tmp, "plan.json")

    def make_plan(self, sb, env):
        run = self.run_tool("plan", self.manifest, "--out", self.plan_path, env=env)
        self.assertExit(run, 0)
        with open(self.plan_path) as f:
            text = f.read()
        self.outputs.append(text)
        return text

    def test_a_saved_plan_applies_exactly_and_then_nothing_is_left_to_do(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            text = self.make_plan(sb, env)
            plan = json.loads(text)
            jsonschema.validate(plan, load_schema("plan.schema.json"))
            self.assertEqual(plan["summary"], {"create": 2, "update": 1, "skip": 0,
                                               "deactivate": 0})
            sources = {a["username"]: a.get("password_source") for a in plan["actions"]}
            self.assertEqual(sources["new.bot@demo"], {"env": "NEW_BOT_PASSWORD"})
            # Recorded resolved against the manifest's directory, so any working directory works.
            self.assertEqual(sources["file.bot@demo"],
                             {"file": os.path.join(self.tmp, "conf/secrets/file_bot.txt")})
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            self.assertIn("+ created new.bot@demo", run.stdout)
            self.assertIn("+ created file.bot@demo", run.stdout)
            self.assertIn("~ updated jane.doe@demo.example", run.stdout)
            self.assertEqual(len(sb.users_named("new.bot@demo")), 1)
            self.assertEqual(sb.users_named("new.bot@demo")[0]["first_name"], "New")
            again = self.run_tool("plan", self.manifest, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        self.assertNoSecrets()

    def test_a_plan_whose_user_changed_since_is_refused_with_no_writes(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            self.make_plan(sb, env)
            sb.patch_user(10002, first_name="Changed")
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env)
            self.assertExit(run, 1)
            self.assertIn("is stale", run.stderr)
            self.assertIn("jane.doe@demo.example", run.stderr)
            self.assertEqual(writes(sb), [])
            self.assertEqual(sb.users_named("new.bot@demo"), [])
        self.assertNoSecrets()

    def test_a_plan_whose_create_now_exists_is_refused_with_no_writes(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            self.make_plan(sb, env)
            sb.add_user(username="New.Bot@demo", organization=4201, groups=["viewer"])
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env)
            self.assertExit(run, 1)
            self.assertIn("new.bot@demo", run.stderr.lower())
            self.assertEqual(writes(sb), [])
            self.assertEqual(len(sb.users_named("new.bot@demo")), 1)
        self.assertNoSecrets()

    def test_a_stale_plan_names_a_hostile_username_with_its_control_characters_escaped(self):
        # A marked user with ESC and C1 CSI in its username, deactivated by prune: its name
        # comes from the API into the saved plan, and from there into the stale-plan lines.
        hostile = "evil\x1b[2J\u009b31m.bot@demo"
        manifest = self.write("conf/prune.yaml", "version: 1\nprune: true\naccounts:\n"
                              "  - username: jane.doe@demo.example\n    groups: [annotator]\n"
                              "    queues: [812, 813]\n")
        with Sandbox() as sb:
            env = self.env(sb)
            user = sb.add_user(username=hostile, organization=4201, groups=["viewer"],
                               metadata={"managed_by": "rossum-accounts"})
            plan = self.run_tool("plan", manifest, "--out", self.plan_path, env=env)
            self.assertExit(plan, 0)
            self.assertIn("- deactivate evil\\u001b[2J\\u009b31m.bot@demo", plan.stdout)
            sb.patch_user(user["id"], first_name="Changed")
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env)
            self.assertExit(run, 1)
            self.assertIn("\n  evil\\u001b[2J\\u009b31m.bot@demo: the user changed since the plan "
                          "was made\nRun plan again to see the current changes.\n", run.stderr)
            self.assertNotIn("\x1b", run.output)
            self.assertNotIn("\u009b", run.output)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()

    def test_an_invalid_or_tampered_plan_file_is_65_before_any_request(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = json.loads(self.make_plan(sb, env))
            sb.clear_requests()
            bad_version = dict(plan, format_version=2)
            unknown_key = dict(plan, extra=True)
            bad_action = json.loads(json.dumps(plan))
            bad_action["actions"][0]["action"] = "delete"
            for name, text in (("not_json", "{not json"), ("empty", ""),
                               ("version", json.dumps(bad_version)),
                               ("unknown", json.dumps(unknown_key)),
                               ("action", json.dumps(bad_action))):
                path = self.write(name + ".json", text)
                run = self.run_tool("apply", "--plan", path, "--auto-approve", env=env)
                self.assertExit(run, 65)
                self.assertIn(path, run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_a_different_api_url_than_the_plans_is_64(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            self.make_plan(sb, env)
            sb.clear_requests()
            other = "http://localhost:1/api"
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve",
                                "--api-url", other, env=env)
            self.assertExit(run, 64)
            self.assertIn("a saved plan applies only to its own API", run.stderr)
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve",
                                env=self.env(sb, ROSSUM_API_URL=other))
            self.assertExit(run, 64)
            same = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve",
                                 "--api-url", sb.url,
                                 env=dict(env, ROSSUM_API_URL=sb.url + "/"))
            self.assertExit(same, 0)
        self.assertNoSecrets()

    def test_a_saved_plan_asks_on_a_terminal_and_refuses_without_one(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            self.make_plan(sb, env)
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", self.plan_path, env=env)
            self.assertExit(run, 64)
            self.assertEqual(sb.requests(), [])
            no = self.run_in_terminal("apply", "--plan", self.plan_path, env=env, answer="no\n")
            self.assertIn("Apply cancelled.", no.stdout)
            self.assertEqual(writes(sb), [])
            yes = self.run_in_terminal("apply", "--plan", self.plan_path, "--format", "json",
                                       env=env, answer="yes\n")
            self.assertExit(yes, 0)
            self.assertEqual(len(sb.users_named("new.bot@demo")), 1)
        self.assertNoSecrets()

    def test_apply_of_a_saved_plan_checks_every_create_password_before_writing(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            self.make_plan(sb, env)
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve",
                                env=self.env(sb))
            self.assertExit(run, 65)
            self.assertIn("new.bot@demo", run.stderr)
            self.assertIn("NEW_BOT_PASSWORD", run.stderr)
            self.assertEqual(writes(sb), [])
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
