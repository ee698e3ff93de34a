"""Reliability matrix S1-S8 and C8: where secrets come from and where they must never go."""
import glob
import json
import os
import subprocess
import time
import unittest
import urllib.error
import urllib.request

from harness import RA_BIN, Sandbox, ToolTestCase, writes

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def manifest_text(source, username="svc-bot@example"):
    return ("version: 1\naccounts:\n  - username: %s\n    groups: [annotator]\n"
            "    password:\n      %s\n" % (username, source))


def login(sandbox, username, password):
    """Status of a direct /auth/login as the service account."""
    body = json.dumps({"username": username, "password": password}).encode()
    req = urllib.request.Request(sandbox.url + "/v1/auth/login", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    try:
        with _OPENER.open(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as e:
        return e.code


class SecretSourceTest(ToolTestCase):
    def apply(self, sandbox, manifest, *flags, **env):
        return self.run_tool("apply", manifest, "--auto-approve", *flags,
                             env=self.env(sandbox, **env))

    def assertNoWrites(self, sandbox):
        self.assertEqual(writes(sandbox), [])
        self.assertEqual(sandbox.users_named("svc-bot@example"), [])

    # ---- S1 file modes and symlinks -----------------------------------------------------------
    def test_s1_group_readable_secret_file_is_refused_naming_file_and_mode(self):
        secret = self.password("s1")
        pw = self.write("pw.txt", secret, mode=0o644)
        manifest = self.write("accounts.yaml", manifest_text("file: pw.txt"))
        with Sandbox() as sb:
            run = self.apply(sb, manifest)
            self.assertExit(run, 65)
            self.assertIn('account "svc-bot@example": password file %s is accessible by group or '
                          'others (mode 0644); chmod 600 it' % pw, run.stderr)
            self.assertNoWrites(sb)
        self.assertNoSecrets()

    def test_s1_symlink_to_a_private_file_is_followed(self):
        secret = self.password("s1link")
        self.write("real/pw.txt", secret, mode=0o600)
        os.symlink(os.path.join(self.tmp, "real", "pw.txt"), os.path.join(self.tmp, "pw.txt"))
        manifest = self.write("accounts.yaml", manifest_text("file: pw.txt"))
        with Sandbox() as sb:
            self.assertExit(self.apply(sb, manifest), 0)
            self.assertEqual(len(sb.users_named("svc-bot@example")), 1)
            self.assertEqual(login(sb, "svc-bot@example", secret), 200)
        self.assertNoSecrets()

    # ---- S2 environment -----------------------------------------------------------------------
    def test_s2_unset_or_empty_variable_is_refused_naming_the_variable(self):
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        with Sandbox() as sb:
            run = self.apply(sb, manifest, SVC_BOT_PASSWORD=None)
            self.assertExit(run, 65)
            self.assertIn('account "svc-bot@example": password variable SVC_BOT_PASSWORD is not '
                          'set', run.stderr)
            run = self.apply(sb, manifest, SVC_BOT_PASSWORD="")
            self.assertExit(run, 65)
            self.assertIn('account "svc-bot@example": password variable SVC_BOT_PASSWORD is '
                          'empty', run.stderr)
            self.assertNoWrites(sb)
        self.assertNoSecrets()

    def test_s2_a_token_with_a_line_break_is_refused_before_any_request(self):
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        token = "tok-" + os.urandom(8).hex()
        self.secrets.add(token)
        with Sandbox() as sb:
            run = self.run_tool("plan", manifest, env=self.env(
                ROSSUM_API_URL=sb.url, ROSSUM_TOKEN=token + "\r\nX-Injected: 1"))
            self.assertExit(run, 64)
            self.assertIn("ROSSUM_TOKEN contains spaces or control characters", run.stderr)
            self.assertEqual(sb.requests(), [])
        self.assertNoSecrets()

    # ---- S3 file contents ---------------------------------------------------------------------
    def test_s3_one_trailing_newline_is_stripped_and_the_password_works(self):
        secret = self.password("s3")
        self.write("pw.txt", secret + "\n", mode=0o600)
        manifest = self.write("accounts.yaml", manifest_text("file: pw.txt"))
        with Sandbox() as sb:
            self.assertExit(self.apply(sb, manifest), 0)
            self.assertEqual(login(sb, "svc-bot@example", secret), 200)
            self.assertEqual(login(sb, "svc-bot@example", secret + "\n"), 401)
        self.assertNoSecrets()

    def test_s3_embedded_carriage_return_or_nul_is_refused(self):
        manifest = self.write("accounts.yaml", manifest_text("file: pw.txt"))
        with Sandbox() as sb:
            for contents in ("Pw-first-half\rsecond-half", "Pw-first-half\0second-half"):
                self.secrets.update(contents.replace("\r", "\0").split("\0"))
                path = os.path.join(self.tmp, "pw.txt")
                with open(path, "w") as f:
                    f.write(contents)
                os.chmod(path, 0o600)
                run = self.apply(sb, manifest)
                self.assertExit(run, 65)
                self.assertIn('account "svc-bot@example": %s: password file contains a control '
                              'character' % path, run.stderr)
            self.assertNoWrites(sb)
        self.assertNoSecrets()

    # ---- S4 / S7 the running process ----------------------------------------------------------
    def test_s4_s7_running_apply_has_no_secret_in_argv_and_cannot_dump_core(self):
        secret = self.password("s4")
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        with Sandbox() as sb:
            sb.fault(method="POST", path="/api/v1/users", action="hang", ms=4000)
            env = self.env(sb, SVC_BOT_PASSWORD=secret)
            proc = subprocess.Popen([RA_BIN, "apply", manifest, "--auto-approve"], env=env,
                                    cwd=self.tmp, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True)
            try:
                deadline = time.time() + 10
                while time.time() < deadline and not any(
                        r["method"] == "GET" and r["path"].endswith("/v1/users")
                        for r in sb.requests()):
                    time.sleep(0.1)
                time.sleep(0.3)  # the POST is now hanging in the sandbox
                self.assertIsNone(proc.poll(), "apply ended before the hanging POST")
                with open("/proc/%d/cmdline" % proc.pid, "rb") as f:
                    cmdline = f.read().decode(errors="replace")
                with open("/proc/%d/limits" % proc.pid) as f:
                    limits = f.read()
            finally:
                out, err = proc.communicate(timeout=60)
            self.outputs += [out, err, cmdline]
            self.assertIn("apply\0", cmdline)
            core_line = [line for line in limits.splitlines()
                         if line.startswith("Max core file size")]
            self.assertEqual(core_line[0].split()[4:6], ["0", "0"], core_line)
            self.assertEqual(proc.returncode, 0, err)
        self.assertNoSecrets()

    # ---- S5 verbose ---------------------------------------------------------------------------
    def test_s5_verbose_apply_logs_requests_without_secrets_or_authorization(self):
        secret = self.password("s5")
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        with Sandbox() as sb:
            run = self.apply(sb, manifest, "-v", SVC_BOT_PASSWORD=secret)
            self.assertExit(run, 0)
            self.assertIn("POST %s/v1/users -> 201" % sb.url, run.stderr)
            self.assertIn("GET %s/v1/users?" % sb.url, run.stderr)
            caches = glob.glob(os.path.join(self.tmp, "cache", "rossum-accounts", "*.json"))
            self.assertEqual(len(caches), 1)
            self.assertEqual(os.stat(os.path.dirname(caches[0])).st_mode & 0o777, 0o700)
            for cache in caches:
                self.assertEqual(os.stat(cache).st_mode & 0o777, 0o600)
                with open(cache) as f:
                    self.secrets.add(json.load(f)["token"])
            self.assertTrue(len(self.secrets) >= 3, "the cached token was not found")
        self.assertNotIn("Authorization", run.output)
        self.assertNotIn("Bearer", run.output)
        self.assertNoSecrets()

    # ---- S6 server echoes the password --------------------------------------------------------
    def test_s6_password_echoed_in_a_400_body_is_masked(self):
        # Quotes, a backslash and non-ASCII: the echo must be masked in every encoding.
        secret = self.password("s6") + '-"q\\b-\u00e9'
        self.secrets.add(secret)
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        echo = {"password": ["'%s' is too common" % secret], secret: ["as a key"]}
        with Sandbox() as sb:
            env = self.env(sb, SVC_BOT_PASSWORD=secret)
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=400, body=echo)
            run = self.apply(sb, manifest, "-v", SVC_BOT_PASSWORD=secret)
            self.assertExit(run, 3)
            self.assertIn("password: '***' is too common", run.output)
            sb.fault(method="POST", path="/api/v1/users", action="respond", status=400, body=echo)
            json_run = self.run_tool("apply", manifest, "--auto-approve", "--format", "json",
                                     env=env)
            self.assertExit(json_run, 3)
            error = json.loads(json_run.stdout)["results"][0]["error"]
            self.assertIn("password: '***' is too common", error)
            self.assertEqual(sb.users_named("svc-bot@example"), [])
            self.assertExit(self.apply(sb, manifest, SVC_BOT_PASSWORD=secret), 0)
            self.assertEqual(login(sb, "svc-bot@example", secret), 200)
        self.assertNoSecrets()

    # ---- S8 SSLKEYLOGFILE ---------------------------------------------------------------------
    def test_s8_sslkeylogfile_set_gives_one_warning(self):
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        with Sandbox() as sb:
            run = self.run_tool("plan", manifest, env=self.env(
                sb, SSLKEYLOGFILE=os.path.join(self.tmp, "keys.log")))
            self.assertExit(run, 0)
            self.assertEqual(run.stderr.count("SSLKEYLOGFILE is set"), 1, run.stderr)
            self.assertIn("rossum-accounts: warning: SSLKEYLOGFILE is set: libcurl writes this "
                          "run's TLS session keys to that file", run.stderr)
        self.assertNoSecrets()

    # ---- C8 plan file and report --------------------------------------------------------------
    def test_c8_plan_file_and_json_report_hold_no_secret(self):
        secret = self.password("c8")
        manifest = self.write("accounts.yaml", manifest_text("env: SVC_BOT_PASSWORD"))
        with Sandbox() as sb:
            env = self.env(sb, SVC_BOT_PASSWORD=secret)
            plan_path = os.path.join(self.tmp, "plan.json")
            self.assertExit(self.run_tool("plan", manifest, "--out", plan_path, "--format", "json",
                                          env=env), 0)
            with open(plan_path) as f:
                saved = f.read()
            self.assertIn('"password_source": {"env": "SVC_BOT_PASSWORD"}',
                          json.dumps(json.loads(saved)))
            self.assertIn("(sensitive: env SVC_BOT_PASSWORD)", saved)
            report = self.run_tool("apply", "--plan", plan_path, "--auto-approve", "--format",
                                   "json", env=env)
            self.assertExit(report, 0)
            self.assertEqual(json.loads(report.stdout)["summary"]["created"], 1)
            self.assertEqual(login(sb, "svc-bot@example", secret), 200)
            # show renders the saved plan, in every format, from the file alone.
            for fmt in ("text", "json", "markdown", "github"):
                shown = self.run_tool("show", plan_path, "--format", fmt, env=self.env())
                self.assertExit(shown, 0)
                self.assertIn("SVC_BOT_PASSWORD", shown.stdout)
        self.assertNoSecrets(saved)


if __name__ == "__main__":
    unittest.main()
