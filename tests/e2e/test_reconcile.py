"""Reconciliation against live users: idempotence, pagination, adoption, prune, drift, updates."""
import json
import unittest

from harness import (AUTH_STEPS, RECORD_KEY, SEED_ADMIN, SeededSandbox, ToolTestCase, demo_seed,
                     other_requests, without_record, writes)

MARK = {"managed_by": "rossum-accounts"}


def group_ids(user):
    return sorted(int(g.rstrip("/").rsplit("/", 1)[1]) for g in user["groups"])


def queue_ids(user):
    return sorted(int(q.rstrip("/").rsplit("/", 1)[1]) for q in user["queues"])


class ReconcileTest(ToolTestCase):
    def plan_json(self, path, env, *extra):
        run = self.run_tool("plan", path, "--format", "json", *extra, env=env)
        self.assertIn(run.code, (0, 2), repr(run))
        return json.loads(run.stdout)

    def test_apply_then_plan_is_in_sync_and_sends_only_gets(self):
        path = self.write("m.yaml", """\
version: 1
prune: true
defaults:
  groups: [annotator]
  metadata: {team: integrations}
accounts:
  - username: alpha@demo
    first_name: Alpha
    queues: [812]
    password: {env: ALPHA_PASSWORD}
  - username: beta@demo
    groups: [viewer, annotator]
    active: false
    password: {env: BETA_PASSWORD}
""")
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, ALPHA_PASSWORD=self.password("a"), BETA_PASSWORD=self.password("b"))
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            sb.clear_requests()
            again = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
            self.assertIn("No changes. 2 accounts are in sync.", again.stdout)
            self.assertEqual({r["method"] for r in other_requests(sb.requests())}, {"GET"})
        self.assertNoSecrets()

    def test_a_plan_over_350_users_reads_every_page_and_finds_users_on_later_pages(self):
        seed = demo_seed(generate=[{"count": 350, "organization": 4201, "prefix": "bulk"}],
                         users=[{"username": "zz.marked@demo", "organization": 4201,
                                 "groups": ["annotator"], "metadata": MARK}])
        path = self.write("m.yaml", """\
version: 1
prune: true
accounts:
  - username: bulk.0001@generated.example
    groups: [annotator]
  - username: BULK.0350@generated.example
    groups: [annotator]
  - username: new.one@demo
    groups: [viewer]
    password: {env: NEW_PASSWORD}
""")
        with SeededSandbox(seed, self.tmp) as sb:
            plan = self.plan_json(path, self.env(sb))
            actions = {a["username"]: a["action"] for a in plan["actions"]}
            self.assertEqual(actions, {"bulk.0001@generated.example": "update",
                                       "BULK.0350@generated.example": "update",
                                       "new.one@demo": "create",
                                       "zz.marked@demo": "deactivate"})
            pages = [r for r in sb.requests() if r["path"].endswith("/v1/users")]
            self.assertEqual(len(pages), 4, "352 users in pages of 100")
        self.assertNoSecrets()

    def test_pagination_works_when_the_api_is_called_localhost(self):
        seed = demo_seed(generate=[{"count": 150, "organization": 4201, "prefix": "bulk"}])
        path = self.write("m.yaml", """\
version: 1
prune: true
accounts:
  - username: bulk.0150@generated.example
    groups: [annotator]
""")
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb, ROSSUM_API_URL=sb.url.replace("127.0.0.1", "localhost"))
            run = self.run_tool("plan", path, "--format", "json", env=env)
            self.assertExit(run, 0)
            pages = [r for r in sb.requests() if r["path"].endswith("/v1/users")]
            self.assertEqual(len(pages), 2)
        self.assertNoSecrets()

    def test_an_unmarked_existing_user_is_adopted_keeping_its_other_metadata(self):
        seed = demo_seed(users=[{"username": "legacy@demo", "organization": 4201,
                                 "groups": ["annotator"], "first_name": "Legacy",
                                 "metadata": {"owner": "finance", "team": "old"}}])
        path = self.write("m.yaml", """\
version: 1
accounts:
  - username: Legacy@Demo
    groups: [annotator]
    metadata: {team: integrations}
""")
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb)
            plan = self.plan_json(path, env)
            self.assertEqual(plan["summary"], {"create": 0, "update": 1, "skip": 0,
                                               "deactivate": 0})
            changes = {c["field"]: c for c in plan["actions"][0]["changes"]}
            self.assertEqual(sorted(changes), ["managed_by", "metadata.team", RECORD_KEY])
            self.assertEqual(changes["managed_by"]["after"], "rossum-accounts")
            text = self.run_tool("plan", path, env=env)
            self.assertIn("~ update Legacy@Demo", text.stdout)
            self.assertIn("managed_by", text.stdout)
            sb.clear_requests()
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            self.assertEqual([r["method"] for r in writes(sb)], ["PATCH"])
            user = sb.users_named("legacy@demo")[0]
            self.assertEqual(without_record(user["metadata"]), {"owner": "finance", "team": "integrations",
                                                "managed_by": "rossum-accounts"})
            self.assertEqual(user["first_name"], "Legacy")
            self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=env), 0)
        self.assertNoSecrets()

    def test_prune_deactivates_only_marked_users_never_deletes_and_spares_the_admin(self):
        seed = demo_seed(users=[
            {"username": "kept@demo", "organization": 4201, "groups": ["viewer"],
             "metadata": MARK},
            {"username": "gone@demo", "organization": 4201, "groups": ["viewer"],
             "metadata": {"managed_by": "rossum-accounts", "note": "x"}},
            {"username": "already.off@demo", "organization": 4201, "groups": ["viewer"],
             "metadata": MARK, "is_active": False},
            {"username": "hand.made@demo", "organization": 4201, "groups": ["viewer"]},
            {"username": "other.org.marked@other.example", "organization": 4202,
             "groups": ["viewer"], "metadata": MARK},
        ])
        seed["users"][0]["metadata"] = MARK  # the admin carries the marker too
        path = self.write("m.yaml", """\
version: 1
prune: true
accounts:
  - username: kept@demo
    groups: [viewer]
""")
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb)
            plan = self.plan_json(path, env)
            actions = {a["username"]: a["action"] for a in plan["actions"]}
            self.assertEqual(actions, {"already.off@demo": "skip", "gone@demo": "deactivate",
                                       "kept@demo": "skip"})
            sb.clear_requests()
            run = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            self.assertIn("- deactivated gone@demo", run.stdout)
            sent = [(r["method"], r["path"]) for r in writes(sb)]
            gone = sb.users_named("gone@demo")[0]
            self.assertEqual(sent, [("PATCH", "/api/v1/users/%d" % gone["id"])])
            self.assertFalse(gone["is_active"])
            self.assertFalse(gone["deleted"])
            self.assertEqual(gone["metadata"], {"managed_by": "rossum-accounts", "note": "x"})
            for name in (SEED_ADMIN, "hand.made@demo", "kept@demo",
                         "other.org.marked@other.example"):
                self.assertTrue(sb.users_named(name)[0]["is_active"], name)
            self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=env), 0)
        self.assertNoSecrets()

    def test_email_drift_is_a_warning_never_a_patch(self):
        seed = demo_seed(users=[{"username": "mail@demo", "organization": 4201,
                                 "groups": ["viewer"], "email": "old@example.com",
                                 "metadata": MARK}])
        path = self.write("m.yaml", """\
version: 1
accounts:
  - username: mail@demo
    email: new@example.com
    groups: [viewer]
""")
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb)
            text = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(text, 0)
            self.assertIn("cannot be changed through the API", text.stdout)
            plan = self.plan_json(path, env)
            self.assertEqual(plan["actions"][0]["action"], "skip")
            warnings = plan["actions"][0]["warnings"] + plan["warnings"]
            self.assertTrue(any("cannot be changed through the API" in w for w in warnings),
                            warnings)
            sb.clear_requests()
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            self.assertEqual({r["method"] for r in other_requests(sb.requests())}, {"GET"})
            self.assertEqual(sb.users_named("mail@demo")[0]["email"], "old@example.com")
        self.assertNoSecrets()

    def test_an_update_sends_only_the_differing_fields(self):
        seed = demo_seed(users=[{"username": "drift@demo", "organization": 4201,
                                 "groups": ["viewer"], "queues": [812], "first_name": "Old",
                                 "last_name": "Unmanaged", "is_active": True,
                                 "metadata": {"managed_by": "rossum-accounts", "team": "a",
                                              "keep": "me"}}])
        path = self.write("m.yaml", """\
version: 1
accounts:
  - username: drift@demo
    first_name: New
    groups: [annotator, manager]
    queues: [813, 814]
    active: false
    metadata: {team: b}
""")
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb)
            plan = self.plan_json(path, env)
            fields = [c["field"] for c in plan["actions"][0]["changes"]]
            self.assertEqual(sorted(fields), ["active", "first_name", "groups",
                                              "metadata.team", "queues", RECORD_KEY])
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            user = sb.users_named("drift@demo")[0]
            self.assertEqual(user["first_name"], "New")
            self.assertEqual(user["last_name"], "Unmanaged")
            self.assertEqual(group_ids(user), [5102, 5104])
            self.assertEqual(queue_ids(user), [813, 814])
            self.assertFalse(user["is_active"])
            self.assertEqual(without_record(user["metadata"]), {"managed_by": "rossum-accounts", "team": "b",
                                                "keep": "me"})
            self.assertExit(self.run_tool("plan", path, "--detailed-exitcode", env=env), 0)
        self.assertNoSecrets()

    def test_a_queue_outside_the_organization_is_65_naming_account_and_queue(self):
        path = self.write("m.yaml", """\
version: 1
accounts:
  - username: queue.bot@demo
    groups: [viewer]
    queues: [812, 910]
    password: {env: QUEUE_PASSWORD}
""")
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, QUEUE_PASSWORD=self.password("q"))
            for command in (["plan"], ["apply", "--auto-approve"]):
                run = self.run_tool(*command, path, env=env)
                self.assertExit(run, 65)
                self.assertIn(path + ':3:5: accounts[0].queues: queue 910 of account '
                              '"queue.bot@demo" does not exist in organization 4201', run.stderr)
            self.assertEqual({r["method"] for r in other_requests(sb.requests())}, {"GET"})
            self.assertEqual(sb.users_named("queue.bot@demo"), [])
        self.assertNoSecrets()

    def test_a_role_the_organization_does_not_offer_is_65_naming_account_and_role(self):
        path = self.write("m.yaml", """\
version: 1
accounts:
  - username: approver.bot@demo
    groups: [approver]
    password: {env: APPROVER_PASSWORD}
""")
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, APPROVER_PASSWORD=self.password("ap"))
            run = self.run_tool("plan", path, env=env)
            self.assertExit(run, 65)
            self.assertIn(path + ':3:5: accounts[0].groups: role "approver" of account '
                          '"approver.bot@demo" is not offered by organization 4201', run.stderr)
            applied = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(applied, 65)
            self.assertEqual(writes(sb), [])
            self.assertEqual(sb.users_named("approver.bot@demo"), [])
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
