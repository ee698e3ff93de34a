"""What a hostile user broke in the stop of a parallel apply (session 5), with the run that
showed it."""
import json
import signal
import subprocess
import unittest

from harness import RA_BIN, SeededSandbox, ToolTestCase, demo_seed


class StopWhileAWriteWaitsForItsRetryTest(ToolTestCase):
    def test_a_patch_answered_503_and_stopped_before_its_retry_is_unknown_not_not_attempted(self):
        # The PATCH is written, then answered 503 with Retry-After 3: while it waits to be sent
        # again, SIGINT comes. The retry is held back, but the first attempt may have written
        # (here it did), so "not attempted; the user was read but not patched" was false.
        seed = demo_seed(generate=[{"count": 3, "organization": 4201, "prefix": "bulk"}])
        username = "bulk.0001@generated.example"
        path = self.write("m.yaml", "version: 1\naccounts:\n  - username: %s\n"
                                    "    groups: [annotator]\n    first_name: Changed\n"
                          % username)
        with SeededSandbox(seed, self.tmp) as sb:
            sb.fault(method="PATCH", path="/api/v1/users/", prefix=True,
                     action="status_after_commit", status=503, headers={"Retry-After": "3"})
            proc = subprocess.Popen([RA_BIN, "apply", path, "--auto-approve", "--format", "json",
                                     "-v"], env=self.env(sb), cwd=self.tmp,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            err = ""
            for line in proc.stderr:
                err += line
                if line.startswith("PATCH ") and "retrying in" in line:
                    proc.send_signal(signal.SIGINT)
                    break
            out, rest = proc.communicate(timeout=60)
            err += rest
            self.outputs.append(out + err)
            user = sb.users_named(username)[0]
            patches = [r for r in sb.requests() if r["method"] == "PATCH"]
        self.assertIn("retrying in", err)
        self.assertEqual(user["first_name"], "Changed")  # the first attempt did write
        self.assertEqual(len(patches), 1, patches)  # and the retry was not sent
        report = json.loads(out)
        [result] = report["results"]
        self.assertEqual(result["status"], "unknown", result)
        self.assertIn("not retried, the run was asked to stop; the request may have been "
                      "processed", result["error"])
        self.assertEqual(report["summary"]["not_attempted"], 0)
        self.assertEqual(proc.returncode, 3, out + err)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
