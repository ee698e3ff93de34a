#include "rossum_accounts/io/manifest_loader.hpp"
#include "rossum_accounts/io/manifest_writer.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

namespace {

const std::string k_fixtures = std::string(RA_TEST_FIXTURES) + "/manifests/";

// Diagnostics of a fixture, formatted with FILE shortened to the fixture's name.
std::vector<std::string> problems(const std::string& kind, const std::string& name) {
    ra::LoadResult result = ra::load_manifest_file(k_fixtures + kind + "/" + name);
    std::vector<std::string> out;
    for (ra::Diagnostic d : result.diagnostics) {
        REQUIRE(d.where.file == k_fixtures + kind + "/" + name);
        d.where.file = name;
        out.push_back(ra::format_diagnostic(d));
    }
    if (!out.empty())
        REQUIRE_FALSE(result.manifest.has_value());
    return out;
}

struct Case {
    std::string name;
    std::vector<std::string> expected;
};

} // namespace

TEST_CASE("manifest loader: each invalid fixture gives exactly its diagnostics",
          "[manifest][fixtures]") {
    const std::string inline_pw =
        "accounts[0].password: a password is never written inline; use password.env or "
        "password.file";
    auto c = GENERATE_COPY(values<Case>({
        {"unknown_key.yaml",
         {"unknown_key.yaml:5:5: accounts[0]: unknown key \"usernmae\" (did you mean "
          "\"username\"?)"}},
        {"wrong_type_groups.yaml",
         {"wrong_type_groups.yaml:4:13: accounts[0].groups: expected a sequence of role names, "
          "got a string"}},
        {"wrong_type_username.yaml",
         {"wrong_type_username.yaml:3:15: accounts[0].username: expected a string, got a "
          "sequence"}},
        {"duplicate_key.yaml",
         {"duplicate_key.yaml:5:5: accounts[0]: duplicate key \"groups\" (first at 4:5)"}},
        {"duplicate_username.yaml",
         {"duplicate_username.yaml:5:15: accounts[1].username: duplicate username "
          "\"bot@EXAMPLE\" (first at 3:15)"}},
        {"unknown_role.yaml",
         {"unknown_role.yaml:4:14: accounts[0].groups[0]: unknown role \"admn\" (did you mean "
          "\"admin\"?)"}},
        {"duplicate_role.yaml",
         {"duplicate_role.yaml:4:29: accounts[0].groups[2]: role \"admin\" is listed twice"}},
        {"empty_groups.yaml", {"empty_groups.yaml:4:13: accounts[0].groups: must not be empty"}},
        {"no_groups.yaml",
         {"no_groups.yaml:3:5: accounts[0]: no groups: set groups here or in defaults"}},
        {"duplicate_queue.yaml",
         {"duplicate_queue.yaml:5:24: accounts[0].queues[2]: queue 812 is listed twice"}},
        {"bad_queue.yaml",
         {"bad_queue.yaml:5:14: accounts[0].queues[0]: must be a positive integer",
          "bad_queue.yaml:5:17: accounts[0].queues[1]: \"813\" is a queue id written as a "
          "string: write it without quotes"}},
        {"inline_password.yaml", {"inline_password.yaml:5:15: " + inline_pw}},
        {"password_both.yaml",
         {"password_both.yaml:5:15: accounts[0].password: set exactly one of env or file"}},
        {"password_bad_env.yaml",
         {"password_bad_env.yaml:5:21: accounts[0].password.env: must be an environment "
          "variable name ([A-Za-z_][A-Za-z0-9_]*)"}},
        {"reserved_metadata.yaml",
         {"reserved_metadata.yaml:5:16: accounts[0].metadata: key \"managed_by\" is reserved"}},
        {"reserved_record_metadata.yaml",
         {"reserved_record_metadata.yaml:5:16: accounts[0].metadata: key "
          "\"rossum_accounts_applied\" is reserved"}},
        {"nested_metadata.yaml",
         {"nested_metadata.yaml:5:22: accounts[0].metadata.team: expected a scalar value, got a "
          "sequence"}},
        {"missing_version.yaml", {"missing_version.yaml:1:1: missing required key \"version\""}},
        {"bad_version.yaml",
         {"bad_version.yaml:1:10: version: unsupported version 2 (expected 1)"}},
        {"quoted_version.yaml",
         {"quoted_version.yaml:1:10: version: expected an integer, got a string"}},
        {"missing_accounts.yaml", {"missing_accounts.yaml:1:1: missing required key \"accounts\""}},
        {"missing_username.yaml",
         {"missing_username.yaml:3:5: accounts[0]: missing required key \"username\""}},
        {"username_whitespace.yaml",
         {"username_whitespace.yaml:3:15: accounts[0].username: must not contain whitespace, "
          "control or invisible characters (U+0020 at character 4)"}},
        {"organization_zero.yaml",
         {"organization_zero.yaml:2:15: organization: must be a positive integer"}},
        {"defaults_password.yaml",
         {"defaults_password.yaml:3:3: defaults: \"password\" cannot have a default; set it per "
          "account"}},
        {"anchor_password.yaml",
         {"anchor_password.yaml:5:15: accounts[0].password: anchors are not allowed",
          "anchor_password.yaml:5:15: " + inline_pw}},
        {"tag_password.yaml",
         {"tag_password.yaml:5:15: accounts[0].password: tags are not allowed",
          "tag_password.yaml:5:15: " + inline_pw}},
        {"alias_password.yaml",
         {"alias_password.yaml:5:15: aliases are not allowed (quote a value that starts with "
          "\"*\")"}},
        {"cyclic_alias.yaml",
         {"cyclic_alias.yaml:2:1: unknown key \"x\"",
          "cyclic_alias.yaml:2:4: x: anchors are not allowed",
          "cyclic_alias.yaml:2:11: x[1]: aliases are not allowed"}},
        {"merge_key.yaml",
         {"merge_key.yaml:2:1: unknown key \"base\"",
          "merge_key.yaml:2:7: base: anchors are not allowed",
          "merge_key.yaml:4:5: accounts[0]: no groups: set groups here or in defaults",
          "merge_key.yaml:5:5: accounts[0]: merge keys are not allowed",
          "merge_key.yaml:5:9: accounts[0].<<: aliases are not allowed"}},
        {"binary_tag.yaml", {"binary_tag.yaml:3:15: accounts[0].username: tags are not allowed"}},
        {"comma.yaml", {"comma.yaml:1:1: invalid yaml syntax"}},
        {"bang.yaml", {"bang.yaml:1:1: the manifest must be a mapping, not a string"}},
        {"empty.yaml", {"empty.yaml: manifest is empty"}},
        {"top_level_list.yaml",
         {"top_level_list.yaml:1:1: the manifest must be a mapping, not a sequence"}},
        {"two_documents.yaml",
         {"two_documents.yaml:3:1: a manifest holds exactly one yaml document"}},
        {"tabs.yaml", {"tabs.yaml:3:1: tabs are not allowed in indentation"}},
        {"nul_byte.yaml", {"nul_byte.yaml:2:13: manifest contains a NUL byte"}},
        {"invalid_utf8.yaml", {"invalid_utf8.yaml:3:16: invalid UTF-8 at byte offset 36"}},
        {"too_deep_block.yaml", {"too_deep_block.yaml:35:65: nesting is too deep"}},
        {"non_finite_metadata.yaml",
         {"non_finite_metadata.yaml:6:14: accounts[0].metadata.ratio: infinity and NaN are not "
          "allowed (JSON has no such number); quote it to send a string",
          "non_finite_metadata.yaml:7:14: accounts[0].metadata.floor: infinity and NaN are not "
          "allowed (JSON has no such number); quote it to send a string",
          "non_finite_metadata.yaml:8:14: accounts[0].metadata.score: infinity and NaN are not "
          "allowed (JSON has no such number); quote it to send a string",
          "non_finite_metadata.yaml:9:13: accounts[0].metadata.huge: number is out of range for "
          "a 64-bit float; quote it to send a string"}},
        {"big_integer_metadata.yaml",
         {"big_integer_metadata.yaml:5:53: accounts[0].metadata.too_big: integer is out of range "
          "(64 bits: -9223372036854775808 to 18446744073709551615); quote it to send a string"}},
        {"organization_out_of_range.yaml",
         {"organization_out_of_range.yaml:2:15: organization: integer is out of range (at most "
          "9223372036854775807)"}},
        {"non_decimal_queue.yaml",
         {"non_decimal_queue.yaml:5:14: accounts[0].queues[0]: hexadecimal and octal integers "
          "are not allowed; write it in decimal",
          "non_decimal_queue.yaml:5:21: accounts[0].queues[1]: hexadecimal and octal integers "
          "are not allowed; write it in decimal",
          "non_decimal_queue.yaml:5:29: accounts[0].queues[2]: an integer with a leading zero is "
          "ambiguous (YAML 1.1 reads it as octal); drop the zero"}},
    }));
    CAPTURE(c.name);
    CHECK(problems("invalid", c.name) == c.expected);
}

TEST_CASE("manifest loader: a billion-laughs file is rejected without expanding it",
          "[manifest][hostile]") {
    const auto found = problems("invalid", "alias_bomb.yaml");
    REQUIRE(found.size() == 51);
    CHECK(found[0] == "alias_bomb.yaml:3:1: unknown key \"lol\"");
    CHECK(found[1] == "alias_bomb.yaml:3:6: lol: anchors are not allowed");
    CHECK(found[4] == "alias_bomb.yaml:4:8: b[0]: aliases are not allowed");
    CHECK(found[50] == "alias_bomb.yaml: 40 more problems not shown");
}

TEST_CASE("manifest loader: the full fixture applies defaults under each account",
          "[manifest][valid]") {
    ra::LoadResult result = ra::load_manifest_file(k_fixtures + "valid/full.yaml");
    REQUIRE(result.diagnostics.empty());
    REQUIRE(result.manifest.has_value());
    const ra::Manifest& m = *result.manifest;
    CHECK(m.file == k_fixtures + "valid/full.yaml");
    CHECK(m.api_url == std::optional<std::string>("https://example.rossum.app/api"));
    CHECK(ra::format_source(m.api_url_where) == k_fixtures + "valid/full.yaml:3");
    CHECK(m.api_url_where.column == 10); // validate reports api_url problems here
    CHECK(m.organization == std::optional<std::int64_t>(1234));
    CHECK(m.prune);
    CHECK(m.prune_declared);
    REQUIRE(m.accounts.size() == 2);

    const ra::Account& api = m.accounts[0];
    CHECK(api.username == "api_user@example");
    CHECK(api.where.line == 14);
    CHECK(api.where.column == 5);
    CHECK(api.first_name == std::optional<std::string>("SYSTEM USER"));
    CHECK(api.last_name == std::optional<std::string>("(DO NOT DELETE)"));
    CHECK(api.email == std::optional<std::string>("ops@example.com"));
    CHECK(api.groups == std::vector<std::string>{"admin", "viewer"});
    CHECK(api.queues == std::optional(std::vector<std::int64_t>{812, 813}));
    CHECK(api.active);
    REQUIRE(api.password.has_value());
    CHECK(api.password->kind == ra::PasswordSourceKind::env);
    CHECK(api.password->name == "API_USER_PASSWORD");
    CHECK(api.password->base_dir == k_fixtures + "valid");
    CHECK(api.password->where.line == 19);
    CHECK(api.metadata == nlohmann::json::parse(R"({"team": "integrations", "tier": 2,
        "ticket": "1234", "on_call": false, "ratio": 0.5, "note": null})"));

    const ra::Account& reporting = m.accounts[1];
    CHECK(reporting.username == "reporting@example");
    CHECK(reporting.last_name == std::optional<std::string>("Reporting"));
    CHECK(reporting.email == std::nullopt);
    CHECK(reporting.groups == std::vector<std::string>{"annotator"});
    CHECK(reporting.queues == std::optional(std::vector<std::int64_t>{812}));
    CHECK_FALSE(reporting.active);
    REQUIRE(reporting.password.has_value());
    CHECK(ra::describe(*reporting.password) == "file secrets/reporting.txt");
    CHECK(reporting.metadata == nlohmann::json::parse(R"({"team": "integrations", "tier": 1})"));
}

TEST_CASE("manifest loader: omitted fields stay unmanaged", "[manifest][valid]") {
    ra::LoadResult result = ra::load_manifest_file(k_fixtures + "valid/minimal.yaml");
    REQUIRE(result.manifest.has_value());
    const ra::Manifest& m = *result.manifest;
    CHECK_FALSE(m.api_url.has_value());
    CHECK_FALSE(m.organization.has_value());
    CHECK_FALSE(m.prune);
    CHECK_FALSE(m.prune_declared);
    REQUIRE(m.accounts.size() == 1);
    const ra::Account& a = m.accounts[0];
    CHECK(a.username == "bot");
    CHECK_FALSE(a.first_name.has_value());
    CHECK_FALSE(a.queues.has_value());
    CHECK_FALSE(a.password.has_value());
    CHECK(a.active);
    CHECK(a.metadata == nlohmann::json::object());
}

TEST_CASE("manifest loader: an empty account list and a UTF-8 BOM are accepted",
          "[manifest][valid]") {
    for (const char* name : {"empty_accounts.yaml", "bom.yaml"}) {
        CAPTURE(name);
        ra::LoadResult result = ra::load_manifest_file(k_fixtures + "valid/" + name);
        CHECK(result.diagnostics.empty());
        REQUIRE(result.manifest.has_value());
        CHECK(result.manifest->accounts.empty());
    }
}

TEST_CASE("manifest loader: a relative path's password files resolve from its directory",
          "[manifest][valid]") {
    ra::LoadResult result = ra::load_manifest_text(
        "version: 1\naccounts:\n  - {username: a, groups: [admin], password: {file: p.txt}}\n",
        "m.yaml", "/etc/manifests");
    REQUIRE(result.manifest.has_value());
    CHECK(result.manifest->accounts[0].password->base_dir == "/etc/manifests");
}

TEST_CASE("manifest loader: every example manifest loads without diagnostics",
          "[manifest][examples]") {
    for (const char* name : {"accounts.yaml", "minimal.yaml", "prune.yaml"}) {
        CAPTURE(name);
        ra::LoadResult result =
            ra::load_manifest_file(std::string(RA_SOURCE_DIR) + "/examples/" + name);
        CHECK(result.diagnostics.empty());
        REQUIRE(result.manifest.has_value());
        CHECK_FALSE(result.manifest->api_url.has_value()); // the demo passes --api-url
        for (const ra::Account& a : result.manifest->accounts) {
            CHECK(std::find(a.groups.begin(), a.groups.end(), "approver") == a.groups.end());
            if (a.queues) {
                for (std::int64_t q : *a.queues)
                    CHECK((q == 812 || q == 813 || q == 814));
            }
        }
    }
}

TEST_CASE("manifest: a relative manifest path gives an absolute, normalized base directory",
          "[manifest][valid]") {
    // A saved plan records the password file joined with it, so apply --plan finds the same
    // file from any working directory.
    const auto fixture = std::filesystem::path(k_fixtures) / "valid" / "full.yaml";
    const auto relative = std::filesystem::relative(fixture).string();
    REQUIRE(std::filesystem::path(relative).is_relative());
    for (const std::string& path : {relative, k_fixtures + "valid/../valid/full.yaml"}) {
        INFO(path);
        ra::LoadResult result = ra::load_manifest_file(path);
        REQUIRE(result.manifest.has_value());
        const std::string& base_dir = result.manifest->accounts[0].password->base_dir;
        CHECK(base_dir == std::filesystem::path(k_fixtures + "valid").lexically_normal().string());
        CHECK(std::filesystem::path(base_dir).is_absolute());
    }
}

TEST_CASE("manifest writer: DEL and other controls are written escaped and read back unchanged",
          "[manifest][writer][hostile]") {
    // yaml-cpp wrote DEL raw, so `export` to a terminal printed it as it is.
    ra::Account a;
    a.username = "svc@acme";
    a.first_name = std::string("Jo\x7fhn\x1b[2J\xc2\x85x");
    a.groups = {"viewer"};
    const std::string yaml = ra::write_manifest_yaml({a}, {"exported"});
    CHECK(yaml.find('\x7f') == std::string::npos);
    CHECK(yaml.find('\x1b') == std::string::npos);
    CHECK(yaml.find("\xc2\x85") == std::string::npos);
    ra::LoadResult back = ra::load_manifest_text(yaml, "exported.yaml", "/srv");
    REQUIRE(back.diagnostics.empty());
    REQUIRE(back.manifest);
    REQUIRE(back.manifest->accounts.size() == 1);
    CHECK(back.manifest->accounts[0].first_name == a.first_name);
}

TEST_CASE("manifest writer: invisible characters in a value are written as escapes and read "
          "back unchanged",
          "[manifest][writer][hostile]") {
    // A first name holding a right-to-left override reordered export's line on a terminal and
    // in the diff that adds the exported manifest.
    ra::Account a;
    a.username = "svc@acme";
    a.first_name = std::string("F\u202eN\u200b\U000e0100 Jos\u00e9");
    a.last_name = std::string("x\u2028y");
    a.groups = {"viewer"};
    const std::string yaml = ra::write_manifest_yaml({a}, {"exported"});
    CHECK(yaml.find("first_name: \"F\\u202eN\\u200b\\U000e0100 Jos\u00e9\"") != std::string::npos);
    CHECK(yaml.find("last_name: \"x\\u2028y\"") != std::string::npos);
    CHECK(yaml.find("\u202e") == std::string::npos);
    ra::LoadResult back = ra::load_manifest_text(yaml, "exported.yaml", "/srv");
    REQUIRE(back.diagnostics.empty());
    REQUIRE(back.manifest);
    REQUIRE(back.manifest->accounts.size() == 1);
    CHECK(back.manifest->accounts[0].first_name == a.first_name);
    CHECK(back.manifest->accounts[0].last_name == a.last_name);
}

TEST_CASE("manifest loader: queues may be given by id or by name, from defaults too",
          "[manifest][valid][queues]") {
    ra::LoadResult result = ra::load_manifest_text(
        "version: 1\ndefaults: {queues: [Invoices]}\naccounts:\n"
        "  - {username: a, groups: [admin], queues: [812, \"Receipts\", Orders 2]}\n"
        "  - {username: b, groups: [admin]}\n",
        "m.yaml", "/srv");
    REQUIRE(result.diagnostics.empty());
    REQUIRE(result.manifest.has_value());
    const ra::Account& a = result.manifest->accounts[0];
    CHECK(a.queues == std::vector<std::int64_t>{812});
    CHECK(a.queue_names == std::vector<std::string>{"Receipts", "Orders 2"});
    const ra::Account& b = result.manifest->accounts[1];
    CHECK(b.queues == std::vector<std::int64_t>{}); // managed: the default names a queue
    CHECK(b.queue_names == std::vector<std::string>{"Invoices"});
}

TEST_CASE("manifest loader: a queue name listed twice or empty is refused",
          "[manifest][invalid][queues]") {
    ra::LoadResult result = ra::load_manifest_text(
        "version: 1\naccounts:\n  - {username: a, groups: [admin], queues: [Inbox, Inbox, \"\"]}\n",
        "m.yaml", "/srv");
    CHECK_FALSE(result.manifest.has_value());
    REQUIRE(result.diagnostics.size() == 2);
    CHECK(result.diagnostics[0].message == "queue \"Inbox\" is listed twice");
    CHECK(result.diagnostics[1].message == "a queue name must have 1 to 1000 characters");
}

TEST_CASE("manifest loader: a duplicate metadata key says where the first one is", "[manifest]") {
    ra::LoadResult result = ra::load_manifest_text("version: 1\n"
                                                   "accounts:\n"
                                                   "  - username: bot@example\n"
                                                   "    groups: [viewer]\n"
                                                   "    metadata:\n"
                                                   "      team: a\n"
                                                   "      team: b\n",
                                                   "m.yaml", "/srv");
    REQUIRE(result.diagnostics.size() == 1);
    CHECK(ra::format_diagnostic(result.diagnostics[0]) ==
          "m.yaml:7:7: accounts[0].metadata: duplicate key \"team\" (first at 6:7)");
}
