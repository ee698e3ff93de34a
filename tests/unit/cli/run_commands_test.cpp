// The commands end to end inside the process: argument parsing, the Context main builds, exit
// codes, which stream gets what, and the session's lifetime, over the in-memory FakeApi.
#include "cli_fixture.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <sys/stat.h>

using namespace ra;
using nlohmann::json;
using ra::test::CliFixture;

namespace {

const std::string k_password = "Tr0ub4dor&3-horse-battery";

std::string bot(const std::string& username, const std::string& role = "viewer") {
    return "  - username: " + username + "\n    groups: [" + role +
           "]\n    password: {env: BOT_PASSWORD}\n";
}

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// The command names of --help's "Subcommands:" section, in order.
std::vector<std::string> listed_commands(const std::string& help) {
    std::vector<std::string> names;
    std::istringstream lines(help.substr(help.find("Subcommands:\n") + 13));
    for (std::string line; std::getline(lines, line) && line.rfind("  ", 0) == 0;)
        names.push_back(line.substr(2, line.find(' ', 2) - 2));
    return names;
}

// The names a "a, b, … or z" list gives, in order.
std::vector<std::string> named_in(const std::string& list) {
    std::vector<std::string> names;
    std::size_t start = 0;
    for (;;) {
        const std::size_t comma = list.find(", ", start);
        const std::size_t last = list.find(" or ", start);
        const std::size_t end = std::min(comma, last);
        names.push_back(list.substr(start, end - start));
        if (end == std::string::npos)
            return names;
        start = end + (end == comma ? 2 : 4);
    }
}

} // namespace

TEST_CASE("plan reads only, prints the plan on stdout and ends its session", "[cli][plan]") {
    CliFixture f;
    auto r = f.run({"plan", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "+ create new.bot@acme"));
    CHECK(contains(r.out, "Plan: 1 to create, 0 to update, 0 to deactivate, 0 unchanged."));
    CHECK(r.err.empty());
    CHECK(f.writes() == 0);
    CHECK(f.sessions.opened == 1);
    CHECK(f.sessions.ended == 1);
    REQUIRE(f.sessions.api_urls.size() == 1);
    CHECK(f.sessions.api_urls[0] == ra::test::k_api);
}

TEST_CASE("plan --detailed-exitcode is 2 with changes and 0 without", "[cli][plan]") {
    CliFixture f;
    const auto manifest = f.manifest(bot("new.bot@acme"));
    CHECK(f.run({"plan", manifest, "--detailed-exitcode"}).exit_code == 2);
    f.api.add_user("new.bot@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    auto r = f.run({"plan", manifest, "--detailed-exitcode"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "No changes. 1 account is in sync."));
}

TEST_CASE("plan --format json prints one JSON document and nothing else", "[cli][plan]") {
    CliFixture f;
    auto r = f.run({"plan", f.manifest(bot("new.bot@acme")), "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const json plan = json::parse(r.out);
    CHECK(plan["summary"]["create"] == 1);
    CHECK(plan["actions"][0]["username"] == "new.bot@acme");
}

TEST_CASE("plan --out writes the saved plan and says how to apply it", "[cli][plan]") {
    CliFixture f;
    const auto out = f.dir.file("plan.json");
    auto r = f.run({"plan", f.manifest(bot("new.bot@acme")), "--out", out});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(read(out))["summary"]["create"] == 1);
    CHECK(contains(r.out, "rossum-accounts apply --plan " + out));
}

TEST_CASE("an invalid manifest is 65 before any connection", "[cli][plan]") {
    CliFixture f;
    auto r = f.run({"plan", f.manifest("  - username: x@acme\n    groups: [nonsense-role]\n")});
    CHECK(r.exit_code == 65);
    CHECK(contains(r.err, "nonsense-role"));
    CHECK(f.sessions.opened == 0);
}

TEST_CASE("missing credentials are a usage error before any connection", "[cli][plan]") {
    CliFixture f;
    f.vars.erase("ROSSUM_PASSWORD");
    auto r = f.run({"plan", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "missing credentials"));
    CHECK(f.sessions.opened == 0);
}

TEST_CASE("plan takes as --max-deactivations only a whole number that fits 64 bits",
          "[cli][guard]") {
    CliFixture f;
    for (const char* bad : {"99999999999999999999", "-1", "3abc", "0x10", "", "2.5"}) {
        auto r = f.run({"plan", f.manifest(bot("new.bot@acme")), "--max-deactivations", bad});
        CHECK(r.exit_code == 64);
        CHECK(contains(r.err, fmt::format("--max-deactivations: expected a whole number from 0 to "
                                          "9223372036854775807, got \"{}\"",
                                          bad)));
    }
    CHECK(f.sessions.opened == 0);
    CHECK(f.run({"plan", f.manifest(bot("new.bot@acme")), "--max-deactivations",
                 "9223372036854775807"})
              .exit_code == 0);
}

TEST_CASE("ROSSUM_TOKEN is used as is and wins over a login", "[cli][plan]") {
    CliFixture f;
    f.vars["ROSSUM_TOKEN"] = "a-token-from-the-environment";
    REQUIRE(f.run({"plan", f.manifest(bot("new.bot@acme"))}).exit_code == 0);
    REQUIRE(f.sessions.credentials_seen.size() == 1);
    CHECK(f.sessions.credentials_seen[0].token == "a-token-from-the-environment");
}

TEST_CASE("plan connects to --api-url, else ROSSUM_API_URL, else the manifest's api_url",
          "[cli][plan]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = "https://from-env.rossum.app/api";
    const auto manifest = f.manifest(bot("new.bot@acme"));
    f.run({"plan", manifest});
    f.run({"--api-url", "https://from-flag.rossum.app/api", "plan", manifest});
    REQUIRE(f.sessions.api_urls.size() == 2);
    CHECK(f.sessions.api_urls[0] == "https://from-env.rossum.app/api");
    CHECK(f.sessions.api_urls[1] == "https://from-flag.rossum.app/api");
}

TEST_CASE("a failure to connect ends the run with its exit code", "[cli][plan]") {
    CliFixture f;
    f.sessions.open_error = make_error(ErrorKind::usage, "cannot read the CA bundle x.pem");
    auto r = f.run({"plan", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "cannot read the CA bundle x.pem"));
}

TEST_CASE("colour follows the terminal, NO_COLOR and TERM=dumb from the run's environment",
          "[cli][plan]") {
    CliFixture f;
    const auto manifest = f.manifest(bot("new.bot@acme"));
    f.terminal.stdout_terminal = true;
    CHECK(contains(f.run({"plan", manifest}).out, "\x1b["));
    f.vars["NO_COLOR"] = "1";
    CHECK_FALSE(contains(f.run({"plan", manifest}).out, "\x1b["));
    f.vars.erase("NO_COLOR");
    f.vars["TERM"] = "dumb";
    CHECK_FALSE(contains(f.run({"plan", manifest}).out, "\x1b["));
    f.vars.erase("TERM");
    CHECK_FALSE(contains(f.run({"--no-color", "plan", manifest}).out, "\x1b["));
}

TEST_CASE("SSLKEYLOGFILE in the environment gives a warning", "[cli][plan]") {
    CliFixture f;
    f.vars["SSLKEYLOGFILE"] = "/tmp/keys.log";
    auto r = f.run({"plan", f.manifest(bot("new.bot@acme"))});
    CHECK(contains(r.err, "warning: SSLKEYLOGFILE is set"));
}

TEST_CASE("apply asks on the terminal and writes nothing unless the answer is yes",
          "[cli][apply]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    f.terminal.stdin_terminal = true;
    const auto manifest = f.manifest(bot("new.bot@acme"));
    for (const char* answer : {"no", "YES", ""}) {
        f.terminal.lines = {answer};
        auto r = f.run({"apply", manifest});
        CHECK(r.exit_code == 1);
        CHECK(contains(r.err, "Do you want to perform these actions?"));
        CHECK(contains(r.err, "+ create new.bot@acme")); // the plan belongs to the question
        CHECK(contains(r.err, "Apply cancelled."));
        CHECK(r.out.empty());
    }
    f.terminal.lines = {}; // end of input
    CHECK(f.run({"apply", manifest}).exit_code == 1);
    CHECK(f.writes() == 0);
    CHECK(f.sessions.ended == f.sessions.opened);
}

TEST_CASE("apply creates after yes; the password is sent and never printed", "[cli][apply]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    f.terminal.stdin_terminal = true;
    f.terminal.lines = {"yes"};
    auto r = f.run({"apply", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    REQUIRE(f.api.created_bodies.size() == 1);
    CHECK(f.api.created_bodies[0]["password"] == k_password);
    CHECK(contains(r.out, "Apply complete"));
    CHECK_FALSE(contains(r.out + r.err, k_password));
    CHECK_FALSE(contains(r.out + r.err, f.vars["ROSSUM_PASSWORD"]));
    CHECK(f.terminal.reads == 1);
    CHECK(f.sessions.ended == 1);
}

TEST_CASE("apply without a terminal needs --auto-approve: 64 before any connection",
          "[cli][apply]") {
    CliFixture f;
    auto r = f.run({"apply", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "--auto-approve"));
    CHECK(f.sessions.opened == 0);
    CHECK(f.terminal.reads == 0);
}

TEST_CASE("apply with an unusable password source is 65 with nothing written", "[cli][apply]") {
    CliFixture f; // BOT_PASSWORD is not set
    auto r = f.run({"apply", f.manifest(bot("new.bot@acme")), "--auto-approve"});
    CHECK(r.exit_code == 65);
    CHECK(contains(r.err, "new.bot@acme"));
    CHECK(contains(r.err, "BOT_PASSWORD"));
    CHECK(f.writes() == 0);
    CHECK(f.sessions.ended == f.sessions.opened);
}

TEST_CASE("apply --format json prints only the report on stdout", "[cli][apply]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    auto r =
        f.run({"apply", f.manifest(bot("new.bot@acme")), "--auto-approve", "--format", "json"});
    REQUIRE(r.exit_code == 0);
    const json report = json::parse(r.out);
    CHECK(report["summary"]["created"] == 1);
    CHECK(report["results"][0]["status"] == "done");
}

TEST_CASE("apply that fails for one account exits 3 and still ends its session", "[cli][apply]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    f.api.taken_elsewhere.insert(fold_username("taken.bot@acme"));
    auto r =
        f.run({"apply", f.manifest(bot("new.bot@acme") + bot("taken.bot@acme")), "--auto-approve"});
    CHECK(r.exit_code == 3);
    CHECK(f.api.calls("create_user") == 2);
    CHECK(f.sessions.ended == 1);
}

TEST_CASE("apply of an in-sync manifest asks nothing and exits 0", "[cli][apply]") {
    CliFixture f;
    f.terminal.stdin_terminal = true;
    f.api.add_user("new.bot@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    auto r = f.run({"apply", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(f.terminal.reads == 0);
    CHECK(contains(r.out, "No changes."));
}

TEST_CASE("apply --plan applies the saved plan after re-reading the users", "[cli][apply]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    const auto saved = f.dir.file("plan.json");
    REQUIRE(f.run({"plan", f.manifest(bot("new.bot@acme")), "--out", saved}).exit_code == 0);
    auto r = f.run({"apply", "--plan", saved, "--auto-approve"});
    CHECK(r.exit_code == 0);
    CHECK(f.api.calls("create_user") == 1);
    CHECK(f.sessions.ended == f.sessions.opened);
}

TEST_CASE("apply --plan refuses an edited plan with 65 and writes nothing", "[cli][apply]") {
    CliFixture f;
    f.api.add_user("old.bot@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    const auto saved = f.dir.file("plan.json");
    const auto manifest = f.manifest("  - username: old.bot@acme\n    groups: [annotator]\n");
    REQUIRE(f.run({"plan", manifest, "--out", saved}).exit_code == 0);
    json plan = json::parse(read(saved));
    REQUIRE(plan["actions"][0]["action"] == "update");
    plan["actions"][0]["changes"].push_back(
        {{"field", "username"}, {"before", "old.bot@acme"}, {"after", "evil@acme"}});
    f.dir.write("plan.json", plan.dump());
    auto r = f.run({"apply", "--plan", saved, "--auto-approve"});
    CHECK(r.exit_code == 65);
    CHECK(f.writes() == 0);
    CHECK(f.sessions.ended == f.sessions.opened);
}

TEST_CASE("apply --plan with another --api-url is a usage error", "[cli][apply]") {
    CliFixture f;
    const auto saved = f.dir.file("plan.json");
    REQUIRE(f.run({"plan", f.manifest(bot("new.bot@acme")), "--out", saved}).exit_code == 0);
    auto r = f.run(
        {"--api-url", "https://other.rossum.app/api", "apply", "--plan", saved, "--auto-approve"});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "a saved plan applies only to its own API"));
}

TEST_CASE("export prints the organization's users as a manifest", "[cli][export]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    f.api.add_user("etl.bot@acme", {"annotator"});
    auto r = f.run({"export"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "- username: \"etl.bot@acme\"\n    groups: [annotator]"));
    CHECK_FALSE(contains(r.out, "admin@acme")); // the caller is left out
    CHECK(f.sessions.ended == 1);
}

TEST_CASE("token refuses a terminal on stdout and writes --output with mode 0600", "[cli][token]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    const auto manifest = f.manifest(bot("new.bot@acme"));
    f.terminal.stdout_terminal = true;
    auto refused = f.run({"token", "new.bot@acme", "--manifest", manifest});
    CHECK(refused.exit_code == 64);
    CHECK(f.sessions.token_requests.empty());

    const auto out = f.dir.file("token.txt");
    auto r = f.run(
        {"token", "new.bot@acme", "--manifest", manifest, "--output", out, "--lifetime", "3600"});
    CHECK(r.exit_code == 0);
    CHECK(read(out) == "svc-token-of-new.bot@acme\n");
    struct stat st {};
    REQUIRE(::stat(out.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    REQUIRE(f.sessions.token_requests.size() == 1);
    CHECK(f.sessions.token_requests[0].lifetime_s == 3600);
    CHECK(f.sessions.token_requests[0].password == k_password);
    CHECK_FALSE(contains(r.out + r.err, "svc-token-of"));
    CHECK(f.sessions.opened == 0); // no admin session
}

TEST_CASE("validate is offline", "[cli][validate]") {
    CliFixture f;
    auto r = f.run({"validate", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "valid (1 account)"));
    CHECK(f.sessions.opened == 0);
}

TEST_CASE("an unknown command suggests the close one", "[cli]") {
    CliFixture f;
    auto r = f.run({"plna"});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "unknown command \"plna\"; did you mean \"plan\"?"));
}

TEST_CASE("without a command, the usage error names every command --help lists", "[cli]") {
    CliFixture f;
    const auto help = f.run({"--help"});
    REQUIRE(help.exit_code == 0);
    const auto commands = listed_commands(help.out);
    REQUIRE(commands.size() > 5);
    CHECK(commands.back() == "help");
    auto r = f.run({});
    CHECK(r.exit_code == 64);
    const std::string prefix = "rossum-accounts: error: a command is required: ";
    const auto at = r.err.find(prefix);
    REQUIRE(at != std::string::npos);
    const auto start = at + prefix.size();
    CHECK(named_in(r.err.substr(start, r.err.find('\n', start) - start)) == commands);
}

TEST_CASE("NaN is refused as --timeout and --max-rps before any connection", "[cli]") {
    CliFixture f;
    const auto manifest = f.manifest(bot("new.bot@acme"));
    for (const char* option : {"--timeout", "--max-rps"}) {
        for (const char* value : {"nan", "NaN", "inf"}) {
            auto r = f.run({option, value, "plan", manifest});
            CHECK(r.exit_code == 64);
        }
    }
    CHECK(f.sessions.opened == 0);
    CHECK(f.run({"--timeout", "1", "--max-rps", "1000", "plan", manifest}).exit_code == 0);
}

TEST_CASE("token to stdout: the token is the only output, written through delivery",
          "[cli][token]") {
    CliFixture f;
    f.vars["BOT_PASSWORD"] = k_password;
    auto r = f.run({"token", "new.bot@acme", "--manifest", f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "svc-token-of-new.bot@acme\n");
    CHECK(r.err.empty());
}
