"""The API URL: where it ends (before /v1), and validate checking a manifest's api_url with the
rule plan applies."""
import unittest

from harness import Sandbox, ToolTestCase

ONE_ACCOUNT = """\
version: 1
accounts:
  - username: svc@demo
    groups: [annotator]
"""


class ApiUrlTest(ToolTestCase):
    def test_an_api_url_ending_in_v1_is_64_with_the_url_to_use_and_sends_nothing(self):
        path = self.write("m.yaml", ONE_ACCOUNT)
        with Sandbox() as sb:
            for given in (sb.url + "/v1", sb.url + "/v1/"):
                hint = ('invalid api url "%s": the API URL ends before /v1: use %s'
                        % (given, sb.url))
                for args, env in ((["--api-url", given], self.env(sb)),
                                  ([], self.env(sb, ROSSUM_API_URL=given))):
                    with self.subTest(url=given, flag=bool(args)):
                        run = self.run_tool("plan", path, *args, env=env)
                        self.assertExit(run, 64)
                        self.assertIn(hint, run.stderr)
            export = self.run_tool("export", "--api-url", sb.url + "/v1", env=self.env(sb))
            self.assertExit(export, 64)
            self.assertIn("the API URL ends before /v1", export.stderr)
            self.assertEqual(sb.requests(), [])
            # The hint works as given.
            self.assertExit(self.run_tool("plan", path, "--api-url", sb.url, env=self.env(sb)), 0)
        self.assertNoSecrets()

    def test_validate_reports_a_manifest_api_url_that_plan_would_refuse_as_65(self):
        bad = self.write("bad.yaml", ONE_ACCOUNT.replace(
            "version: 1\n", "version: 1\napi_url: http://example.com/api\n"))
        v1 = self.write("v1.yaml", "version: 1\napi_url: https://acme.rossum.app/api/v1\n"
                                   "accounts: []\n")
        good = self.write("good.yaml", ONE_ACCOUNT.replace(
            "version: 1\n", "version: 1\napi_url: https://acme.rossum.app/api\n"))
        env = self.env()
        run = self.run_tool("validate", bad, env=env)
        self.assertExit(run, 65)
        self.assertIn('%s:2:10: api_url: invalid api url "http://example.com/api": plain http:// '
                      'is allowed only for loopback hosts (127.0.0.0/8, localhost, ::1); use '
                      'https://' % bad, run.stderr)
        self.assertNotIn("valid (", run.stdout)
        run = self.run_tool("validate", v1, env=env)
        self.assertExit(run, 65)
        self.assertIn('%s:2:10: api_url: invalid api url "https://acme.rossum.app/api/v1": the '
                      'API URL ends before /v1: use https://acme.rossum.app/api' % v1, run.stderr)
        self.assertExit(self.run_tool("validate", good, env=env), 0)
        # Every problem at once: the api_url of one file and a duplicate across two.
        dup = self.write("dup.yaml", ONE_ACCOUNT)
        both = self.run_tool("validate", bad, dup, env=env)
        self.assertExit(both, 65)
        self.assertIn("api_url: invalid api url", both.stderr)
        self.assertIn('username "svc@demo" is also declared at', both.stderr)


if __name__ == "__main__":
    unittest.main()
