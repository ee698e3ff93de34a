"""One definition of "same username" (Unicode case folding) and the exact-match-first rule,
against a sandbox holding users whose usernames differ only in case."""
import json
import unittest

from harness import SeededSandbox, ToolTestCase, demo_seed, writes

MARK = {"managed_by": "rossum-accounts"}


class UsernameCaseTest(ToolTestCase):
    def twins(self, sb):
        """Dup@demo (admin) and dup@demo (viewer), both marked. Rossum's own rule on case is
        unconfirmed; the sandbox holds both only while username_case_insensitive is off."""
        sb.config(username_case_insensitive=False)
        variant = sb.add_user(username="Dup@demo", organization=4201, groups=["admin"],
                              metadata=MARK)
        exact = sb.add_user(username="dup@demo", organization=4201, groups=["viewer"],
                            metadata=MARK)
        sb.config(username_case_insensitive=True)
        sb.clear_requests()
        return variant, exact

    def writes(self, sb):
        return [(r["method"], r["path"]) for r in writes(sb)]

    def test_the_exact_username_is_matched_and_its_case_variant_left_alone(self):
        path = self.write("m.yaml", "version: 1\naccounts:\n"
                                    "  - username: dup@demo\n    groups: [viewer]\n")
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            variant, exact = self.twins(sb)
            env = self.env(sb)
            for case_insensitive in (True, False):
                with self.subTest(username_case_insensitive=case_insensitive):
                    sb.config(username_case_insensitive=case_insensitive)
                    plan = self.run_tool("plan", path, "--format", "json", "--detailed-exitcode",
                                         env=env)
                    self.assertExit(plan, 0)
                    actions = json.loads(plan.stdout)["actions"]
                    self.assertEqual([(a["action"], a["username"], a["user_id"]) for a in actions],
                                     [("skip", "dup@demo", exact["id"])])
            text = self.run_tool("plan", path, env=env)
            self.assertExit(text, 0)
            self.assertIn("No changes.", text.stdout)
            self.assertNotIn("Dup@demo", text.output)
            sb.clear_requests()
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            self.assertEqual(self.writes(sb), [])
            users = {u["username"]: u for u in sb.users()}
            self.assertEqual(users["Dup@demo"]["groups"], variant["groups"])
        self.assertNoSecrets()

    def test_several_case_variants_and_no_exact_match_are_65_and_nothing_is_written(self):
        path = self.write("m.yaml", "version: 1\naccounts:\n"
                                    "  - username: ok@demo\n    groups: [viewer]\n"
                                    "    password: {env: OK_PASSWORD}\n"
                                    "  - username: dup@Demo\n    groups: [viewer]\n")
        expected = ('m.yaml:6:5: accounts[1].username: username "dup@Demo" matches several '
                    'users that differ only in case ("Dup@demo", "dup@demo") and none exactly; '
                    'write the exact one')
        with SeededSandbox(demo_seed(), self.tmp) as sb:
            self.twins(sb)
            env = self.env(sb, OK_PASSWORD=self.password("ok"))
            plan = self.run_tool("plan", path, env=env)
            self.assertExit(plan, 65)
            self.assertIn(expected, plan.stderr)
            self.assertEqual(plan.stdout, "")
            apply = self.run_tool("apply", path, "--auto-approve", env=env)
            self.assertExit(apply, 65)
            self.assertIn(expected, apply.stderr)
            self.assertEqual(self.writes(sb), [])
            self.assertNotIn("ok@demo", [u["username"] for u in sb.users()])
        self.assertNoSecrets()

    def test_prune_keeps_a_marked_case_variant_of_a_declared_username_with_a_warning(self):
        path = self.write("m.yaml", "version: 1\nprune: true\naccounts:\n"
                                    "  - username: dup@demo\n    groups: [viewer]\n")
        with SeededSandbox(demo_seed(users=[
                {"username": "gone@demo", "organization": 4201, "groups": ["viewer"],
                 "metadata": MARK}]), self.tmp) as sb:
            variant, _ = self.twins(sb)
            env = self.env(sb)
            plan = self.run_tool("plan", path, "--format", "json", env=env)
            self.assertExit(plan, 0)
            doc = json.loads(plan.stdout)
            self.assertEqual([(a["action"], a["username"]) for a in doc["actions"]],
                             [("skip", "dup@demo"), ("deactivate", "gone@demo")])
            self.assertEqual(doc["warnings"], [
                'user "Dup@demo" carries the ownership marker and differs only in case from the '
                'declared "dup@demo" (%s:4); it is not deactivated' % path])
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            self.assertEqual(self.writes(sb), [("PATCH", "/api/v1/users/%d" % next(
                u["id"] for u in sb.users() if u["username"] == "gone@demo"))])
            users = {u["username"]: u for u in sb.users()}
            self.assertTrue(users["Dup@demo"]["is_active"])
            self.assertEqual(users["Dup@demo"]["id"], variant["id"])
        self.assertNoSecrets()

    def test_a_non_ascii_case_variant_is_the_same_user_and_a_duplicate_in_a_manifest(self):
        seed = demo_seed(users=[{"username": "\u00c4pi@demo", "organization": 4201,
                                 "groups": ["viewer"], "metadata": MARK}])
        single = self.write("one.yaml", "version: 1\naccounts:\n"
                                        "  - username: \u00e4pi@demo\n    groups: [viewer]\n")
        both = self.write("two.yaml", "version: 1\naccounts:\n"
                                      "  - username: \u00c4pi@demo\n    groups: [viewer]\n"
                                      "  - username: \u00e4pi@demo\n    groups: [viewer]\n")
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb)
            plan = self.run_tool("plan", single, "--format", "json", "--detailed-exitcode",
                                 env=env)
            self.assertExit(plan, 0)
            self.assertEqual([(a["action"], a["username"])
                              for a in json.loads(plan.stdout)["actions"]],
                             [("skip", "\u00e4pi@demo")])
            dup = self.run_tool("validate", both, env=env)
            self.assertExit(dup, 65)
            self.assertIn('two.yaml:5:15: accounts[1].username: duplicate username '
                          '"\u00e4pi@demo" (first at 3:15)', dup.stderr)
        self.assertNoSecrets()

    def test_export_match_folds_non_ascii_letters(self):
        seed = demo_seed(users=[
            {"username": "\u00c4pi@demo", "organization": 4201, "groups": ["viewer"]},
            {"username": "api@demo", "organization": 4201, "groups": ["viewer"]},
            {"username": "STRASSE@demo", "organization": 4201, "groups": ["viewer"]}])
        with SeededSandbox(seed, self.tmp) as sb:
            run = self.run_tool("export", "--match", "\u00e4*", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertIn("\u00c4pi@demo", run.stdout)
            self.assertNotIn("api@demo", run.stdout)
            sharp = self.run_tool("export", "--match", "stra\u00dfe@*", env=self.env(sb))
            self.assertExit(sharp, 0)
            self.assertIn("STRASSE@demo", sharp.stdout)
            self.assertNotIn("pi@demo", sharp.stdout)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
