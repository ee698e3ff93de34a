#include "rossum_accounts/core/secrets.hpp"
#include "rossum_accounts/render/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <sstream>

namespace {

// A plan whose warning, username and metadata carry a registered secret, as if an API response
// or a careless manifest had echoed it.
ra::Plan leaky_plan() {
    ra::process_redactor().add("PlanLeakSecret-31c4d5e6");
    ra::Plan plan = ra::test::sample_plan();
    plan.actions[0].warnings.push_back("echoed PlanLeakSecret-31c4d5e6");
    plan.actions[2].changes.push_back(
        ra::test::change("metadata.note", nullptr, "PlanLeakSecret-31c4d5e6"));
    plan.warnings.push_back("PlanLeakSecret-31c4d5e6");
    return plan;
}

} // namespace

TEST_CASE("redaction: the markdown plan never shows a registered secret",
          "[render][markdown][secrets]") {
    std::ostringstream out;
    ra::render_plan_markdown(leaky_plan(), out);
    CHECK(out.str().find("PlanLeakSecret") == std::string::npos);
    CHECK(out.str().find("+ metadata.note = \"***\"\n") != std::string::npos);
}

TEST_CASE("redaction: the JSON plan never shows a registered secret and stays valid JSON",
          "[render][json][secrets]") {
    std::ostringstream out;
    ra::render_plan_json(leaky_plan(), out);
    CHECK(out.str().find("PlanLeakSecret") == std::string::npos);
    const nlohmann::json j = nlohmann::json::parse(out.str());
    CHECK(j["warnings"][1] == "***");
}
