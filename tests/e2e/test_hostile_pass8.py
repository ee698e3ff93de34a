"""What the hostile pass of session 8 broke, with the run that showed it: a prune could not
deactivate a user whose metadata the tool had filled to the API's 4096 bytes, since the record
saying "active": false is a byte longer than the one saying true."""
import json
import os
import subprocess
import unittest

from harness import RA_BIN, Sandbox, ToolTestCase

RECORD_KEY = "rossum_accounts_applied"
LIMIT = 4096


def size(metadata):
    """The metadata's size as the API counts it: compact JSON, UTF-8."""
    return len(json.dumps(metadata, separators=(",", ":"), ensure_ascii=False).encode())


def metadata_of_size(total):
    """A managed user's metadata, record stating active true, of exactly TOTAL bytes."""
    metadata = {"managed_by": "rossum-accounts",
                RECORD_KEY: {"v": 1, "groups": ["viewer"], "active": True}, "pad": ""}
    metadata["pad"] = "x" * (total - size(metadata))
    assert size(metadata) == total
    return metadata


class PruneAtTheMetadataLimitTest(ToolTestCase):
    MANIFEST = ("version: 1\nprune: true\nmax_deactivations: 5\naccounts:\n"
                "  - username: jane.doe@demo.example\n    groups: [annotator]\n")

    def test_a_deactivation_that_would_pass_the_limit_writes_the_record_empty(self):
        manifest = self.write("m.yaml", self.MANIFEST)
        plan_path = self.tmp + "/plan.json"
        # At 4095 bytes the record saying false just fits; at 4096 it would not.
        cases = {"fits@demo.example": LIMIT - 1, "full@demo.example": LIMIT}
        with Sandbox() as sb:
            for name, total in cases.items():
                sb.add_user(username=name, organization=4201, groups=["viewer"],
                            metadata=metadata_of_size(total))
            env = self.env(sb)
            planned = self.run_tool("plan", manifest, "--format", "json", "--out", plan_path,
                                    env=env)
            applied = self.run_tool("apply", "--plan", plan_path, "--auto-approve", env=env)
            users = {u["username"]: u for u in sb.users() if u["username"] in cases}
        self.assertExit(planned, 0)
        actions = {a["username"]: a for a in json.loads(planned.stdout)["actions"]}
        self.assertEqual(actions["fits@demo.example"]["warnings"], [])
        self.assertEqual(actions["full@demo.example"]["warnings"], [
            'the last-applied record saying active false would take the metadata of '
            '"full@demo.example" beyond the API\'s 4096 bytes; it is written empty, so a later '
            're-activation has cause unknown'])
        self.assertExit(applied, 0)
        self.assertIn("2 deactivated", applied.stdout)
        for name, record in (("fits@demo.example",
                              {"v": 1, "groups": ["viewer"], "active": False}),
                             ("full@demo.example", {"v": 1})):
            with self.subTest(name):
                self.assertFalse(users[name]["is_active"])
                self.assertEqual(users[name]["metadata"][RECORD_KEY], record)
                self.assertLessEqual(size(users[name]["metadata"]), LIMIT)
        self.assertEqual(size(users["fits@demo.example"]["metadata"]), LIMIT)
        self.assertNoSecrets()



class PlanToAnUnwritableStdoutTest(ToolTestCase):
    # `plan --format json > /dev/full`, a closed stdout or a pipe closed early exited 0 with
    # the plan lost: a pipeline posting the plan for review posted nothing and passed. plan and
    # show now fail (1) and say so on stderr.
    MANIFEST = ("version: 1\naccounts:\n  - username: new@demo.example\n    groups: [viewer]\n"
                "    password: {env: SVC_PASSWORD}\n")

    def run_to(self, stdout, *args, env):
        proc = subprocess.run([RA_BIN] + list(args), env=env, cwd=self.tmp,
                              stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                              text=True, timeout=60)
        self.outputs.append(proc.stderr)
        return proc

    @unittest.skipUnless(os.path.exists("/dev/full"), "needs /dev/full")
    def test_plan_and_show_fail_when_stdout_takes_nothing(self):
        manifest = self.write("m.yaml", self.MANIFEST)
        with Sandbox() as sb:
            env = self.env(sb, SVC_PASSWORD=self.password("stdout"))
            saved = self.tmp + "/plan.json"
            self.assertExit(self.run_tool("plan", manifest, "--out", saved, env=env), 0)
            for args in (("plan", manifest, "--format", "json"), ("plan", manifest),
                         ("show", saved, "--format", "markdown")):
                with open("/dev/full", "w") as full:
                    proc = self.run_to(full, *args, env=env)
                self.assertEqual(proc.returncode, 1, args)
                self.assertIn("cannot write the plan to standard output", proc.stderr, args)
            # /dev/null takes everything: no error.
            with open(os.devnull, "w") as null:
                self.assertEqual(self.run_to(null, "plan", manifest, env=env).returncode, 0)
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
