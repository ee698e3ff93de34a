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

TEST_CASE("plan values: invisible characters are escapes in text, markdown and JSON",
          "[render][text][markdown][json][hostile]") {
    const ra::Plan plan = plan_with_changes(
        {ra::test::change("first_name", "a\u2028b", "c\u202ed\U000e0100"), // LS, RLO, VS17
         ra::test::change("last_name", "Jos\u00e9", "Jos\u00e9!")});       // é is visible: kept
    for (const std::string& out : {text_of(plan), markdown_of(plan)}) {
        CHECK(out.find("\"a\\u2028b\"") != std::string::npos);
        CHECK(out.find("\"c\\u202ed\\U000e0100\"") != std::string::npos);
        CHECK(out.find("\u202e") == std::string::npos);
        CHECK(out.find("Jos\u00e9") != std::string::npos);
    }
    std::ostringstream out;
    ra::render_plan_json(plan, out);
    CHECK(out.str().find("\u202e") == std::string::npos);
    CHECK(out.str().find("\"c\\u202ed\\udb40\\udd00\"") != std::string::npos);
    CHECK(out.str().find("Jos\u00e9") != std::string::npos);
    CHECK(nlohmann::json::parse(out.str()) == ra::plan_to_json(plan)); // the same data
}

namespace {

// Every kind of value the JSON plan holds, with the strings that need escaping.
ra::Plan hostile_plan() {
    ra::Plan plan = ra::test::sample_plan();
    ra::Action odd = ra::test::existing(ra::ActionKind::update, "q\"uo\\te\t\x01\x7f@x", "", 7);
    odd.user_url.clear();
    odd.fingerprint.clear();
    odd.user_id.reset();
    odd.warnings = {"w\xc2\x9b"
                    "1",
                    "plain", "bad \xff utf-8", "\xc3\xb6\xe2\x82\xac\xf0\x9f\x98\x80"};
    odd.changes = {
        ra::test::change("metadata.\xc2\x85k", nlohmann::json::object(), nlohmann::json::array()),
        ra::test::change("metadata.n", 1.5, -42),
        ra::test::change(
            "metadata.deep", {{"z", {1, {{"b", nullptr}, {"a", false}}}}, {"a", "\n\x1f"}},
            nlohmann::json::array({nlohmann::json::object(), nlohmann::json::array()})),
        ra::test::change("metadata.big", std::uint64_t{18446744073709551615ULL}, 1e300),
        ra::test::record(nullptr, {{"v", 1}}),
    };
    plan.actions.push_back(odd);
    ra::Action bare = ra::test::existing(ra::ActionKind::skip, "bare", "m.yaml:9", 8);
    bare.password_source =
        ra::PasswordSource{ra::PasswordSourceKind::file, "../s/p.txt", "/m/dir", {}};
    plan.actions.push_back(bare);
    plan.warnings.push_back("plan \x7f warning");
    plan.targets = {"svc*"};
    plan.excludes = {"x\"y"};
    plan.queue_names = {{812, "Invoices \xc2\x9b"}, {813, "R"}};
    plan.max_deactivations = 3;
    plan.snapshot = ra::SnapshotBasis{"2026-01-02T03:04:05Z", 61};
    plan.max_rps = 7.5;
    return plan;
}

std::string streamed(const ra::Plan& plan) {
    std::ostringstream out;
    ra::render_plan_json(plan, out);
    return out.str();
}

std::string dumped(const ra::Plan& plan) {
    // What render_plan_json wrote before it streamed the actions.
    std::string out =
        ra::plan_to_json(plan).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string escaped;
    for (std::size_t i = 0; i < out.size(); ++i) {
        const auto u = static_cast<unsigned char>(out[i]);
        const auto next = i + 1 < out.size() ? static_cast<unsigned char>(out[i + 1]) : 0U;
        if (u == 0x7f) {
            escaped += "\\u007f";
        } else if (u == 0xc2 && next >= 0x80 && next <= 0x9f) {
            const char* hex = "0123456789abcdef";
            escaped += "\\u00";
            escaped += hex[next >> 4];
            escaped += hex[next & 0xf];
            ++i;
        } else {
            escaped += out[i];
        }
    }
    return escaped + "\n";
}

} // namespace

TEST_CASE("plan values: the streamed JSON plan is byte for byte the dump of plan_to_json",
          "[render][json][hostile]") {
    ra::Plan empty = ra::test::sample_plan();
    empty.actions.clear();
    for (const ra::Plan& plan :
         {ra::test::sample_plan(), ra::test::in_sync_plan(), hostile_plan(), empty}) {
        CHECK(streamed(plan) == dumped(plan));
    }
}
