"""export (adopt an existing organization) and token (the integration step of the recipe)."""
import json
import os
import stat
import unittest
import urllib.request

from harness import _OPENER, Sandbox, SeededSandbox, ToolTestCase, demo_seed, RECORD_KEY

ACCOUNT = """\
version: 1
accounts:
  - username: svc.token@demo
    groups: [annotator]
    password: {env: SVC_TOKEN_PASSWORD}
"""


class ExportTest(ToolTestCase):
    def seed(self):
        return demo_seed(users=[
            {"username": "Jane.Doe@demo.example", "organization": 4201, "groups": ["annotator"],
             "queues": [812, 813], "first_name": "Jane", "last_name": "Doe"},
            {"username": "john.smith@demo.example", "organization": 4201, "groups": ["viewer"],
             "queues": [814], "first_name": "John", "last_name": "Smith", "is_active": False,
             "metadata": {"managed_by": "rossum-accounts"}},
            {"username": "no.role@demo.example", "organization": 4201, "groups": []},
            {"username": "gone@demo.example", "organization": 4201, "groups": ["viewer"],
             "deleted": True},
        ])

    def test_export_then_plan_shows_only_adoption_of_unmarked_users(self):
        with SeededSandbox(self.seed(), self.tmp) as sb:
            env = self.env(sb)
            run = self.run_tool("export", "--output", "exported.yaml", env=env)
            self.assertExit(run, 0)
            self.assertIn('"no.role@demo.example"', run.stderr)
            path = os.path.join(self.tmp, "exported.yaml")
            with open(path) as f:
                text = f.read()
            self.outputs.append(text)
            body = "".join(line for line in text.splitlines(True) if not line.startswith("#"))
            for absent in ("no.role@demo.example", "gone@demo.example",
                           "admin@demo.rossum.local", "shared.name", "password", "metadata"):
                self.assertNotIn(absent, body)
            self.assertLess(text.index("Jane.Doe@demo.example"),
                            text.index("john.smith@demo.example"))
            self.assertExit(self.run_tool("validate", path, env=env), 0)
            plan = self.run_tool("plan", path, "--format", "json", env=env)
            self.assertExit(plan, 0)
            actions = {a["username"]: (a["action"], [c["field"] for c in a["changes"]])
                       for a in json.loads(plan.stdout)["actions"]}
            self.assertEqual(actions, {"Jane.Doe@demo.example": ("update", ["managed_by", RECORD_KEY]),
                                       "john.smith@demo.example": ("skip", [])})
        self.assertNoSecrets()

    def test_export_of_awkward_live_data_still_validates_and_round_trips(self):
        seed = self.seed()
        seed["users"] += [
            {"username": "weird:#name,[x]@demo", "organization": 4201, "groups": ["viewer"],
             "first_name": "O'Brien: \"x\" # y", "last_name": "line1\nline2\ttab"},
            {"username": "yes", "organization": 4201, "groups": ["viewer"], "first_name": "123",
             "last_name": "null", "email": "~"},
            {"username": "\u00fcn\u00efc\u00f8d\u00e9@demo", "organization": 4201,
             "groups": ["viewer"], "first_name": "Zo\u00eb \U0001f600", "last_name": "- dash"},
            {"username": "two words@demo", "organization": 4201, "groups": ["viewer"]},
            {"username": "ctl\u0001@demo", "organization": 4201, "groups": ["viewer"]},
        ]
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb)
            run = self.run_tool("export", "--output", "exported.yaml", env=env)
            self.assertExit(run, 0)
            self.assertIn('"two words@demo" has a whitespace, control or invisible character in its '
                          'username (U+0020 at character 4)', run.stderr)
            path = os.path.join(self.tmp, "exported.yaml")
            self.assertExit(self.run_tool("validate", path, env=env), 0)
            plan = self.run_tool("plan", path, "--format", "json", env=env)
            self.assertExit(plan, 0)
            actions = json.loads(plan.stdout)["actions"]
            self.assertEqual({a["username"] for a in actions},
                             {"Jane.Doe@demo.example", "john.smith@demo.example",
                              "weird:#name,[x]@demo", "yes", "\u00fcn\u00efc\u00f8d\u00e9@demo"})
            for a in actions:
                self.assertIn([c["field"] for c in a["changes"]], ([], ["managed_by", RECORD_KEY]),
                              a["username"])
        self.assertNoSecrets()

    def test_export_match_globs_are_case_insensitive(self):
        with SeededSandbox(self.seed(), self.tmp) as sb:
            run = self.run_tool("export", "--match", "JANE.*", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertIn('"Jane.Doe@demo.example"', run.stdout)
            self.assertNotIn("john.smith", run.stdout)
            both = self.run_tool("export", "--match", "*@DEMO.example", "--match", "nobody",
                                 env=self.env(sb))
            self.assertIn("Jane.Doe", both.stdout)
            self.assertIn("john.smith", both.stdout)
        self.assertNoSecrets()

    def test_export_match_that_selects_nobody_warns_and_still_writes_the_empty_manifest(self):
        with SeededSandbox(self.seed(), self.tmp) as sb:
            run = self.run_tool("export", "--match", "nomatch*", "--match", "JANE.*",
                                "--output", "out.yaml", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertIn('rossum-accounts: warning: --match "nomatch*" matched no user of the '
                          'organization', run.stderr)
            self.assertNotIn("JANE", run.stderr)
            nobody = self.run_tool("export", "--match", "nomatch*", env=self.env(sb))
            self.assertExit(nobody, 0)
            self.assertIn('--match "nomatch*" matched no user', nobody.stderr)
            self.write("empty.yaml", nobody.stdout)
            self.assertExit(self.run_tool("validate", "empty.yaml", env=self.env()), 0)
            quiet = self.run_tool("-q", "export", "--match", "nomatch*", env=self.env(sb))
            self.assertExit(quiet, 0)
            self.assertEqual(quiet.stderr, "")
        self.assertNoSecrets()


class TokenTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = self.write("m.yaml", ACCOUNT)
        self.svc_password = self.password("svc")

    def start(self):
        sb = Sandbox()
        sb.start()
        self.addCleanup(sb.stop)
        sb.add_user(username="svc.token@demo", organization=4201, groups=["annotator"],
                    password=self.svc_password)
        sb.clear_requests()
        return sb

    def token_env(self, sb):
        # No admin credentials: token logs in as the service account only.
        return self.env(sb, ROSSUM_USERNAME=None, ROSSUM_PASSWORD=None,
                        SVC_TOKEN_PASSWORD=self.svc_password)

    def whoami(self, sb, token):
        req = urllib.request.Request(sb.url + "/v1/auth/user",
                                     headers={"Authorization": "Bearer " + token})
        with _OPENER.open(req, timeout=10) as resp:
            return json.loads(resp.read())

    def test_token_to_a_file_is_mode_0600_and_costs_one_login_and_one_exchange(self):
        sb = self.start()
        run = self.run_tool("token", "svc.token@demo", "--manifest", self.manifest,
                            "--output", "token.txt", env=self.token_env(sb))
        self.assertExit(run, 0)
        path = os.path.join(self.tmp, "token.txt")
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path) as f:
            text = f.read()
        self.assertRegex(text, r"^[^\s]+\n$")
        token = text.strip()
        self.secrets.add(token)
        self.assertEqual([(r["method"], r["path"]) for r in sb.requests()],
                         [("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/token")])
        self.assertEqual(self.whoami(sb, token)["username"], "svc.token@demo")
        self.assertNoSecrets()

    def test_token_ignores_admin_credentials_and_the_token_cache(self):
        sb = self.start()
        env = self.env(sb, SVC_TOKEN_PASSWORD=self.svc_password)  # admin credentials present
        run = self.run_tool("token", "svc.token@demo", "--manifest", self.manifest,
                            "--output", "token.txt", env=env)
        self.assertExit(run, 0)
        with open(os.path.join(self.tmp, "token.txt")) as f:
            self.secrets.add(f.read().strip())
        self.assertEqual([(r["method"], r["path"]) for r in sb.requests()],
                         [("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/token")])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "cache")))
        wrong = self.run_tool("token", "svc.token@demo", "--manifest", self.manifest,
                              env=dict(env, SVC_TOKEN_PASSWORD=self.password("wrong")))
        self.assertExit(wrong, 77)
        self.assertEqual(wrong.stdout, "")
        self.assertNoSecrets()

    def test_token_goes_to_stdout_when_piped(self):
        sb = self.start()
        run = self.run_tool("token", "svc.token@demo", "--manifest", self.manifest,
                            "--lifetime", "3600", "-v", env=self.token_env(sb))
        self.assertExit(run, 0)
        self.assertRegex(run.stdout, r"^[^\s]+\n$")
        token = run.stdout.strip()
        self.assertEqual(self.whoami(sb, token)["username"], "svc.token@demo")
        self.outputs.remove(run.output)  # stdout is where the token belongs
        self.secrets.add(token)
        self.assertNotIn(token, run.stderr)
        self.assertNoSecrets(run.stderr)

    def test_lifetimes_out_of_range_are_64_before_any_request(self):
        sb = self.start()
        for lifetime in ("0", "583201", "-5"):
            run = self.run_tool("token", "svc.token@demo", "--manifest", self.manifest,
                                "--lifetime", lifetime, env=self.token_env(sb))
            self.assertExit(run, 64)
        self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    def test_a_terminal_on_stdout_without_output_is_64_before_any_request(self):
        sb = self.start()
        run = self.run_in_terminal("token", "svc.token@demo", "--manifest", self.manifest,
                                   env=self.token_env(sb))
        self.assertExit(run, 64)
        self.assertIn("--output", run.stdout)
        self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
