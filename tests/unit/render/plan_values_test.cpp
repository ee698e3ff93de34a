#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/render/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <sstream>

namespace {

ra::Plan plan_with_changes(std::vector<ra::FieldChange> changes) {
    ra::Plan plan;
    plan.api_url = "https://x.rossum.app/api";
    plan.organization = ra::test::sample_organization();
    ra::Action a = ra::test::existing(ra::ActionKind::update, "u", "m.yaml:3", 1);
    a.changes = std::move(changes);
    plan.actions.push_back(a);
    return plan;
}

std::string text_of(const ra::Plan& plan) {
    std::ostringstream out;
    ra::render_plan_text(plan, out, ra::TextOptions{});
    return out.str();
}

std::string markdown_of(const ra::Plan& plan) {
    std::ostringstream out;
    ra::render_plan_markdown(plan, out);
    return out.str();
}

} // namespace

TEST_CASE("plan values: a removed value shows with a minus and its old value",
          "[render][text][markdown]") {
    const ra::Plan plan = plan_with_changes({ra::test::change("metadata.x", "old", nullptr)});
    CHECK(text_of(plan).find("  ~ update u   (m.yaml:3)\n      - metadata.x = \"old\"\n") !=
          std::string::npos);
    CHECK(markdown_of(plan).find("```diff\n- metadata.x = \"old\"\n```\n") != std::string::npos);
}

TEST_CASE("plan values: objects and strings are shown as JSON with escapes", "[render][text]") {
    const ra::Plan plan = plan_with_changes({ra::test::change(
        "metadata.cfg", nlohmann::json::object(), {{"a", {1, 2}}, {"b", "q\"\n"}})});
    CHECK(
        text_of(plan).find("      ~ metadata.cfg = {} -> {\"a\": [1, 2], \"b\": \"q\\\"\\n\"}\n") !=
        std::string::npos);
}

TEST_CASE("plan values: a password change never shows anything but its placeholder",
          "[render][text][markdown][secrets]") {
    const ra::Plan plan =
        plan_with_changes({ra::test::change("password", nullptr, "hunter2hunter2")});
    CHECK(text_of(plan).find("      + password = (sensitive)\n") != std::string::npos);
    CHECK(text_of(plan).find("hunter2") == std::string::npos);
    CHECK(markdown_of(plan).find("hunter2") == std::string::npos);
}

TEST_CASE("plan values: invalid UTF-8 in a value does not throw", "[render][text]") {
    const ra::Plan plan = plan_with_changes({ra::test::change("first_name", "a", "b\xff")});
    CHECK(text_of(plan).find("      ~ first_name = \"a\" -> \"b\xef\xbf\xbd\"\n") !=
          std::string::npos);
}

TEST_CASE("plan values: DEL and C1 controls in a value are escaped in text and markdown",
          "[render][text][markdown][hostile]") {
    // U+009B is CSI on terminals that obey C1 controls; nlohmann's dump leaves it raw.
    const ra::Plan plan = plan_with_changes({ra::test::change("first_name", "a\x7f",
                                                              "b\xc2\x9b"
                                                              "31mred")});
    for (const std::string& out : {text_of(plan), markdown_of(plan)}) {
        CHECK(out.find("\xc2\x9b") == std::string::npos);
        CHECK(out.find('\x7f') == std::string::npos);
        CHECK(out.find("\"a\\u007f\"") != std::string::npos);
        CHECK(out.find("\"b\\u009b31mred\"") != std::string::npos);
    }
}

TEST_CASE("plan values: the JSON plan writes DEL and C1 controls as escapes of the same data",
          "[render][json][hostile]") {
    const ra::Plan plan = plan_with_changes({ra::test::change("metadata.k\xc2\x85", "a\x7f",
                                                              "b\xc2\x9b"
                                                              "c")});
    std::ostringstream out;
    ra::render_plan_json(plan, out);
    CHECK(out.str().find("\xc2\x9b") == std::string::npos);
    CHECK(out.str().find("\xc2\x85") == std::string::npos);
    CHECK(out.str().find('\x7f') == std::string::npos);
    CHECK(out.str().find("\"b\\u009bc\"") != std::string::npos);
    CHECK(nlohmann::json::parse(out.str()) == ra::plan_to_json(plan));
}
