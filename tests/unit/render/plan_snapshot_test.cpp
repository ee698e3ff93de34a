#include "rossum_accounts/render/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

ra::Plan snapshot_plan() {
    ra::Plan plan = ra::test::sample_plan();
    plan.snapshot = ra::SnapshotBasis{"2026-12-01T10:00:00Z", 3 * 3600 + 12 * 60 + 30};
    return plan;
}

const std::string k_line = "Based on a snapshot taken 2026-12-01T10:00:00Z (3 h 12 min ago); "
                           "apply re-reads the live users.";

} // namespace

TEST_CASE("a plan from a snapshot says when it was taken, second line of the text",
          "[render][text][snapshot]") {
    std::ostringstream out;
    ra::render_plan_text(snapshot_plan(), out, ra::TextOptions{false});
    const std::string text = out.str();
    const auto first_end = text.find('\n');
    REQUIRE(first_end != std::string::npos);
    CHECK(text.substr(first_end + 1, k_line.size() + 1) == k_line + "\n");
    std::ostringstream live;
    ra::render_plan_text(ra::test::sample_plan(), live, ra::TextOptions{false});
    CHECK(live.str().find("snapshot") == std::string::npos);
    CHECK(ra::plan_snapshot_line(ra::test::sample_plan()).empty());
}

TEST_CASE("a plan from a snapshot says when it was taken in markdown and json",
          "[render][markdown][snapshot]") {
    std::ostringstream md;
    ra::render_plan_markdown(snapshot_plan(), md);
    CHECK(md.str().find("> Based on a snapshot taken 2026-12-01T10\\:00\\:00Z (3 h 12 min ago); "
                        "apply re-reads the live users.\n") != std::string::npos);
    std::ostringstream js;
    ra::render_plan_json(snapshot_plan(), js);
    const auto j = nlohmann::json::parse(js.str());
    CHECK(j["snapshot"] == nlohmann::json{{"taken_at", "2026-12-01T10:00:00Z"}, {"age_s", 11550}});
}
