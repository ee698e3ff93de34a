"""Creates whose outcome is unknown, and usernames owned elsewhere: never a duplicate account."""
import json
import unittest

from harness import Sandbox, ToolTestCase, other_requests, without_record

MANIFEST = """\
version: 1
accounts:
  - username: first.bot@demo
    groups: [annotator]
    password: {env: FIRST_PASSWORD}
  - username: second.bot@demo
    groups: [viewer]
    password: {env: SECOND_PASSWORD}
"""


class AmbiguousCreateTest(ToolTestCase):
    def apply_with_fault(self, **fault):
        path = self.write("m.yaml", MANIFEST)
        with Sandbox() as sb:
            env = self.env(sb, FIRST_PASSWORD=self.password("first"),
                           SECOND_PASSWORD=self.password("second"))
            sb.fault(method="POST", path="/api/v1/users", **fault)
            run = self.run_tool("apply", path, "--auto-approve", "--timeout", "5", env=env)
            self.assertExit(run, 0)
            for name in ("first.bot@demo", "second.bot@demo"):
                users = sb.users_named(name)
                self.assertEqual(len(users), 1, name)
                self.assertEqual(without_record(users[0]["metadata"]), {"managed_by": "rossum-accounts"})
            log = [(r["method"], r["path"], r["status"]) for r in other_requests(sb.requests())
                   if r["method"] != "GET" or "username=" in r["query"]]
            again = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        self.assertNoSecrets()
        return run, log

    def test_a_create_whose_connection_drops_after_commit_leaves_exactly_one_user(self):
        run, log = self.apply_with_fault(action="drop_after_commit")
        self.assertEqual(log[0][:2], ("POST", "/api/v1/users"))
        self.assertEqual(log[1][:2], ("GET", "/api/v1/users"), "looked up before any retry")
        self.assertEqual(sum(1 for m, p, s in log if m == "POST"), 2, "the second account only")

    def test_a_create_answered_500_after_commit_leaves_exactly_one_user(self):
        run, log = self.apply_with_fault(action="status_after_commit", status=500)
        self.assertEqual(log[0], ("POST", "/api/v1/users", 500))
        self.assertEqual(log[1][:2], ("GET", "/api/v1/users"))
        self.assertEqual(sum(1 for m, p, s in log if m == "POST"), 2)

    def test_a_create_answered_503_without_commit_is_resent_after_a_look_up(self):
        run, log = self.apply_with_fault(action="status_without_commit", status=503)
        self.assertEqual(log[0], ("POST", "/api/v1/users", 503))
        self.assertEqual(log[1][:2], ("GET", "/api/v1/users"))
        self.assertEqual(log[2], ("POST", "/api/v1/users", 201))
        self.assertEqual(sum(1 for m, p, s in log if m == "POST"), 3)


class ConflictTest(ToolTestCase):
    def test_a_username_owned_by_another_organization_is_a_conflict_and_the_rest_proceed(self):
        path = self.write("m.yaml", MANIFEST + """\
  - username: Shared.Name@other.example
    groups: [annotator]
    password: {env: SHARED_PASSWORD}
""")
        with Sandbox() as sb:
            env = self.env(sb, FIRST_PASSWORD=self.password("first"),
                           SECOND_PASSWORD=self.password("second"),
                           SHARED_PASSWORD=self.password("shared"))
            run = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(run, 3)
            self.assertRegex(run.stdout, r"! failed Shared\.Name@other\.example: .*"
                                         r"Shared\.Name@other\.example")
            self.assertEqual(len(sb.users_named("first.bot@demo")), 1)
            self.assertEqual(len(sb.users_named("second.bot@demo")), 1)
            shared = sb.users_named("shared.name@other.example")
            self.assertEqual(len(shared), 1)
            self.assertTrue(shared[0]["organization"].endswith("/organizations/4202"))
            report = self.run_tool("apply", path, "--auto-approve", "--format", "json", env=env)
            self.assertExit(report, 3)
            results = {r["username"]: r for r in json.loads(report.stdout)["results"]}
            self.assertEqual(results["Shared.Name@other.example"]["status"], "failed")
        self.assertNoSecrets()

    def test_a_deleted_users_username_is_a_conflict(self):
        path = self.write("m.yaml", """\
version: 1
accounts:
  - username: former.user@demo.example
    groups: [annotator]
    password: {env: FORMER_PASSWORD}
  - username: first.bot@demo
    groups: [annotator]
    password: {env: FIRST_PASSWORD}
""")
        with Sandbox() as sb:
            env = self.env(sb, FORMER_PASSWORD=self.password("former"),
                           FIRST_PASSWORD=self.password("first"))
            plan = self.run_tool("plan", path, env=env)
            self.assertIn("+ create former.user@demo.example", plan.stdout)
            run = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(run, 3)
            self.assertRegex(run.stdout, r"! failed former\.user@demo\.example: .*"
                                         r"former\.user@demo\.example")
            former = sb.users_named("former.user@demo.example")
            self.assertEqual(len(former), 1)
            self.assertTrue(former[0]["deleted"])
            self.assertEqual(len(sb.users_named("first.bot@demo")), 1)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
