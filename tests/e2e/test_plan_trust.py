"""Saved plans execute what they show (issue 8, defects 3 and 4 and the plan items of 8).

An edited plan file is refused (65, or 1 when it names a user that changed) before any write;
metadata merges into the user's metadata as it is just before the PATCH; a declared null is
written on update as on create; the account the tool runs as is demoted only with a warning; a
saved plan's password file is found from any working directory; a user made by a concurrent run
counts as updated.
"""
import json
import os
import unittest

from harness import (RECORD_KEY, Sandbox, SavedPlanTestCase, ToolTestCase, action, other_requests,
                     without_record, writes)

ADMIN = "admin@demo.rossum.local"  # the demo sandbox's admin, id 10001
JANE = "jane.doe@demo.example"     # id 10002, annotator, queues 812 and 813

MANIFEST = """\
version: 1
accounts:
  - username: admin@demo.rossum.local
    groups: [admin]
  - username: jane.doe@demo.example
    groups: [viewer]
  - username: new.bot@demo
    groups: [viewer]
    password: {env: NEW_BOT_PASSWORD}
"""


def jane_retargeted_to_admin(plan, *keys):
    """An edit of `plan`: the admin's action removed, and Jane's given the admin's `keys`."""
    admin = action(plan, ADMIN)

    def edit(p):
        p["actions"].remove(action(p, ADMIN))
        jane = action(p, JANE)
        for key in keys:
            jane[key] = admin[key]
    return edit


class EditedPlanTest(SavedPlanTestCase):
    """Defect 3: the write is derived from the shown changes; an edited file is refused."""

    MANIFEST = MANIFEST

    def assertUntouched(self, sb):
        admin = sb.users_named(ADMIN)
        self.assertEqual(len(admin), 1)
        self.assertTrue(admin[0]["is_active"])
        self.assertEqual(admin[0]["metadata"], {})
        jane = sb.users_named(JANE)[0]
        self.assertEqual(jane["metadata"], {})
        self.assertEqual(len(jane["groups"]), 1)
        self.assertEqual(sb.users_named("new.bot@demo"), [])

    def assertRefused(self, sb, run, code, message):
        """`run` exited with `code` naming `message`; nothing was written, every user as it was."""
        self.assertExit(run, code)
        self.assertIn(message, run.stderr)
        self.assertEqual(writes(sb), [])
        self.assertUntouched(sb)

    def test_a_plan_carries_no_request_body(self):
        with Sandbox() as sb:
            plan = self.make_plan(self.env(sb))
            self.assertEqual([a["username"] for a in plan["actions"]],
                             [ADMIN, JANE, "new.bot@demo"])
            for a in plan["actions"]:
                self.assertNotIn("request", a)

    def test_the_issues_edit_renaming_and_deactivating_the_admin_is_65_with_nothing_sent(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = self.make_plan(env)

            def rename_and_deactivate(p):
                # Shown: "~ active = true -> false". Sent by the old tool: this request.
                admin = action(p, ADMIN)
                admin["changes"] = [{"field": "active", "before": True, "after": False}]
                admin["request"] = {"username": "renamed@demo", "is_active": False,
                                    "metadata": {}}

            run, _ = self.apply_edited(sb, env, plan, rename_and_deactivate)
            self.assertRefused(sb, run, 65, "actions[0].request: unknown key")
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_deactivating_the_caller_without_the_plan_saying_so_is_65_before_any_write(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = self.make_plan(env)

            def deactivate_admin(p):
                action(p, ADMIN)["changes"] = [{"field": "active", "before": True,
                                                "after": False}]

            run, path = self.apply_edited(sb, env, plan, deactivate_admin)
            self.assertRefused(sb, run, 65, "actions[0].warnings: changes the account the tool "
                                            "runs as without saying so")
            self.assertIn(path, run.stderr)
        self.assertNoSecrets()

    def test_a_rename_added_to_an_update_is_65_before_any_request(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = self.make_plan(env)

            def rename(p):
                action(p, JANE)["changes"].append(
                    {"field": "username", "before": JANE, "after": "root@demo"})

            run, _ = self.apply_edited(sb, env, plan, rename)
            self.assertRefused(sb, run, 65, "actions[1].changes[3].field: a plan never renames "
                                            "a user")
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_a_user_id_edited_to_the_admins_is_a_stale_plan(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = self.make_plan(env)
            edit = jane_retargeted_to_admin(plan, "user_id", "user_url")
            run, _ = self.apply_edited(sb, env, plan, edit)
            self.assertRefused(sb, run, 1, JANE + ": the user changed since the plan was made")
            self.assertIn("is stale", run.stderr)
        self.assertNoSecrets()

    def test_a_user_id_edited_with_the_admins_fingerprint_too_is_65(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = self.make_plan(env)
            edit = jane_retargeted_to_admin(plan, "user_id", "user_url", "fingerprint")
            run, _ = self.apply_edited(sb, env, plan, edit)
            self.assertRefused(sb, run, 65, 'actions[0].username: user 10001 is "%s", not "%s"'
                               % (ADMIN, JANE))
        self.assertNoSecrets()

    def test_a_before_value_edited_to_hide_a_change_is_65(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            plan = self.make_plan(env)

            def hide_promotion(p):
                groups = action(p, JANE)["changes"][0]
                self.assertEqual(groups["field"], "groups")
                groups["before"] = groups["after"] = ["admin"]  # shows admin -> admin
                for change in action(p, JANE)["changes"]:  # and the record agrees with it
                    if change["field"] == RECORD_KEY:
                        change["after"]["groups"] = ["admin"]

            run, _ = self.apply_edited(sb, env, plan, hide_promotion)
            self.assertRefused(sb, run, 65, "actions[1].changes[0].before: is not the user's "
                                            "value the plan was made from")
        self.assertNoSecrets()

    def test_an_unedited_plan_still_applies_exactly_what_it_shows(self):
        with Sandbox() as sb:
            env = self.env(sb, NEW_BOT_PASSWORD=self.password("new"))
            self.make_plan(env)
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            jane = sb.users_named(JANE)[0]
            self.assertEqual(jane["groups"], [sb.url + "/v1/groups/5101"])  # viewer
            self.assertEqual(without_record(jane["metadata"]), {"managed_by": "rossum-accounts"})
            self.assertEqual(without_record(sb.users_named(ADMIN)[0]["metadata"]),
                             {"managed_by": "rossum-accounts"})
            self.assertEqual(len(sb.users_named("new.bot@demo")), 1)
        self.assertNoSecrets()


class CallerSafetyTest(ToolTestCase):
    """Product rule "Caller safety": demoting or deactivating the caller is said in every format."""

    DEMOTE = "this removes the role admin from %s, the account the tool runs as: it may lose " \
             "the right to manage users" % ADMIN
    DEACTIVATE = "this deactivates %s, the account the tool runs as: its credentials stop " \
                 "working" % ADMIN

    def test_a_plan_that_demotes_or_deactivates_the_caller_warns_in_every_format(self):
        demote = self.write("demote.yaml", "version: 1\naccounts:\n"
                            "  - username: %s\n    groups: [viewer]\n" % ADMIN)
        deactivate = self.write("deactivate.yaml", "version: 1\naccounts:\n"
                                "  - username: %s\n    groups: [admin]\n    active: false\n"
                                % ADMIN)
        with Sandbox() as sb:
            env = self.env(sb)
            text = self.run_tool("plan", demote, env=env)
            self.assertExit(text, 0)
            self.assertIn("! " + self.DEMOTE, text.stdout)
            markdown = self.run_tool("plan", demote, "--format", "markdown", env=env)
            self.assertIn(self.DEMOTE, markdown.stdout.replace("\\", ""))  # markdown escapes
            plan = json.loads(self.run_tool("plan", demote, "--format", "json", env=env).stdout)
            self.assertEqual(plan["actions"][0]["warnings"], [self.DEMOTE])
            off = self.run_tool("plan", deactivate, env=env)
            self.assertIn("! " + self.DEACTIVATE, off.stdout)
            # Said so, it is applied as shown (here from a saved plan).
            saved = os.path.join(self.tmp, "demote.json")
            self.assertExit(self.run_tool("plan", demote, "--out", saved, env=env), 0)
            run = self.run_tool("apply", "--plan", saved, "--auto-approve", env=env)
            self.assertExit(run, 0)
            self.assertEqual(sb.users_named(ADMIN)[0]["groups"], [sb.url + "/v1/groups/5101"])
        self.assertNoSecrets()


class PasswordFileTest(ToolTestCase):
    """Defect 8: a saved plan's password file is found from any working directory."""

    def test_apply_plan_from_another_directory_reads_the_manifests_password_file(self):
        self.write("conf/accounts.yaml", "version: 1\naccounts:\n"
                   "  - username: file.bot@demo\n    groups: [viewer]\n"
                   "    password: {file: secrets/file_bot.txt}\n")
        self.write("conf/secrets/file_bot.txt", self.password("file") + "\n", mode=0o600)
        elsewhere = os.path.join(self.tmp, "elsewhere")
        os.makedirs(elsewhere)
        with Sandbox() as sb:
            env = self.env(sb)
            # A relative manifest path, as a pipeline would give it.
            run = self.run_tool("plan", "conf/accounts.yaml", "--out", "plan.json", env=env)
            self.assertExit(run, 0)
            with open(os.path.join(self.tmp, "plan.json")) as f:
                plan = json.load(f)
            recorded = plan["actions"][0]["password_source"]["file"]
            self.assertEqual(recorded, os.path.join(os.path.realpath(self.tmp),
                                                    "conf/secrets/file_bot.txt"))
            run = self.run_tool("apply", "--plan", "../plan.json", "--auto-approve", env=env,
                                cwd=elsewhere)
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("file.bot@demo")), 1)
        self.assertNoSecrets()


class MetadataTest(ToolTestCase):
    """Defect 4 and the null item of defect 8."""

    def writes_to(self, sb, user_id):
        path = "/api/v1/users/%d" % user_id
        return [(r["method"], r["path"]) for r in sb.requests() if r["path"] == path]

    def test_a_key_added_while_apply_asks_survives(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n  - username: %s\n"
                              "    groups: [annotator]\n    metadata: {team: ops}\n" % JANE)
        with Sandbox() as sb:
            env = self.env(sb)
            jane_id = sb.users_named(JANE)[0]["id"]
            run = self.run_in_terminal(
                "apply", manifest, env=env,
                on_prompt=lambda: sb.patch_user(jane_id, metadata={"added": "meanwhile"}))
            self.assertExit(run, 0)
            self.assertEqual(without_record(sb.users_named(JANE)[0]["metadata"]),
                             {"added": "meanwhile", "team": "ops",
                              "managed_by": "rossum-accounts"})
            # Read right before the PATCH.
            self.assertEqual(self.writes_to(sb, jane_id)[-2:],
                             [("GET", "/api/v1/users/%d" % jane_id),
                              ("PATCH", "/api/v1/users/%d" % jane_id)])
        self.assertNoSecrets()

    def test_a_key_added_after_a_saved_plans_stale_check_survives(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n  - username: %s\n"
                              "    groups: [annotator]\n    metadata: {team: ops}\n" % JANE)
        saved = os.path.join(self.tmp, "plan.json")
        with Sandbox() as sb:
            env = self.env(sb)
            jane_id = sb.users_named(JANE)[0]["id"]
            self.assertExit(self.run_tool("plan", manifest, "--out", saved, env=env), 0)
            run = self.run_in_terminal(
                "apply", "--plan", saved, env=env,
                on_prompt=lambda: sb.patch_user(jane_id, metadata={"added": "meanwhile"}))
            self.assertExit(run, 0)
            self.assertEqual(without_record(sb.users_named(JANE)[0]["metadata"]),
                             {"added": "meanwhile", "team": "ops",
                              "managed_by": "rossum-accounts"})
        self.assertNoSecrets()

    def test_a_declared_null_is_written_on_update_as_on_create(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: %s\n    groups: [annotator]\n"
                              "    metadata: {k: null}\n"
                              "  - username: null.bot@demo\n    groups: [viewer]\n"
                              "    password: {env: NULL_BOT_PASSWORD}\n"
                              "    metadata: {k: null}\n" % JANE)
        with Sandbox() as sb:
            env = self.env(sb, NULL_BOT_PASSWORD=self.password("null"))
            plan = self.run_tool("plan", manifest, env=env)
            # Shown (and then written) on the update as on the create.
            self.assertEqual(plan.stdout.count("+ metadata.k = null"), 2, plan.stdout)
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            expected = {"k": None, "managed_by": "rossum-accounts"}
            self.assertEqual(without_record(sb.users_named(JANE)[0]["metadata"]), expected)
            self.assertEqual(without_record(sb.users_named("null.bot@demo")[0]["metadata"]), expected)
            again = self.run_tool("plan", manifest, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        self.assertNoSecrets()


class ConcurrentCreateTest(ToolTestCase):
    """Defect 8: a user another run made meanwhile is adopted and counted as updated."""

    def test_a_create_another_run_made_while_apply_asked_counts_as_updated(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n  - username: race.bot@demo\n"
                              "    groups: [viewer]\n    password: {env: RACE_BOT_PASSWORD}\n")
        with Sandbox() as sb:
            env = self.env(sb, RACE_BOT_PASSWORD=self.password("race"))
            run = self.run_in_terminal(
                "apply", manifest, "--format", "json", env=env,
                on_prompt=lambda: sb.add_user(username="race.bot@demo", organization=4201,
                                              groups=["annotator"]))
            self.assertExit(run, 0)
            report = json.loads(run.stdout[run.stdout.index("\n{") + 1:])
            self.assertEqual(report["summary"]["created"], 0)
            self.assertEqual(report["summary"]["updated"], 1)
            self.assertEqual(report["results"], [
                {"username": "race.bot@demo", "action": "create", "status": "done",
                 "error": None, "note": "adopted: created concurrently"}])
            users = sb.users_named("race.bot@demo")
            self.assertEqual(len(users), 1)
            self.assertEqual(users[0]["groups"], [sb.url + "/v1/groups/5101"])
            self.assertEqual(without_record(users[0]["metadata"]), {"managed_by": "rossum-accounts"})
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
