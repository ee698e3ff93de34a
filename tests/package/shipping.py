"""Shared by the shipping tests: the built binaries, the source tree and what git says of it.

ctest passes RA_BIN, RA_SANDBOX, RA_SOURCE_DIR, RA_BUILD_DIR and RA_DOC_DIR in the environment.
"""
import os
import re
import shutil
import subprocess

RA_BIN = os.environ.get("RA_BIN", "")
RA_SANDBOX = os.environ.get("RA_SANDBOX", "")
SOURCE_DIR = os.environ.get("RA_SOURCE_DIR", "")
BUILD_DIR = os.environ.get("RA_BUILD_DIR", "")
DOC_DIR = os.environ.get("RA_DOC_DIR", "")


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)


def project_version():
    """The VERSION of CMakeLists.txt's project()."""
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        return re.search(r"project\(rossum-accounts VERSION ([0-9.]+)", f.read()).group(1)


def source_commit():
    """The short commit of the source tree's HEAD, "unknown" when it is not a git checkout."""
    top = run(["git", "-C", SOURCE_DIR, "rev-parse", "--show-toplevel"])
    if top.returncode != 0 or os.path.realpath(top.stdout.strip()) != os.path.realpath(SOURCE_DIR):
        return "unknown"
    return run(["git", "-C", SOURCE_DIR, "rev-parse", "--short", "HEAD"]).stdout.strip()


def built_commit():
    """The commit the last build read into version.hpp: what --version must print. (That the
    build reads HEAD each time is test_version.GitVersionScript's business; comparing with HEAD
    here would fail after every commit made since the last build.)"""
    header = os.path.join(BUILD_DIR, "generated", "rossum_accounts", "version.hpp")
    with open(header, encoding="utf-8") as f:
        return re.search(r'k_git_commit = "([^"]*)"', f.read()).group(1)


def help_commands():
    """The command names `rossum-accounts --help` lists under Subcommands."""
    out = run([RA_BIN, "--help"]).stdout
    section = out.split("\nSubcommands:\n", 1)[1]
    names = []
    for line in section.splitlines():
        if not line.startswith("  "):
            break
        names.append(line.split()[0])
    return names


def help_options(command):
    """The long options `rossum-accounts help COMMAND` lists, with their CLI11 type text."""
    out = run([RA_BIN, "help", command]).stdout.split("\nCredentials come from", 1)[0]
    return dict(re.findall(r"^ +(?:-\w,)?(--[\w-]+) *(\S*)", out, re.M))


def require(program):
    """Fails (not skips) without PROGRAM: the test command installs every tool these tests use."""
    if shutil.which(program) is None:
        raise AssertionError(f"{program} is not installed: scripts/test.sh installs the test tools "
                             "(scripts/setup.sh --test-tools)")
