#include "rossum_accounts/render/drift.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace ra;

namespace {

template <class Render>
std::string rendered(const Plan& plan, Render render) {
    std::ostringstream out;
    render(plan, drift_report(plan), out);
    return out.str();
}

std::string text_of(const Plan& plan, bool color = false) {
    return rendered(plan, [&](const Plan& p, const DriftReport& r, std::ostream& out) {
        render_drift_text(p, r, out, TextOptions{color});
    });
}

std::string markdown_of(const Plan& plan) {
    return rendered(plan, [](const Plan& p, const DriftReport& r, std::ostream& out) {
        render_drift_markdown(p, r, out);
    });
}

nlohmann::json json_of(const Plan& plan) {
    return nlohmann::json::parse(
        rendered(plan, [](const Plan& p, const DriftReport& r, std::ostream& out) {
            render_drift_json(p, r, out);
        }));
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("drift report: drift and conflicts are alerts, manifest and unknown changes pending",
          "[render][drift]") {
    const Plan plan = test::sample_plan();
    const DriftReport report = drift_report(plan);
    CHECK(report.drift == 1);
    CHECK(report.conflict == 1);
    CHECK(report.unknown == 1);
    CHECK(report.has_alerts());
    REQUIRE(report.alerts.size() == 1);
    CHECK(report.alerts[0].action->username == "etl@mycompany");
    REQUIRE(report.alerts[0].changes.size() == 2);
    CHECK(report.alerts[0].changes[0]->field == "groups");
    CHECK(report.alerts[0].changes[1]->field == "active");
    for (const DriftEntry& e : report.pending)
        for (const FieldChange* c : e.changes)
            CHECK(c->field != "rossum_accounts_applied"); // the record is bookkeeping
    CHECK(drift_summary_line(report) ==
          "Drift: 1 change outside the tool, 1 conflict; 18 pending manifest changes.");
}

TEST_CASE("drift report: a plan with only manifest changes has no alert", "[render][drift]") {
    Plan plan = test::sample_plan();
    for (Action& a : plan.actions)
        for (FieldChange& c : a.changes)
            if (c.cause)
                c.cause = Cause::manifest;
    const DriftReport report = drift_report(plan);
    CHECK_FALSE(report.has_alerts());
    CHECK(report.alerts.empty());
    CHECK(drift_summary_line(report) == "No drift. 20 pending manifest changes.");
    CHECK(json_of(plan)["drift_found"] == false);
    CHECK(contains(text_of(plan), "No drift."));
    CHECK_FALSE(contains(text_of(plan), "Changed outside the tool"));
}

TEST_CASE("drift report: text, markdown and json of a representative plan match their golden files",
          "[render][drift]") {
    const Plan plan = test::sample_plan();
    test::check_golden("drift.txt", text_of(plan));
    test::check_golden("drift.md", markdown_of(plan));
    test::check_golden("drift.json", json_of(plan).dump(2) + "\n");
    const nlohmann::json j = json_of(plan);
    CHECK(j["alerts"][0]["changes"][0] == nlohmann::json{{"field", "groups"},
                                                         {"live", {"viewer"}},
                                                         {"manifest", {"annotator", "viewer"}},
                                                         {"cause", "conflict"}});
    CHECK(contains(text_of(plan, true), "\x1b[31m[conflict]\x1b[0m"));
}

TEST_CASE("text and markdown plans mark drift and conflicts visibly", "[render][drift]") {
    const Plan plan = test::sample_plan();
    std::ostringstream text;
    render_plan_text(plan, text, TextOptions{false});
    CHECK(contains(text.str(), "= false -> true   [drift]\n"));
    CHECK(contains(text.str(), "[conflict]"));
    CHECK(contains(text.str(), "[drift]: changed outside the tool since the last apply"));
    std::ostringstream markdown;
    render_plan_markdown(plan, markdown);
    CHECK(contains(markdown.str(), "**Changed outside the tool:** 1 drift, 1 conflict"));
    CHECK(contains(markdown.str(), "🟠 **drift** `active`"));
    CHECK(contains(markdown.str(), "🔴 **conflict** `groups`"));
    // Manifest and unknown changes are not flagged.
    CHECK_FALSE(contains(markdown.str(), "**unknown**"));
    CHECK_FALSE(contains(text.str(), "[unknown]"));
}

TEST_CASE("drift markdown stays under the cap, alerts first, and counts the rows it cuts",
          "[render][drift][markdown]") {
    Plan plan = test::sample_plan();
    for (int i = 0; i < 2000; ++i) {
        Action a = test::existing(ActionKind::update, fmt::format("bulk{:04}@mycompany", i),
                                  "accounts.yaml:99", 1000 + i);
        a.changes = {test::change("first_name", "Old name", "New name")};
        plan.actions.push_back(a);
    }
    const std::string md = markdown_of(plan);
    CHECK(md.size() < k_markdown_limit);
    CHECK(contains(md, "| `etl@mycompany` | update | `active` | `false` | `true` | drift |"));
    CHECK(contains(md, "more rows not shown (output capped at 60000 characters)"));
}

TEST_CASE("drift markdown keeps a pipe in a value inside its table cell",
          "[render][drift][markdown]") {
    Plan plan = test::sample_plan();
    plan.actions[2].username = "a|b@mycompany";
    CHECK(contains(markdown_of(plan), "| `a\\|b@mycompany` | update | `groups` |"));
}

TEST_CASE("drift json writes C1 controls and invisible characters as escapes of the same data",
          "[render][drift][json][hostile]") {
    Plan plan = test::sample_plan();
    plan.actions[2].username = "rlo\u202eevil\xc2\x9b@mycompany";
    const std::string out = rendered(plan, [](const Plan& p, const DriftReport& r,
                                              std::ostream& o) { render_drift_json(p, r, o); });
    CHECK_FALSE(contains(out, "\u202e"));
    CHECK_FALSE(contains(out, "\xc2\x9b"));
    CHECK(contains(out, "\"rlo\\u202eevil\\u009b@mycompany\""));
    CHECK(json_of(plan)["pending"].dump().find("rlo\u202eevil\xc2\x9b@mycompany") !=
          std::string::npos);
}
