"""What the hostile pass of session 8 broke, with the run that showed it: a prune could not
deactivate a user whose metadata the tool had filled to the API's 4096 bytes, since the record
saying "active": false is a byte longer than the one saying true."""
import json
import unittest

from harness import Sandbox, ToolTestCase

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


if __name__ == "__main__":
    unittest.main()
