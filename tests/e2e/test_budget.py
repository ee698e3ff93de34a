"""The request budget of a plan: 3 + min(N, ceil(U/100)) after login (docs/design.md §9.1)."""
import math
import unittest

from harness import SeededSandbox, ToolTestCase, demo_seed, other_requests


def manifest(usernames, prune=False, queues=False):
    lines = ["version: 1", "prune: %s" % ("true" if prune else "false"), "accounts:"]
    for name in usernames:
        lines += ["  - username: %s" % name, "    groups: [annotator]"]
        if queues:
            lines.append("    queues: [812]")
    return "\n".join(lines) + "\n"


class RequestBudgetTest(ToolTestCase):
    def count_plan_requests(self, generated, usernames, **options):
        seed = demo_seed(generate=[{"count": generated, "organization": 4201,
                                    "prefix": "bulk"}])
        path = self.write("m.yaml", manifest(usernames, **options))
        with SeededSandbox(seed, self.tmp) as sb:
            run = self.run_tool("plan", path, "--detailed-exitcode", env=self.env(sb))
            self.assertExit(run, 2)
            users = len([u for u in sb.users()
                         if u["organization"].endswith("/4201") and not u["deleted"]])
            # The budget counts every request but the login and the exchange (one of each); the
            # login token expires on its own, so nothing is logged out.
            counted = other_requests(sb.requests())
            self.assertEqual({r["method"] for r in counted}, {"GET"})
            auth = [r["path"] for r in sb.requests() if r not in counted]
            self.assertEqual(auth, ["/api/v1/auth/login", "/api/v1/auth/token"])
        self.assertNoSecrets()
        return len(counted), users, run

    def test_three_accounts_among_a_thousand_users_cost_at_most_six_requests(self):
        names = ["bulk.0500@generated.example", "new.one@demo", "new.two@demo"]
        count, users, run = self.count_plan_requests(1000, names)
        self.assertEqual(users, 1001)
        self.assertLessEqual(count, 3 + min(3, math.ceil(users / 100)))
        self.assertIn("~ update bulk.0500@generated.example", run.stdout)
        self.assertIn("+ create new.two@demo", run.stdout)

    def test_fifty_accounts_among_350_users_cost_at_most_seven_requests(self):
        names = ["bulk.%04d@generated.example" % n for n in range(1, 351, 10)]
        names += ["new.%02d@demo" % n for n in range(50 - len(names))]
        self.assertEqual(len(names), 50)
        count, users, run = self.count_plan_requests(350, names)
        self.assertLessEqual(count, 3 + min(50, math.ceil(users / 100)))
        self.assertIn("Plan: 15 to create, 35 to update, 0 to deactivate, 0 unchanged.",
                      run.stdout)

    def test_naming_queues_allows_exactly_one_more_request(self):
        names = ["bulk.0500@generated.example", "new.one@demo", "new.two@demo"]
        count, users, _ = self.count_plan_requests(1000, names, queues=True)
        self.assertLessEqual(count, 3 + min(3, math.ceil(users / 100)) + 1)

    def test_prune_reads_the_whole_list_within_three_plus_the_pages(self):
        count, users, run = self.count_plan_requests(350, ["new.one@demo"], prune=True)
        self.assertLessEqual(count, 3 + math.ceil(users / 100))
        self.assertIn("+ create new.one@demo", run.stdout)


if __name__ == "__main__":
    unittest.main()
