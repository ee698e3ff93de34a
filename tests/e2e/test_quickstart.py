"""The quick-start loop: validate -> plan -> apply -> plan (no changes), GET-only second plan."""
import os
import unittest

from harness import AUTH_STEPS, EXAMPLES, Sandbox, ToolTestCase


class QuickStartTest(ToolTestCase):
    def manifest(self):
        return self.write("accounts.yaml", """\
version: 1
defaults:
  first_name: SYSTEM USER
  last_name: (DO NOT DELETE)
  groups: [annotator]
accounts:
  - username: api_user@mycompany
    groups: [admin]
    queues: [812, 813]
    password:
      env: API_USER_PASSWORD
    metadata: {team: integrations}
  - username: reporting@mycompany
    email: ops@mycompany.com
    password:
      env: REPORTING_PASSWORD
""")

    def test_apply_then_plan_is_empty_and_sends_only_gets(self):
        path = self.manifest()
        with Sandbox() as sb:
            env = self.env(sb, API_USER_PASSWORD=self.password("api"),
                           REPORTING_PASSWORD=self.password("rep"))
            self.assertExit(self.run_tool("validate", path, env=env), 0)
            plan = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(plan, 2)
            self.assertIn("+ create api_user@mycompany", plan.stdout)
            self.assertIn("Plan: 2 to create, 0 to update, 0 to deactivate, 0 unchanged.",
                          plan.stdout)
            apply = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(apply, 0)
            self.assertIn("+ created api_user@mycompany", apply.stdout)
            self.assertEqual(len(sb.users_named("api_user@mycompany")), 1)
            sb.clear_requests()
            again = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
            self.assertIn("No changes.", again.stdout)
            methods = {r["method"] for r in sb.requests()
                       if not r["path"].endswith(AUTH_STEPS)}
            self.assertEqual(methods, {"GET"})
        self.assertNoSecrets()

    def test_every_example_validates(self):
        names = [n for n in sorted(os.listdir(EXAMPLES)) if n.endswith(".yaml")]
        self.assertTrue(names, "examples/ holds no manifest")
        for name in names:
            run = self.run_tool("validate", os.path.join(EXAMPLES, name), env=self.env())
            self.assertExit(run, 0)


if __name__ == "__main__":
    unittest.main()
