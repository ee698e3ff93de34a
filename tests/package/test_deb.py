"""The .deb CPack builds from this build tree: its name, its files, a Depends that dpkg-shlibdeps
computed (exactly the packages of the shared libraries the binaries load, no -dev package), and
an extracted binary that runs."""
import glob
import os
import re
import shutil
import subprocess
import tempfile
import unittest

from shipping import BUILD_DIR, SOURCE_DIR, built_commit, project_version, require, run


def needed_packages(binary):
    """The Debian packages holding the shared libraries BINARY names as NEEDED (for this
    architecture: a multilib lib32stdc++6 also holds a libstdc++.so.6)."""
    multiarch = run(["dpkg-architecture", "-qDEB_HOST_MULTIARCH"]).stdout.strip()
    dynamic = run(["objdump", "-p", binary]).stdout
    packages = set()
    for library in re.findall(r"^\s*NEEDED\s+(\S+)", dynamic, re.M):
        owner = run(["dpkg-query", "-S", f"*/{multiarch}/{library}"])
        names = {line.split(":")[0] for line in owner.stdout.splitlines() if line}
        if len(names) != 1:
            raise AssertionError(f"{library}: owned by {names or 'no package'}")
        packages |= names
    return packages


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps", "objdump", "file"):
            require(tool)
        cls.work = tempfile.mkdtemp()
        built = subprocess.run(["cpack", "-G", "DEB", "--config",
                                os.path.join(BUILD_DIR, "CPackConfig.cmake"), "-B", cls.work],
                               capture_output=True, text=True, timeout=600)
        if built.returncode != 0:
            shutil.rmtree(cls.work)
            raise AssertionError("cpack failed:\n" + built.stdout + built.stderr)
        cls.debs = glob.glob(os.path.join(cls.work, "*.deb"))
        cls.deb = cls.debs[0] if len(cls.debs) == 1 else None
        cls.root = os.path.join(cls.work, "root")
        if cls.deb:
            subprocess.run(["dpkg-deb", "-x", cls.deb, cls.root], check=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work)

    def field(self, name):
        return run(["dpkg-deb", "-f", self.deb, name]).stdout.strip()

    def test_the_file_is_named_like_a_debian_package(self):
        arch = run(["dpkg", "--print-architecture"]).stdout.strip()
        self.assertEqual([os.path.basename(d) for d in self.debs],
                         [f"rossum-accounts_{project_version()}_{arch}.deb"])
        self.assertEqual(self.field("Package"), "rossum-accounts")
        self.assertEqual(self.field("Version"), project_version())
        # A CMake list given as the text would start its lines with ";".
        self.assertNotRegex(self.field("Description"), r"(?m)^ ;")

    def test_it_holds_the_binaries_man_pages_completions_schemas_and_examples(self):
        listing = run(["dpkg-deb", "-c", self.deb]).stdout
        files = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
        expected = {
            "/usr/bin/rossum-accounts", "/usr/bin/rossum-sandbox",
            "/usr/share/man/man1/rossum-accounts.1", "/usr/share/man/man1/rossum-sandbox.1",
            "/usr/share/bash-completion/completions/rossum-accounts",
            "/usr/share/zsh/vendor-completions/_rossum-accounts",
            "/usr/share/fish/vendor_completions.d/rossum-accounts.fish",
            "/usr/share/doc/rossum-accounts/README.md",
            "/usr/share/doc/rossum-accounts/examples/accounts.yaml",
        }
        for schema in os.listdir(os.path.join(SOURCE_DIR, "schemas")):
            expected.add(f"/usr/share/rossum-accounts/schemas/{schema}")
        self.assertLessEqual(expected, files)
        for binary in ("rossum-accounts", "rossum-sandbox"):
            self.assertTrue(os.access(os.path.join(self.root, "usr/bin", binary), os.X_OK))

    def test_depends_is_exactly_the_run_time_libraries_of_the_binaries(self):
        depends = {re.sub(r"\s*\(.*\)", "", d).strip() for d in self.field("Depends").split(",")}
        self.assertIn("libc6", depends)
        self.assertIn("libcurl4", depends)
        self.assertEqual([d for d in depends if d.endswith("-dev")], [])
        loaded = set()
        for binary in ("rossum-accounts", "rossum-sandbox"):
            loaded |= needed_packages(os.path.join(self.root, "usr/bin", binary))
        self.assertEqual(depends, loaded)

    def test_the_extracted_binaries_run(self):
        for binary in ("rossum-accounts", "rossum-sandbox"):
            with self.subTest(binary=binary):
                result = run([os.path.join(self.root, "usr/bin", binary), "--version"])
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual(result.stdout.strip(),
                                 f"{binary} {project_version()} (commit {built_commit()})")

    def test_the_packaged_completion_is_the_one_the_binary_prints(self):
        path = os.path.join(self.root, "usr/share/bash-completion/completions/rossum-accounts")
        with open(path, encoding="utf-8") as f:
            packaged = f.read()
        printed = run([os.path.join(self.root, "usr/bin/rossum-accounts"), "completion", "bash"])
        self.assertEqual(printed.stdout, packaged)


if __name__ == "__main__":
    unittest.main()
