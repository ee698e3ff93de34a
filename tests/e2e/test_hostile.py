"""What a second hostile session found after the fixes of issue 8 (one test per defect).

Each test reproduces a defect with the built tool against the sandbox; see the docstrings.
"""
import os
import signal
import subprocess
import time
import unittest

from harness import RA_BIN, Sandbox, SavedPlanTestCase, ToolTestCase, other_requests, writes, without_record

MANIFEST = """\
version: 1
accounts:
  - username: svc.hostile@demo.example
    groups: [annotator]
    password: {env: SVC_PASSWORD}
"""


class HostilePlanTest(SavedPlanTestCase):
    MANIFEST = MANIFEST

    def test_a_password_source_edited_away_from_the_shown_one_is_65_with_nothing_written(self):
        # The screen shows `password = (sensitive: env SVC_PASSWORD)` (the change's label) but
        # the executor reads `password_source`: edited to ROSSUM_PASSWORD, apply created the
        # service account with the admin's own password, exit 0.
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("svc"))
            plan = self.make_plan(env)

            def edit(p):
                p["actions"][0]["password_source"] = {"env": "ROSSUM_PASSWORD"}
            run, _ = self.apply_edited(sb, env, plan, edit)
            self.assertExit(run, 65)
            self.assertIn("actions[0].changes[4].after", run.stderr)
            self.assertEqual(writes(sb), [])
            self.assertEqual(sb.users_named("svc.hostile@demo.example"), [])
            self.assertNoSecrets()

    def test_an_unedited_plan_with_a_password_file_still_applies(self):
        with Sandbox() as sb:
            secret = self.password("file")
            self.write("secrets/svc.txt", secret + "\n", mode=0o600)
            manifest = self.write("file.yaml", MANIFEST.replace(
                "{env: SVC_PASSWORD}", "{file: secrets/svc.txt}"))
            env = self.env(sb)
            self.make_plan(env, manifest)
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env,
                                cwd="/")
            self.assertExit(run, 0)
            self.assertEqual(len(sb.users_named("svc.hostile@demo.example")), 1)
            self.assertNoSecrets()

    def jane_plan(self, env):
        manifest = self.write("jane.yaml", "version: 1\naccounts:\n"
                              "  - username: jane.doe@demo.example\n    groups: [viewer]\n")
        return self.make_plan(env, manifest)

    def test_a_deactivate_of_a_user_the_tool_does_not_manage_is_65_with_nothing_written(self):
        # Jane carries no ownership marker; a fresh plan never deactivates her (prune touches
        # marked users only), but her update edited into a deactivate was applied, exit 0.
        with Sandbox() as sb:
            env = self.env(sb)
            plan = self.jane_plan(env)

            def edit(p):
                a = p["actions"][0]
                a["action"] = "deactivate"
                a["changes"] = [{"field": "active", "before": True, "after": False}]
            run, _ = self.apply_edited(sb, env, plan, edit)
            self.assertExit(run, 65)
            self.assertIn("actions[0].action", run.stderr)
            self.assertIn("ownership marker", run.stderr)
            self.assertEqual(writes(sb), [])
            self.assertTrue(sb.users_named("jane.doe@demo.example")[0]["is_active"])

    def test_an_update_of_an_unmanaged_user_that_does_not_adopt_it_is_65(self):
        # Every update a fresh plan makes of an unmarked user sets the marker (adoption);
        # with the marker change deleted, the edited plan changed her roles unmarked.
        with Sandbox() as sb:
            env = self.env(sb)
            plan = self.jane_plan(env)

            def edit(p):
                a = p["actions"][0]
                a["changes"] = [c for c in a["changes"] if c["field"] != "managed_by"]
            run, _ = self.apply_edited(sb, env, plan, edit)
            self.assertExit(run, 65)
            self.assertIn("actions[0].changes", run.stderr)
            self.assertEqual(writes(sb), [])

    def test_an_unedited_plan_adopting_an_unmanaged_user_still_applies(self):
        with Sandbox() as sb:
            env = self.env(sb)
            self.jane_plan(env)
            run = self.run_tool("apply", "--plan", self.plan_path, "--auto-approve", env=env)
            self.assertExit(run, 0)
            jane = sb.users_named("jane.doe@demo.example")[0]
            self.assertEqual(without_record(jane["metadata"]), {"managed_by": "rossum-accounts"})


class OutOfBandTest(ToolTestCase):
    def test_a_user_deleted_while_apply_asks_is_not_updated(self):
        # john was soft-deleted while the question waited; the metadata re-read just before the
        # PATCH saw `deleted: true`, yet the tool patched the deleted user and counted it
        # updated (exit 0).
        manifest = self.write("john.yaml", "version: 1\naccounts:\n"
                              "  - username: john.smith@demo.example\n    groups: [annotator]\n"
                              "    metadata: {team: x}\n")
        with Sandbox() as sb:
            run = self.run_in_terminal(
                "apply", manifest, env=self.env(sb),
                on_prompt=lambda: sb.patch_user(10003, deleted=True))
            self.assertExit(run, 3)
            self.assertIn('the user "john.smith@demo.example" was deleted since the plan was made; '
                          "nothing was written", run.stdout)
            john = sb.control("GET", "/users/10003")
            self.assertEqual(john["metadata"], {})
            self.assertEqual(len(john["groups"]), 1)
            patches = [r for r in sb.requests() if r["method"] == "PATCH"]
            self.assertEqual(patches, [])


    # A prune deactivate (or an update of groups, names or active only) of a user soft-deleted
    # while the question waited was sent blind: only a PATCH that wrote metadata re-read the
    # user first, so the deleted user was patched and counted "deactivated". Every PATCH now
    # reads its user first (docs/design.md §5.3).
    def test_a_marked_user_deleted_while_apply_asks_is_not_deactivated(self):
        manifest = self.write("prune.yaml", "version: 1\nprune: true\naccounts:\n"
                              "  - username: jane.doe@demo.example\n    groups: [annotator]\n")
        with Sandbox() as sb:
            sb.patch_user(10003, metadata={"managed_by": "rossum-accounts"})
            run = self.run_in_terminal(
                "apply", manifest, env=self.env(sb),
                on_prompt=lambda: sb.patch_user(10003, deleted=True))
            patches = [r for r in sb.requests()
                       if r["method"] == "PATCH" and r["path"].endswith("/users/10003")]
            self.assertEqual(patches, [], repr(run))
            self.assertExit(run, 3)
            self.assertIn('the user "john.smith@demo.example" was deleted since the plan was made; '
                          "nothing was written", run.stdout)
            self.assertTrue(sb.control("GET", "/users/10003")["is_active"])

    def test_an_update_without_metadata_of_a_user_deleted_while_apply_asks_writes_nothing(self):
        manifest = self.write("john.yaml", "version: 1\naccounts:\n"
                              "  - username: john.smith@demo.example\n"
                              "    groups: [annotator, viewer]\n")
        with Sandbox() as sb:
            run = self.run_in_terminal(
                "apply", manifest, env=self.env(sb),
                on_prompt=lambda: sb.patch_user(10003, deleted=True))
            self.assertExit(run, 3)
            self.assertIn('the user "john.smith@demo.example" was deleted since the plan was made; '
                          "nothing was written", run.stdout)
            self.assertEqual([r for r in sb.requests() if r["method"] == "PATCH"], [])

    def test_a_marked_user_deactivated_while_apply_asks_is_done_without_a_patch(self):
        manifest = self.write("prune.yaml", "version: 1\nprune: true\naccounts:\n"
                              "  - username: jane.doe@demo.example\n    groups: [annotator]\n")
        with Sandbox() as sb:
            sb.patch_user(10003, metadata={"managed_by": "rossum-accounts"})
            run = self.run_in_terminal(
                "apply", manifest, env=self.env(sb),
                on_prompt=lambda: sb.patch_user(10003, is_active=False))
            self.assertExit(run, 0)
            self.assertIn("already inactive; nothing was written", run.stdout)
            patches = [r for r in sb.requests()
                       if r["method"] == "PATCH" and r["path"].endswith("/users/10003")]
            self.assertEqual(patches, [])


class InterruptedTokenTest(ToolTestCase):
    # With --no-token-cache the login token was asked for with the server's full lifetime
    # (583200 s) because it is the run's only token and is logged out at the end. A run that
    # does not reach its end (a second SIGINT "stops at once", kill -9 by a CI timeout) left
    # that admin token valid for 162 h. The run token now has a lifetime of minutes and is
    # renewed while the run lasts (docs/design.md §11.3).
    def test_a_no_token_cache_run_stopped_at_once_leaves_no_long_lived_token(self):
        manifest = self.write("many.yaml", "version: 1\naccounts:\n" + "".join(
            "  - username: stop.%d@demo.example\n    groups: [viewer]\n"
            "    password: {env: STOP_PASSWORD}\n" % i for i in range(6)))
        with Sandbox("--latency-ms", "500") as sb:
            env = self.env(sb, STOP_PASSWORD=self.password("stop"))
            proc = subprocess.Popen([RA_BIN, "apply", manifest, "--auto-approve",
                                     "--no-token-cache"], env=env, cwd=self.tmp,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            deadline = time.time() + 30
            while time.time() < deadline and not any(
                    r["method"] == "POST" and r["path"] == "/api/v1/users"
                    for r in sb.requests()):
                time.sleep(0.1)
            proc.send_signal(signal.SIGINT)
            time.sleep(0.1)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
            self.outputs.append(out + err)
            self.assertIn(proc.returncode, (130, -signal.SIGINT), err)  # stopped at once
            long_lived = [t for t in sb.live_tokens() if t["lifetime_s"] > 3600]
            self.assertEqual(long_lived, [])


class TokenOutputTest(ToolTestCase):
    def test_a_token_that_cannot_be_written_is_logged_out(self):
        # `token --output DIR` exchanged a 162 h token, then failed to write it (exit 1) and
        # left it valid: a long-lived token nobody holds.
        manifest = self.write("svc.yaml", MANIFEST)
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("svc"))
            run = self.run_tool("apply", manifest, "--auto-approve", env=env)
            self.assertExit(run, 0)
            sb.expire_tokens()
            os.makedirs(os.path.join(self.tmp, "a-directory"))
            run = self.run_tool("token", "svc.hostile@demo.example", "--manifest", manifest,
                                "--output", "a-directory", env=env)
            self.assertExit(run, 1)
            self.assertIn("cannot write a-directory: is a directory; the token was logged out",
                          run.stderr)
            long_lived = [t for t in sb.live_tokens() if t["lifetime_s"] > 300]
            self.assertEqual(long_lived, [])
            self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
