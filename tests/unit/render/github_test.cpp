#include "rossum_accounts/render/github.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <sstream>

using namespace ra;

namespace {

std::string annotations_of(const Plan& plan) {
    std::ostringstream out;
    render_plan_annotations(plan, out);
    return out.str();
}

} // namespace

TEST_CASE("github: a message escapes percent, carriage return and line feed as GitHub reads them",
          "[render][github]") {
    CHECK(github_escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b");
    // %25 first: an escape already in the text is not read back as the character it names.
    CHECK(github_escape_data("%0A") == "%250A");
}

TEST_CASE("github: a property also escapes the colon and comma that would end it",
          "[render][github]") {
    CHECK(github_escape_property("dir,x/a:b%.yaml\n") == "dir%2Cx/a%3Ab%25.yaml%0A");
}

TEST_CASE("github: other control characters are escaped as in every other output",
          "[render][github]") {
    CHECK(github_escape_data("a\x1b[31mb\x7f") == "a\\u001b[31mb\\u007f");
    CHECK(github_escape_property("c\xc2\x9b"
                                 "d") == "c\\u009bd");
    CHECK(github_escape_data("Äpi \xe2\x9c\x93") == "Äpi \xe2\x9c\x93"); // UTF-8 stays
}

TEST_CASE("github: a diagnostic becomes an error at its file, line and column",
          "[render][github]") {
    Diagnostic d{{"rossum/accounts.yaml", 7, 5}, "accounts[1].groups", "unknown role \"admn\""};
    CHECK(github_annotation(diagnostic_annotation(d)) ==
          "::error file=rossum/accounts.yaml,line=7,col=5,title=rossum-accounts::"
          "accounts[1].groups: unknown role \"admn\"\n");
}

TEST_CASE("github: a place that is unknown is left out of the command", "[render][github]") {
    CHECK(github_annotation(diagnostic_annotation({{"a.yaml", 0, 0}, "", "file is empty"})) ==
          "::error file=a.yaml,title=rossum-accounts::file is empty\n");
    CHECK(github_annotation({AnnotationLevel::warning, {}, "", "careful"}) ==
          "::warning::careful\n");
    CHECK(github_annotation({AnnotationLevel::notice, {"m.yaml", 3, 0}, "", "x"}) ==
          "::notice file=m.yaml,line=3::x\n");
}

TEST_CASE("github: a file name with a comma or colon cannot forge another property",
          "[render][github]") {
    Diagnostic d{{"a,line=1:b.yaml", 2, 3}, "", "m"};
    CHECK(github_annotation(diagnostic_annotation(d)) ==
          "::error file=a%2Cline=1%3Ab.yaml,line=2,col=3,title=rossum-accounts::m\n");
}

TEST_CASE("github: a plan's warnings are annotated at their account's manifest line",
          "[render][github]") {
    ra::test::check_golden("plan_github.txt", annotations_of(ra::test::sample_plan()));
    const std::string out = annotations_of(ra::test::sample_plan());
    CHECK(out.find("::warning file=teams/accounts.yaml,line=8,title=rossum-accounts::account "
                   "\"uploader@mycompany\": password file") != std::string::npos);
    CHECK(out.find("::warning title=rossum-accounts::2 users without") != std::string::npos);
    CHECK(out.find("::notice title=rossum-accounts plan::Plan: 2 to create, 2 to update, 1 to "
                   "deactivate, 2 unchanged.\n") != std::string::npos);
}

TEST_CASE("github: a deactivate's warning has no place, since no manifest line declares it",
          "[render][github]") {
    Plan plan;
    Action prune = ra::test::existing(ActionKind::deactivate, "old@x", "", 9);
    prune.changes = {ra::test::change("active", true, false)};
    prune.warnings = {"this deactivates old@x, the account the tool runs as"};
    plan.actions.push_back(prune);
    CHECK(annotations_of(plan).starts_with(
        "::warning title=rossum-accounts::account \"old@x\": this deactivates old@x"));
}

TEST_CASE("github: the summary notice carries the partial-plan and snapshot lines",
          "[render][github]") {
    Plan plan = ra::test::in_sync_plan();
    plan.targets = {"etl.*"};
    plan.snapshot = SnapshotBasis{"2026-12-01T10:00:00Z", 120};
    const std::string out = annotations_of(plan);
    CHECK(out.find("::notice title=rossum-accounts plan::No changes. 4 accounts are in "
                   "sync.%0APartial plan: only usernames matching \"etl.*\"") != std::string::npos);
    CHECK(out.find("%0ABased on a snapshot taken 2026-12-01T10:00:00Z") != std::string::npos);
    CHECK(out.find('\r') == std::string::npos);
    CHECK(std::count(out.begin(), out.end(), '\n') == 1);
}
