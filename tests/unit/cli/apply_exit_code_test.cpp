// apply cases whose report must end the run with a given exit code (cli/exit_code.hpp).
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/core/apply.hpp"
#include "support/fake_api.hpp"
#include "support/planning.hpp"

#include <catch2/catch.hpp>

using namespace ra;
using nlohmann::json;
using ra::cli::exit_code_for;
using ra::cli::ExitCode;
using ra::test::account;
using ra::test::desired;
using ra::test::FakeApi;
using ra::test::passwords;
using ra::test::plan_for;

TEST_CASE("apply: twice unknown stays unknown, never a third POST", "[apply][ambiguous]") {
    FakeApi api;
    api.create_faults = {FakeApi::Fault::unknown_without_commit,
                         FakeApi::Fault::unknown_without_commit};
    Plan plan = plan_for(api, desired({account("a@acme", {"viewer"})}));
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::unknown);
    CHECK(api.calls("create_user") == 2);
    CHECK(report.stopped_early);
    CHECK(exit_code_for(report) == ExitCode::temporary);
}

TEST_CASE("apply: a username owned outside the organization is a conflict; others proceed",
          "[apply][conflict]") {
    FakeApi api;
    api.taken_elsewhere.insert("b@acme");
    Plan plan = plan_for(api, desired({account("a@acme", {"viewer"}), account("b@acme", {"viewer"}),
                                       account("c@acme", {"viewer"})}));
    Report report =
        apply_plan(plan, api.context(), api, passwords({"a@acme", "b@acme", "c@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(report.results[1].status == ResultStatus::failed);
    CHECK(report.results[1].error ==
          "username \"b@acme\" is taken by a user outside the organization or by a deleted user");
    CHECK(report.results[2].status == ResultStatus::done);
    CHECK(exit_code_for(report) == ExitCode::partial);
}

TEST_CASE("apply: settling a create among several case variants fails it, naming them",
          "[apply][conflict][matching]") {
    FakeApi api;
    Plan plan =
        plan_for(api, desired({account("new@acme", {"admin"}), account("other@acme", {"admin"})}));
    api.add_user("New@acme", {"viewer"});
    api.add_user("NEW@acme", {"viewer"});
    Report report = apply_plan(plan, api.context(), api, passwords({"new@acme", "other@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error ==
          "username \"new@acme\" matches several users that differ only in case (\"NEW@acme\", "
          "\"New@acme\") and none exactly");
    CHECK(api.calls("patch_user") == 0);
    CHECK(report.results[1].status == ResultStatus::done);
    CHECK(exit_code_for(report) == ExitCode::partial);
}

TEST_CASE("apply: an unavailable API stops further writes", "[apply][stop]") {
    FakeApi api;
    api.create_faults = {FakeApi::Fault::unavailable};
    Plan plan =
        plan_for(api, desired({account("a@acme", {"viewer"}), account("b@acme", {"viewer"})}));
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme", "b@acme"}), {});
    CHECK(report.stopped_early);
    CHECK(report.results[1].status == ResultStatus::not_attempted);
    CHECK(api.calls("create_user") == 1);
    CHECK(exit_code_for(report) == ExitCode::temporary);
}

TEST_CASE("apply: a declared null metadata value is written on update as on create",
          "[apply][metadata]") {
    FakeApi api;
    api.add_user("old@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    auto existing = account("old@acme", {"viewer"});
    existing.metadata = {{"k", nullptr}};
    auto fresh = account("new@acme", {"viewer"});
    fresh.metadata = {{"k", nullptr}};
    auto d = desired({fresh, existing});
    Plan plan = plan_for(api, d);
    REQUIRE(plan.actions[0].kind == ActionKind::create);
    REQUIRE(plan.actions[1].kind == ActionKind::update);
    Report report = apply_plan(plan, api.context(), api, passwords({"new@acme"}), {});
    CHECK(exit_code_for(report) == ExitCode::ok);
    // Beside the last-applied record, which states the declared null too.
    for (const char* name : {"new@acme", "old@acme"}) {
        json metadata = api.find(name)->metadata;
        CHECK(metadata["rossum_accounts_applied"]["metadata"] == json{{"k", nullptr}});
        metadata.erase("rossum_accounts_applied");
        CHECK(metadata == json{{"k", nullptr}, {"managed_by", "rossum-accounts"}});
    }
    CHECK_FALSE(plan_for(api, d).summary().has_changes());
}

TEST_CASE("apply: the writes are derived from the changes alone", "[apply][derive]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    api.add_user("gone@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    auto a = account("svc@acme", {"admin"});
    a.first_name = "New";
    auto d = desired({a});
    d.prune = true;
    Plan plan = plan_for(api, d);
    REQUIRE(plan.actions.size() == 2);
    REQUIRE(plan.actions[1].kind == ActionKind::update);
    // What the screen shows is what is sent: drop the groups change (and the last-applied
    // record, which states it) and neither is sent.
    auto& changes = plan.actions[1].changes;
    REQUIRE(changes.back().field == "rossum_accounts_applied");
    changes.pop_back();
    changes.erase(changes.begin() + 1);
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(exit_code_for(report) == ExitCode::ok);
    CHECK(api.patched_bodies == std::vector<json>{{{"is_active", false}}, {{"first_name", "New"}}});
    CHECK(api.find("svc@acme")->groups == std::vector<std::string>{api.group_url("viewer")});
}

TEST_CASE("apply: a create is posted from its changes with the live organization and roles",
          "[apply][derive]") {
    FakeApi api;
    auto a = account("a@acme", {"admin", "viewer"});
    a.first_name = "Bot";
    a.email = "bot@acme.com";
    a.queues = std::vector<std::int64_t>{813};
    a.active = false;
    a.metadata = {{"team", "ops"}};
    Plan plan = plan_for(api, desired({a}));
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    REQUIRE(exit_code_for(report) == ExitCode::ok);
    CHECK(api.created_bodies ==
          std::vector<json>{{{"organization", api.organization_.url},
                             {"username", "a@acme"},
                             {"first_name", "Bot"},
                             {"email", "bot@acme.com"},
                             {"groups", {api.group_url("admin"), api.group_url("viewer")}},
                             {"queues", {ra::test::object_url("queues", 813)}},
                             {"is_active", false},
                             {"metadata",
                              {{"team", "ops"},
                               {"managed_by", "rossum-accounts"},
                               {"rossum_accounts_applied",
                                {{"v", 1},
                                 {"first_name", "Bot"},
                                 {"email", "bot@acme.com"},
                                 {"groups", {"admin", "viewer"}},
                                 {"queues", {813}},
                                 {"active", false},
                                 {"metadata", {{"team", "ops"}}}}}}},
                             {"password", "correct-horse-battery"}}});
}
