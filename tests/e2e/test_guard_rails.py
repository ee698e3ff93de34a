"""Guard rails (issue 9): the deactivation cap, --target/--exclude, and the warnings about
re-activating an account and creating a username a deleted user holds."""
import json
import os
import unittest

from harness import Sandbox, ToolTestCase, writes

MARKER = {"managed_by": "rossum-accounts"}
EMPTY_PRUNE = "version: 1\nprune: true\naccounts: []\n"


class DeactivationCapTest(ToolTestCase):
    def seed_managed(self, sb, n):
        for i in range(n):
            sb.add_user(username="old.%02d@demo" % i, organization=4201, groups=["viewer"],
                        metadata=MARKER)

    def test_a_manifest_that_lost_its_accounts_is_refused_with_nothing_written(self):
        manifest = self.write("m.yaml", EMPTY_PRUNE)
        with Sandbox() as sb:
            self.seed_managed(sb, 12)
            env = self.env(sb)
            out = os.path.join(self.tmp, "plan.json")
            run = self.run_tool("plan", manifest, "--out", out, env=env)
            self.assertExit(run, 1)
            self.assertIn("deactivate old.00@demo", run.stdout)  # the review sees them
            self.assertIn("the plan deactivates 12 accounts, more than the 3 allowed", run.stderr)
            self.assertIn('"old.11@demo"', run.stderr)
            self.assertIn("--max-deactivations 12", run.stderr)
            self.assertFalse(os.path.exists(out))  # a refused plan is not saved
            sb.clear_requests()
            run = self.run_tool("apply", manifest, "--auto-approve", env=env)
            self.assertExit(run, 1)
            self.assertEqual(writes(sb), [])
            for fmt in ("json", "markdown"):
                run = self.run_tool("plan", manifest, "--format", fmt, env=env)
                self.assertExit(run, 1)
                self.assertIn("more than the 3 allowed", run.stderr)
            self.assertEqual(writes(sb), [])

    def test_the_flag_or_the_manifest_allows_them(self):
        with Sandbox() as sb:
            self.seed_managed(sb, 5)
            env = self.env(sb)
            manifest = self.write("m.yaml", EMPTY_PRUNE)
            self.assertExit(self.run_tool("plan", manifest, "--max-deactivations", "4",
                                          env=env), 1)
            self.assertExit(self.run_tool("plan", manifest, "--max-deactivations", "5",
                                          env=env), 0)
            allowed = self.write("allowed.yaml", "version: 1\nprune: true\n"
                                 "max_deactivations: 5\naccounts: []\n")
            self.assertExit(self.run_tool("plan", allowed, env=env), 0)
            run = self.run_tool("apply", manifest, "--auto-approve", "--max-deactivations", "5",
                                env=env)
            self.assertExit(run, 0)
            self.assertEqual(len([r for r in writes(sb) if r["method"] == "PATCH"]), 5)

    def test_a_saved_plan_is_capped_again_at_apply(self):
        with Sandbox() as sb:
            self.seed_managed(sb, 5)
            env = self.env(sb)
            out = os.path.join(self.tmp, "plan.json")
            manifest = self.write("m.yaml", EMPTY_PRUNE)
            self.assertExit(self.run_tool("plan", manifest, "--max-deactivations", "5", "--out",
                                          out, env=env), 0)
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", out, "--auto-approve", env=env)
            self.assertExit(run, 1)
            self.assertIn("more than the 3 allowed", run.stderr)
            self.assertEqual(sb.requests(), [])  # refused before connecting
            run = self.run_tool("apply", "--plan", out, "--auto-approve",
                                "--max-deactivations", "5", env=env)
            self.assertExit(run, 0)

    def test_a_saved_plan_keeps_the_manifests_cap(self):
        with Sandbox() as sb:
            self.seed_managed(sb, 5)
            env = self.env(sb)
            out = os.path.join(self.tmp, "plan.json")
            allowed = self.write("allowed.yaml", "version: 1\nprune: true\n"
                                 "max_deactivations: 5\naccounts: []\n")
            self.assertExit(self.run_tool("plan", allowed, "--out", out, env=env), 0)
            with open(out) as f:
                self.assertEqual(json.load(f)["max_deactivations"], 5)
            self.assertExit(self.run_tool("apply", "--plan", out, "--auto-approve", env=env), 0)

    def test_a_negative_or_mistyped_cap_is_refused(self):
        bad = self.write("bad.yaml", "version: 1\nprune: true\nmax_deactivations: -1\n"
                         "accounts: []\n")
        run = self.run_tool("validate", bad, env=self.env())
        self.assertExit(run, 65)
        self.assertIn("max_deactivations", run.stderr)
        manifest = self.write("m.yaml", EMPTY_PRUNE)
        run = self.run_tool("plan", manifest, "--max-deactivations", "-2", env=self.env())
        self.assertExit(run, 64)


class SelectionTest(ToolTestCase):
    MANIFEST = ("version: 1\nprune: true\naccounts:\n"
                "  - username: etl.one@demo\n    groups: [viewer]\n"
                "    password: {env: BOT_PASSWORD}\n"
                "  - username: ui.one@demo\n    groups: [viewer]\n"
                "    password: {env: BOT_PASSWORD}\n")

    def test_target_limits_plan_and_apply_and_the_plan_says_it_is_partial(self):
        manifest = self.write("m.yaml", self.MANIFEST)
        with Sandbox() as sb:
            sb.add_user(username="etl.old@demo", organization=4201, groups=["viewer"],
                        metadata=MARKER)
            sb.add_user(username="ui.old@demo", organization=4201, groups=["viewer"],
                        metadata=MARKER)
            env = self.env(sb, BOT_PASSWORD=self.password("bot"))
            run = self.run_tool("plan", manifest, "--target", "ETL.*", env=env)
            self.assertExit(run, 0)
            self.assertIn('Partial plan: only usernames matching "ETL.*"', run.stdout)
            self.assertIn("create etl.one@demo", run.stdout)
            self.assertIn("deactivate etl.old@demo", run.stdout)
            self.assertNotIn("ui.", run.stdout)
            run = self.run_tool("plan", manifest, "--target", "ETL.*", "--format", "json",
                                env=env)
            plan = json.loads(run.stdout)
            self.assertEqual(plan["selection"], {"target": ["ETL.*"], "exclude": []})
            run = self.run_tool("plan", manifest, "--exclude", "*.old@demo", "--format",
                                "markdown", env=env)
            self.assertIn('Partial plan\\: only usernames not matching "\\*.old\\@demo"',
                          run.stdout)
            run = self.run_tool("apply", manifest, "--auto-approve", "--target", "etl.*",
                                env=env)
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("etl.one@demo")), 1)
            self.assertEqual(sb.users_named("ui.one@demo"), [])
            self.assertTrue(sb.users_named("ui.old@demo")[0]["is_active"])
            self.assertFalse(sb.users_named("etl.old@demo")[0]["is_active"])
        self.assertNoSecrets()

    def test_a_whole_plan_has_no_selection(self):
        manifest = self.write("m.yaml", self.MANIFEST)
        with Sandbox() as sb:
            run = self.run_tool("plan", manifest, "--format", "json", env=self.env(sb))
            self.assertNotIn("selection", json.loads(run.stdout))

    def test_target_cannot_narrow_a_saved_plan(self):
        run = self.run_tool("apply", "--plan", "plan.json", "--target", "x*", "--auto-approve",
                            env=self.env())
        self.assertExit(run, 64)


class WarningTest(ToolTestCase):
    def test_reactivating_an_account_and_a_deleted_namesake_are_warned_about(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: paused@demo\n    groups: [viewer]\n"
                              "  - username: gone@demo\n    groups: [viewer]\n"
                              "    password: {env: BOT_PASSWORD}\n")
        with Sandbox() as sb:
            sb.add_user(username="paused@demo", organization=4201, groups=["viewer"],
                        metadata=MARKER, is_active=False)
            sb.add_user(username="gone@demo", organization=4201, groups=["viewer"],
                        deleted=True)
            env = self.env(sb, BOT_PASSWORD=self.password("bot"))
            run = self.run_tool("plan", manifest, env=env)
            self.assertExit(run, 0)
            self.assertIn("re-activates the account", run.stdout)
            self.assertIn('a deleted user "gone@demo"', run.stdout)
            plan = json.loads(self.run_tool("plan", manifest, "--format", "json",
                                            env=env).stdout)
            warnings = {a["username"]: a["warnings"] for a in plan["actions"]}
            self.assertTrue(any("re-activates" in w for w in warnings["paused@demo"]))
            self.assertTrue(any("deleted user" in w for w in warnings["gone@demo"]))
            run = self.run_tool("plan", manifest, "--format", "markdown", env=env)
            self.assertIn("re-activates the account", run.stdout)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
