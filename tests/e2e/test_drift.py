"""Three-way drift: the last-applied record, each change's cause, and the drift command."""
import json
import os
import unittest

import jsonschema

from harness import SOURCE_DIR, SeededSandbox, ToolTestCase, demo_seed, other_requests

MARK = {"managed_by": "rossum-accounts"}
RECORD_KEY = "rossum_accounts_applied"

MANIFEST = """\
version: 1
accounts:
  - username: svc@demo
    first_name: {first_name}
    groups: [annotator]
    queues: [812]
    metadata: {{team: {team}}}
    password: {{env: SVC_PASSWORD}}
"""


def validator(name):
    with open(os.path.join(SOURCE_DIR, "schemas", name)) as f:
        return jsonschema.Draft202012Validator(json.load(f))


DRIFT_SCHEMA = validator("drift.schema.json")
PLAN_SCHEMA = validator("plan.schema.json")


class DriftTest(ToolTestCase):
    def manifest(self, first_name="Svc", team="ops"):
        return self.write("m.yaml", MANIFEST.format(first_name=first_name, team=team))

    def applied(self, sb, env):
        """svc@demo created by apply, so it carries a record; returns its sandbox user."""
        self.assertExit(self.run_tool("apply", self.manifest(), "--auto-approve", env=env), 0)
        (user,) = sb.users_named("svc@demo")
        return user

    def causes(self, env, path):
        run = self.run_tool("plan", path, "--format", "json", env=env)
        self.assertIn(run.code, (0, 2), repr(run))
        plan = json.loads(run.stdout)
        PLAN_SCHEMA.validate(plan)
        return {(a["username"], c["field"]): c.get("cause")
                for a in plan["actions"] for c in a["changes"]}, plan

    def drift(self, env, path, fmt="text"):
        return self.run_tool("drift", path, "--format", fmt, env=env)

    def assert_drift_exit_in_every_format(self, sb, env, path, code):
        for fmt in ("text", "markdown", "json"):
            sb.clear_requests()
            run = self.drift(env, path, fmt)
            self.assertExit(run, code)
            self.assertEqual({r["method"] for r in other_requests(sb.requests())}, {"GET"},
                             "drift sends only GETs (" + fmt + ")")
            if fmt == "json":
                report = json.loads(run.stdout)
                DRIFT_SCHEMA.validate(report)
                self.assertEqual(report["drift_found"], code == 2)

    def setUp(self):
        super().setUp()
        self.sb = SeededSandbox(demo_seed(), self.tmp)
        self.sb.start()
        self.addCleanup(self.sb.stop)
        self.env_ = self.env(self.sb, SVC_PASSWORD=self.password("svc"))

    def test_apply_writes_the_record_and_then_nothing_drifts(self):
        user = self.applied(self.sb, self.env_)
        self.assertEqual(user["metadata"]["managed_by"], "rossum-accounts")
        record = user["metadata"][RECORD_KEY]
        self.assertEqual(record, {"v": 1, "first_name": "Svc", "groups": ["annotator"],
                                  "queues": [812], "active": True, "metadata": {"team": "ops"}})
        self.assertNotIn(self.password("svc"), json.dumps(user["metadata"]))
        self.assertExit(self.run_tool("plan", self.manifest(), "--detailed-exitcode",
                                      env=self.env_), 0)
        self.assert_drift_exit_in_every_format(self.sb, self.env_, self.manifest(), 0)
        run = self.drift(self.env_, self.manifest())
        self.assertIn("No drift. 0 pending manifest changes.", run.stdout)
        self.assertNoSecrets()

    def test_a_manifest_change_is_pending_information_not_drift(self):
        self.applied(self.sb, self.env_)
        path = self.manifest(first_name="Renamed", team="dev")
        causes, _ = self.causes(self.env_, path)
        self.assertEqual(causes[("svc@demo", "first_name")], "manifest")
        self.assertEqual(causes[("svc@demo", "metadata.team")], "manifest")
        self.assertIsNone(causes[("svc@demo", RECORD_KEY)])
        self.assert_drift_exit_in_every_format(self.sb, self.env_, path, 0)
        text = self.drift(self.env_, path).stdout
        self.assertIn("Pending manifest changes", text)
        self.assertIn('[manifest] first_name: live "Svc", manifest "Renamed"', text)
        self.assertIn("No drift. 2 pending manifest changes.", text)
        report = json.loads(self.drift(self.env_, path, "json").stdout)
        self.assertEqual(report["alerts"], [])
        self.assertEqual(report["summary"], {"drift": 0, "conflict": 0, "manifest": 2,
                                             "unknown": 0})
        # apply refreshes the record: in sync again, no drift.
        self.assertExit(self.run_tool("apply", path, "--auto-approve", env=self.env_), 0)
        self.assertEqual(self.sb.users_named("svc@demo")[0]["metadata"][RECORD_KEY]["first_name"],
                         "Renamed")
        self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=self.env_), 0)
        self.assertExit(self.drift(self.env_, path), 0)

    def test_a_change_made_outside_the_tool_is_drift(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], groups=["admin"])
        path = self.manifest()
        causes, _ = self.causes(self.env_, path)
        self.assertEqual(causes[("svc@demo", "groups")], "drift")
        plan_text = self.run_tool("plan", path, env=self.env_).stdout
        self.assertIn('groups = ["admin"] -> ["annotator"]   [drift]', plan_text)
        markdown = self.run_tool("plan", path, "--format", "markdown", env=self.env_).stdout
        self.assertIn("**drift** `groups`", markdown)
        self.assert_drift_exit_in_every_format(self.sb, self.env_, path, 2)
        text = self.drift(self.env_, path).stdout
        self.assertIn("Changed outside the tool", text)
        self.assertIn('[drift] groups: live ["admin"], manifest ["annotator"]', text)
        report = json.loads(self.drift(self.env_, path, "json").stdout)
        self.assertEqual(report["alerts"][0]["changes"],
                         [{"field": "groups", "live": ["admin"], "manifest": ["annotator"],
                           "cause": "drift"}])
        # apply undoes the drift and writes the record again: nothing left.
        self.assertExit(self.run_tool("apply", path, "--auto-approve", env=self.env_), 0)
        self.assertExit(self.drift(self.env_, path), 0)

    def test_drift_with_exclude_leaves_the_excluded_users_out_and_says_so(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], groups=["admin"])
        path = self.manifest()
        run = self.run_tool("drift", path, "--exclude", "SVC@*", env=self.env_)
        self.assertExit(run, 0)  # the drifted user is not looked at
        self.assertIn('Partial plan: only usernames not matching "SVC@*"', run.stdout)
        run = self.run_tool("drift", path, "--exclude", "SVC@*", "--format", "json",
                            env=self.env_)
        report = json.loads(run.stdout)
        DRIFT_SCHEMA.validate(report)
        self.assertEqual(report["selection"], {"target": [], "exclude": ["SVC@*"]})
        run = self.run_tool("drift", path, "--target", "svc@*", "--format", "markdown",
                            env=self.env_)
        self.assertExit(run, 2)
        self.assertIn("Partial plan", run.stdout)
        self.assertExit(self.run_tool("drift", path, "--max-deactivations", "3", env=self.env_),
                        64)  # drift deactivates nothing: no cap to set

    def test_a_field_changed_in_both_places_is_a_conflict(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], first_name="By Hand")
        path = self.manifest(first_name="By Manifest")
        causes, _ = self.causes(self.env_, path)
        self.assertEqual(causes[("svc@demo", "first_name")], "conflict")
        self.assertIn("[conflict]", self.run_tool("plan", path, env=self.env_).stdout)
        self.assert_drift_exit_in_every_format(self.sb, self.env_, path, 2)
        report = json.loads(self.drift(self.env_, path, "json").stdout)
        self.assertEqual(report["summary"]["conflict"], 1)

    def test_a_user_without_a_record_has_unknown_changes_and_no_alert(self):
        self.sb.add_user(username="svc@demo", organization=4201, groups=["viewer"],
                         metadata=dict(MARK))
        path = self.manifest()
        causes, _ = self.causes(self.env_, path)
        self.assertEqual(causes[("svc@demo", "groups")], "unknown")
        self.assertEqual(causes[("svc@demo", "first_name")], "unknown")
        self.assert_drift_exit_in_every_format(self.sb, self.env_, path, 0)
        report = json.loads(self.drift(self.env_, path, "json").stdout)
        self.assertGreater(report["summary"]["unknown"], 0)
        self.assertEqual(report["alerts"], [])

    def test_an_in_sync_user_without_a_record_stays_a_skip(self):
        self.sb.add_user(username="svc@demo", organization=4201, groups=["annotator"],
                         first_name="Svc", queues=[812], metadata=dict(MARK, team="ops"))
        path = self.manifest()
        self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=self.env_), 0)
        self.assertNotIn(RECORD_KEY, self.sb.users_named("svc@demo")[0]["metadata"])

    def test_a_managed_user_deactivated_outside_the_tool_is_drift(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], is_active=False)
        path = self.manifest()
        causes, _ = self.causes(self.env_, path)
        self.assertEqual(causes[("svc@demo", "active")], "drift")
        self.assert_drift_exit_in_every_format(self.sb, self.env_, path, 2)
        self.assertIn("[drift] active: live false, manifest true",
                      self.drift(self.env_, path).stdout)

    def test_a_managed_user_soft_deleted_outside_the_tool_is_drift(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], deleted=True)
        path = self.manifest()
        causes, plan = self.causes(self.env_, path)
        (action,) = plan["actions"]
        self.assertEqual(action["action"], "create")
        self.assertEqual(causes[("svc@demo", "groups")], "drift")
        self.assertTrue(any("was deleted outside the tool" in w for w in action["warnings"]))
        self.assert_drift_exit_in_every_format(self.sb, self.env_, path, 2)

    def refused_edit(self, manifest, edit):
        saved = os.path.join(self.tmp, "plan.json")
        self.assertExit(self.run_tool("plan", manifest, "--out", saved, env=self.env_), 0)
        with open(saved) as f:
            plan = json.load(f)
        edit(plan["actions"][0])
        with open(saved, "w") as f:
            json.dump(plan, f)
        self.sb.clear_requests()
        run = self.run_tool("apply", "--plan", saved, "--auto-approve", env=self.env_)
        self.assertExit(run, 65)
        self.assertEqual({r["method"] for r in other_requests(self.sb.requests())} - {"GET"},
                         set(), "nothing written")
        return run

    def test_a_saved_plan_with_an_edited_record_is_refused(self):
        self.applied(self.sb, self.env_)

        def claim_admin(action):  # the record would say admin was applied
            (record,) = [c for c in action["changes"] if c["field"] == RECORD_KEY]
            record["after"]["groups"] = ["admin"]

        run = self.refused_edit(self.manifest(first_name="Renamed"), claim_admin)
        self.assertIn("last-applied record states a \"groups\" that is neither changed nor the "
                      "user's value", run.stderr)

    def test_a_record_added_to_a_saved_drift_repair_is_refused(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], groups=["viewer"])
        record = dict(user["metadata"][RECORD_KEY])

        def add_record(action):  # the repair's record is current: the plan has no record line
            self.assertEqual([c["field"] for c in action["changes"]], ["groups"])
            action["changes"].append({"field": RECORD_KEY, "before": record,
                                      "after": dict(record, groups=["admin"])})

        run = self.refused_edit(self.manifest(), add_record)
        self.assertIn("last-applied record states a \"groups\" other than the one the action "
                      "writes", run.stderr)

    def test_a_record_that_would_break_the_metadata_cap_is_written_empty_with_a_warning(self):
        blob = "x" * 2500  # fits alone; twice (value and record) is beyond the API's 4096 bytes
        path = self.write("big.yaml", MANIFEST.format(first_name="Svc", team=blob))
        run = self.run_tool("apply", path, "--auto-approve", env=self.env_)
        self.assertExit(run, 0)
        self.assertIn("beyond the API's 4096", run.output)
        (user,) = self.sb.users_named("svc@demo")
        self.assertEqual(user["metadata"][RECORD_KEY], {"v": 1})
        self.assertLessEqual(len(json.dumps(user["metadata"], separators=(",", ":"))), 4096)
        self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=self.env_), 0)

    def test_drift_quiet_prints_the_summary_line_and_usage_errors_are_64(self):
        user = self.applied(self.sb, self.env_)
        self.sb.patch_user(user["id"], groups=["admin"])
        run = self.run_tool("-q", "drift", self.manifest(), env=self.env_)
        self.assertExit(run, 2)
        self.assertEqual(run.stdout, "Drift: 1 change outside the tool, 0 conflicts; "
                                     "0 pending manifest changes.\n")
        self.assertExit(self.run_tool("drift", env=self.env_), 64)
        topic = self.run_tool("help", "drift", env=self.env_)
        self.assertExit(topic, 0)
        self.assertIn("Usage: rossum-accounts drift [OPTIONS] MANIFEST...", topic.stdout)
        self.assertIn("--format", topic.stdout)
        self.assertIn("drift: drift or conflicts found", topic.stdout)
        self.assertExit(self.run_tool("drift", self.manifest(), "--format", "yaml",
                                      env=self.env_), 64)


if __name__ == "__main__":
    unittest.main()
