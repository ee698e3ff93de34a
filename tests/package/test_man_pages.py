"""rossum-accounts(1) and rossum-sandbox(1), as the build wrote them: they render with groff and
man without a single warning, and document every command and option --help lists."""
import os
import re
import shutil
import unittest

from shipping import require, DOC_DIR, RA_BIN, help_commands, help_options, run

PAGES = ("rossum-accounts.1", "rossum-sandbox.1")
MAN_ENV = dict(os.environ, LC_ALL="C.UTF-8", MANROFFSEQ="", MANWIDTH="80")


def page(name):
    return os.path.join(DOC_DIR, name)


def rendered(name):
    """The page as man shows it, without the bold/underline overstrikes."""
    result = run(["man", "-E", "UTF-8", "-l", "-Tutf8", page(name)], env=MAN_ENV)
    return re.sub(r".\x08", "", result.stdout)


class ManPages(unittest.TestCase):
    def test_groff_renders_them_without_warnings(self):
        require("groff")
        for name in PAGES:
            with self.subTest(page=name):
                result = run(["groff", "-man", "-Tutf8", "-ww", "-z", page(name)])
                self.assertEqual((result.returncode, result.stderr), (0, ""))

    def test_man_renders_them_without_warnings(self):
        require("man")
        for name in PAGES:
            with self.subTest(page=name):
                result = run(["man", "--warnings", "-E", "UTF-8", "-l", "-Tutf8", page(name)],
                             env=MAN_ENV)
                self.assertEqual((result.returncode, result.stderr), (0, ""))
                self.assertIn("NAME", result.stdout)

    def test_rossum_accounts_page_documents_every_command_and_option(self):
        require("man")
        text = rendered("rossum-accounts.1")
        self.assertRegex(text, r"rossum-accounts - manage Rossum service accounts")
        commands = help_commands()
        self.assertIn("plan", commands)
        for command in commands:
            with self.subTest(command=command):
                self.assertRegex(text, rf"(?m)^   {command}\b")
                for option in help_options(command):
                    self.assertIn(option, text)
        self.assertNotIn("__man", text)
        self.assertIn("Exit codes:", text)  # the --help footer

    def test_the_hidden_generators_print_what_the_build_installed(self):
        for name, args in (("rossum-accounts.1", [RA_BIN, "__man"]),
                           ("rossum-sandbox.1", [os.environ["RA_SANDBOX"], "--man-page"])):
            with self.subTest(page=name), open(page(name), encoding="utf-8") as f:
                self.assertEqual(run(args).stdout, f.read())


if __name__ == "__main__":
    unittest.main()
