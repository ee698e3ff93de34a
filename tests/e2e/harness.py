"""Helpers for end-to-end tests: the built binaries against rossum-sandbox on 127.0.0.1.

Standard library only. ctest passes RA_BIN, RA_SANDBOX and RA_SOURCE_DIR in the environment.
"""
import copy
import json
import os
import pty
import select
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

RA_BIN = os.environ.get("RA_BIN", "")
RA_SANDBOX = os.environ.get("RA_SANDBOX", "")
SOURCE_DIR = os.environ.get(
    "RA_SOURCE_DIR", os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
EXAMPLES = os.path.join(SOURCE_DIR, "examples")
LOOPBACK = "127.0.0.1,localhost,::1"

# The authentication steps the request budget leaves out (docs/design.md): the login and the
# exchange for a long-lived token. A logout (only with --no-token-cache) counts.
AUTH_STEPS = ("/auth/login", "/auth/token")
# A login token that is only exchanged is asked for with this lifetime and expires on its own.
LOGIN_TOKEN_LIFETIME_S = 300

# The last-applied record every create and update writes beside the ownership marker (README,
# "Plan semantics").
RECORD_KEY = "rossum_accounts_applied"


def without_record(metadata):
    """A user's metadata without the last-applied record."""
    return {k: v for k, v in metadata.items() if k != RECORD_KEY}


# urllib must never go through a proxy to reach the sandbox.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Sandbox:
    """A rossum-sandbox process; use as a context manager."""

    def __init__(self, *extra_args, seed=None, rate_limit="off", login_limit="off",
                 startup_timeout=10):
        self.startup_timeout = startup_timeout
        self.args = [RA_SANDBOX, "--port", "0", "--rate-limit", str(rate_limit),
                     "--login-limit", str(login_limit)]
        if seed is not None:
            self.args += ["--seed", seed]
        self.args += list(extra_args)
        self.proc = None
        self.url = self.admin_username = self.admin_password = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     bufsize=0)
        first = self._readline(self.startup_timeout)
        if not first.startswith("listening on "):
            raise RuntimeError("sandbox did not start: %r %s" % (first, self.proc.stderr.read()))
        self.url = first[len("listening on "):].strip()
        self.base = self.url[: -len("/api")]
        if "--seed" not in self.args:
            _, self.admin_username, self.admin_password = self._readline(5).split()

    def _readline(self, timeout):
        # Byte by byte from the descriptor: a buffered readline() could swallow the second line,
        # and select() would then wait for bytes that already arrived.
        line, deadline = b"", time.monotonic() + timeout
        while not line.endswith(b"\n"):
            ready, _, _ = select.select([self.proc.stdout], [], [],
                                        max(0, deadline - time.monotonic()))
            if not ready:
                raise RuntimeError("sandbox printed nothing within %s s" % timeout)
            byte = os.read(self.proc.stdout.fileno(), 1)
            if not byte:
                break
            line += byte
        return line.decode()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stdout.close()
            self.proc.stderr.close()

    # ---- control API (/_sandbox) -------------------------------------------------------------
    def control(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + "/_sandbox" + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with _OPENER.open(req, timeout=10) as resp:
            raw = resp.read()
            return json.loads(raw) if raw else None

    def requests(self):
        return self.control("GET", "/requests")["requests"]

    def clear_requests(self):
        self.control("DELETE", "/requests")

    def users(self):
        result = self.control("GET", "/users")
        return result["users"] if isinstance(result, dict) else result

    def users_named(self, username):
        return [u for u in self.users() if u["username"].lower() == username.lower()]

    def add_user(self, **fields):
        return self.control("POST", "/users", fields)

    def patch_user(self, user_id, **fields):
        return self.control("PATCH", "/users/%d" % user_id, fields)

    def fault(self, **spec):
        return self.control("POST", "/faults", spec)

    def config(self, **settings):
        return self.control("POST", "/config", settings)

    def expire_tokens(self):
        self.control("POST", "/tokens/expire", {})

    def api_requests(self, exclude_auth=True):
        """The logged /api requests, without the authentication steps (login, token exchange,
        logout) when exclude_auth."""
        out = []
        for r in self.requests():
            if exclude_auth and r["path"].endswith(AUTH_STEPS):
                continue
            out.append(r)
        return out

    def live_tokens(self):
        """The tokens that are neither expired nor logged out (GET /_sandbox/tokens)."""
        return self.control("GET", "/tokens")["tokens"]


# What most suites plan against the demo sandbox: an update (its annotator made a viewer) and a
# create whose password comes from NEW_BOT_PASSWORD.
DEMO_MANIFEST = """\
version: 1
accounts:
  - username: jane.doe@demo.example
    groups: [viewer]
  - username: new.bot@demo
    groups: [viewer]
    password: {env: NEW_BOT_PASSWORD}
"""


class Run:
    def __init__(self, code, stdout, stderr):
        self.code, self.stdout, self.stderr = code, stdout, stderr

    @property
    def output(self):
        return self.stdout + self.stderr

    def __repr__(self):
        return "exit %s\n--- stdout\n%s--- stderr\n%s" % (self.code, self.stdout, self.stderr)


class ToolTestCase(unittest.TestCase):
    """Base class: a temporary working directory, a clean environment and secret tracking."""

    maxDiff = None

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="ra-e2e-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.secrets = set()
        self.outputs = []

    def env(self, sandbox=None, **extra):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": self.tmp,
            "XDG_CACHE_HOME": os.path.join(self.tmp, "cache"),
            "NO_PROXY": LOOPBACK, "no_proxy": LOOPBACK, "NO_COLOR": "1",
        }
        if sandbox is not None:
            env.update(ROSSUM_API_URL=sandbox.url, ROSSUM_USERNAME=sandbox.admin_username,
                       ROSSUM_PASSWORD=sandbox.admin_password)
            self.secrets.add(sandbox.admin_password)
        for k, v in extra.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def run_tool(self, *args, env=None, stdin=subprocess.DEVNULL, timeout=120, input=None,
                 cwd=None):
        proc = subprocess.run([RA_BIN] + [str(a) for a in args], env=env, cwd=cwd or self.tmp,
                              stdin=None if input is not None else stdin, input=input,
                              capture_output=True, text=True, timeout=timeout)
        run = Run(proc.returncode, proc.stdout, proc.stderr)
        self.outputs.append(run.output)
        return run

    def run_in_terminal(self, *args, env=None, answer="yes\n", timeout=60, on_prompt=None,
                        stdout_path=None):
        """Runs the tool with a pseudo-terminal as stdin/stdout/stderr and types `answer`;
        `on_prompt`, if given, is called while the question waits, just before the answer is
        typed; with `stdout_path`, stdout goes to that file instead (`tool > file` on a
        terminal)."""
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(self.tmp)
            if stdout_path is not None:
                os.dup2(os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644), 1)
            os.execve(RA_BIN, [RA_BIN] + [str(a) for a in args], env)
        output, typed, deadline = b"", False, time.time() + timeout
        while time.time() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
            if not typed and b"Enter a value:" in output:
                if on_prompt is not None:
                    on_prompt()
                os.write(fd, answer.encode())
                typed = True
        if time.time() >= deadline and os.waitpid(pid, os.WNOHANG)[0] == 0:
            os.kill(pid, signal.SIGKILL)  # stuck, e.g. asking a question the terminal never saw
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        text = output.decode(errors="replace")
        run = Run(os.waitstatus_to_exitcode(status), text, "")
        self.outputs.append(text)
        return run

    def write(self, name, text, mode=0o644):
        path = os.path.join(self.tmp, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def write_manifest(self, text=DEMO_MANIFEST):
        """`text` (default: DEMO_MANIFEST) as accounts.yaml in the working directory; its path."""
        return self.write("accounts.yaml", text)

    def password(self, name):
        """A fresh policy-compliant password, tracked as a secret."""
        value = "Pw-%s-%s" % (name, os.urandom(6).hex())
        self.secrets.add(value)
        return value

    def assertNoSecrets(self, *extra_texts):
        """No tracked secret (or its JSON/URL-encoded form) in any output seen so far."""
        texts = self.outputs + list(extra_texts)
        for secret in self.secrets:
            for text in texts:
                self.assertNotIn(secret, text, "a secret leaked into an output")
                self.assertNotIn(json.dumps(secret)[1:-1], text)
                self.assertNotIn(urllib.parse.quote(secret, safe=""), text)

    def assertExit(self, run, code):
        self.assertEqual(run.code, code, repr(run))


import urllib.parse  # noqa: E402  (used by assertNoSecrets)


# ---- seeded sandboxes (added for the end-to-end suites) ---------------------------------------
DEMO_ROLES = ["viewer", "annotator", "admin", "manager", "annotator_limited",
              "annotator_embedded", "organization_group_admin"]
SEED_ADMIN = "admin@demo.rossum.local"


def demo_seed(users=(), generate=(), admin_password=None):
    """A seed like the built-in demo world (orgs 4201/4202, roles, queues 812-814 and 910),
    plus `users` (seed format) and `generate` blocks; the admin's password is `admin_password`."""
    admin_password = admin_password or "Adm-" + os.urandom(8).hex()
    return {
        "organizations": [
            {"id": 4201, "name": "Demo Organization",
             "roles": {r: 5101 + i for i, r in enumerate(DEMO_ROLES)}},
            {"id": 4202, "name": "Other Organization",
             "roles": {r: 5201 + i for i, r in enumerate(DEMO_ROLES + ["approver"])}},
        ],
        "queues": [{"id": 812, "name": "Invoices", "organization": 4201},
                   {"id": 813, "name": "Receipts", "organization": 4201},
                   {"id": 814, "name": "Orders", "organization": 4201},
                   {"id": 910, "name": "Other Inbox", "organization": 4202}],
        "users": [{"id": 10001, "username": SEED_ADMIN, "organization": 4201,
                   "groups": ["admin"], "password": admin_password, "first_name": "Demo",
                   "last_name": "Admin", "email": SEED_ADMIN},
                  {"id": 10102, "username": "shared.name@other.example", "organization": 4202,
                   "groups": ["annotator"]}] + list(users),
        "generate": list(generate),
        "admin": SEED_ADMIN,
    }


class SeededSandbox(Sandbox):
    """A sandbox started from `seed` (a dict, see demo_seed) written into `directory`."""

    def __init__(self, seed, directory, *extra_args, **kwargs):
        path = os.path.join(directory, "seed-%s.json" % os.urandom(4).hex())
        with open(path, "w") as f:
            json.dump(seed, f)
        super().__init__(*extra_args, seed=path, **kwargs)
        admin = next(u for u in seed["users"] if u["username"] == seed["admin"])
        self.seed_admin = (admin["username"], admin.get("password"))

    def start(self):
        super().start()
        self.admin_username, self.admin_password = self.seed_admin


def other_requests(requests, *suffixes):
    """Requests whose path does not end with any of `suffixes` (default: the AUTH_STEPS)."""
    suffixes = suffixes or AUTH_STEPS
    return [r for r in requests if not r["path"].endswith(tuple(suffixes))]


def writes(sandbox):
    """The logged /api requests that are not GETs, without the authentication steps."""
    return [r for r in sandbox.api_requests() if r["method"] != "GET"]


# ---- saved plans and edited copies of them ----------------------------------------------------
def action(plan, username):
    """The action of `plan` (a saved plan's JSON) about `username`."""
    return next(a for a in plan["actions"] if a["username"] == username)


def recount(plan):
    """Makes the summary of an edited `plan` agree with its actions again, so that the edit
    itself is what a check has to find."""
    plan["summary"] = {k: sum(a["action"] == k for a in plan["actions"])
                       for k in ("create", "update", "skip", "deactivate")}


class SavedPlanTestCase(ToolTestCase):
    """The class's MANIFEST in accounts.yaml, planned into plan.json, and edited copies of that
    plan applied with `apply --plan`."""

    MANIFEST = None

    def setUp(self):
        super().setUp()
        self.manifest = self.write("accounts.yaml", self.MANIFEST)
        self.plan_path = os.path.join(self.tmp, "plan.json")

    def make_plan(self, env, manifest=None):
        """`plan --out` of `manifest` (default: the class's), which must succeed; the plan."""
        run = self.run_tool("plan", manifest or self.manifest, "--out", self.plan_path, env=env)
        self.assertExit(run, 0)
        with open(self.plan_path) as f:
            return json.load(f)

    def edited(self, plan, edit):
        """A new plan file holding a copy of `plan` changed by `edit(copy)`, recounted."""
        plan = copy.deepcopy(plan)
        edit(plan)
        recount(plan)
        return self.write("edited-%d.json" % len(self.outputs), json.dumps(plan, indent=2))

    def apply_edited(self, sb, env, plan, edit):
        """Saves `plan` changed by `edit`, clears the requests `sb` logged, then runs
        `apply --plan FILE --auto-approve`; the run and the file's path."""
        path = self.edited(plan, edit)
        sb.clear_requests()
        return self.run_tool("apply", "--plan", path, "--auto-approve", env=env), path
