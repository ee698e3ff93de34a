"""Every CI integration the repository ships is run (issue 11, item 7).

Reads every GitHub workflow under examples/ci, the composite action (action.yml), every GitLab CI
template and the pre-commit hooks, finds each rossum-accounts command line in them and runs it
against the sandbox, with the file's environment substituted (its secrets are the sandbox's
admin and fresh service passwords; its API URL the sandbox's), checking that it exits with a code
the file treats as success. A command line names the tool in one of three ways:

- a step that uses the action (`uses: your-org/rossum-accounts@…` or `uses: ./`): its `args`
  and `success-codes` inputs, run through the action's own command step (its bash script);
- `rossum_accounts "CODES" ARGS...` in a GitLab script: the template's wrapper, whose CODES pass;
- `rossum-accounts ARGS...` as a shell command anywhere else (workflow `run:`, the action's
  other steps, GitLab scripts, a hook's entry): it must exit 0.

A flag the tool does not have makes its command exit 64, which no file treats as success, so the
test fails; files it does not know (a release workflow, say) are read the same way.
Needs python3-yaml, like the schema test.
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys
import unittest

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
from harness import RA_BIN, SOURCE_DIR, Sandbox, ToolTestCase  # noqa: E402

CI_DIR = os.path.join(SOURCE_DIR, "examples", "ci")
ACTION = os.path.join(SOURCE_DIR, "action.yml")
HOOKS = os.path.join(SOURCE_DIR, ".pre-commit-hooks.yaml")
# Workflows that consume what another one makes run after it (snapshot.json, plan.json).
ORDER = ["snapshot.yml", "plan-on-pull-request.yml", "apply-on-merge.yml",
         "drift-detection.yml"]

# The manifests the workflows name (rossum/accounts.yaml), with the password variables that
# apply-on-merge.yml passes as secrets.
MANIFEST = """\
version: 1
defaults:
  first_name: SYSTEM USER
  last_name: (DO NOT DELETE)
accounts:
  - username: api_user@demo
    groups: [admin]
    queues: [812, 813]
    password: {env: API_USER_PASSWORD}
  - username: reporting@demo
    groups: [viewer]
    password: {env: REPORTING_PASSWORD}
"""
PASSWORD_VARIABLES = ("API_USER_PASSWORD", "REPORTING_PASSWORD")

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
SHELL_OPERATORS = {";", "&&", "||", "|", "&", "(", ")", "{", "}", "!"}
SHELL_KEYWORDS = {"if", "then", "else", "elif", "do", "while", "until", "exec", "time", "command"}
TOOL = "rossum-accounts"
GITLAB_WRAPPER = "rossum_accounts"
GITLAB_KEYWORDS = {"variables", "stages", "include", "default", "workflow", "image", "services",
                   "before_script", "after_script", "cache"}


class Invocation:
    """One rossum-accounts command line found in a file, and how it ran."""

    def __init__(self, where, argv, success, stdout_file=None, wrapped=False):
        self.where, self.argv, self.success, self.stdout_file = where, argv, success, stdout_file
        self.wrapped = wrapped  # through the GitLab template's rossum_accounts wrapper
        self.code = None
        self.output = ""

    @property
    def ok(self):
        return self.code in self.success

    def __repr__(self):
        return "%s: rossum-accounts %s -> exit %s (success: %s)\n%s" % (
            self.where, " ".join(self.argv), self.code, sorted(self.success), self.output)


def join_continuations(script):
    return re.sub(r"\\\n", " ", script)


def expand(token, env):
    """$VAR and ${VAR} from env; an unknown variable stays as it is (the command is skipped)."""
    def value(m):
        name = m.group(1) or m.group(2)
        return env[name] if name in env else m.group(0)
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", value, token)


def simple_commands(script):
    """The simple commands of a shell script: lists of words, with redirections as ">" words."""
    out = []
    for line in join_continuations(script).splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        try:
            tokens = list(lexer)
        except ValueError:  # an unterminated quote: a line of a multi-line string, not a command
            continue
        current = []
        for token in tokens:
            if token in SHELL_OPERATORS or (token and set(token) <= set(";&|()")):
                if current:
                    out.append(current)
                current = []
            else:
                current.append(token)
        if current:
            out.append(current)
    return out


def invocations_in_script(script, env, where):
    """(the invocations of a shell script, the ones skipped because their arguments are only known
    at run time, such as the generic "$@")."""
    found, skipped = [], []
    for words in simple_commands(script):
        while words and (words[0] in SHELL_KEYWORDS or re.match(r"^\w+=", words[0])):
            words = words[1:]
        if not words:
            continue
        program = os.path.basename(words[0])
        if program not in (TOOL, GITLAB_WRAPPER):
            continue
        args, stdout_file, rest = [], None, words[1:]
        while rest:
            word = rest.pop(0)
            if word in (">", ">>"):
                target = rest.pop(0) if rest else None
                if args and args[-1] == "2":  # 2> FILE: stderr, not the command's output
                    args.pop()
                    continue
                if args and args[-1] == "1":
                    args.pop()
                stdout_file = target
                continue
            if word in ("<",):
                rest = rest[1:]
                continue
            args.extend(expand(word, env).split() if "$" in word else [word])
        success = {0}
        if program == GITLAB_WRAPPER:
            if not args:  # "rossum_accounts() {": the wrapper's definition
                continue
            success = {int(c) for c in args.pop(0).split()}
        if any("$" in a for a in args) or (stdout_file and "$" in stdout_file):
            skipped.append((where, words))
            continue
        found.append(Invocation(where, args, success, stdout_file,
                                wrapped=program == GITLAB_WRAPPER))
    return found, skipped


def is_action(uses):
    return uses is not None and (uses.startswith("./") or uses.rstrip("/") == "." or
                                 re.search(r"(^|/)rossum-accounts@", uses) is not None)


class CiFile:
    """Reads one file's command lines; `context` maps secrets and the sandbox."""

    def __init__(self, test, sandbox, workspace):
        self.test, self.sandbox, self.workspace = test, sandbox, workspace
        self.secret_values = {}
        self.skipped = []

    # ---- substitution ---------------------------------------------------------------------------
    def secret(self, name):
        if name == "ROSSUM_ADMIN_USERNAME":
            return self.sandbox.admin_username
        if name == "ROSSUM_ADMIN_PASSWORD":
            return self.sandbox.admin_password
        if name not in self.secret_values:
            self.secret_values[name] = self.test.password(name.lower())
        return self.secret_values[name]

    def expression(self, text):
        """GitHub's ${{ }} expressions, substituted as the runner would before the step runs."""
        def value(m):
            expr = m.group(1)
            if expr.startswith("secrets."):
                return self.secret(expr[len("secrets."):])
            if expr in ("runner.temp", "github.workspace"):
                return self.workspace
            if expr == "github.token":
                return "not-a-real-token"
            if expr == "github.event.pull_request.number":
                return "1"
            return ""
        return EXPRESSION.sub(value, str(text))

    def base_env(self):
        return self.test.env()

    def substituted(self, env):
        """The file's environment with the sandbox's API URL for any it names."""
        out = dict(env)
        if "ROSSUM_API_URL" in out:
            out["ROSSUM_API_URL"] = self.sandbox.url
        return out

    # ---- running ----------------------------------------------------------------------------------
    def run(self, invocation, env, cwd=None):
        proc = subprocess.run([RA_BIN] + invocation.argv, env=env, cwd=cwd or self.workspace,
                              capture_output=True, text=True, timeout=120)
        invocation.code = proc.returncode
        invocation.output = proc.stdout + proc.stderr
        self.test.outputs.append(invocation.output)
        if invocation.stdout_file:
            with open(os.path.join(cwd or self.workspace, invocation.stdout_file), "w") as f:
                f.write(proc.stdout)
        return invocation

    def tool_dir(self):
        """A directory holding `rossum-accounts` (the built tool), for PATH."""
        bin_dir = os.path.join(self.workspace, ".bin")
        os.makedirs(bin_dir, exist_ok=True)
        if not os.path.exists(os.path.join(bin_dir, TOOL)):
            os.symlink(RA_BIN, os.path.join(bin_dir, TOOL))
        return bin_dir

    def run_wrapped(self, definition, line, env, invocation):
        """A GitLab script line run by bash as the runner runs it (set -eo pipefail), after the
        template's definition of the wrapper: the wrapper itself decides whether the job goes on."""
        exit_file = os.path.join(self.workspace, ".ra_exit")
        if os.path.exists(exit_file):
            os.remove(exit_file)
        script = "%s\ntrap 'echo \"$RA_EXIT\" > %s' EXIT\n%s\n" % (definition,
                                                                  shlex.quote(exit_file), line)
        run_env = dict(env, PATH=self.tool_dir() + os.pathsep + env.get("PATH", ""))
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              env=run_env, cwd=self.workspace, capture_output=True, text=True,
                              timeout=120)
        with open(exit_file) as f:
            invocation.code = int(f.read())
        invocation.output = proc.stdout + proc.stderr
        self.test.outputs.append(invocation.output)
        self.test.assertEqual(proc.returncode == 0, invocation.ok, repr(invocation))
        return invocation

    def run_script(self, script, env, where):
        found, skipped = invocations_in_script(script, env, where)
        self.skipped += skipped
        return [self.run(i, env) for i in found]

    # ---- the composite action -----------------------------------------------------------------
    def action_command_step(self):
        with open(ACTION) as f:
            action = yaml.safe_load(f)
        (step,) = [s for s in action["runs"]["steps"] if s.get("id") == "run"]
        return action, step

    def run_action(self, inputs, env, where):
        """The action's command step (its bash script) with these inputs, as the runner runs it."""
        action, step = self.action_command_step()
        values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
        values.update({k: self.expression(v) for k, v in inputs.items()})
        unknown = set(inputs) - set(action["inputs"])
        self.test.assertFalse(unknown, "%s: the action has no input %s" % (where, unknown))
        step_env = dict(env)
        for key, value in step.get("env", {}).items():
            step_env[key] = re.sub(r"\$\{\{\s*inputs\.([\w-]+)\s*\}\}",
                                   lambda m: values[m.group(1)], str(value))
        bin_dir = self.tool_dir()
        output_file = os.path.join(self.workspace, ".github_output")
        open(output_file, "w").close()
        step_env.update(PATH=bin_dir + os.pathsep + step_env.get("PATH", ""),
                        GITHUB_OUTPUT=output_file)
        cwd = os.path.join(self.workspace, values.get("working-directory") or ".")
        # As the runner runs a composite step's `shell: bash`.
        script = os.path.join(self.workspace, ".step.sh")
        with open(script, "w") as f:
            f.write(step["run"])
        self.test.assertEqual(step.get("shell"), "bash")
        proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                              env=step_env, cwd=cwd, capture_output=True, text=True, timeout=120)
        with open(output_file) as f:
            outputs = dict(line.split("=", 1) for line in f.read().splitlines() if "=" in line)
        invocation = Invocation(where, values["args"].split(),
                                {int(c) for c in values["success-codes"].split()},
                                values.get("stdout") or None)
        invocation.code = int(outputs["exitcode"])
        invocation.output = proc.stdout + proc.stderr
        self.test.outputs.append(invocation.output)
        # The step passes exactly when the code is one of its success codes.
        self.test.assertEqual(proc.returncode == 0, invocation.ok, repr(invocation))
        return invocation

    # ---- GitHub workflows -------------------------------------------------------------------------
    def github_workflow(self, path):
        with open(path) as f:
            workflow = yaml.safe_load(f)
        name = os.path.relpath(path, SOURCE_DIR)
        results = []
        for job_id, job in (workflow.get("jobs") or {}).items():
            for index, step in enumerate(job.get("steps") or []):
                where = "%s: jobs.%s.steps[%d]" % (name, job_id, index)
                env = self.base_env()
                for scope in (workflow.get("env"), job.get("env"), step.get("env")):
                    env.update({k: self.expression(v) for k, v in (scope or {}).items()})
                env = self.substituted(env)
                if is_action(step.get("uses")):
                    results.append(self.run_action(step.get("with") or {}, env, where))
                elif "run" in step:
                    results += self.run_script(self.expression(step["run"]), env, where)
        return results

    # ---- the action's own steps ---------------------------------------------------------------------
    def action_file(self):
        with open(ACTION) as f:
            action = yaml.safe_load(f)
        results = []
        for index, step in enumerate(action["runs"]["steps"]):
            if "run" in step:
                results += self.run_script(step["run"], self.base_env(),
                                           "action.yml: runs.steps[%d]" % index)
        return results

    # ---- GitLab CI templates ----------------------------------------------------------------------
    def gitlab_template(self, path):
        with open(path) as f:
            template = yaml.safe_load(f)
        name = os.path.relpath(path, SOURCE_DIR)
        # CI/CD variables a project defines in its settings: the admin and the passwords.
        project = dict(ROSSUM_USERNAME=self.sandbox.admin_username,
                       ROSSUM_PASSWORD=self.sandbox.admin_password)
        project.update({v: self.secret(v) for v in PASSWORD_VARIABLES})
        results = []
        for job_id, job in template.items():
            if job_id in GITLAB_KEYWORDS or job_id.startswith(".") or not isinstance(job, dict):
                continue
            chain, parent = [job], job.get("extends")
            while parent:
                chain.insert(0, template[parent])
                parent = template[parent].get("extends")
            env = self.base_env()
            env.update({k: str(v) for k, v in (template.get("variables") or {}).items()})
            for part in chain:
                env.update({k: str(v) for k, v in (part.get("variables") or {}).items()})
            env.update(project)
            env = self.substituted(env)
            before = next((p["before_script"] for p in reversed(chain) if "before_script" in p),
                          [])
            definition = next((b for b in before if GITLAB_WRAPPER + "()" in b), None)
            for index, line in enumerate(list(before) + list(job.get("script") or [])):
                where = "%s: %s script line %d" % (name, job_id, index)
                for words in simple_commands(line):
                    if words[0] == "unset":
                        for variable in words[1:]:
                            env.pop(variable, None)
                found, skipped = invocations_in_script(line, env, where)
                self.skipped += skipped
                for invocation in found:
                    if invocation.wrapped:
                        self.test.assertTrue(definition and len(found) == 1, where)
                        self.run_wrapped(definition, line, env, invocation)
                    else:
                        self.run(invocation, env)
                results += found
        return results

    # ---- pre-commit hooks ---------------------------------------------------------------------------
    def hooks(self, files):
        with open(HOOKS) as f:
            hooks = yaml.safe_load(f)
        results = []
        for hook in hooks:
            if os.path.basename(shlex.split(hook["entry"])[0]) != TOOL:
                continue
            selected = [f for f in files if re.search(hook.get("files", ""), f)]
            self.test.assertTrue(selected, "hook %s selects no manifest" % hook["id"])
            argv = shlex.split(hook["entry"])[1:] + (selected if hook.get("pass_filenames", True)
                                                     else [])
            results.append(self.run(Invocation(".pre-commit-hooks.yaml: " + hook["id"], argv,
                                               {0}), self.base_env()))
        return results


def github_workflows():
    found = sorted(glob.glob(os.path.join(CI_DIR, "**", "*.y*ml"), recursive=True))
    workflows = []
    for path in found:
        with open(path) as f:
            doc = yaml.safe_load(f)
        if isinstance(doc, dict) and "jobs" in doc:
            workflows.append(path)
    known = [os.path.join(CI_DIR, n) for n in ORDER if os.path.join(CI_DIR, n) in workflows]
    return known + [p for p in workflows if p not in known]


def gitlab_templates():
    return sorted(glob.glob(os.path.join(CI_DIR, "**", "*.gitlab-ci.yml"), recursive=True))


class CiIntegrationTest(ToolTestCase):

    def setUp(self):
        super().setUp()
        self.workspace = os.path.join(self.tmp, "repo")
        os.makedirs(os.path.join(self.workspace, "rossum"))
        with open(os.path.join(self.workspace, "rossum", "accounts.yaml"), "w") as f:
            f.write(MANIFEST)

    def assertAllSucceeded(self, results, reader):
        self.assertTrue(results, "no rossum-accounts command line found")
        for r in results:
            self.assertNotEqual(r.code, 64, "unknown command or flag: %r" % r)
            self.assertTrue(r.ok, repr(r))
        # The only lines left out are the generic runners ("$@", "${argv[@]}").
        for where, words in reader.skipped:
            self.assertTrue(any("@" in w for w in words), "%s: not run: %s" % (where, words))

    def test_every_github_workflow_runs_with_the_action_against_the_sandbox(self):
        workflows = github_workflows()
        names = [os.path.basename(p) for p in workflows]
        for expected in ORDER:
            self.assertIn(expected, names)
        with Sandbox() as sb:
            reader = CiFile(self, sb, self.workspace)
            results = {}
            for path in workflows:
                results[os.path.basename(path)] = reader.github_workflow(path)
                self.assertTrue(results[os.path.basename(path)],
                                "%s names no rossum-accounts command" % path)
            for name, found in results.items():
                with self.subTest(workflow=name):
                    self.assertAllSucceeded(found, reader)
            commands = {r.argv[0] for found in results.values() for r in found}
            self.assertTrue({"snapshot", "validate", "plan", "show", "apply", "drift"} <= commands)
            # apply created the accounts; the plan before it had changes (2), drift found none.
            self.assertEqual(len(sb.users_named("api_user@demo")), 1)
            by_command = {r.argv[0]: r for found in results.values() for r in found}
            self.assertEqual(by_command["plan"].code, 2)
            self.assertEqual(by_command["drift"].code, 0)
        with open(os.path.join(self.workspace, "plan.md")) as f:
            comment = f.read()
        self.assertIn("api_user@demo", comment)
        with open(os.path.join(self.workspace, "apply-report.json")) as f:
            self.assertEqual(json.load(f)["summary"]["created"], 2)
        self.assertNoSecrets(comment)

    def test_the_plan_job_holds_no_credentials(self):
        with Sandbox() as sb:
            reader = CiFile(self, sb, self.workspace)
            reader.github_workflow(os.path.join(CI_DIR, "snapshot.yml"))
            sb.clear_requests()
            results = reader.github_workflow(os.path.join(CI_DIR, "plan-on-pull-request.yml"))
            self.assertAllSucceeded(results, reader)
            self.assertEqual(sb.requests(), [], "the pull-request workflow reached the API")

    def test_the_action_steps_and_the_hooks_run(self):
        with Sandbox() as sb:
            reader = CiFile(self, sb, self.workspace)
            self.assertAllSucceeded(reader.action_file(), reader)
            hooks = reader.hooks(["rossum/accounts.yaml", "README.md", "other/config.yaml"])
            self.assertAllSucceeded(hooks, reader)
            self.assertEqual(hooks[0].argv, ["validate", "rossum/accounts.yaml"])
            # The hook refuses a broken manifest.
            with open(os.path.join(self.workspace, "rossum", "broken.yaml"), "w") as f:
                f.write("version: 1\naccounts:\n  - username: x\n    groups: [admn]\n")
            (broken,) = reader.hooks(["rossum/broken.yaml"])
            self.assertEqual(broken.code, 65)
            # args written as a YAML block over several lines is one command line.
            several = reader.run_action({"args": "validate\n  rossum/accounts.yaml\n"
                                                 "  --format json\n", "stdout": "v.json"},
                                        reader.base_env(), "a multi-line args")
            self.assertEqual((several.code, several.ok), (0, True))
            with open(os.path.join(self.workspace, "v.json")) as f:
                self.assertIs(json.load(f)["valid"], True)
            # A code outside success-codes fails the step, with the code as its output.
            refused = reader.run_action({"args": "validate rossum/broken.yaml"},
                                        reader.base_env(), "a failing step")
            self.assertEqual((refused.code, refused.ok), (65, False))
            self.assertIn("::error title=rossum-accounts::rossum-accounts validate exited with 65",
                          refused.output)

    def test_every_gitlab_template_runs_against_the_sandbox(self):
        templates = gitlab_templates()
        self.assertTrue(templates)
        for path in templates:
            with self.subTest(template=os.path.basename(path)), Sandbox() as sb:
                workspace = os.path.join(self.tmp, "gitlab-" + os.path.basename(path))
                os.makedirs(os.path.join(workspace, "rossum"))
                with open(os.path.join(workspace, "rossum", "accounts.yaml"), "w") as f:
                    f.write(MANIFEST)
                reader = CiFile(self, sb, workspace)
                results = reader.gitlab_template(path)
                self.assertAllSucceeded(results, reader)
                commands = [r.argv[0] for r in results]
                for command in ("snapshot", "validate", "plan", "show", "apply", "drift"):
                    self.assertIn(command, commands)
                self.assertEqual(len(sb.users_named("reporting@demo")), 1)
                by_command = {r.argv[0]: r for r in results}
                self.assertEqual(by_command["plan"].code, 2)  # passed by "0 2"
                self.assertTrue(by_command["plan"].wrapped)
                with open(os.path.join(workspace, "plan.md")) as f:
                    self.assertIn("reporting@demo", f.read())
        self.assertNoSecrets()

    def test_a_flag_the_tool_does_not_have_fails_the_check(self):
        with open(os.path.join(CI_DIR, "plan-on-pull-request.yml")) as f:
            text = f.read()
        self.assertIn("--detailed-exitcode", text)
        broken = os.path.join(self.tmp, "broken.yml")
        with open(broken, "w") as f:
            f.write(text.replace("--detailed-exitcode", "--detailed-exit-code"))
        script = "set -e\nrossum-accounts validate rossum/accounts.yaml --strict\n"
        with Sandbox() as sb:
            reader = CiFile(self, sb, self.workspace)
            reader.github_workflow(os.path.join(CI_DIR, "snapshot.yml"))
            results = reader.github_workflow(broken)
            failed = [r for r in results if not r.ok]
            (plan,) = [r for r in failed if r.argv[0] == "plan"]
            self.assertEqual(plan.code, 64, results)
            self.assertIn("--detailed-exit-code", plan.argv)
            (shell,) = reader.run_script(script, reader.base_env(), "a run step")
            self.assertEqual((shell.argv, shell.code), (["validate", "rossum/accounts.yaml",
                                                         "--strict"], 64))
            with self.assertRaises(AssertionError):
                self.assertAllSucceeded(failed, reader)

    def test_command_lines_are_found_where_a_shell_would_run_them(self):
        script = ("git clone https://github.com/your-org/rossum-accounts /opt/rossum-accounts\n"
                  "apt-get install ./rossum-accounts_1.0.0_amd64.deb\n"
                  "if build/rossum-accounts --version | grep -q 1.0; then echo ok; fi\n"
                  "X=1 rossum-accounts plan $M \\\n  --out p.json > plan.txt 2> err.txt\n"
                  'rossum_accounts "0 2" drift $M > drift.md\n'
                  'rossum-accounts "$@" || code=$?\n')
        found, skipped = invocations_in_script(script, {"M": "a.yaml b.yaml"}, "x")
        self.assertEqual([(i.argv, i.success, i.stdout_file) for i in found],
                         [(["--version"], {0}, None),
                          (["plan", "a.yaml", "b.yaml", "--out", "p.json"], {0}, "plan.txt"),
                          (["drift", "a.yaml", "b.yaml"], {0, 2}, "drift.md")])
        self.assertEqual(len(skipped), 1)


if __name__ == "__main__":
    unittest.main()
