#include "rossum_accounts/io/secret_lookup.hpp"
#include "support/map_environment.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ra-secret-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::string write(const std::string& name, const std::string& contents, mode_t mode) const {
        const auto file = (path / name).string();
        std::ofstream(file, std::ios::binary) << contents;
        REQUIRE(::chmod(file.c_str(), mode) == 0);
        return file;
    }
};

ra::PasswordSource env_source(const std::string& name) {
    ra::PasswordSource s;
    s.kind = ra::PasswordSourceKind::env;
    s.name = name;
    return s;
}

ra::PasswordSource file_source(const std::string& name, const std::string& base_dir) {
    ra::PasswordSource s;
    s.kind = ra::PasswordSourceKind::file;
    s.name = name;
    s.base_dir = base_dir;
    return s;
}

const ra::MapEnvironment k_env({{"SET", "Correct-Horse-9"}, {"EMPTY", ""}});

} // namespace

TEST_CASE("secret lookup: an env source gives the variable's value", "[secrets][io]") {
    ra::SystemSecretLookup lookup(k_env);
    auto value = lookup.resolve(env_source("SET"));
    REQUIRE(value.ok());
    CHECK(*value == "Correct-Horse-9");
}

TEST_CASE("secret lookup: an unset or empty variable is named in the error", "[secrets][io]") {
    ra::SystemSecretLookup lookup(k_env);
    auto unset = lookup.resolve(env_source("MISSING"));
    REQUIRE_FALSE(unset.ok());
    CHECK(unset.error().kind == ra::ErrorKind::invalid_input);
    CHECK(unset.error().message == "password variable MISSING is not set");
    auto empty = lookup.resolve(env_source("EMPTY"));
    REQUIRE_FALSE(empty.ok());
    CHECK(empty.error().message == "password variable EMPTY is empty");
}

TEST_CASE("secret lookup: a private file relative to the manifest gives its first line",
          "[secrets][io]") {
    TempDir dir;
    dir.write("pw.txt", "Tr0ub4dor&3-long\r\n", 0600);
    ra::SystemSecretLookup lookup(k_env);
    auto value = lookup.resolve(file_source("pw.txt", dir.path.string()));
    REQUIRE(value.ok());
    CHECK(*value == "Tr0ub4dor&3-long");
}

TEST_CASE("secret lookup: a symlink is followed to a private file", "[secrets][io]") {
    TempDir dir;
    const auto target = dir.write("real.txt", "Tr0ub4dor&3-long\n", 0600);
    std::filesystem::create_symlink(target, dir.path / "link.txt");
    ra::SystemSecretLookup lookup(k_env);
    auto value = lookup.resolve(file_source("link.txt", dir.path.string()));
    REQUIRE(value.ok());
    CHECK(*value == "Tr0ub4dor&3-long");
}

TEST_CASE("secret lookup: a file readable by others is refused with its mode, unread",
          "[secrets][io]") {
    TempDir dir;
    const auto file = dir.write("pw.txt", "Tr0ub4dor&3-open", 0644);
    ra::SystemSecretLookup lookup(k_env);
    auto value = lookup.resolve(file_source("pw.txt", dir.path.string()));
    REQUIRE_FALSE(value.ok());
    CHECK(value.error().kind == ra::ErrorKind::invalid_input);
    CHECK(value.error().message ==
          "password file " + file + " is accessible by group or others (mode 0644); chmod 600 it");
}

TEST_CASE("secret lookup: FIFOs, directories, missing and oversized files are refused",
          "[secrets][io]") {
    TempDir dir;
    const auto fifo = (dir.path / "fifo").string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto big = dir.write("big.txt", std::string(5000, 'x'), 0600);
    ra::SystemSecretLookup lookup(k_env);
    const std::string base = dir.path.string();
    CHECK(lookup.resolve(file_source("fifo", base)).error().message ==
          "password file " + fifo + " is not a regular file");
    CHECK(lookup.resolve(file_source(base, "")).error().message ==
          "password file " + base + " is not a regular file");
    CHECK(lookup.resolve(file_source("none.txt", base)).error().message ==
          "cannot open password file " + base + "/none.txt: no such file or directory");
    CHECK(lookup.resolve(file_source("big.txt", base)).error().message ==
          "password file " + big + " is larger than 4096 bytes");
}

TEST_CASE("secret lookup: control characters inside a password file are refused unechoed",
          "[secrets][io]") {
    TempDir dir;
    const auto file = dir.write("pw.txt", "Secr3t-line-one\nSecr3t-line-two\n", 0600);
    ra::SystemSecretLookup lookup(k_env);
    auto value = lookup.resolve(file_source("pw.txt", dir.path.string()));
    REQUIRE_FALSE(value.ok());
    CHECK(value.error().message ==
          file + ": password file contains a control character (only one trailing newline is "
                 "allowed)");
}
