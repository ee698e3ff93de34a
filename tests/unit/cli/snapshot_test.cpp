// snapshot and plan --snapshot inside the process: what the file holds, that planning from it
// opens no session and reads no credentials, and what the plan says about it.
#include "cli_fixture.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>

using namespace ra;
using namespace std::chrono_literals;
using nlohmann::json;
using ra::test::CliFixture;

namespace {

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

// Takes a snapshot into the fixture's directory, then removes every credential and API URL
// from the environment, as in a pull-request job.
std::string take_snapshot(CliFixture& f) {
    const auto file = f.dir.file("snapshot.json");
    const auto r = f.run({"snapshot", "--output", file});
    REQUIRE(r.exit_code == 0);
    f.vars.clear();
    return file;
}

} // namespace

TEST_CASE("snapshot writes the organization's users and the caller, and no credential",
          "[cli][snapshot]") {
    CliFixture f;
    f.api.add_user("old.bot@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = f.dir.file("snapshot.json");
    const auto r = f.run({"snapshot", "--output", file});
    REQUIRE(r.exit_code == 0);
    CHECK(contains(r.out, "plan --snapshot " + file));
    CHECK(f.writes() == 0);
    CHECK(f.sessions.ended == f.sessions.opened);
    const std::string text = read(file);
    CHECK_FALSE(contains(text, "admin-secret-Password-1"));
    const json j = json::parse(text);
    CHECK(j["api_url"] == ra::test::k_api);
    CHECK(j["organization"]["name"] == "Acme");
    CHECK(j["caller"]["username"] == "admin@acme");
    CHECK(j["users"].size() == 2);
    CHECK(j["queues"].size() == 3);
    CHECK(j["roles"].size() == 4);
}

TEST_CASE("snapshot without --output prints the document on stdout", "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto r = f.run({"snapshot"});
    REQUIRE(r.exit_code == 0);
    CHECK(json::parse(r.out)["format_version"] == 1);
}

TEST_CASE("plan --snapshot opens no session, needs no credentials and says how old it is",
          "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    const int opened = f.sessions.opened;
    const int calls = f.api.total_calls();
    f.clock.advance(3h + 12min);
    const auto r = f.run({"plan", "--snapshot", file, f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(f.sessions.opened == opened);
    CHECK(f.api.total_calls() == calls);
    CHECK(contains(r.out, "+ create new.bot@acme"));
    CHECK(contains(r.out, "(3 h 12 min ago); apply re-reads the live users."));
    CHECK(contains(r.out, "Based on a snapshot taken "));
    CHECK_FALSE(contains(r.err, "warning"));
}

TEST_CASE("a plan from a snapshot still warns when it changes the account the snapshot was "
          "taken as",
          "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    const auto r = f.run({"plan", "--snapshot", file,
                          f.manifest("  - username: admin@acme\n    groups: [admin]\n"
                                     "    active: false\n")});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.out, "the account the tool runs as"));
}

TEST_CASE("plan --snapshot says so in json and markdown too", "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    f.clock.advance(90s);
    const auto manifest = f.manifest(bot("new.bot@acme"));
    const auto j = f.run({"plan", "--snapshot", file, manifest, "--format", "json"});
    REQUIRE(j.exit_code == 0);
    const json plan = json::parse(j.out);
    CHECK(plan["snapshot"]["age_s"] == 90);
    CHECK(plan["snapshot"]["taken_at"] == json::parse(read(file))["taken_at"]);
    const auto md = f.run({"plan", "--snapshot", file, manifest, "--format", "markdown"});
    REQUIRE(md.exit_code == 0);
    CHECK(contains(md.out, "> Based on a snapshot taken "));
    CHECK(contains(md.out, "(1 min ago); apply re-reads the live users."));
}

TEST_CASE("plan --snapshot --out saves a plan that apply --plan checks against the live users",
          "[cli][snapshot]") {
    CliFixture f;
    f.api.add_user("old.bot@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    const auto saved = f.dir.file("plan.json");
    const auto manifest = f.manifest("  - username: old.bot@acme\n    groups: [annotator]\n");
    REQUIRE(f.run({"plan", "--snapshot", file, manifest, "--out", saved}).exit_code == 0);
    CHECK(json::parse(read(saved)).contains("snapshot"));
    f.api.find("old.bot@acme")->first_name = "Changed by hand";
    f.vars["ROSSUM_USERNAME"] = "admin@acme";
    f.vars["ROSSUM_PASSWORD"] = "admin-secret-Password-1";
    const auto stale = f.run({"apply", "--plan", saved, "--auto-approve"});
    CHECK(stale.exit_code == 1);
    CHECK(contains(stale.err, "is stale"));
    CHECK(f.writes() == 0);
    REQUIRE(f.run({"plan", "--snapshot", file, manifest, "--out", saved}).exit_code == 0);
    f.api.find("old.bot@acme")->first_name = "";
    const auto applied = f.run({"apply", "--plan", saved, "--auto-approve"});
    CHECK(applied.exit_code == 0);
    CHECK(f.api.calls("patch_user") == 1);
}

TEST_CASE("plan --snapshot for another API URL is a usage error", "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    const auto manifest = f.manifest(bot("new.bot@acme"));
    auto r =
        f.run({"--api-url", "https://other.rossum.app/api", "plan", "--snapshot", file, manifest});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "a snapshot plans only for its own API"));
    f.vars["ROSSUM_API_URL"] = "https://other.rossum.app/api";
    CHECK(f.run({"plan", "--snapshot", file, manifest}).exit_code == 64);
}

TEST_CASE("plan --snapshot for another organization than the manifest's is a usage error",
          "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    const auto manifest = f.manifest(bot("new.bot@acme"), "accounts.yaml", "organization: 999\n");
    auto r = f.run({"plan", "--snapshot", file, manifest});
    CHECK(r.exit_code == 64);
    CHECK(contains(r.err, "is of organization 4201"));
}

TEST_CASE("a snapshot older than seven days gives a warning", "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    f.clock.advance(24h * 8);
    auto r = f.run({"plan", "--snapshot", file, f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.err, "is 8 d 0 h old"));
    CHECK(contains(r.out, "(8 d 0 h ago)"));
}

TEST_CASE("a snapshot from the future gives a warning and an age of 0 s", "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    f.clock.advance(-1h);
    auto r = f.run({"plan", "--snapshot", file, f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 0);
    CHECK(contains(r.err, "which is in the future here: check the clocks"));
    CHECK(contains(r.out, "(0 s ago)"));
}

TEST_CASE("a broken snapshot file is 65 naming the file and the JSON path", "[cli][snapshot]") {
    CliFixture f;
    f.vars["ROSSUM_API_URL"] = ra::test::k_api;
    const auto file = take_snapshot(f);
    json j = json::parse(read(file));
    j["users"][0]["id"] = "one";
    f.dir.write("snapshot.json", j.dump());
    auto r = f.run({"plan", "--snapshot", file, f.manifest(bot("new.bot@acme"))});
    CHECK(r.exit_code == 65);
    CHECK(contains(r.err, file + ": snapshot: users[0].id: expected an integer, got a string"));
    CHECK(f.run({"plan", "--snapshot", f.dir.file("missing.json"), f.manifest(bot("new.bot@acme"))})
              .exit_code != 0);
}
