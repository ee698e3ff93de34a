"""What the hostile pass of session 6 broke with invisible characters in usernames, with the
run that showed it: a Hangul filler passed for a declarable username, and a live username's
right-to-left override or zero-width space reached every output as it was."""
import json
import unittest

from harness import Sandbox, ToolTestCase

MARKER = {"managed_by": "rossum-accounts"}

# Default-ignorable characters that are not format characters, so the category check let them
# through: each shows as nothing.
FILLERS = ["\u3164", "\u115f", "\uffa0", "\u034f", "\ufe0f"]

# What may never reach an output raw: a right-to-left override reorders the rest of the line,
# the others make one username look like another.
INVISIBLE = ["\u202e", "\u200b", "\u3164"]


class InvisibleDeclaredUsernameTest(ToolTestCase):
    def test_a_username_holding_a_hangul_filler_or_a_variation_selector_is_refused(self):
        for filler in FILLERS:
            with self.subTest(code_point="U+%04X" % ord(filler)):
                path = self.write("m.yaml", "version: 1\naccounts:\n  - username: \"bot%sx@d\"\n"
                                            "    groups: [viewer]\n" % filler)
                run = self.run_tool("validate", path, "--format", "json", env=self.env())
                self.assertExit(run, 65)
                [diagnostic] = json.loads(run.stdout)["diagnostics"]
                self.assertEqual(diagnostic["path"], "accounts[0].username")
                self.assertEqual(diagnostic["line"], 3)


class InvisibleLiveUsernameTest(ToolTestCase):
    USERS = ["rlo\u202eevil@demo", "zw\u200bsp@demo", "filler\u3164@demo"]

    def test_every_output_shows_a_live_usernames_invisible_characters_as_escapes(self):
        manifest = self.write("m.yaml", "version: 1\nprune: true\nmax_deactivations: 5\n"
                                        "accounts:\n  - username: jane.doe@demo.example\n"
                                        "    groups: [annotator]\n")
        plan_path = self.tmp + "/plan.json"
        with Sandbox() as sb:
            for name in self.USERS:
                sb.add_user(username=name, organization=4201, groups=["viewer"],
                            metadata=MARKER)
            env = self.env(sb)
            runs = {}
            for fmt in ("text", "json", "markdown", "github"):
                runs["plan " + fmt] = self.run_tool("plan", manifest, "--format", fmt,
                                                    "--out", plan_path, env=env)
                runs["show " + fmt] = self.run_tool("show", plan_path, "--format", fmt,
                                                    env=env)
            for fmt in ("text", "json", "markdown"):
                runs["drift " + fmt] = self.run_tool("drift", manifest, "--format", fmt, env=env)
            runs["export"] = self.run_tool("export", env=env)
            runs["apply"] = self.run_tool("apply", "--plan", plan_path, "--auto-approve",
                                          env=env)
            deactivated = [u for u in sb.users() if u["username"] in self.USERS
                           and not u["is_active"]]
        for what, run in runs.items():
            with self.subTest(what):
                self.assertIn(run.code, (0, 2), repr(run))
                for c in INVISIBLE:
                    self.assertNotIn(c, run.output, "U+%04X raw in %s" % (ord(c), what))
        for what in ("plan text", "show markdown", "drift text", "apply"):
            self.assertIn("rlo\\u202eevil@demo", runs[what].stdout, what)
            self.assertIn("filler\\u3164@demo", runs[what].stdout, what)
        # JSON escapes stand for the same characters: the data is the live username.
        plan = json.loads(runs["plan json"].stdout)
        self.assertEqual(sorted(a["username"] for a in plan["actions"]
                                if a["action"] == "deactivate"), sorted(self.USERS))
        self.assertEqual(len(deactivated), 3)
        # A filler is invisible like the others: export leaves its user out, naming it escaped.
        self.assertIn('user "filler\\u3164@demo" has a whitespace, control or invisible '
                      'character in its username (U+3164 at character 7)', runs["export"].stderr)
        self.assertNotIn("filler", runs["export"].stdout)
        self.assertNoSecrets()



class ExportOfInvisibleValuesTest(ToolTestCase):
    def test_export_escapes_a_names_line_separator_so_its_manifest_validates_and_plans_clean(self):
        # yaml-cpp wrote U+2028 raw inside the double-quoted name, and the loader refuses a lone
        # line separator (a line end to YAML 1.1), so "export, then plan" failed with 65.
        with Sandbox() as sb:
            sb.add_user(username="svc.ls@demo", organization=4201, groups=["viewer"],
                        first_name="F\u202eN", last_name="x\u2028y")
            env = self.env(sb)
            path = self.tmp + "/exported.yaml"
            exported = self.run_tool("export", "--output", path, env=env)
            self.assertExit(exported, 0)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            self.assertIn('first_name: "F\\u202eN"', text)
            self.assertIn('last_name: "x\\u2028y"', text)
            self.assertExit(self.run_tool("validate", path, env=env), 0)
            plan = self.run_tool("plan", path, "--format", "json", env=env)
            self.assertExit(plan, 0)
            [action] = [a for a in json.loads(plan.stdout)["actions"]
                        if a["username"] == "svc.ls@demo"]
            self.assertEqual(sorted(c["field"] for c in action["changes"]),
                             ["managed_by", "rossum_accounts_applied"])
        self.assertNoSecrets()

if __name__ == "__main__":
    unittest.main()
