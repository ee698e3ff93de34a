#include "rossum_accounts/render/plan_markdown.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <sstream>

namespace {

std::string markdown_of(const ra::Plan& plan) {
    std::ostringstream out;
    ra::render_plan_markdown(plan, out);
    return out.str();
}

ra::Plan huge_plan(int creates) {
    ra::Plan plan = ra::test::sample_plan();
    plan.actions.clear();
    plan.warnings.clear();
    for (int i = 0; i < creates; ++i) {
        ra::Action a = ra::test::sample_create();
        a.username = "bulk" + std::to_string(i) + "@mycompany";
        plan.actions.push_back(a);
    }
    return plan;
}

} // namespace

TEST_CASE("markdown plan: a representative plan matches its golden file", "[render][markdown]") {
    ra::test::check_golden("plan.md", markdown_of(ra::test::sample_plan()));
}

TEST_CASE("markdown plan: a plan without changes shows the table and says so",
          "[render][markdown]") {
    ra::test::check_golden("in_sync.md", markdown_of(ra::test::in_sync_plan()));
}

TEST_CASE("markdown plan: an organization without a known name is shown by its id",
          "[render][markdown]") {
    ra::Plan plan = ra::test::sample_plan();
    plan.organization.name.clear();
    const std::string md = markdown_of(plan);
    CHECK(md.find("\nOrganization " + std::to_string(plan.organization.id) + " at `" +
                  plan.api_url + "`\n") != std::string::npos);
}

TEST_CASE("markdown plan: the summary table comes before any section", "[render][markdown]") {
    const std::string md = markdown_of(ra::test::sample_plan());
    CHECK(md.find("| 2 | 2 | 1 | 2 |\n") < md.find("### "));
}

TEST_CASE("markdown plan: 5000 actions are cut under 60000 characters with a count of the rest",
          "[render][markdown][limits]") {
    const std::string md = markdown_of(huge_plan(5000));
    CHECK(md.size() < ra::k_markdown_limit);
    CHECK(md.size() > ra::k_markdown_limit - 1000);
    const auto shown =
        static_cast<int>(std::count(md.begin(), md.end(), '#') / 3); // "### " per shown section
    const std::string notice =
        "… " + std::to_string(5000 - shown) +
        " more actions not shown (output capped at 60000 characters); run `rossum-accounts "
        "plan` for the full plan\n";
    REQUIRE(md.size() > notice.size());
    CHECK(md.substr(md.size() - notice.size()) == notice);
    CHECK(md.find("### + create `bulk0@mycompany`") != std::string::npos);
}

TEST_CASE("markdown plan: cut plan-level warnings are counted too", "[render][markdown][limits]") {
    ra::Plan plan = huge_plan(0);
    for (int i = 0; i < 3000; ++i) {
        plan.warnings.push_back("warning number " + std::to_string(i) + " about something");
    }
    const std::string md = markdown_of(plan);
    CHECK(md.size() < ra::k_markdown_limit);
    CHECK(md.find("warning number 0 about something") != std::string::npos);
    std::size_t shown = 0;
    for (auto at = md.find("warning number"); at != std::string::npos;
         at = md.find("warning number", at + 1)) {
        ++shown;
    }
    const std::string notice = "… " + std::to_string(3000 - shown) +
                               " warnings not shown (output capped at 60000 characters); run "
                               "`rossum-accounts plan` for the full plan\n";
    REQUIRE(md.size() > notice.size());
    CHECK(md.substr(md.size() - notice.size()) == notice);
}

TEST_CASE("markdown plan: a hostile username cannot break out of its code span or the comment",
          "[render][markdown][hostile]") {
    ra::Plan plan = ra::test::in_sync_plan();
    ra::Action a =
        ra::test::existing(ra::ActionKind::deactivate, "x`` <img src=x>|\n### fake", "", 5);
    a.warnings = {"<script>alert(1)</script> | [link](http://evil) @team *bold*"};
    plan.actions.push_back(a);
    const std::string md = markdown_of(plan);
    INFO(md);
    CHECK(md.find("### - deactivate ```x`` <img src=x>|\\u000a### fake```\n") != std::string::npos);
    CHECK(md.find("- ⚠️ &lt;script&gt;alert(1)&lt;/script&gt; \\| \\[link\\](http\\:"
                  "//evil) \\@team \\*bold\\*\n") != std::string::npos);
    CHECK(md.find("\n### fake") == std::string::npos);
}
