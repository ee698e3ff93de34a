"""Plans without credentials (issue 9, part 4): `snapshot` writes the organization's live state
with GET requests only and no secret; `plan --snapshot` plans against it with no network and no
credentials, and says so; a saved plan made from it is applied only after apply --plan's live
re-read, which refuses it when a user changed since the snapshot.
"""
import glob
import json
import os
import shutil
import subprocess
import unittest

from harness import RA_BIN, Sandbox, ToolTestCase

JANE = "jane.doe@demo.example"  # the demo sandbox's annotator


def actions(plan):
    """What a plan would do: its actions (fingerprints included) and its warnings."""
    return plan["actions"], plan["warnings"]


def unshare_works():
    """Whether `unshare -n` (a private network namespace with no interface up) is permitted."""
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True,
                              timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


class SnapshotTest(ToolTestCase):

    def take_snapshot(self, sb):
        """A snapshot of the demo sandbox into the working directory; its path and text."""
        path = os.path.join(self.tmp, "snapshot.json")
        sb.clear_requests()
        run = self.run_tool("snapshot", "--output", path, env=self.env(sb))
        self.assertExit(run, 0)
        with open(path) as f:
            return path, f.read()

    def offline_env(self):
        """An environment with no ROSSUM_* variable at all."""
        env = self.env()
        self.assertFalse([k for k in env if k.startswith("ROSSUM_")])
        return env

    def test_snapshot_reads_only_and_holds_no_secret(self):
        with Sandbox() as sb:
            path, text = self.take_snapshot(sb)
            methods = {r["method"] for r in sb.api_requests()}
            self.assertEqual(methods, {"GET"})
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o644)
        self.assertNotIn(sb.admin_password, text)
        tokens = []
        for cached in glob.glob(os.path.join(self.tmp, "cache", "**", "*.json"), recursive=True):
            with open(cached) as f:
                tokens.append(json.load(f)["token"])
        self.assertTrue(tokens, "the run cached its token, which the file must not hold")
        for token in tokens:
            self.assertNotIn(token, text)
        snapshot = json.loads(text)
        self.assertEqual(snapshot["format_version"], 1)
        self.assertEqual(snapshot["api_url"], sb.url)
        self.assertTrue(snapshot["taken_at"].endswith("Z"))
        self.assertEqual(snapshot["caller"]["username"], sb.admin_username)
        self.assertIn(JANE, [u["username"] for u in snapshot["users"]])
        self.assertTrue(snapshot["queues"])
        self.assertTrue(snapshot["roles"])
        self.assertNoSecrets(text)

    def test_snapshot_without_output_prints_it(self):
        with Sandbox() as sb:
            run = self.run_tool("snapshot", env=self.env(sb))
            self.assertExit(run, 0)
            self.assertEqual(json.loads(run.stdout)["api_url"], sb.url)

    def test_plan_from_a_snapshot_is_the_live_plan_with_no_sandbox_running(self):
        manifest = self.write_manifest()
        with Sandbox() as sb:
            live = self.run_tool("plan", manifest, "--format", "json", env=self.env(sb))
            self.assertExit(live, 0)
            path, _ = self.take_snapshot(sb)
        # The sandbox has stopped: any request would fail.
        run = self.run_tool("plan", "--snapshot", path, manifest, "--format", "json",
                            env=self.offline_env())
        self.assertExit(run, 0)
        from_snapshot = json.loads(run.stdout)
        self.assertEqual(actions(from_snapshot), actions(json.loads(live.stdout)))
        self.assertEqual(from_snapshot["api_url"], sb.url)
        self.assertEqual(set(from_snapshot["snapshot"]), {"taken_at", "age_s"})
        self.assertGreaterEqual(from_snapshot["snapshot"]["age_s"], 0)
        text = self.run_tool("plan", "--snapshot", path, manifest, env=self.offline_env())
        self.assertExit(text, 0)
        self.assertRegex(text.stdout, r"Based on a snapshot taken \S+Z \(\d+ (s|min) ago\); apply "
                                      r"re-reads the live users\.")
        markdown = self.run_tool("plan", "--snapshot", path, manifest, "--format", "markdown",
                                 env=self.offline_env())
        self.assertExit(markdown, 0)
        self.assertIn("> Based on a snapshot taken ", markdown.stdout)

    def test_plan_from_a_snapshot_without_any_network(self):
        if not unshare_works():
            self.skipTest("unshare -n is not permitted here (needs a user or network namespace)")
        manifest = self.write_manifest()
        with Sandbox() as sb:
            path, _ = self.take_snapshot(sb)
            live = self.run_tool("plan", manifest, "--format", "json", env=self.env(sb))
            sb.clear_requests()
            proc = subprocess.run(["unshare", "-n", RA_BIN, "plan", "--snapshot", path, manifest,
                                   "--format", "json"], env=self.offline_env(), cwd=self.tmp,
                                  capture_output=True, text=True, timeout=120)
            self.assertEqual(proc.returncode, 0, proc.stderr)
            self.assertEqual(actions(json.loads(proc.stdout)), actions(json.loads(live.stdout)))
            # While the sandbox runs, the offline plan made no request to it.
            self.assertEqual(sb.api_requests(), [])

    def test_another_api_url_is_a_usage_error(self):
        manifest = self.write_manifest()
        with Sandbox() as sb:
            path, _ = self.take_snapshot(sb)
        run = self.run_tool("plan", "--snapshot", path, manifest,
                            env=self.env(ROSSUM_API_URL="https://other.rossum.app/api"))
        self.assertExit(run, 64)
        self.assertIn("a snapshot plans only for its own API", run.stderr)

    def test_saved_plan_from_a_snapshot_applies_live_and_is_refused_when_stale(self):
        manifest = self.write_manifest()
        new_bot = self.password("new-bot")
        with Sandbox() as sb:
            path, _ = self.take_snapshot(sb)
            saved = os.path.join(self.tmp, "plan.json")
            run = self.run_tool("plan", "--snapshot", path, manifest, "--out", saved,
                                env=self.offline_env())
            self.assertExit(run, 0)
            with open(saved) as f:
                self.assertIn("snapshot", json.load(f))
            # Someone changes Jane after the snapshot: the saved plan is stale.
            jane = sb.users_named(JANE)[0]
            sb.patch_user(jane["id"], first_name="Changed-After-Snapshot")
            env = self.env(sb, ROSSUM_API_URL=None, NEW_BOT_PASSWORD=new_bot)
            stale = self.run_tool("apply", "--plan", saved, "--auto-approve", env=env)
            self.assertExit(stale, 1)
            self.assertIn("is stale; nothing was applied", stale.stderr)
            self.assertEqual(sb.users_named("new.bot@demo"), [])
            # A fresh snapshot, a fresh plan: apply --plan re-reads the users and applies it.
            path, _ = self.take_snapshot(sb)
            run = self.run_tool("plan", "--snapshot", path, manifest, "--out", saved,
                                env=self.offline_env())
            self.assertExit(run, 0)
            applied = self.run_tool("apply", "--plan", saved, "--auto-approve", env=env)
            self.assertExit(applied, 0)
            self.assertEqual(len(sb.users_named("new.bot@demo")), 1)
            self.assertEqual(len(sb.users_named(JANE)[0]["groups"]), 1)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
