#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/report.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <sstream>

namespace {

ra::ActionResult result(std::string username, ra::ActionKind action, ra::ResultStatus status,
                        std::string error = {}) {
    ra::ActionResult r;
    r.username = std::move(username);
    r.action = action;
    r.status = status;
    r.error = std::move(error);
    return r;
}

using K = ra::ActionKind;
using S = ra::ResultStatus;

// One of everything: 1 created, 1 updated, 1 deactivated, 2 unchanged, 2 failed, 1 not attempted.
ra::Report mixed_report() {
    ra::Report report;
    report.results = {
        result("api_user@mycompany", K::create, S::done),
        result("billing@mycompany", K::skip, S::done),
        result("etl@mycompany", K::update, S::done),
        result("taken@mycompany", K::create, S::failed,
               "username: A user with that username already exists."),
        result("slow@mycompany", K::create, S::unknown, "connection dropped after sending"),
        result("old_bot@mycompany", K::deactivate, S::done),
        result("viewer@mycompany", K::skip, S::not_attempted),
        result("late@mycompany", K::update, S::not_attempted),
    };
    return report;
}

std::string text_of(const ra::Report& report) {
    std::ostringstream out;
    ra::render_report_text(report, out, ra::TextOptions{});
    return out.str();
}

std::string quiet_of(const ra::Report& report) {
    std::ostringstream out;
    ra::render_report_quiet(report, out);
    return out.str();
}

std::string markdown_of(const ra::Report& report) {
    std::ostringstream out;
    ra::render_report_markdown(report, out);
    return out.str();
}

} // namespace

TEST_CASE("report: progress lines name the account and what happened", "[render][report]") {
    const ra::Plan plan = ra::test::sample_plan();
    CHECK(ra::progress_line(result("api_user@mycompany", K::create, S::done), plan.actions[0]) ==
          "  + created api_user@mycompany");
    CHECK(ra::progress_line(result("etl@mycompany", K::update, S::done), plan.actions[2]) ==
          "  ~ updated etl@mycompany (first_name, groups, active)");
    CHECK(ra::progress_line(result("old_bot@mycompany", K::deactivate, S::done), plan.actions[4]) ==
          "  - deactivated old_bot@mycompany");
    CHECK(ra::progress_line(result("api_user@mycompany", K::create, S::failed,
                                   "username: A user with that username already exists."),
                            plan.actions[0]) == "  ! failed api_user@mycompany: username: A user "
                                                "with that username already exists.");
    CHECK(ra::progress_line(result("api_user@mycompany", K::create, S::unknown, "timed out"),
                            plan.actions[0]) == "  ? unknown api_user@mycompany: timed out");
    CHECK(ra::progress_line(result("etl@mycompany", K::update, S::not_attempted),
                            plan.actions[2]) == "  . not attempted etl@mycompany");
}

TEST_CASE("report: an unchanged account has no progress line unless it carries a note",
          "[render][report]") {
    const ra::Plan plan = ra::test::sample_plan();
    ra::ActionResult skip = result("billing@mycompany", K::skip, S::done);
    CHECK(ra::progress_line(skip, plan.actions[1]).empty());
    ra::ActionResult adopted = result("api_user@mycompany", K::create, S::done);
    adopted.note = "adopted after an ambiguous create";
    CHECK(ra::progress_line(adopted, plan.actions[0]) ==
          "  + created api_user@mycompany (adopted after an ambiguous create)");
}

TEST_CASE("report: summary counts unknown as failed and skips as unchanged", "[render][report]") {
    const ra::ReportSummary s = mixed_report().summary();
    CHECK(s.created == 1);
    CHECK(s.updated == 1);
    CHECK(s.deactivated == 1);
    CHECK(s.skipped == 2);
    CHECK(s.failed == 2);
    CHECK(s.not_attempted == 1);
}

TEST_CASE("report: the text report lists what was not applied and ends with the summary line",
          "[render][report]") {
    CHECK(text_of(mixed_report()) ==
          "\nNot applied:\n"
          "  ! failed taken@mycompany: username: A user with that username already exists.\n"
          "  ? unknown slow@mycompany: connection dropped after sending\n"
          "  . not attempted late@mycompany\n"
          "Run the same apply again; it will converge.\n"
          "Fix the failed accounts above, then run apply again.\n"
          "\n"
          "Apply complete: 1 created, 1 updated, 1 deactivated, 2 unchanged, 2 failed, 1 not "
          "attempted.\n");
}

TEST_CASE("report: a clean apply prints only the summary line", "[render][report]") {
    ra::Report report;
    report.results = {result("a", K::create, S::done), result("b", K::skip, S::done)};
    CHECK(text_of(report) == "\nApply complete: 1 created, 0 updated, 0 deactivated, 1 unchanged, "
                             "0 failed, 0 not attempted.\n");
}

TEST_CASE("report: the summary line says why a run stopped early", "[render][report]") {
    ra::Report report;
    report.results = {result("a", K::create, S::done), result("b", K::update, S::not_attempted)};
    report.stopped_early = true;
    report.stop_reason = ra::ErrorKind::throttled;
    CHECK(ra::report_summary_line(report) ==
          "Apply stopped early (throttled): 1 created, 0 updated, 0 deactivated, 0 unchanged, 0 "
          "failed, 1 not attempted.");
    report.interrupted = true;
    CHECK(ra::report_summary_line(report).starts_with("Apply interrupted: 1 created,"));
}

TEST_CASE("report: the JSON report has the documented shape", "[render][report][json]") {
    ra::Report report;
    report.results = {result("a", K::create, S::done),
                      result("b", K::update, S::failed, "groups: invalid"),
                      result("c", K::deactivate, S::not_attempted)};
    CHECK(ra::report_to_json(report) == nlohmann::json::parse(R"({
        "format_version": 1,
        "summary": {"created": 1, "updated": 0, "deactivated": 0, "skipped": 0, "failed": 1,
                    "not_attempted": 1},
        "results": [
            {"username": "a", "action": "create", "status": "done", "error": null, "note": null},
            {"username": "b", "action": "update", "status": "failed", "error": "groups: invalid",
             "note": null},
            {"username": "c", "action": "deactivate", "status": "not_attempted", "error": null,
             "note": null}
        ]})"));
    std::ostringstream out;
    ra::render_report_json(report, out);
    CHECK(out.str().ends_with("}\n"));
    CHECK(nlohmann::json::parse(out.str()) == ra::report_to_json(report));
}

TEST_CASE("report: a create settled as a user made by another run counts as updated",
          "[render][report]") {
    ra::Report report;
    ra::ActionResult adopted = result("a", K::create, S::done);
    adopted.note = "adopted: created concurrently";
    adopted.created_elsewhere = true;
    ra::ActionResult ours = result("b", K::create, S::done);
    ours.note = "adopted after an ambiguous create";
    report.results = {adopted, ours};
    CHECK(ra::report_summary_line(report) ==
          "Apply complete: 1 created, 1 updated, 0 deactivated, 0 unchanged, 0 failed, 0 not "
          "attempted.");
    CHECK(ra::progress_line(adopted, ra::Action{}) ==
          "  ~ updated a (adopted: created concurrently)");
    CHECK(ra::progress_line(ours, ra::Action{}) ==
          "  + created b (adopted after an ambiguous create)");
    const nlohmann::json j = ra::report_to_json(report);
    CHECK(j["summary"]["created"] == 1);
    CHECK(j["summary"]["updated"] == 1);
    CHECK(j["results"][0]["action"] == "create");
    CHECK(j["results"][0]["note"] == "adopted: created concurrently");
}

TEST_CASE("report: quiet names every failed, unknown and explained not-attempted action",
          "[render][report][quiet]") {
    ra::Report report = mixed_report();
    report.results.push_back(result("stopped@mycompany", K::create, S::not_attempted,
                                    "interrupted; the create did not commit and was not resent"));
    CHECK(quiet_of(report) ==
          "  ! failed taken@mycompany: username: A user with that username already exists.\n"
          "  ? unknown slow@mycompany: connection dropped after sending\n"
          "  . not attempted stopped@mycompany: interrupted; the create did not commit and was "
          "not resent\n"
          "Apply complete: 1 created, 1 updated, 1 deactivated, 2 unchanged, 2 failed, 2 not "
          "attempted.\n");
}

TEST_CASE("report: quiet prints only the summary line when everything was applied",
          "[render][report][quiet]") {
    ra::Report report;
    report.results = {result("a", K::create, S::done), result("b", K::skip, S::done)};
    CHECK(quiet_of(report) == "Apply complete: 1 created, 0 updated, 0 deactivated, 1 unchanged, "
                              "0 failed, 0 not attempted.\n");
}

TEST_CASE("report: a representative markdown report matches its golden file",
          "[render][report][markdown]") {
    ra::Report report = mixed_report();
    report.results[0].note = "adopted: created concurrently";
    ra::test::check_golden("report.md", markdown_of(report));
}

TEST_CASE("report: a markdown report of a clean apply is the summary table and what was applied",
          "[render][report][markdown]") {
    ra::Report report;
    report.results = {result("a@x", K::create, S::done), result("b@x", K::skip, S::done)};
    CHECK(markdown_of(report) == "## rossum-accounts apply\n\n"
                                 "Apply complete.\n\n"
                                 "| Created | Updated | Deactivated | Unchanged | Failed | Not "
                                 "attempted |\n"
                                 "| ---: | ---: | ---: | ---: | ---: | ---: |\n"
                                 "| 1 | 0 | 0 | 1 | 0 | 0 |\n\n"
                                 "### Applied\n\n"
                                 "| Result | Account | Note |\n"
                                 "| --- | --- | --- |\n"
                                 "| created | `a@x` |  |\n\n");
}

TEST_CASE("report: markdown cells keep pipes, markup and line breaks of untrusted text literal",
          "[render][report][markdown]") {
    ra::Report report;
    report.results = {
        result("a|b@x", K::create, S::failed, "bad | value\n| forged | row |<script>")};
    const std::string md = markdown_of(report);
    CHECK(md.find("| failed | `a\\|b@x` | create | bad \\| value\\\\u000a\\| forged \\| row "
                  "\\|&lt;script&gt; |\n") != std::string::npos);
    CHECK(md.find('\x0a' + std::string("| forged")) == std::string::npos);
}

TEST_CASE("report: a markdown report says why a run stopped early", "[render][report][markdown]") {
    ra::Report report;
    report.results = {result("a", K::create, S::done), result("b", K::update, S::not_attempted)};
    report.stopped_early = true;
    report.stop_reason = ra::ErrorKind::throttled;
    CHECK(markdown_of(report).find("\nApply stopped early (throttled).\n") != std::string::npos);
}

TEST_CASE("report: a markdown report of 5000 failures is cut under 60000 characters with a count",
          "[render][report][markdown][limits]") {
    ra::Report report;
    for (int i = 0; i < 5000; ++i) {
        report.results.push_back(result("bulk" + std::to_string(i) + "@mycompany", K::create,
                                        S::failed, std::string(3000, 'e')));
    }
    const std::string md = markdown_of(report);
    CHECK(md.size() < ra::k_markdown_limit);
    CHECK(md.size() > ra::k_markdown_limit - 2000);
    CHECK(md.find(std::string(1000, 'e') + "…") != std::string::npos);
    CHECK(md.find(std::string(1001, 'e')) == std::string::npos);
    const auto shown = static_cast<int>(std::count(md.begin(), md.end(), '\n')) - 16;
    REQUIRE(shown > 0);
    CHECK(md.find("| failed | `bulk0@mycompany` | create |") != std::string::npos);
    const std::string notice = "… " + std::to_string(5000 - shown) +
                               " more results not shown (output capped at 60000 characters)";
    CHECK(md.find(notice) != std::string::npos);
    CHECK(md.ends_with("Fix the failed accounts above, then run apply again.\n"));
}

TEST_CASE("report: the markdown report shows an error as it arrives, masked where it was made",
          "[render][report][markdown][secrets]") {
    ra::Report report;
    report.results = {result("a", K::create, S::failed, "password *** is weak")};
    const std::string md = markdown_of(report);
    CHECK(md.find("password \\*\\*\\* is weak") != std::string::npos);
}
