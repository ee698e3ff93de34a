#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/render/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"
#include "rossum_accounts/render/report.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <sstream>

// Renderers are pure functions of their input: a value that happens to equal a secret of the
// run is data and is shown exactly (docs/design.md §12.2). The masker
// below holds the secret as a run's would; nothing it knows may change what is rendered.

namespace {

constexpr const char* k_secret = "annotator-Secret-31c4";

// A plan whose username, metadata value, first name and role name contain or equal the secret.
ra::Plan plan_with_secret_values(ra::SecretMasker& masker) {
    masker.add(k_secret);
    masker.add("annotator");
    ra::Plan plan = ra::test::sample_plan();
    ra::Action& create = plan.actions[0];
    create.username = std::string(k_secret) + ".bot@mycompany";
    for (ra::FieldChange& c : create.changes) {
        if (c.field == "username")
            c.after = create.username;
        else if (c.field == "first_name")
            c.after = k_secret;
        else if (c.field == "groups")
            c.after = {"annotator"};
    }
    create.changes.push_back(ra::test::change("metadata.owner", nullptr, k_secret));
    return plan;
}

std::string text_of(const ra::Plan& plan) {
    std::ostringstream out;
    ra::render_plan_text(plan, out, ra::TextOptions{false});
    return out.str();
}

} // namespace

TEST_CASE("secret values: the text plan shows values equal to a secret unchanged",
          "[render][text][secrets]") {
    ra::SecretMasker masker;
    const std::string text = text_of(plan_with_secret_values(masker));
    CHECK(text.find("+ create annotator-Secret-31c4.bot@mycompany") != std::string::npos);
    CHECK(text.find("+ first_name     = \"annotator-Secret-31c4\"") != std::string::npos);
    CHECK(text.find("+ metadata.owner = \"annotator-Secret-31c4\"") != std::string::npos);
    CHECK(text.find("+ groups         = [\"annotator\"]") != std::string::npos);
    CHECK(text.find("***") == std::string::npos);
}

TEST_CASE("secret values: the markdown plan shows values equal to a secret unchanged",
          "[render][markdown][secrets]") {
    ra::SecretMasker masker;
    std::ostringstream out;
    ra::render_plan_markdown(plan_with_secret_values(masker), out);
    CHECK(out.str().find("annotator-Secret-31c4.bot@mycompany") != std::string::npos);
    CHECK(out.str().find("+ metadata.owner = \"annotator-Secret-31c4\"") != std::string::npos);
    CHECK(out.str().find("***") == std::string::npos);
}

TEST_CASE("secret values: plan_to_json and the JSON plan keep values equal to a secret",
          "[render][json][secrets]") {
    ra::SecretMasker masker;
    const ra::Plan plan = plan_with_secret_values(masker);
    std::ostringstream out;
    ra::render_plan_json(plan, out);
    const nlohmann::json rendered = nlohmann::json::parse(out.str());
    CHECK(rendered == ra::plan_to_json(plan));
    const auto& action = rendered["actions"][0];
    CHECK(action["username"] == "annotator-Secret-31c4.bot@mycompany");
    // A saved plan read back is the plan that was shown.
    auto parsed = ra::plan_from_json(out.str());
    REQUIRE(parsed);
    CHECK(parsed->actions[0].username == "annotator-Secret-31c4.bot@mycompany");
    CHECK(out.str().find("***") == std::string::npos);
}

TEST_CASE("secret values: the report shows usernames and errors as they arrive",
          "[render][report][secrets]") {
    ra::SecretMasker masker;
    masker.add(k_secret);
    ra::ActionResult r;
    r.username = std::string(k_secret) + ".bot@mycompany";
    r.action = ra::ActionKind::create;
    r.status = ra::ResultStatus::failed;
    // Server text is masked where the error message is composed (request_sender.cpp), so the
    // report's `error` arrives masked; the report itself changes nothing.
    r.error = "password: *** is too common";
    ra::Report report;
    report.results = {r};
    const nlohmann::json j = ra::report_to_json(report);
    CHECK(j["results"][0]["username"] == "annotator-Secret-31c4.bot@mycompany");
    CHECK(j["results"][0]["error"] == "password: *** is too common");
    CHECK(ra::progress_line(r, ra::Action{}) ==
          "  ! failed annotator-Secret-31c4.bot@mycompany: password: *** is too common");
}
