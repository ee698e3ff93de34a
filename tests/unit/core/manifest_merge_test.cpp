#include "rossum_accounts/core/diagnostic.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <catch2/catch.hpp>

namespace {

ra::Account account(const std::string& username, const std::string& file, int line) {
    ra::Account a;
    a.username = username;
    a.where = ra::SourceLocation{file, line, 5};
    a.groups = {"viewer"};
    return a;
}

ra::Manifest manifest(const std::string& file, std::vector<ra::Account> accounts) {
    ra::Manifest m;
    m.file = file;
    m.accounts = std::move(accounts);
    return m;
}

std::vector<std::string> formatted(const ra::Diagnostics& ds) {
    std::vector<std::string> out;
    for (const auto& d : ds)
        out.push_back(ra::format_diagnostic(d));
    return out;
}

} // namespace

TEST_CASE("diagnostic: parts that are unknown are left out", "[diagnostic]") {
    CHECK(
        ra::format_diagnostic({{"a.yaml", 7, 5}, "accounts[1].groups", "unknown role \"admn\""}) ==
        "a.yaml:7:5: accounts[1].groups: unknown role \"admn\"");
    CHECK(ra::format_diagnostic({{"a.yaml", 7, 0}, "", "bad"}) == "a.yaml:7: bad");
    CHECK(ra::format_diagnostic({{"a.yaml", 0, 0}, "", "manifest is empty"}) ==
          "a.yaml: manifest is empty");
    CHECK(ra::format_diagnostic({{"", 0, 0}, "prune", "bad"}) == "prune: bad");
    CHECK(ra::format_source({"a.yaml", 12, 5}) == "a.yaml:12");
    CHECK(ra::format_source({"a.yaml", 0, 0}) == "a.yaml");
}

TEST_CASE("manifest: known roles and password sources are described by name", "[manifest]") {
    CHECK(ra::known_roles().size() == 8);
    CHECK(ra::known_roles().front() == "viewer");
    ra::PasswordSource env;
    env.kind = ra::PasswordSourceKind::env;
    env.name = "API_USER_PASSWORD";
    CHECK(ra::describe(env) == "env API_USER_PASSWORD");
    ra::PasswordSource file;
    file.kind = ra::PasswordSourceKind::file;
    file.name = "secrets/api_user.txt";
    CHECK(ra::describe(file) == "file secrets/api_user.txt");
}

TEST_CASE("merge: accounts of several files are concatenated in order", "[manifest][merge]") {
    auto a = manifest("a.yaml", {account("one", "a.yaml", 3)});
    a.api_url = "https://x.rossum.app/api";
    a.prune = true;
    a.prune_declared = true;
    auto b = manifest("b.yaml", {account("two", "b.yaml", 4)});
    b.organization = 7;
    ra::Diagnostics ds;
    const ra::DesiredState s = ra::merge_manifests({a, b}, ds);
    CHECK(ds.empty());
    CHECK(s.files == std::vector<std::string>{"a.yaml", "b.yaml"});
    CHECK(s.api_url == std::optional<std::string>("https://x.rossum.app/api"));
    CHECK(s.organization == std::optional<std::int64_t>(7));
    CHECK(s.prune);
    REQUIRE(s.accounts.size() == 2);
    CHECK(s.accounts[1].username == "two");
}

TEST_CASE("merge: a username in two files names both places", "[manifest][merge]") {
    ra::Diagnostics ds;
    ra::merge_manifests({manifest("a.yaml", {account("Bot", "a.yaml", 3)}),
                         manifest("b.yaml", {account("bot", "b.yaml", 9)})},
                        ds);
    CHECK(formatted(ds) ==
          std::vector<std::string>{"b.yaml:9:5: username \"bot\" is also declared at a.yaml:3"});
}

TEST_CASE("merge: usernames differing only in non-ASCII case are the same, both places named",
          "[manifest][merge][matching]") {
    ra::Diagnostics ds;
    ra::merge_manifests({manifest("a.yaml", {account("\xC3\x84pi@demo", "a.yaml", 3)}),
                         manifest("b.yaml", {account("\xC3\xA4pi@demo", "b.yaml", 9)})},
                        ds);
    CHECK(formatted(ds) == std::vector<std::string>{"b.yaml:9:5: username \"\xC3\xA4pi@demo\" is "
                                                    "also declared at a.yaml:3"});
}

TEST_CASE("merge: settings that disagree between files are diagnostics", "[manifest][merge]") {
    auto a = manifest("a.yaml", {});
    a.api_url = "https://a.rossum.app/api";
    a.organization = 1;
    a.prune = true;
    a.prune_declared = true;
    auto b = manifest("b.yaml", {});
    b.api_url = "https://b.rossum.app/api";
    b.organization = 2;
    b.prune_declared = true;
    ra::Diagnostics ds;
    ra::merge_manifests({a, b}, ds);
    CHECK(formatted(ds) ==
          std::vector<std::string>{
              "b.yaml: api_url: api_url \"https://b.rossum.app/api\" disagrees with "
              "\"https://a.rossum.app/api\" in a.yaml",
              "b.yaml: organization: organization 2 disagrees with 1 in a.yaml",
              "b.yaml: prune: prune false disagrees with true in a.yaml"});
}

TEST_CASE("merge: a file silent about prune does not disagree", "[manifest][merge]") {
    auto a = manifest("a.yaml", {});
    a.prune = true;
    a.prune_declared = true;
    ra::Diagnostics ds;
    const auto s = ra::merge_manifests({a, manifest("b.yaml", {})}, ds);
    CHECK(ds.empty());
    CHECK(s.prune);
}
