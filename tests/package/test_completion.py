"""`rossum-accounts completion bash|zsh|fish`: the bash script is sourced and asked for candidates
the way bash asks it (COMP_WORDS, COMP_CWORD), and the expected candidates come from --help, so
a command or a --format value added to the CLI is expected here with no test to edit."""
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from shipping import require, RA_BIN, help_commands, help_options, run

BASH_ASK = r'''
source <("$RA_BIN" completion bash) || exit 90
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_rossum_accounts || exit 91
printf '%s\n' "${COMPREPLY[@]}"
'''


def format_values(command):
    """The --format values `help COMMAND` shows as TEXT:{a,b,c}."""
    found = re.search(r"\{([^}]*)\}", help_options(command)["--format"])
    return set(found.group(1).split(","))


class BashCompletion(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        for name in ("accounts.yaml", "another.yaml", "plan.json"):
            open(os.path.join(self.dir, name), "w").close()
        os.mkdir(os.path.join(self.dir, "manifests"))

    def tearDown(self):
        shutil.rmtree(self.dir)

    def candidates(self, *words):
        """What bash offers for `rossum-accounts WORDS...` (the last word is the cursor's)."""
        result = subprocess.run(["bash", "-c", BASH_ASK, "bash", "rossum-accounts", *words],
                                capture_output=True, text=True, cwd=self.dir, timeout=60,
                                env=dict(os.environ, RA_BIN=RA_BIN))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr, "")
        return set(result.stdout.split("\n")) - {""}

    def test_the_script_registers_its_function_for_the_program(self):
        result = run(["bash", "-c", 'source <("$RA_BIN" completion bash) && complete -p '
                      "rossum-accounts"], env=dict(os.environ, RA_BIN=RA_BIN))
        self.assertEqual(result.stdout.strip(), "complete -F _rossum_accounts rossum-accounts")

    def test_a_command_prefix_completes_to_the_command(self):
        self.assertEqual(self.candidates("pl"), {"plan"})

    def test_an_empty_word_offers_every_command_help_lists(self):
        commands = help_commands()
        self.assertIn("plan", commands)
        self.assertIn("completion", commands)
        self.assertEqual(self.candidates(""), set(commands))

    def test_an_option_prefix_completes_to_the_option(self):
        self.assertEqual(self.candidates("plan", "--fo"), {"--format"})

    def test_every_option_of_every_command_is_offered(self):
        for command in help_commands():
            if command == "help":
                continue
            with self.subTest(command=command):
                offered = self.candidates(command, "--")
                self.assertLessEqual(set(help_options(command)), offered)
                self.assertIn("--api-url", offered)  # the program's own, after the command

    def test_format_completes_to_the_values_help_shows(self):
        values = format_values("plan")
        self.assertLessEqual({"text", "json", "markdown"}, values)
        self.assertEqual(self.candidates("plan", "accounts.yaml", "--format", ""), values)
        self.assertEqual(self.candidates("apply", "--format", ""), format_values("apply"))
        self.assertEqual(self.candidates("drift", "--format", "j"), {"json"})

    def test_format_after_an_equals_sign_completes_too(self):
        # bash splits --format=js into three words at the '=' (COMP_WORDBREAKS).
        self.assertEqual(self.candidates("plan", "--format", "=", "js"), {"json"})
        self.assertEqual(self.candidates("plan", "--format", "="), format_values("plan"))

    def test_manifest_arguments_complete_file_names(self):
        self.assertEqual(self.candidates("plan", "a"), {"accounts.yaml", "another.yaml"})
        self.assertEqual(self.candidates("validate", "accounts.yaml", "an"), {"another.yaml"})
        self.assertEqual(self.candidates("plan", "--format", "json", "m"), {"manifests"})

    def test_file_options_complete_file_names(self):
        self.assertEqual(self.candidates("apply", "--plan", "p"), {"plan.json"})
        self.assertEqual(self.candidates("token", "me", "--manifest", "ac"), {"accounts.yaml"})
        self.assertEqual(self.candidates("plan", "x.yaml", "--out", "p"), {"plan.json"})
        self.assertEqual(self.candidates("--ca-bundle", "p"), {"plan.json"})

    def test_a_value_before_the_command_is_not_taken_for_the_command(self):
        self.assertEqual(self.candidates("--timeout", "5", "plan", "--fo"), {"--format"})
        self.assertEqual(self.candidates("-q", "pl"), {"plan"})

    def test_free_text_and_numbers_offer_nothing(self):
        self.assertEqual(self.candidates("plan", "--target", "a"), set())
        self.assertEqual(self.candidates("--timeout", ""), set())
        self.assertEqual(self.candidates("token", "a"), set())  # USERNAME

    def test_completion_and_help_complete_their_argument(self):
        self.assertEqual(self.candidates("completion", ""), {"bash", "zsh", "fish"})
        self.assertEqual(self.candidates("help", "va"), {"validate"})

    def test_the_hidden_man_command_is_not_offered(self):
        self.assertEqual(self.candidates("__"), set())


class OtherShells(unittest.TestCase):
    def script(self, shell):
        result = run([RA_BIN, "completion", shell])
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_an_unknown_shell_is_a_usage_error(self):
        result = run([RA_BIN, "completion", "tcsh"])
        self.assertEqual(result.returncode, 64)
        self.assertIn("tcsh", result.stderr)

    def test_the_zsh_script_parses_and_names_every_command(self):
        require("zsh")
        text = self.script("zsh")
        self.assertTrue(text.startswith("#compdef rossum-accounts\n"))
        result = run(["zsh", "-n"], input=text)
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        for command in help_commands():
            self.assertIn(f"'{command}:", text)
        offered = re.findall(r"'--format\[[^']*\]:value:\(([^)]*)\)'", text)
        self.assertEqual(len(offered), len([c for c in help_commands() if c != "help" and
                                            "--format" in help_options(c)]))
        # validate has its own values (no markdown): plan's must be among those offered.
        self.assertIn(format_values("plan"), [set(o.split()) for o in offered])

    def test_the_fish_script_parses_and_completes(self):
        require("fish")
        text = self.script("fish")
        result = run(["fish", "--no-execute"], input=text)
        self.assertEqual((result.returncode, result.stderr), (0, ""))
        with tempfile.NamedTemporaryFile("w", suffix=".fish") as f:
            f.write(text)
            f.flush()

            def complete(line):
                out = run(["fish", "--no-config", "-c", f"source {f.name}; complete -C '{line}'"])
                self.assertEqual(out.stderr, "")
                return {row.split("\t")[0] for row in out.stdout.splitlines()}

            self.assertEqual(complete("rossum-accounts pl"), {"plan"})
            self.assertEqual(complete("rossum-accounts plan --fo"), {"--format"})
            self.assertEqual(complete("rossum-accounts plan --format "), format_values("plan"))


if __name__ == "__main__":
    unittest.main()
