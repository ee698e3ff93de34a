"""--version of both binaries names the version and the commit they were built from, and the
build re-reads the commit whenever HEAD changes (cmake/git_version.cmake)."""
import os
import shutil
import subprocess
import tempfile
import unittest

from shipping import (RA_BIN, RA_SANDBOX, SOURCE_DIR, built_commit, project_version, run,
                      source_commit)

SCRIPT = os.path.join(SOURCE_DIR, "cmake", "git_version.cmake")
TEMPLATE = os.path.join(SOURCE_DIR, "src", "version.hpp.in")


class VersionFlag(unittest.TestCase):
    def test_rossum_accounts_prints_its_version_and_commit(self):
        result = run([RA_BIN, "--version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(),
                         f"rossum-accounts {project_version()} (commit {built_commit()})")

    def test_rossum_sandbox_prints_its_version_and_commit(self):
        result = run([RA_SANDBOX, "--version"])
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(),
                         f"rossum-sandbox {project_version()} (commit {built_commit()})")


    def test_the_commit_is_one_of_the_source_repository(self):
        commit = built_commit()
        if source_commit() == "unknown":
            self.assertEqual(commit, "unknown")
        else:
            self.assertRegex(commit, r"^[0-9a-f]{7,}$")
            known = run(["git", "-C", SOURCE_DIR, "rev-parse", "--verify", "-q",
                         f"{commit}^{{commit}}"])
            self.assertEqual(known.returncode, 0, f"{commit} is not a commit of {SOURCE_DIR}")


class GitVersionScript(unittest.TestCase):
    """The script the build runs each time: its output follows HEAD and is rewritten only then."""

    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.repo = os.path.join(self.dir, "repo")
        os.mkdir(self.repo)
        self.header = os.path.join(self.dir, "version.hpp")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def git(self, *args):
        env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
                   GIT_COMMITTER_EMAIL="t@t")
        return subprocess.run(["git", "-C", self.repo, *args], check=True, capture_output=True,
                              text=True, env=env).stdout.strip()

    def commit(self):
        self.git("commit", "-q", "--allow-empty", "-m", "x")
        return self.git("rev-parse", "--short", "HEAD")

    def generate(self, source_dir):
        result = run(["cmake", "-DVERSION=9.8.7", f"-DSOURCE_DIR={source_dir}",
                      f"-DINPUT={TEMPLATE}", f"-DOUTPUT={self.header}", "-P", SCRIPT])
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(self.header, encoding="utf-8") as f:
            return f.read()

    def test_a_new_commit_changes_the_header_and_the_same_commit_leaves_it_alone(self):
        self.git("init", "-q")
        first = self.commit()
        text = self.generate(self.repo)
        self.assertIn('k_version = "9.8.7"', text)
        self.assertIn(f'k_git_commit = "{first}"', text)
        mtime = os.stat(self.header).st_mtime_ns
        os.utime(self.header, ns=(mtime - 10**9, mtime - 10**9))
        self.generate(self.repo)
        self.assertEqual(os.stat(self.header).st_mtime_ns, mtime - 10**9,
                         "rewritten with the same commit: every build would recompile")
        second = self.commit()
        self.assertNotEqual(first, second)
        self.assertIn(f'k_git_commit = "{second}"', self.generate(self.repo))

    def test_outside_a_git_checkout_the_commit_is_unknown(self):
        self.assertIn('k_git_commit = "unknown"', self.generate(self.repo))

    def test_a_source_tree_unpacked_inside_another_checkout_is_unknown(self):
        self.git("init", "-q")
        self.commit()
        inner = os.path.join(self.repo, "unpacked")
        os.mkdir(inner)
        self.assertIn('k_git_commit = "unknown"', self.generate(inner))


if __name__ == "__main__":
    unittest.main()
