#include "rossum_accounts/render/plan_text.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <sstream>

namespace {

std::string text_of(const ra::Plan& plan, bool color) {
    std::ostringstream out;
    ra::render_plan_text(plan, out, ra::TextOptions{color});
    return out.str();
}

} // namespace

TEST_CASE("text plan: a representative plan matches its golden file", "[render][text]") {
    ra::test::check_golden("plan.txt", text_of(ra::test::sample_plan(), false));
}

TEST_CASE("text plan: colour adds ANSI codes only when asked", "[render][text]") {
    const std::string colored = text_of(ra::test::sample_plan(), true);
    ra::test::check_golden("plan_color.txt", colored);
    CHECK(colored.find("\x1b[32m+ create\x1b[0m api_user@mycompany") != std::string::npos);
    CHECK(text_of(ra::test::sample_plan(), false).find('\x1b') == std::string::npos);
}

TEST_CASE("text plan: an organization without a known name is shown by its id", "[render][text]") {
    ra::Plan plan = ra::test::sample_plan();
    plan.organization.name.clear();
    const std::string text = text_of(plan, false);
    CHECK(text.substr(0, text.find('\n')) ==
          "Plan for organization " + std::to_string(plan.organization.id) + " at " + plan.api_url);
}

TEST_CASE("text plan: a plan without changes says how many accounts are in sync",
          "[render][text]") {
    ra::test::check_golden("in_sync.txt", text_of(ra::test::in_sync_plan(), false));
    CHECK(ra::plan_summary_line(ra::test::in_sync_plan()) == "No changes. 4 accounts are in sync.");
}

TEST_CASE("text plan: the summary line counts every kind of action", "[render][text]") {
    CHECK(ra::plan_summary_line(ra::test::sample_plan()) ==
          "Plan: 2 to create, 2 to update, 1 to deactivate, 2 unchanged.");
    ra::Plan one;
    one.actions.push_back(ra::test::existing(ra::ActionKind::skip, "a", "m.yaml:1", 1));
    CHECK(ra::plan_summary_line(one) == "No changes. 1 account is in sync.");
}

TEST_CASE("text plan: control characters in a username cannot reach the terminal",
          "[render][text][hostile]") {
    ra::Plan plan = ra::test::in_sync_plan();
    ra::Action a =
        ra::test::existing(ra::ActionKind::deactivate, "evil\x1b[2J\nPlan: 0\xc2\x9b", "", 7);
    a.warnings = {"bell\a"};
    plan.actions.push_back(a);
    const std::string text = text_of(plan, false);
    CHECK(text.find("  - deactivate evil\\u001b[2J\\u000aPlan: 0\\u009b   (not in the manifest)\n"
                    "      ! bell\\u0007\n") != std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);
    CHECK(text.find('\a') == std::string::npos);
}

TEST_CASE("text plan: a username's invisible characters are shown as escapes",
          "[render][text][hostile]") {
    // A live user's username is not checked as a declared one is: a right-to-left override
    // would reorder the rest of the line, a Hangul filler or a zero-width space would make it
    // pass for another username in a review.
    ra::Plan plan = ra::test::in_sync_plan();
    plan.actions.push_back(ra::test::existing(ra::ActionKind::deactivate,
                                              "rlo\u202eevil\u3164\u200b\U000e0100@x", "", 7));
    const std::string text = text_of(plan, false);
    CHECK(text.find("  - deactivate rlo\\u202eevil\\u3164\\u200b\\U000e0100@x   (not in the "
                    "manifest)\n") != std::string::npos);
    CHECK(text.find("\u202e") == std::string::npos);
    CHECK(text.find("\u3164") == std::string::npos);
}

TEST_CASE("text plan: the cost line counts the writes, the reads before PATCHes and the time",
          "[render][text][cost]") {
    ra::Plan plan;
    CHECK(ra::plan_cost_line(plan).empty()); // nothing to apply, nothing to say
    for (int i = 0; i < 100; ++i) {
        ra::Action a;
        a.kind = ra::ActionKind::create;
        a.username = "new" + std::to_string(i);
        plan.actions.push_back(a);
    }
    for (int i = 0; i < 25; ++i) {
        ra::Action a;
        a.kind = i % 5 == 0 ? ra::ActionKind::deactivate : ra::ActionKind::update;
        a.username = "old" + std::to_string(i);
        plan.actions.push_back(a);
    }
    ra::Action skip;
    skip.kind = ra::ActionKind::skip;
    plan.actions.push_back(skip);
    CHECK(ra::plan_cost_line(plan) ==
          "Applying it sends 125 write requests and 25 read requests of the users it patches.");
    plan.max_rps = 10;
    // 150 requests: 10 in the first second, the other 140 at 10 a second.
    CHECK(ra::plan_cost_line(plan) == "Applying it sends 125 write requests and 25 read requests "
                                      "of the users it patches (150 in all: at least 14.0 s at "
                                      "--max-rps 10).");
    plan.max_rps = 0.5;
    CHECK(ra::plan_cost_line(plan) == "Applying it sends 125 write requests and 25 read requests "
                                      "of the users it patches (150 in all: at least 4 min 58 s "
                                      "at --max-rps 0.5).");
    // The limiter's windows hold whole requests: 2.5 a second is 2 in each second, so the
    // 148 after the first second's 2 take 74 s, not 59.2 s.
    plan.max_rps = 2.5;
    CHECK(ra::plan_cost_line(plan) == "Applying it sends 125 write requests and 25 read requests "
                                      "of the users it patches (150 in all: at least 1 min 14 s "
                                      "at --max-rps 2.5).");
    plan.actions.resize(3);
    plan.max_rps = 10;
    CHECK(ra::plan_cost_line(plan) == "Applying it sends 3 write requests (3 in all: within the "
                                      "first second at --max-rps 10).");
}
