#include "rossum_accounts/core/json_numbers.hpp"
#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/render/plan_json.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace {

using Json = nlohmann::json;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The error plan_from_json gives for the sample plan's JSON after `mutate`.
std::string error_after(const std::function<void(Json&)>& mutate) {
    Json j = ra::plan_to_json(ra::test::sample_plan());
    mutate(j);
    const ra::Result<ra::Plan> parsed = ra::plan_from_json(j.dump());
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ra::ErrorKind::invalid_input);
    return parsed.error().message;
}

std::string error_of(std::string_view text) {
    const ra::Result<ra::Plan> parsed = ra::plan_from_json(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ra::ErrorKind::invalid_input);
    return parsed.error().message;
}

} // namespace

TEST_CASE("plan json: a create carries its password source and changes, never a user or a request",
          "[plan_json]") {
    const Json j = ra::plan_to_json(ra::test::sample_plan());
    CHECK(j["format_version"] == 1);
    CHECK(j["api_url"] == "https://mycompany.rossum.app/api");
    CHECK(j["organization"] == Json::parse(R"({"id": 1234, "name": "My Company",
        "url": "https://mycompany.rossum.app/api/v1/organizations/1234"})"));
    CHECK(j["summary"] == Json::parse(R"({"create": 2, "update": 2, "skip": 2, "deactivate": 1})"));
    const Json& create = j["actions"][0];
    CHECK(create["action"] == "create");
    CHECK(create["source"] == "accounts.yaml:12");
    CHECK(create["user_id"].is_null());
    CHECK(create["user_url"].is_null());
    CHECK(create["fingerprint"].is_null());
    CHECK(create["password_source"] == Json::parse(R"({"env": "API_USER_PASSWORD"})"));
    CHECK(create["changes"][0] == Json::parse(R"j({"field": "username", "before": null,
        "after": "api_user@mycompany", "cause": "manifest"})j"));
    CHECK(create["changes"][9] == Json::parse(R"j({"field": "password", "before": null,
        "after": "(sensitive: env API_USER_PASSWORD)", "cause": "manifest"})j"));
    // The writes are derived from the changes at apply time; no body is saved.
    CHECK_FALSE(create.contains("request"));
}

TEST_CASE("plan json: a file password source is joined with the manifest's directory",
          "[plan_json]") {
    const Json j = ra::plan_to_json(ra::test::sample_plan());
    CHECK(j["actions"][5]["password_source"] ==
          Json::parse(R"({"file": "/srv/gitops/teams/secrets/uploader.txt"})"));
    ra::Plan plan = ra::test::sample_plan();
    plan.actions[5].password_source->base_dir = "/srv/gitops/teams/../other/";
    plan.actions[5].password_source->name = "./secrets/x.txt";
    CHECK(ra::plan_to_json(plan)["actions"][5]["password_source"]["file"] ==
          "/srv/gitops/other/secrets/x.txt");
    plan.actions[5].password_source->name = "/etc/secret.txt";
    CHECK(ra::plan_to_json(plan)["actions"][5]["password_source"]["file"] == "/etc/secret.txt");
}

TEST_CASE("plan json: a relative password file path is refused, naming it", "[plan_json][strict]") {
    CHECK(error_after([](Json& j) {
              j["actions"][5]["password_source"] = {{"file", "secrets/uploader.txt"}};
          }) == "actions[5].password_source.file: must be an absolute path (plan --out records "
                "one)");
}

TEST_CASE("plan json: existing users carry id, url and fingerprint", "[plan_json]") {
    const Json j = ra::plan_to_json(ra::test::sample_plan());
    const Json& prune = j["actions"][4];
    CHECK(prune == Json::parse(R"({"action": "deactivate", "username": "old_bot@mycompany",
        "source": "", "user_id": 99, "user_url": "https://mycompany.rossum.app/api/v1/users/99",
        "changes": [{"field": "active", "before": true, "after": false, "cause": "manifest"}],
        "warnings": [], "password_source": null, "fingerprint": "fp-99-0c1d2e"})"));
}

TEST_CASE("plan json: a rich plan survives a round trip through its JSON text", "[plan_json]") {
    const ra::Plan plan = ra::test::sample_plan();
    const Json j = ra::plan_to_json(plan);
    const ra::Result<ra::Plan> parsed = ra::plan_from_json(j.dump());
    REQUIRE(parsed.ok());
    CHECK(ra::plan_to_json(*parsed) == j);
    CHECK(parsed->actions.size() == 7);
    CHECK(parsed->actions[2].user_id == 17);
    CHECK(parsed->actions[2].changes[1].after == Json::parse(R"(["annotator", "viewer"])"));
    CHECK(parsed->actions[4].source.empty());
    REQUIRE(parsed->actions[5].password_source);
    CHECK(parsed->actions[5].password_source->kind == ra::PasswordSourceKind::file);
    CHECK(parsed->actions[5].password_source->name == "/srv/gitops/teams/secrets/uploader.txt");
    CHECK(parsed->actions[5].password_source->base_dir.empty());
    CHECK(parsed->warnings == plan.warnings);
    CHECK(parsed->organization.name == "My Company");
}

TEST_CASE("plan json: the rendered JSON is indented, newline-terminated and parses back",
          "[plan_json][render]") {
    std::ostringstream out;
    ra::render_plan_json(ra::test::sample_plan(), out);
    CHECK(out.str().starts_with("{\n  \"actions\": [\n"));
    CHECK(out.str().ends_with("}\n"));
    REQUIRE(ra::plan_from_json(out.str()).ok());
}

TEST_CASE("plan json: the rendered sample plans are the valid fixtures", "[plan_json][render]") {
    std::ostringstream sample;
    ra::render_plan_json(ra::test::sample_plan(), sample);
    ra::test::check_golden_file("tests/fixtures/plans/valid/sample.json", sample.str());
    std::ostringstream in_sync;
    ra::render_plan_json(ra::test::in_sync_plan(), in_sync);
    ra::test::check_golden_file("tests/fixtures/plans/valid/in_sync.json", in_sync.str());
}

TEST_CASE("plan json: an empty plan round-trips", "[plan_json]") {
    ra::Plan plan;
    plan.api_url = "http://127.0.0.1:8080/api";
    const ra::Result<ra::Plan> parsed = ra::plan_from_json(ra::plan_to_json(plan).dump());
    REQUIRE(parsed.ok());
    CHECK(parsed->actions.empty());
}

TEST_CASE("plan json: text that is not a plan is refused before reading it",
          "[plan_json][strict]") {
    CHECK(error_of("{\"format_version\": 1,") == "plan: not valid JSON (syntax error at byte 22)");
    CHECK(error_of("[]") == "plan: expected an object, got an array");
    CHECK(error_of(std::string(100, '[')) == "plan: nested deeper than 64 levels");
    CHECK(error_of(std::string(ra::k_max_plan_bytes + 1, ' ')) ==
          "plan: larger than 16777216 bytes");
    CHECK(error_of(R"({"format_version": 1, "format_version": 1})") ==
          "plan: duplicate key \"format_version\"");
    // Found by the fuzzer: nlohmann throws out_of_range, not parse_error, for 1e400.
    CHECK(error_of(R"({"format_version": 1e400})") == "plan: number out of range");
    CHECK(error_of(R"({"format_version": [-1e400]})") == "plan: number out of range");
}

TEST_CASE("plan json: integers are read exactly, and one beyond 64 bits is refused",
          "[plan_json][strict][numbers]") {
    Json j = ra::plan_to_json(ra::test::sample_plan());
    j["actions"][0]["changes"][7]["after"] = std::uint64_t{18446744073709551615u};
    const auto kept = ra::plan_from_json(j.dump());
    REQUIRE(kept.ok());
    CHECK(kept->actions[0].changes[7].after.dump() == "18446744073709551615");
    // nlohmann would read the next one as a double; the plan says what it cannot hold.
    j["actions"][0]["changes"][7]["after"] = "BIG";
    std::string text = j.dump();
    text.replace(text.find("\"BIG\""), 5, "18446744073709551616");
    CHECK(error_of(text) == "plan: integer beyond 64 bits");
    text = j.dump();
    text.replace(text.find("\"BIG\""), 5, "-123456789012345678901234567890");
    CHECK(error_of(text) == "plan: integer beyond 64 bits");
    CHECK(ra::json_has_oversized_integer("[1.5e300, 18446744073709551615, -9223372036854775808]") ==
          false);
}

TEST_CASE("plan json: the top level needs exactly its keys with the right types",
          "[plan_json][strict]") {
    CHECK(error_after([](Json& j) { j["format_version"] = 2; }) ==
          "format_version: unsupported version 2 (this tool reads 1)");
    CHECK(error_after([](Json& j) { j["format_version"] = "1"; }) ==
          "format_version: expected an integer, got a string");
    CHECK(error_after([](Json& j) { j.erase("api_url"); }) == "api_url: missing");
    CHECK(error_after([](Json& j) { j["api_url"] = ""; }) == "api_url: must not be empty");
    CHECK(error_after([](Json& j) { j["extra"] = true; }) == "extra: unknown key");
    CHECK(error_after([](Json& j) { j["organization"]["id"] = 1.5; }) ==
          "organization.id: expected an integer, got a fractional number");
    CHECK(error_after([](Json& j) { j["organization"].erase("name"); }) ==
          "organization.name: missing");
    CHECK(error_after([](Json& j) { j["warnings"] = Json::array({1}); }) ==
          "warnings[0]: expected a string, got a number");
    CHECK(error_after([](Json& j) { j["actions"] = Json::object(); }) ==
          "actions: expected an array, got an object");
}

TEST_CASE("plan json: the summary must match the actions", "[plan_json][strict]") {
    CHECK(error_after([](Json& j) { j["summary"]["create"] = 3; }) ==
          "summary.create: says 3 but the plan has 2 create actions");
    CHECK(error_after([](Json& j) { j["summary"]["deactivate"] = 0; }) ==
          "summary.deactivate: says 0 but the plan has 1 deactivate actions");
    CHECK(error_after([](Json& j) { j["summary"].erase("skip"); }) == "summary.skip: missing");
}

TEST_CASE("plan json: every action has known kind, username and exact keys",
          "[plan_json][strict]") {
    CHECK(error_after([](Json& j) { j["actions"][3]["action"] = "delete"; }) ==
          "actions[3].action: unknown action \"delete\"");
    CHECK(error_after([](Json& j) { j["actions"][0]["username"] = ""; }) ==
          "actions[0].username: must not be empty");
    CHECK(error_after([](Json& j) { j["actions"][0]["extra"] = 1; }) ==
          "actions[0].extra: unknown key");
    CHECK(error_after([](Json& j) { j["actions"][1].erase("warnings"); }) ==
          "actions[1].warnings: missing");
    CHECK(error_after([](Json& j) { j["actions"][1]["request"] = Json::object(); }) ==
          "actions[1].request: unknown key (a plan holds no request body: apply derives each "
          "write from the changes; run plan --out again)");
    CHECK(error_after([](Json& j) { j["actions"][2]["changes"][0].erase("before"); }) ==
          "actions[2].changes[0].before: missing");
    CHECK(error_after([](Json& j) { j["actions"][2]["changes"][0]["field"] = ""; }) ==
          "actions[2].changes[0].field: must not be empty");
}

TEST_CASE("plan json: updates, skips and deactivates need a user id and a fingerprint",
          "[plan_json][strict]") {
    CHECK(error_after([](Json& j) { j["actions"][2].erase("fingerprint"); }) ==
          "actions[2].fingerprint: missing");
    CHECK(error_after([](Json& j) { j["actions"][1]["fingerprint"] = nullptr; }) ==
          "actions[1].fingerprint: missing");
    CHECK(error_after([](Json& j) { j["actions"][4]["user_id"] = nullptr; }) ==
          "actions[4].user_id: missing");
    CHECK(error_after([](Json& j) { j["actions"][1]["user_id"] = 18446744073709551615ULL; }) ==
          "actions[1].user_id: integer out of range");
    CHECK(error_after([](Json& j) { j["actions"][1]["user_id"] = "42"; }) ==
          "actions[1].user_id: expected an integer, got a string");
}

TEST_CASE("plan json: creates need a password source and no user", "[plan_json][strict]") {
    CHECK(error_after([](Json& j) { j["actions"][0]["password_source"] = nullptr; }) ==
          "actions[0].password_source: missing for a create");
    CHECK(error_after([](Json& j) { j["actions"][0]["user_id"] = 5; }) ==
          "actions[0].user_id: a create has no user");
    CHECK(error_after([](Json& j) { j["actions"][0]["fingerprint"] = "fp"; }) ==
          "actions[0].fingerprint: a create has no fingerprint");
    CHECK(error_after([](Json& j) {
              j["actions"][0]["password_source"] = {{"value", "hunter2hunter2"}};
          }) == "actions[0].password_source: expected {\"env\": NAME}, {\"file\": PATH} or null");
    CHECK(error_after([](Json& j) {
              j["actions"][0]["password_source"] = {{"env", ""}};
          }) == "actions[0].password_source.env: must not be empty");
}

TEST_CASE("plan json: a password value anywhere is refused", "[plan_json][strict][secrets]") {
    CHECK(error_after([](Json& j) {
              j["actions"][0]["request"] = {{"password", "hunter2hunter2"}};
          }) == "actions[0].request: unknown key (a plan holds no request body: apply derives "
                "each write from the changes; run plan --out again)");
    CHECK(error_after([](Json& j) { j["actions"][0]["changes"][9]["after"] = "hunter2hunter2"; }) ==
          "actions[0].changes[9].after: a password change must read \"(sensitive: ...)\"");
    CHECK(error_after([](Json& j) { j["actions"][0]["changes"][9]["before"] = "old"; }) ==
          "actions[0].changes[9].before: a password change has no before value");
    CHECK(error_after([](Json& j) {
              j["actions"][2]["changes"].push_back(
                  {{"field", "password"}, {"before", nullptr}, {"after", "(sensitive: env X)"}});
          }) == "actions[2].changes[4].field: a password is set only when the user is created");
}

TEST_CASE("plan json: a file that breaks a plan invariant is refused, naming the JSON path",
          "[plan_json][strict]") {
    // The edit behind issue 8: the screen showed "~ active = true -> false" while the file
    // renamed the user; a rename is never a plan change.
    CHECK(error_after([](Json& j) {
              j["actions"][2]["changes"].push_back(
                  {{"field", "username"}, {"before", "etl@mycompany"}, {"after", "root"}});
          }) == "actions[2].changes[4].field: a plan never renames a user");
    CHECK(error_after([](Json& j) { j["actions"][4]["changes"][0]["after"] = true; }) ==
          "actions[4].changes: a deactivate changes exactly active from true to false");
    CHECK(error_after([](Json& j) { j["actions"][3]["changes"][0]["after"] = "someone"; }) ==
          "actions[3].changes[0].after: the ownership marker is always \"rossum-accounts\"");
    CHECK(error_after([](Json& j) { j["actions"][0]["changes"][0]["after"] = "root"; }) ==
          "actions[0].changes[0].after: must be the action's username \"api_user@mycompany\"");
}

TEST_CASE("plan json: every valid fixture parses and every invalid one is refused",
          "[plan_json][fixtures]") {
    const std::filesystem::path root = std::filesystem::path(RA_TEST_FIXTURES) / "plans";
    int valid = 0;
    for (const auto& entry : std::filesystem::directory_iterator(root / "valid")) {
        INFO(entry.path());
        const ra::Result<ra::Plan> parsed = ra::plan_from_json(read_file(entry.path()));
        CHECK(parsed.ok());
        ++valid;
    }
    int invalid = 0;
    for (const auto& entry : std::filesystem::directory_iterator(root / "invalid")) {
        INFO(entry.path());
        CHECK_FALSE(ra::plan_from_json(read_file(entry.path())).ok());
        ++invalid;
    }
    CHECK(valid >= 2);
    CHECK(invalid >= 5);
}

TEST_CASE("plan json: a partial plan keeps its selection and the manifest's cap",
          "[plan_json][guard]") {
    ra::Plan plan = ra::test::sample_plan();
    CHECK_FALSE(ra::plan_to_json(plan).contains("selection"));
    CHECK_FALSE(ra::plan_to_json(plan).contains("max_deactivations"));
    plan.targets = {"*@mycompany"}; // every action of the sample is inside the selection
    plan.excludes = {"*.old@x"};
    plan.max_deactivations = 7;
    const Json j = ra::plan_to_json(plan);
    CHECK(j["selection"] == Json{{"target", {"*@mycompany"}}, {"exclude", {"*.old@x"}}});
    CHECK(j["max_deactivations"] == 7);
    auto back = ra::plan_from_json(j.dump());
    REQUIRE(back.ok());
    CHECK(back->targets == plan.targets);
    CHECK(back->excludes == plan.excludes);
    CHECK(back->max_deactivations == 7);
    CHECK(back->partial());
}

TEST_CASE("plan json: a malformed selection or cap is refused", "[plan_json][guard]") {
    CHECK_THAT(error_after([](Json& j) { j["max_deactivations"] = -1; }),
               Catch::Contains("max_deactivations"));
    CHECK_THAT(error_after([](Json& j) { j["max_deactivations"] = "many"; }),
               Catch::Contains("max_deactivations"));
    CHECK_THAT(error_after([](Json& j) {
                   j["selection"] = {{"target", {"a*"}}};
               }),
               Catch::Contains("selection.exclude"));
    CHECK_THAT(error_after([](Json& j) {
                   j["selection"] = {{"target", {1}}, {"exclude", Json::array()}};
               }),
               Catch::Contains("selection.target"));
}

TEST_CASE("plan json: the apply cost keeps its rate; edited counts are worked out again",
          "[plan_json][cost]") {
    ra::Plan plan = ra::test::sample_plan();
    plan.max_rps = 4;
    nlohmann::json j = ra::plan_to_json(plan);
    const ra::ApplyCost cost = plan.apply_cost();
    CHECK(j["apply_cost"]["write_requests"] == cost.writes);
    CHECK(j["apply_cost"]["read_requests"] == cost.reads);
    CHECK(j["apply_cost"]["max_rps"] == 4.0);
    j["apply_cost"]["write_requests"] = 0; // an edit cannot make the plan look cheaper
    j["apply_cost"]["estimated_seconds"] = 0;
    auto parsed = ra::plan_from_json(j.dump());
    REQUIRE(parsed.ok());
    CHECK(parsed->max_rps == 4.0);
    CHECK(parsed->apply_cost().writes == cost.writes);
    CHECK(parsed->apply_cost().seconds == cost.seconds);
    j["apply_cost"]["max_rps"] = -1;
    CHECK(error_of(j.dump()) ==
          "apply_cost.max_rps: expected 0 or a rate --max-rps accepts (0.1 to 1000), got -1");
    j["apply_cost"]["max_rps"] = 1;
    j["apply_cost"]["extra"] = 1;
    CHECK_FALSE(ra::plan_from_json(j.dump()).ok());
}

TEST_CASE("plan json: a saved rate --max-rps does not accept is refused, not estimated with",
          "[plan_json][cost]") {
    // A rate near 0 made the estimate infinite (JSON null, a show --format json that its own
    // reader refused) or beyond a 64-bit integer (the text's minutes).
    nlohmann::json j = ra::plan_to_json(ra::test::sample_plan());
    for (const char* rate : {"1e-300", "5e-324", "0.05", "1000.5", "1e308", "-0.1"}) {
        j["apply_cost"]["max_rps"] = nlohmann::json::parse(rate);
        CHECK_THAT(error_of(j.dump()),
                   Catch::StartsWith("apply_cost.max_rps: expected 0 or a rate --max-rps accepts "
                                     "(0.1 to 1000), got "));
    }
    j["apply_cost"]["max_rps"] = "10";
    CHECK(error_of(j.dump()) == "apply_cost.max_rps: expected a number, got a string");
    for (double rate : {0.0, 0.1, 2.5, 1000.0}) {
        j["apply_cost"]["max_rps"] = rate;
        auto parsed = ra::plan_from_json(j.dump());
        REQUIRE(parsed.ok());
        CHECK(parsed->max_rps == rate);
        CHECK(std::isfinite(parsed->apply_cost().seconds));
    }
}
