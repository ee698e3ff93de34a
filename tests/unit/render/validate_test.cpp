#include "rossum_accounts/render/validate.hpp"
#include "unit/render/golden.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace ra;

namespace {

std::string json_text(const ValidateOutcome& outcome) {
    std::ostringstream out;
    render_validate_json(outcome, out);
    return out.str();
}

ValidateOutcome invalid_outcome() {
    return {{"accounts.yaml", "teams/more.yaml"},
            {{{"accounts.yaml", 4, 14}, "accounts[0].groups", "unknown role \"admn\""},
             {{"teams/more.yaml", 0, 0}, "", "file is empty"},
             {{"", 0, 0}, "", "manifests disagree on prune"}},
            std::nullopt};
}

} // namespace

TEST_CASE("validate json: diagnostics carry file, line, column, path, severity and message",
          "[render][validate]") {
    // The golden file is also checked against schemas/validate.schema.json.
    ra::test::check_golden("validate.json", json_text(invalid_outcome()));
    const auto doc = nlohmann::json::parse(json_text(invalid_outcome()));
    CHECK(doc["format_version"] == 1);
    CHECK(doc["valid"] == false);
    CHECK(doc["accounts"].is_null());
    REQUIRE(doc["diagnostics"].size() == 3);
    CHECK(doc["diagnostics"][0] == nlohmann::json{{"severity", "error"},
                                                  {"file", "accounts.yaml"},
                                                  {"line", 4},
                                                  {"column", 14},
                                                  {"path", "accounts[0].groups"},
                                                  {"message", "unknown role \"admn\""}});
}

TEST_CASE("validate json: an unknown place is null, not empty or zero", "[render][validate]") {
    const auto doc = nlohmann::json::parse(json_text(invalid_outcome()));
    const auto& whole_file = doc["diagnostics"][1];
    CHECK(whole_file["file"] == "teams/more.yaml");
    CHECK(whole_file["line"].is_null());
    CHECK(whole_file["column"].is_null());
    CHECK(whole_file["path"].is_null());
    CHECK(doc["diagnostics"][2]["file"].is_null());
}

TEST_CASE("validate json: a valid manifest has no diagnostics and counts its accounts",
          "[render][validate]") {
    ra::test::check_golden("validate_valid.json",
                           json_text({{"accounts.yaml"}, {}, std::size_t{3}}));
    const auto doc = nlohmann::json::parse(json_text({{"accounts.yaml"}, {}, std::size_t{3}}));
    CHECK(doc["valid"] == true);
    CHECK(doc["accounts"] == 3);
    CHECK(doc["diagnostics"] == nlohmann::json::array());
}

TEST_CASE("validate json: control characters in a message are escaped in the document",
          "[render][validate]") {
    ValidateOutcome outcome{{"a.yaml"}, {{{"a.yaml", 1, 1}, "", "bad \x1b[2J \xc2\x9b value"}}, {}};
    const std::string text = json_text(outcome);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find("\\u001b[2J \\u009b value") != std::string::npos);
    CHECK(nlohmann::json::parse(text)["diagnostics"][0]["message"] == "bad \x1b[2J \xc2\x9b value");
}
