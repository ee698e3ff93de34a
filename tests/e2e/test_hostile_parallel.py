"""What a hostile user broke in the parallel reads and the GitHub annotations (session 4), each
with the run that showed it."""
import json
import os
import signal
import subprocess
import time
import unittest

from harness import RA_BIN, SeededSandbox, ToolTestCase, demo_seed


class ListChangedWhilePagesAreReadTest(ToolTestCase):
    def test_a_user_removed_while_pages_are_read_in_parallel_is_not_planned_as_a_create(self):
        # 550 users of the organization (the admin and 549 generated), six pages of 100. The
        # pages after the first hang; meanwhile a user of page 1 is removed: the page count stays
        # six, but every later user moves one place back, so bulk.0100 (first of page 2) would be
        # on no page read. The count the pages report (549, not 550) shows the list changed.
        seed = demo_seed(generate=[{"count": 549, "organization": 4201, "prefix": "bulk"}])
        path = self.write("m.yaml", "version: 1\nprune: true\naccounts:\n"
                                    "  - username: bulk.0100@generated.example\n"
                                    "    groups: [annotator]\n")
        with SeededSandbox(seed, self.tmp) as sb:
            victim = next(u for u in sb.users()
                          if u["username"] == "bulk.0050@generated.example")
            sb.fault(method="GET", path="/api/v1/users", action="hang", ms=1500, skip=1, times=5)
            proc = subprocess.Popen([RA_BIN, "plan", path, "--parallelism", "10"],
                                    env=self.env(sb), cwd=self.tmp, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            time.sleep(0.7)
            sb.control("DELETE", "/users/%d" % victim["id"])
            out, err = proc.communicate(timeout=60)
            self.outputs.append(out + err)
            self.assertEqual(proc.returncode, 0, out + err)
        self.assertNotIn("+ create bulk.0100@generated.example", out)
        self.assertIn("~ update bulk.0100@generated.example", out)
        self.assertIn("0 to create", out)
        self.assertNoSecrets()


class StopWhileWritesWaitForTheRateLimitTest(ToolTestCase):
    def test_a_signal_stops_the_writes_that_still_wait_for_the_rate_limiter(self):
        # Every worker passes apply's stop check before its write, then queues in the rate
        # limiter: with --max-rps 2 and --parallelism 32 the queued creates were all still sent
        # seconds after SIGINT, and the run exited 0. The sender now asks again once a write has
        # its slot, and holds it back (not attempted).
        names = ["svc.%02d@demo" % n for n in range(14)]
        lines = ["version: 1", "accounts:"]
        for name in names:
            lines += ["  - username: %s" % name, "    groups: [annotator]",
                      "    password: {env: SVC_PASSWORD}"]
        path = self.write("m.yaml", "\n".join(lines) + "\n")
        password = "Sv-" + os.urandom(8).hex()
        self.secrets.add(password)
        seed = demo_seed(generate=[{"count": 20, "organization": 4201, "prefix": "bulk"}])
        with SeededSandbox(seed, self.tmp) as sb:
            env = self.env(sb, SVC_PASSWORD=password)
            proc = subprocess.Popen([RA_BIN, "apply", path, "--auto-approve", "--format", "json",
                                     "--parallelism", "32", "--max-rps", "2"], env=env,
                                    cwd=self.tmp, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

            def created():
                return len([u for u in sb.users() if u["username"].startswith("svc.")])
            deadline = time.time() + 30
            while time.time() < deadline and created() < 2:
                time.sleep(0.05)
            proc.send_signal(signal.SIGINT)
            at_signal = created()
            out, err = proc.communicate(timeout=60)
            self.outputs.append(out + err)
            after = created()
        report = json.loads(out)
        # At most the one request on the wire at the signal finishes; nothing new is sent.
        self.assertLessEqual(after, at_signal + 1, report["summary"])
        self.assertEqual(proc.returncode, 1)
        self.assertGreater(report["summary"]["not_attempted"], 0)


class GithubFileNamesTest(ToolTestCase):
    MANIFEST = "version: 1\naccounts:\n  - username: a@x\n    groups: [viewer]\n"

    def test_a_valid_manifest_named_like_a_workflow_command_forges_no_command(self):
        # A runner reads every stdout line that starts with "::" (after spaces) as a command:
        # "::stop-commands::..." would silence the annotations after it.
        for name in ("::stop-commands::pwn.yaml", "  ::error::forged.yaml"):
            path = self.write(name, self.MANIFEST)
            run = self.run_tool("validate", name, "--format", "github", env=self.env())
            self.assertExit(run, 0)
            for line in run.stdout.splitlines():
                self.assertFalse(line.lstrip().startswith("::"), line)
            self.assertIn("%3A%3A", run.stdout)
            self.assertIn("valid (1 account)", run.stdout)
            os.unlink(path)

    def test_an_ordinary_valid_manifest_prints_the_text_line_under_github(self):
        self.write("rossum-a.yaml", self.MANIFEST)
        github = self.run_tool("validate", "rossum-a.yaml", "--format", "github", env=self.env())
        text = self.run_tool("validate", "rossum-a.yaml", env=self.env())
        self.assertExit(github, 0)
        self.assertEqual(github.stdout, "rossum-a.yaml: valid (1 account)\n")
        self.assertEqual(github.stdout, text.stdout)


if __name__ == "__main__":
    unittest.main()
