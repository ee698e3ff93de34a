"""A hostile user of the issue 9 features (last-applied record and causes, drift, snapshots,
guard rails, queue names): each test is a defect that was found, or a rule that was probed and
must keep holding."""
import copy
import json
import os
import unittest

from harness import (SeededSandbox, ToolTestCase, demo_seed, other_requests, recount,
                     writes)

MARK = {"managed_by": "rossum-accounts"}


def marked_users(prefix, n, first_id=20000):
    return [{"id": first_id + i, "username": "%s%02d@demo" % (prefix, i), "organization": 4201,
             "groups": ["viewer"], "metadata": dict(MARK)} for i in range(n)]


class DeactivationCapTest(ToolTestCase):
    def test_a_defaults_active_false_counts_against_the_deactivation_cap(self):
        # One line in `defaults` deactivates every declared account through updates: that is the
        # bad merge the cap exists for, so those updates count as deactivations.
        accounts = "".join("  - username: m%02d@demo\n    groups: [viewer]\n" % i for i in range(8))
        manifest = self.write("m.yaml", "version: 1\ndefaults:\n  active: false\naccounts:\n"
                              + accounts)
        with SeededSandbox(demo_seed(users=marked_users("m", 8)), self.tmp) as sb:
            env = self.env(sb)
            out = os.path.join(self.tmp, "plan.json")
            run = self.run_tool("plan", manifest, "--out", out, env=env)
            self.assertExit(run, 1)
            self.assertIn("the plan deactivates 8 accounts, more than the 3 allowed", run.stderr)
            self.assertIn('"m07@demo"', run.stderr)
            self.assertFalse(os.path.exists(out))
            sb.clear_requests()
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 1)
            self.assertEqual(writes(sb), [])
            run = self.run_tool("apply", manifest, "--auto-approve", "--max-deactivations", "8",
                                env=env)
            self.assertExit(run, 0)
            self.assertFalse(any(u["is_active"] for u in sb.users()
                                 if u["username"].startswith("m0")))

    def test_max_deactivations_beyond_64_bits_or_negative_is_a_clear_usage_error(self):
        manifest = self.write("m.yaml", "version: 1\nprune: true\naccounts: []\n")
        with SeededSandbox(demo_seed(users=marked_users("m", 8)), self.tmp) as sb:
            env = self.env(sb)
            sb.clear_requests()
            for value in ("99999999999999999999", "-1", "3abc", "inf"):
                run = self.run_tool("plan", manifest, "--max-deactivations", value, env=env)
                self.assertExit(run, 64)
                self.assertIn("--max-deactivations: expected a whole number from 0 to "
                              "9223372036854775807, got \"%s\"" % value, run.stderr)
                self.assertNotIn("0.000000", run.stderr)
            self.assertEqual(other_requests(sb.requests()), [])


class PartialSavedPlanTest(ToolTestCase):
    MANIFEST = "version: 1\nprune: true\naccounts:\n  - username: m00@demo\n    groups: [viewer]\n"

    def test_a_saved_partial_plan_cannot_act_on_a_user_outside_its_selection(self):
        # The header of such a plan says "other accounts are neither compared nor changed": an
        # action outside the selection contradicts what the reviewer was shown.
        manifest = self.write("m.yaml", self.MANIFEST)
        with SeededSandbox(demo_seed(users=marked_users("m", 8)), self.tmp) as sb:
            env = self.env(sb)
            partial = os.path.join(self.tmp, "partial.json")
            self.assertExit(self.run_tool("plan", manifest, "--target", "m0[0-2]*", "--out",
                                          partial, env=env), 0)
            other = os.path.join(self.tmp, "other.json")
            self.assertExit(self.run_tool("plan", manifest, "--target", "m05*", "--out", other,
                                          env=env), 0)
            with open(partial) as f:
                plan = json.load(f)
            with open(other) as f:
                outside = [a for a in json.load(f)["actions"] if a["username"] == "m05@demo"]
            self.assertEqual([a["action"] for a in outside], ["deactivate"])
            forged = copy.deepcopy(plan)
            forged["actions"] += outside
            recount(forged)
            path = self.write("forged.json", json.dumps(forged))
            sb.clear_requests()
            run = self.run_tool("apply", "--plan", path, "--auto-approve", env=env)
            self.assertExit(run, 65)
            self.assertIn("actions[3].username", run.stderr)
            self.assertIn("outside the plan's selection", run.stderr)
            self.assertEqual(other_requests(sb.requests()), [])
            # Dropping the exclude that left a user out is caught the same way.
            excluded = os.path.join(self.tmp, "excluded.json")
            self.assertExit(self.run_tool("plan", manifest, "--exclude", "m05*",
                                          "--max-deactivations", "9", "--out", excluded,
                                          env=env), 0)
            with open(excluded) as f:
                plan = json.load(f)
            forged = copy.deepcopy(plan)
            forged["actions"] += outside
            forged["actions"].sort(key=lambda a: a["username"])
            recount(forged)
            path = self.write("forged2.json", json.dumps(forged))
            run = self.run_tool("apply", "--plan", path, "--auto-approve",
                                "--max-deactivations", "9", env=env)
            self.assertExit(run, 65)
            self.assertIn("outside the plan's selection", run.stderr)
            self.assertTrue(all(u["is_active"] for u in sb.users()))


class RecordTest(ToolTestCase):
    A = "  - username: a@demo\n    groups: [viewer]\n    password: {env: P}\n"
    B = "  - username: b@demo\n    groups: [viewer]\n    password: {env: P}\n"

    def test_an_account_the_tool_pruned_is_not_drift_when_it_returns_to_the_manifest(self):
        # Was: a prune deactivate PATCHed only is_active and left the last-applied record saying
        # "active": true, so when the account was declared again the tool's own deactivation
        # was classified as `drift` and a scheduled `drift` alerted (exit 2) about a change
        # nobody made outside the tool. Fixed: the deactivate also writes the record with
        # "active": false (planner.cpp plan_prune, last_applied deactivated_record, checked by
        # plan_check check_record); the re-activation is then cause `manifest`.
        head = "version: 1\nprune: true\naccounts:\n"
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, P=self.password("p"))
            manifest = self.write("m.yaml", head + self.A + self.B)
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            manifest = self.write("m.yaml", head + self.A)
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            (b,) = sb.users_named("b@demo")
            self.assertFalse(b["is_active"])
            manifest = self.write("m.yaml", head + self.A + self.B)
            run = self.run_tool("drift", manifest, env=env)
            self.assertExit(run, 0)
            run = self.run_tool("plan", manifest, "--format", "json", env=env)
            changes = {c["field"]: c.get("cause") for a in json.loads(run.stdout)["actions"]
                       if a["username"] == "b@demo" for c in a["changes"]}
            self.assertEqual(changes.get("active"), "manifest")


class HeldTest(ToolTestCase):
    """Probes that held: they guard the behaviour a hostile user could not break."""

    MANIFEST = ("version: 1\naccounts:\n  - username: svc@demo\n    first_name: Svc\n"
                "    groups: [annotator]\n    queues: [Invoices]\n    metadata: {team: ops}\n"
                "    password: {env: P}\n")

    def test_a_corrupt_record_of_any_type_is_rewritten_and_apply_is_idempotent(self):
        manifest = self.write("m.yaml", self.MANIFEST)
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, P=self.password("p"))
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            (user,) = sb.users_named("svc@demo")
            for record in ("garbage", None, [1, 2], {"v": 2, "first_name": "Svc"},
                           {"v": 1, "groups": "admin", "queues": ["x"], "active": "yes",
                            "first_name": 5, "metadata": []}):
                metadata = dict(MARK, team="ops", rossum_accounts_applied=record)
                sb.patch_user(user["id"], metadata=metadata, groups=["admin"])
                for fmt in ("text", "json", "markdown"):
                    self.assertExit(self.run_tool("plan", manifest, "--format", fmt, env=env), 0)
                self.assertIn(self.run_tool("drift", manifest, env=env).code, (0, 2))
                self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
                run = self.run_tool("plan", manifest, "--detailed-exitcode", env=env)
                self.assertExit(run, 0)
                (user,) = sb.users_named("svc@demo")
                self.assertEqual(user["metadata"]["rossum_accounts_applied"]["groups"],
                                 ["annotator"])

    def test_edited_queue_names_in_a_saved_plan_change_only_what_is_shown(self):
        manifest = self.write("m.yaml", self.MANIFEST)
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, P=self.password("p"))
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            (user,) = sb.users_named("svc@demo")
            sb.patch_user(user["id"], queues=[814])
            path = os.path.join(self.tmp, "plan.json")
            self.assertExit(self.run_tool("plan", manifest, "--out", path, env=env), 0)
            with open(path) as f:
                plan = json.load(f)
            plan["queue_names"] = {"812": "Hacked", "910": "Other Inbox"}
            edited = self.write("edited.json", json.dumps(plan))
            run = self.run_tool("apply", "--plan", edited, "--auto-approve", env=env)
            self.assertExit(run, 0)
            (user,) = sb.users_named("svc@demo")
            self.assertEqual([q.rsplit("/", 1)[1] for q in user["queues"]], ["812"])
            self.assertEqual(user["metadata"]["rossum_accounts_applied"]["queues"], [812])


if __name__ == "__main__":
    unittest.main()
