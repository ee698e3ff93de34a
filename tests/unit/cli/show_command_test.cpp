// show and the github/json formats inside the process: show opens no session and reads no
// credential; validate --format json and --format github print only on stdout.
#include "cli_fixture.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace ra;
using nlohmann::json;
using ra::test::CliFixture;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

// A saved plan with one create, made against the fake organization.
std::string saved_plan(CliFixture& f) {
    const auto manifest = f.manifest("  - username: new.bot@acme\n    groups: [viewer]\n"
                                     "    password: {env: BOT_PASSWORD}\n");
    const auto file = f.dir.file("plan.json");
    REQUIRE(f.run({"plan", manifest, "--out", file}).exit_code == 0);
    return file;
}

} // namespace

TEST_CASE("show renders a saved plan with no session and no credentials", "[cli][show]") {
    CliFixture f;
    const auto file = saved_plan(f);
    const int opened = f.sessions.opened;
    f.vars.clear(); // no ROSSUM_* at all
    const auto r = f.run({"show", file});
    CHECK(r.exit_code == 0);
    CHECK(f.sessions.opened == opened);
    CHECK(contains(r.out, "+ create new.bot@acme"));
    CHECK(r.err.empty());
    CHECK(f.run({"show", file, "--detailed-exitcode"}).exit_code == 2);
    CHECK(f.sessions.opened == opened);
}

TEST_CASE("show of a malformed file is 65 with the message apply --plan gives", "[cli][show]") {
    CliFixture f;
    const auto file = f.dir.write("bad.json", "{\"format_version\": 2}");
    const auto shown = f.run({"show", file});
    f.terminal.stdin_terminal = true;
    const auto applied = f.run({"apply", "--plan", file, "--auto-approve"});
    CHECK(shown.exit_code == 65);
    CHECK(applied.exit_code == 65);
    CHECK(shown.err == applied.err);
    CHECK(contains(shown.err, file + ": "));
    CHECK(f.sessions.opened == 0);
}

TEST_CASE("validate --format json prints one document on stdout, valid or not", "[cli][validate]") {
    CliFixture f;
    const auto bad = f.dir.write("bad.yaml", "version: 1\naccounts:\n  - username: x\n");
    const auto r = f.run({"validate", bad, "--format", "json"});
    CHECK(r.exit_code == 65);
    CHECK(r.err.empty());
    const json doc = json::parse(r.out);
    CHECK(doc["valid"] == false);
    REQUIRE(doc["diagnostics"].size() == 1);
    CHECK(doc["diagnostics"][0]["file"] == bad);
    CHECK(doc["diagnostics"][0]["line"] == 3);
    const auto good = f.run(
        {"validate", f.manifest("  - username: y\n    groups: [viewer]\n"), "--format", "json"});
    CHECK(good.exit_code == 0);
    CHECK(json::parse(good.out)["accounts"] == 1);
}

TEST_CASE("validate --format github writes each diagnostic as an error command on stdout",
          "[cli][validate]") {
    CliFixture f;
    const auto bad = f.dir.write("bad.yaml", "version: 1\naccounts:\n  - username: x\n");
    const auto r = f.run({"validate", bad, "--format", "github"});
    CHECK(r.exit_code == 65);
    CHECK(r.err.empty());
    CHECK(r.out.starts_with("::error file=" + bad + ",line=3,"));
    CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 1);
}

TEST_CASE("plan --format github turns the run's warnings into warning commands", "[cli][plan]") {
    CliFixture f;
    const auto manifest = f.manifest("  - username: new.bot@acme\n    groups: [viewer]\n"
                                     "    password: {env: BOT_PASSWORD}\n");
    const auto r = f.run({"plan", manifest, "--format", "github"});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "+ create new.bot@acme"));
    CHECK(contains(r.out, "::warning file=" + manifest +
                              ",line=4,title=rossum-accounts::account "
                              "\"new.bot@acme\": password source"));
    CHECK(contains(r.out, "::notice title=rossum-accounts plan::Plan: 1 to create"));
}
