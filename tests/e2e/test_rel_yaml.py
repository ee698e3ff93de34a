"""Reliability matrix Y1-Y12: hostile manifests through the binary (validate and plan).

Every case must end with exit 65 and a clear diagnostic, quickly, without a crash, without
printing the would-be secret, and without a single request reaching the API.
"""
import os
import resource
import subprocess
import time
import unittest

from harness import RA_BIN, SOURCE_DIR, Sandbox, ToolTestCase
from workflow_commands import diagnostics_from_github, diagnostics_from_json, diagnostics_from_text

FIXTURES = os.path.join(SOURCE_DIR, "tests", "fixtures", "manifests", "invalid")
HEADER = "version: 1\naccounts:\n  - username: bot\n    groups: [admin]\n"
# Wall-clock bound for one run: hostile input must fail fast, never hang.
FAST_S = 5
INLINE = "a password is never written inline; use password.env or password.file"


def fixture(name):
    return os.path.join(FIXTURES, name)


class HostileManifestTest(ToolTestCase):
    """Each case runs `validate` and `plan` against one shared sandbox that must see nothing."""

    @classmethod
    def setUpClass(cls):
        cls.sandbox = Sandbox()
        cls.sandbox.start()

    @classmethod
    def tearDownClass(cls):
        cls.sandbox.stop()

    def setUp(self):
        super().setUp()
        self.sandbox.clear_requests()
        self.secrets.add("Secr3t")

    def assertRejected(self, path, *messages):
        """validate and plan both exit 65 fast, name the problem and send no request."""
        for command in ("validate", "plan"):
            started = time.monotonic()
            run = self.run_tool(command, path, env=self.env(self.sandbox), timeout=30)
            elapsed = time.monotonic() - started
            self.assertExit(run, 65)
            self.assertLess(elapsed, FAST_S, "%s took %.1f s" % (command, elapsed))
            self.assertEqual(run.stdout, "", "%s printed to stdout: %r" % (command, run.stdout))
            for message in messages:
                self.assertIn(message, run.stderr, "%s: %r" % (command, run))
            self.assertNotIn("internal error", run.stderr)
            expected = diagnostics_from_text(run.stderr)
            # The same diagnostics as annotations and (validate) as a document, on stdout only.
            formats = [("github", diagnostics_from_github)]
            if command == "validate":
                formats.append(("json", diagnostics_from_json))
            for fmt, parse in formats:
                other = self.run_tool(command, path, "--format", fmt, env=self.env(self.sandbox),
                                      timeout=30)
                self.assertExit(other, 65)
                self.assertEqual(other.stderr, "", "%s --format %s" % (command, fmt))
                self.assertEqual(parse(other.stdout), expected, "%s --format %s" % (command, fmt))
        self.assertEqual(self.sandbox.requests(), [], "a hostile manifest reached the API")
        self.assertNoSecrets()
        return run

    # ---- Y1 nesting ---------------------------------------------------------------------------
    def test_y1_hundred_thousand_open_brackets_are_too_deep(self):
        path = self.write("deep.yaml", "version: 1\naccounts: " + "[" * 100000 + "\n")
        self.assertRejected(path, "deep.yaml:2:42: nesting is too deep")

    def test_y1_six_hundred_deep_block_nesting_is_too_deep(self):
        lines = ["version: 1", "accounts: []", "x:"]
        lines += ["%sk%d:" % ("  " * (i + 1), i) for i in range(600)]
        path = self.write("deep_block.yaml", "\n".join(lines) + " 1\n")
        self.assertRejected(path, "deep_block.yaml:35:65: nesting is too deep")

    def test_y1_y2_deep_and_bomb_fail_cleanly_under_a_256k_stack_and_1g_address_space(self):
        deep = self.write("deep.yaml", "version: 1\naccounts: " + "[" * 100000 + "\n")

        def limits():
            resource.setrlimit(resource.RLIMIT_STACK, (256 * 1024, 256 * 1024))
            # AddressSanitizer reserves terabytes of shadow address space, so the sanitizer
            # build runs this with the stack limit only.
            if not os.environ.get("RA_SANITIZED"):
                resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

        for path, message in ((deep, "deep.yaml:2:42: nesting is too deep"),
                              (fixture("alias_bomb.yaml"), "anchors are not allowed")):
            proc = subprocess.run([RA_BIN, "validate", path], env=self.env(), cwd=self.tmp,
                                  preexec_fn=limits, capture_output=True, text=True, timeout=30)
            self.assertEqual(proc.returncode, 65, proc.stderr)
            self.assertIn(message, proc.stderr)

    # ---- Y2 / Y3 aliases ----------------------------------------------------------------------
    def test_y2_billion_laughs_is_refused_without_expanding(self):
        self.assertRejected(fixture("alias_bomb.yaml"),
                           "alias_bomb.yaml:3:6: lol: anchors are not allowed")

    def test_y3_cyclic_alias_is_refused_without_a_crash(self):
        self.assertRejected(fixture("cyclic_alias.yaml"),
                           "cyclic_alias.yaml:2:11: x[1]: aliases are not allowed")

    # ---- Y4 / Y5 size and file type -----------------------------------------------------------
    def test_y4_twenty_megabyte_manifest_is_refused_before_parsing(self):
        path = self.write("huge.yaml", HEADER)
        os.truncate(path, 20 * 1024 * 1024)
        self.assertRejected(path, "huge.yaml: manifest is larger than 1048576 bytes")

    def test_y5_fifo_is_refused_without_blocking(self):
        path = os.path.join(self.tmp, "pipe.yaml")
        os.mkfifo(path)
        self.assertRejected(path, "pipe.yaml: manifest is not a regular file")

    def test_y5_directory_is_refused(self):
        path = os.path.join(self.tmp, "dir.yaml")
        os.mkdir(path)
        self.assertRejected(path, "dir.yaml: manifest is not a regular file")

    def test_y5_dev_zero_is_refused(self):
        self.assertRejected("/dev/zero", "/dev/zero: manifest is not a regular file")

    # ---- Y6 garbage roots ---------------------------------------------------------------------
    def test_y6_a_lone_comma_is_refused(self):
        self.assertRejected(fixture("comma.yaml"),
                           "comma.yaml:1:1: invalid yaml syntax")

    def test_y6_a_lone_bang_is_refused(self):
        self.assertRejected(fixture("bang.yaml"),
                           "bang.yaml:1:1: the manifest must be a mapping, not a string")

    def test_y6_an_empty_file_is_refused(self):
        self.assertRejected(fixture("empty.yaml"), "empty.yaml: manifest is empty")

    def test_y6_a_top_level_list_is_refused(self):
        self.assertRejected(fixture("top_level_list.yaml"),
                           "top_level_list.yaml:1:1: the manifest must be a mapping, not a sequence")

    def test_y6_two_documents_are_refused(self):
        self.assertRejected(fixture("two_documents.yaml"),
                           "two_documents.yaml:3:1: a manifest holds exactly one yaml document")

    # ---- Y7 / Y8 / Y9 schema ------------------------------------------------------------------
    def test_y7_duplicate_username_names_both_lines(self):
        self.assertRejected(fixture("duplicate_username.yaml"),
                            'duplicate_username.yaml:5:15: accounts[1].username: duplicate '
                            'username "bot@EXAMPLE" (first at 3:15)')

    def test_y8_duplicate_key_is_named(self):
        self.assertRejected(fixture("duplicate_key.yaml"),
                           'duplicate_key.yaml:5:5: accounts[0]: duplicate key "groups" (first at 4:5)')

    def test_y9_unknown_key_gives_the_path_to_the_field(self):
        self.assertRejected(fixture("unknown_key.yaml"),
                           'unknown_key.yaml:5:5: accounts[0]: unknown key "usernmae" '
                           '(did you mean "username"?)')

    def test_y9_misspelled_username_key_is_refused(self):
        path = self.write("typo.yaml", "version: 1\naccounts:\n  - usernmae: bot\n"
                                       "    groups: [admin]\n")
        self.assertRejected(path, 'typo.yaml:3:5: accounts[0]: unknown key "usernmae"')

    def test_y9_wrong_types_are_refused(self):
        self.assertRejected(fixture("wrong_type_groups.yaml"),
                            "wrong_type_groups.yaml:4:13: accounts[0].groups: expected a "
                            "sequence of role names, got a string")
        self.assertRejected(fixture("wrong_type_username.yaml"),
                            "wrong_type_username.yaml:3:15: accounts[0].username: expected a "
                            "string, got a sequence")

    # ---- Y10 merge keys and tags --------------------------------------------------------------
    def test_y10_merge_key_is_refused(self):
        self.assertRejected(fixture("merge_key.yaml"),
                           "merge_key.yaml:5:5: accounts[0]: merge keys are not allowed")

    def test_y10_binary_tag_is_refused(self):
        self.assertRejected(fixture("binary_tag.yaml"),
                           "binary_tag.yaml:3:15: accounts[0].username: tags are not allowed")

    def test_y10_custom_tag_is_refused(self):
        path = self.write("custom.yaml", "version: 1\naccounts:\n  - username: !custom bot\n"
                                         "    groups: [admin]\n")
        self.assertRejected(path, "custom.yaml:3:15: accounts[0].username: tags are not allowed")

    # ---- Y11 unquoted secrets -----------------------------------------------------------------
    def test_y11_anchor_password_is_refused_and_never_printed(self):
        self.assertRejected(fixture("anchor_password.yaml"),
                           "anchor_password.yaml:5:15: accounts[0].password: anchors are not "
                           "allowed", INLINE)

    def test_y11_tag_password_is_refused_and_never_printed(self):
        self.assertRejected(fixture("tag_password.yaml"),
                           "tag_password.yaml:5:15: accounts[0].password: tags are not allowed",
                           INLINE)

    def test_y11_alias_password_is_refused_and_never_printed(self):
        self.assertRejected(fixture("alias_password.yaml"),
                           'alias_password.yaml:5:15: aliases are not allowed (quote a value '
                           'that starts with "*")')

    def test_y11_inline_or_null_password_is_refused(self):
        for value in ("Secr3tInline", "~", "null", "''"):
            path = self.write("inline.yaml", HEADER + "    password: %s\n" % value)
            self.assertRejected(path, "inline.yaml:5:15: accounts[0].password: " + INLINE)

    # ---- Y12 bytes ----------------------------------------------------------------------------
    def test_y12_nul_byte_is_refused(self):
        self.assertRejected(fixture("nul_byte.yaml"),
                           "nul_byte.yaml:2:13: manifest contains a NUL byte")

    def test_y12_invalid_utf8_is_refused_with_the_offset(self):
        self.assertRejected(fixture("invalid_utf8.yaml"),
                            "invalid_utf8.yaml:3:16: invalid UTF-8 at byte offset 36")

    def test_y12_tab_indentation_is_refused(self):
        self.assertRejected(fixture("tabs.yaml"),
                            "tabs.yaml:3:1: tabs are not allowed in indentation")

    def test_y12_a_key_hidden_behind_a_lone_cr_or_line_separator_is_refused(self):
        # libyaml would read "prune: true" as a key; a diff view shows one comment line.
        for sep, message in (("\r", "a carriage return must be followed by a line feed"),
                             ("\u2028", "manifest contains the line break U+2028")):
            path = os.path.join(self.tmp, "hidden.yaml")
            with open(path, "wb") as f:
                f.write((HEADER + "# nothing to change" + sep + "prune: true\n").encode())
            self.assertRejected(path, "hidden.yaml:5:20: " + message)


if __name__ == "__main__":
    unittest.main()
