"""Tokens (docs/design.md §11.3): after any run the only long-lived token left valid is the one
the user asked for; the sandbox's GET /_sandbox/tokens shows which tokens are still valid."""
import json
import os
import unittest
import urllib.request

from harness import _OPENER, LOGIN_TOKEN_LIFETIME_S, Sandbox, ToolTestCase

MANIFEST = """\
version: 1
accounts:
  - username: svc.token@demo
    groups: [annotator]
    password: {env: SVC_TOKEN_PASSWORD}
"""


class TokenLifecycleTest(ToolTestCase):
    def setUp(self):
        super().setUp()
        self.manifest = self.write("m.yaml", MANIFEST)
        self.svc_password = self.password("svc")

    def start(self):
        sb = Sandbox()
        sb.start()
        self.addCleanup(sb.stop)
        return sb

    def cached_token(self):
        directory = os.path.join(self.tmp, "cache", "rossum-accounts")
        files = [f for f in os.listdir(directory) if f.endswith(".json")]  # not the .lock
        self.assertEqual(len(files), 1)
        with open(os.path.join(directory, files[0])) as f:
            token = json.load(f)["token"]
        self.secrets.add(token)
        return token

    def whoami(self, sb, token):
        req = urllib.request.Request(sb.url + "/v1/auth/user",
                                     headers={"Authorization": "Bearer " + token})
        with _OPENER.open(req, timeout=10) as resp:
            return json.loads(resp.read())["username"]

    def login(self, sb):
        body = json.dumps({"username": sb.admin_username,
                           "password": sb.admin_password}).encode()
        req = urllib.request.Request(sb.url + "/v1/auth/login", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
        with _OPENER.open(req, timeout=10) as resp:
            token = json.loads(resp.read())["key"]
        self.secrets.add(token)
        return token

    def long_lived(self, sb):
        """Live tokens that outlast a login token's few minutes."""
        return [t for t in sb.live_tokens() if t["lifetime_s"] > LOGIN_TOKEN_LIFETIME_S]

    def test_after_a_plan_with_the_cache_only_the_cached_token_is_valid(self):
        sb = self.start()
        env = self.env(sb)
        self.assertExit(self.run_tool("plan", self.manifest, env=env), 0)
        # The login token was asked for with a lifetime of minutes and expires on its own.
        self.assertEqual([(t["username"], t["issued_by"], t["lifetime_s"])
                          for t in sb.live_tokens() if t["issued_by"] == "login"],
                         [(sb.admin_username, "login", LOGIN_TOKEN_LIFETIME_S)])
        live = self.long_lived(sb)
        self.assertEqual([(t["username"], t["issued_by"]) for t in live],
                         [(sb.admin_username, "exchange")])
        self.assertEqual(live[0]["lifetime_s"], 583200)
        # It is the cached one: it works, and the next run uses it without logging in.
        self.assertEqual(self.whoami(sb, self.cached_token()), sb.admin_username)
        logouts = [r for r in sb.requests() if r["path"].endswith("/auth/logout")]
        self.assertEqual(logouts, [])
        sb.clear_requests()
        self.assertExit(self.run_tool("plan", self.manifest, env=env), 0)
        self.assertEqual([r for r in sb.requests() if r["path"].startswith("/api/v1/auth/")
                          and r["path"] != "/api/v1/auth/user"], [])
        self.assertEqual(len(self.long_lived(sb)), 1)
        self.assertNoSecrets()

    def test_with_no_token_cache_no_token_of_the_run_is_left_valid(self):
        sb = self.start()
        for command in (["plan", self.manifest], ["export"]):
            run = self.run_tool(*command, "--no-token-cache", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertEqual(sb.live_tokens(), [])
        self.assertFalse(os.path.exists(os.path.join(self.tmp, "cache", "rossum-accounts")))
        self.assertNoSecrets()

    def test_without_a_cache_directory_the_warning_is_single_and_no_token_is_left(self):
        sb = self.start()
        run = self.run_tool("plan", self.manifest, env=self.env(sb, HOME=None,
                                                                   XDG_CACHE_HOME=None))
        self.assertExit(run, 0)
        self.assertIn("rossum-accounts: warning: token cache: no cache directory "
                      "(XDG_CACHE_HOME and HOME are unset); logging in without a cache\n",
                      run.stderr)
        self.assertNotIn("warning: warning:", run.stderr)
        self.assertEqual(sb.live_tokens(), [])
        self.assertNoSecrets()

    def test_after_token_only_the_written_token_is_valid(self):
        sb = self.start()
        sb.add_user(username="svc.token@demo", organization=4201, groups=["annotator"],
                    password=self.svc_password)
        env = self.env(sb, ROSSUM_USERNAME=None, ROSSUM_PASSWORD=None,
                       SVC_TOKEN_PASSWORD=self.svc_password)
        run = self.run_tool("token", "svc.token@demo", "--manifest", self.manifest,
                            "--lifetime", "3600", "--output", "token.txt", env=env)
        self.assertExit(run, 0)
        with open(os.path.join(self.tmp, "token.txt")) as f:
            written = f.read().strip()
        self.secrets.add(written)
        live = sb.live_tokens()
        self.assertEqual([(t["username"], t["issued_by"], t["lifetime_s"]) for t in live],
                         [("svc.token@demo", "login", LOGIN_TOKEN_LIFETIME_S),
                          ("svc.token@demo", "exchange", 3600)])
        self.assertEqual(self.whoami(sb, written), "svc.token@demo")
        self.assertNoSecrets()

    def test_rossum_token_is_never_logged_out(self):
        sb = self.start()
        token = self.login(sb)
        env = self.env(sb, ROSSUM_TOKEN=token, ROSSUM_USERNAME=None, ROSSUM_PASSWORD=None)
        run = self.run_tool("plan", self.manifest, "--no-token-cache", env=env)
        self.assertExit(run, 0)
        self.assertEqual([r for r in sb.requests() if r["path"].endswith("/auth/logout")], [])
        self.assertEqual(self.whoami(sb, token), sb.admin_username)
        self.assertNoSecrets()

    def test_a_failed_logout_at_the_end_of_the_run_is_a_warning_not_a_failure(self):
        sb = self.start()
        sb.fault(method="POST", path="/api/v1/auth/logout", action="respond", status=500,
                 body={"detail": "logout is down"})
        run = self.run_tool("plan", self.manifest, "--no-token-cache", env=self.env(sb))
        self.assertExit(run, 0)
        self.assertIn('rossum-accounts: warning: logging out the token of user "%s" '
                      'failed: POST %s/v1/auth/logout: the API is unavailable (500): logout is '
                      'down\n' % (sb.admin_username, sb.url), run.stderr)
        self.assertNotIn("warning: warning:", run.stderr)
        self.assertIn("+ create svc.token@demo", run.stdout)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
