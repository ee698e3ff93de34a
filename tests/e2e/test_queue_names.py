"""Queues by name (issue 9 part 6): resolved through the API, shown next to their ids."""
import json
import unittest

from harness import SeededSandbox, ToolTestCase, demo_seed, writes


class QueueNamesTest(ToolTestCase):
    def test_names_resolve_plans_show_them_and_apply_writes_the_ids(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: named.bot@demo\n    groups: [viewer]\n"
                              "    queues: [Invoices, 813]\n"
                              "    password: {env: BOT_PASSWORD}\n")
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb, BOT_PASSWORD=self.password("bot"))
            run = self.run_tool("plan", manifest, env=env)
            self.assertExit(run, 0)
            self.assertIn('queues     = [812, 813]   # 812 "Invoices", 813 "Receipts"',
                          run.stdout)
            self.assertIn('Plan for organization "Demo Organization" (id 4201)', run.stdout)
            plan = json.loads(self.run_tool("plan", manifest, "--format", "json",
                                            env=env).stdout)
            self.assertEqual(plan["queue_names"], {"812": "Invoices", "813": "Receipts"})
            markdown = self.run_tool("plan", manifest, "--format", "markdown", env=env).stdout
            self.assertIn('# 812 "Invoices", 813 "Receipts"', markdown)
            self.assertExit(self.run_tool("apply", manifest, "--auto-approve", env=env), 0)
            (user,) = sb.users_named("named.bot@demo")
            self.assertEqual(sorted(q.rsplit("/", 1)[1] for q in user["queues"]),
                             ["812", "813"])
            self.assertExit(self.run_tool("plan", manifest, "--detailed-exitcode", env=env), 0)
        self.assertNoSecrets()

    def test_an_unknown_name_or_another_organizations_queue_is_65_with_nothing_written(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: named.bot@demo\n    groups: [viewer]\n"
                              "    queues: [invoices, Other Inbox]\n")
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            env = self.env(sb)
            run = self.run_tool("plan", manifest, env=env)
            self.assertExit(run, 65)
            self.assertIn('queue "invoices" of account "named.bot@demo" does not exist in '
                          'organization 4201; did you mean "Invoices" (812)?', run.stderr)
            self.assertIn('queue "Other Inbox"', run.stderr)
            run = self.run_tool("apply", manifest, "--auto-approve", env=env)
            self.assertExit(run, 65)
            self.assertEqual(writes(sb), [])

    def test_a_quoted_id_is_refused_by_validate(self):
        manifest = self.write("m.yaml", "version: 1\naccounts:\n"
                              "  - username: named.bot@demo\n    groups: [viewer]\n"
                              "    queues: [\"812\"]\n")
        run = self.run_tool("validate", manifest, env=self.env())
        self.assertExit(run, 65)
        self.assertIn('"812" is a queue id written as a string', run.stderr)


if __name__ == "__main__":
    unittest.main()
