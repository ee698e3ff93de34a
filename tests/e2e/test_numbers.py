"""Numbers in the manifest reach the API exactly, or the manifest is refused (docs/design.md §4.4)."""
import json
import unittest

from harness import Sandbox, ToolTestCase

MANIFEST = """\
version: 1
accounts:
  - username: numbers.bot@demo
    groups: [annotator]
    password: {{env: NUMBERS_BOT_PASSWORD}}
    metadata: {{{metadata}}}
"""


class NumbersTest(ToolTestCase):
    def manifest(self, metadata):
        return self.write("m.yaml", MANIFEST.format(metadata=metadata))

    def test_big_integers_and_floats_reach_the_api_exactly_on_create_and_update(self):
        path = self.manifest("big: 12345678901234567890, low: -9223372036854775808, "
                             "plus: +12, ratio: 1.0, text: 1_000")
        with Sandbox() as sb:
            env = self.env(sb, NUMBERS_BOT_PASSWORD=self.password("numbers"))
            plan = self.run_tool("plan", path, "--format", "json", env=env)
            self.assertExit(plan, 0)
            self.assertIn('"after": 12345678901234567890', plan.stdout)
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            metadata = sb.users_named("numbers.bot@demo")[0]["metadata"]
            self.assertEqual(metadata["big"], 12345678901234567890)
            self.assertIsInstance(metadata["big"], int)
            self.assertEqual(metadata["low"], -9223372036854775808)
            self.assertEqual(metadata["plus"], 12)
            self.assertEqual(metadata["ratio"], 1.0)
            self.assertIsInstance(metadata["ratio"], float)
            self.assertEqual(metadata["text"], "1_000")
            # An update sends the new integer exactly too; in sync afterwards.
            self.manifest("big: 18446744073709551615")
            self.assertExit(self.run_tool("apply", path, "--auto-approve", env=env), 0)
            metadata = sb.users_named("numbers.bot@demo")[0]["metadata"]
            self.assertEqual(metadata["big"], 18446744073709551615)
            again = self.run_tool("plan", path, "--detailed-exitcode", env=env)
            self.assertExit(again, 0)
        self.assertNoSecrets()

    def test_non_finite_and_oversized_numbers_are_65_with_no_request(self):
        cases = ((".inf", "infinity and NaN are not allowed"),
                 ("-.inf", "infinity and NaN are not allowed"),
                 (".nan", "infinity and NaN are not allowed"),
                 ("1e400", "number is out of range for a 64-bit float"),
                 ("18446744073709551616", "integer is out of range"),
                 ("0x10", "hexadecimal and octal integers are not allowed"),
                 ("007", "an integer with a leading zero is ambiguous"))
        with Sandbox() as sb:
            env = self.env(sb, NUMBERS_BOT_PASSWORD=self.password("numbers"))
            for value, why in cases:
                path = self.manifest("k: " + value)
                for command in (["validate"], ["plan"], ["apply", "--auto-approve"]):
                    run = self.run_tool(*command, path, env=env)
                    self.assertExit(run, 65)
                    self.assertIn(path + ":6:19: accounts[0].metadata.k: " + why, run.stderr)
            self.assertEqual(sb.requests(), [])
            self.assertEqual(sb.users_named("numbers.bot@demo"), [])
        self.assertNoSecrets()


if __name__ == "__main__":
    unittest.main()
