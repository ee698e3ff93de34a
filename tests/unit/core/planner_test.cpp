#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/core/planner.hpp"
#include "rossum_accounts/core/write.hpp"
#include "support/fake_api.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace ra;
using nlohmann::json;
using ra::test::FakeApi;

namespace {

Account account(const std::string& username, std::vector<std::string> groups, int line = 5) {
    Account a;
    a.username = username;
    a.where = {"accounts.yaml", line, 5};
    a.groups = std::move(groups);
    a.password = PasswordSource{PasswordSourceKind::env, "PW_" + std::to_string(line), ".", {}};
    return a;
}

DesiredState desired(std::vector<Account> accounts, bool prune = false) {
    DesiredState d;
    d.files = {"accounts.yaml"};
    d.accounts = std::move(accounts);
    d.prune = prune;
    return d;
}

Plan plan_for(FakeApi& api, const DesiredState& d, const PlanOptions& options = {}) {
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live, options);
    REQUIRE(out.diagnostics.empty());
    REQUIRE(out.plan);
    return *out.plan;
}

const FieldChange* change(const Action& a, const std::string& field) {
    for (const auto& c : a.changes)
        if (c.field == field)
            return &c;
    return nullptr;
}

json marker() {
    return {{"managed_by", "rossum-accounts"}};
}

} // namespace

TEST_CASE("planner: a missing user is a create carrying roles, marker and password source",
          "[planner]") {
    FakeApi api;
    auto a = account("api_user@acme", {"annotator"}, 12);
    a.first_name = "SYSTEM USER";
    a.queues = std::vector<std::int64_t>{812};
    a.metadata = {{"team", "integrations"}};
    Plan plan = plan_for(api, desired({a}));
    REQUIRE(plan.actions.size() == 1);
    const Action& act = plan.actions[0];
    CHECK(act.kind == ActionKind::create);
    CHECK(act.source == "accounts.yaml:12");
    auto body = create_body(act, api.context());
    REQUIRE(body.ok());
    CHECK((*body)["organization"] == api.organization_.url);
    CHECK((*body)["groups"] == json::array({api.group_url("annotator")}));
    CHECK((*body)["queues"] == json::array({ra::test::object_url("queues", 812)}));
    CHECK((*body)["metadata"] == json{{"team", "integrations"},
                                      {"managed_by", "rossum-accounts"},
                                      {"rossum_accounts_applied",
                                       {{"v", 1},
                                        {"first_name", "SYSTEM USER"},
                                        {"groups", {"annotator"}},
                                        {"queues", {812}},
                                        {"active", true},
                                        {"metadata", {{"team", "integrations"}}}}}});
    CHECK((*body)["is_active"] == true);
    CHECK_FALSE(body->contains("password"));
    REQUIRE(change(act, "password"));
    CHECK(change(act, "password")->after == "(sensitive: env PW_12)");
    CHECK(plan.summary().create == 1);
}

TEST_CASE("planner: an in-sync marked user is a skip", "[planner]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("svc@acme", {"viewer"})}));
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].kind == ActionKind::skip);
    CHECK(plan.actions[0].changes.empty());
    CHECK_FALSE(plan.summary().has_changes());
}

TEST_CASE("planner: matching is case-insensitive", "[planner]") {
    FakeApi api;
    api.add_user("Svc@Acme", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("svc@acme", {"viewer"})}));
    CHECK(plan.actions[0].kind == ActionKind::skip);
}

TEST_CASE("planner: only differing writable fields are patched", "[planner]") {
    FakeApi api;
    auto& u = api.add_user("svc@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}, {"x", 1}});
    u.first_name = "Old";
    u.last_name = "Same";
    auto a = account("svc@acme", {"admin"});
    a.first_name = "New";
    a.last_name = "Same";
    a.metadata = {{"team", "ops"}};
    Plan plan = plan_for(api, desired({a}));
    const Action& act = plan.actions[0];
    CHECK(act.kind == ActionKind::update);
    const json record = {{"v", 1},
                         {"first_name", "New"},
                         {"last_name", "Same"},
                         {"groups", {"admin"}},
                         {"active", true},
                         {"metadata", {{"team", "ops"}}}};
    CHECK(patch_body(act, api.context(), u.metadata).value() ==
          json{{"first_name", "New"},
               {"groups", {api.group_url("admin")}},
               {"metadata",
                {{"managed_by", "rossum-accounts"},
                 {"x", 1},
                 {"team", "ops"},
                 {"rossum_accounts_applied", record}}}});
    CHECK(act.changes.size() == 4); // last_name is the same; the record is the fourth
    REQUIRE(change(act, "groups"));
    CHECK(change(act, "groups")->before == json::array({"viewer"}));
    CHECK(change(act, "groups")->after == json::array({"admin"}));
    CHECK(change(act, "metadata.team")->before == nullptr);
    CHECK_FALSE(act.fingerprint.empty());
}

TEST_CASE("planner: email drift is a warning, not a patch", "[planner]") {
    FakeApi api;
    auto& u = api.add_user("svc@acme", {"viewer"}, marker());
    u.email = "old@acme.com";
    auto a = account("svc@acme", {"viewer"});
    a.email = "new@acme.com";
    Plan plan = plan_for(api, desired({a}));
    const Action& act = plan.actions[0];
    CHECK(act.kind == ActionKind::skip);
    REQUIRE(act.warnings.size() == 1);
    CHECK(act.warnings[0] == "email differs (live \"old@acme.com\", manifest \"new@acme.com\") and "
                             "cannot be changed through the API");
}

TEST_CASE("planner: an unmarked existing user is adopted", "[planner]") {
    FakeApi api;
    api.add_user("legacy@acme", {"viewer"}, {{"team", "x"}});
    Plan plan = plan_for(api, desired({account("legacy@acme", {"viewer"})}));
    const Action& act = plan.actions[0];
    CHECK(act.kind == ActionKind::update);
    REQUIRE(act.changes.size() == 2);
    CHECK(act.changes[0].field == "managed_by");
    CHECK(act.changes[1].field == "rossum_accounts_applied");
    const json record = {{"v", 1}, {"groups", {"viewer"}}, {"active", true}};
    CHECK(patch_body(act, api.context(), json{{"team", "x"}}).value() ==
          json{{"metadata",
                {{"team", "x"},
                 {"managed_by", "rossum-accounts"},
                 {"rossum_accounts_applied", record}}}});
}

TEST_CASE("planner: fields the manifest omits are not managed", "[planner]") {
    FakeApi api;
    auto& u = api.add_user("svc@acme", {"viewer"}, marker());
    u.first_name = "Anything";
    u.queues = {ra::test::object_url("queues", 813)};
    Plan plan = plan_for(api, desired({account("svc@acme", {"viewer"})}));
    CHECK(plan.actions[0].kind == ActionKind::skip);
}

TEST_CASE("planner: prune deactivates only marked users, never the caller", "[planner][prune]") {
    FakeApi api;
    api.caller_.metadata = marker();
    api.users_[0].metadata = marker();
    api.add_user("gone@acme", {"viewer"}, marker());
    api.add_user("human@acme", {"viewer"});
    auto& inactive = api.add_user("old@acme", {"viewer"}, marker());
    inactive.is_active = false;
    api.add_user("keep@acme", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("keep@acme", {"viewer"})}, true));
    std::vector<std::pair<std::string, ActionKind>> got;
    for (const auto& a : plan.actions)
        got.emplace_back(a.username, a.kind);
    CHECK(got ==
          std::vector<std::pair<std::string, ActionKind>>{{"gone@acme", ActionKind::deactivate},
                                                          {"keep@acme", ActionKind::skip},
                                                          {"old@acme", ActionKind::skip}});
    CHECK(plan.actions[0].changes.size() == 1);
    CHECK(patch_body(plan.actions[0], api.context(), json::object()).value() ==
          json{{"is_active", false}});
}

TEST_CASE("planner: without prune nothing is deactivated", "[planner][prune]") {
    FakeApi api;
    api.add_user("gone@acme", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("keep@acme", {"viewer"})}));
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].kind == ActionKind::create);
}

TEST_CASE("planner: actions are ordered by username", "[planner]") {
    FakeApi api;
    Plan plan =
        plan_for(api, desired({account("b@acme", {"viewer"}, 1), account("A@acme", {"viewer"}, 2),
                               account("c@acme", {"viewer"}, 3)}));
    CHECK(plan.actions[0].username == "A@acme");
    CHECK(plan.actions[1].username == "b@acme");
    CHECK(plan.actions[2].username == "c@acme");
}

TEST_CASE("planner: a role the organization does not offer is a diagnostic", "[planner]") {
    FakeApi api;
    auto d = desired({account("svc@acme", {"approver"}, 7)});
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live);
    CHECK_FALSE(out.plan);
    REQUIRE(out.diagnostics.size() == 1);
    CHECK(format_diagnostic(out.diagnostics[0]) ==
          "accounts.yaml:7:5: accounts[0].groups: role \"approver\" of account \"svc@acme\" is not "
          "offered by organization 4201");
}

TEST_CASE("planner: with several manifests a diagnostic names the account's index in its own file",
          "[planner][hostile]") {
    // b.yaml holds one account; its diagnostic said accounts[1], the index in the merged list.
    FakeApi api;
    auto first = account("one@acme", {"viewer"}, 3);
    auto second = account("two@acme", {"approver"}, 3);
    second.where.file = "b.yaml";
    auto third = account("three@acme", {"approver"}, 6);
    third.where.file = "b.yaml";
    auto d = desired({first, second, third});
    d.files = {"accounts.yaml", "b.yaml"};
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live);
    REQUIRE(out.diagnostics.size() == 2);
    CHECK(format_diagnostic(out.diagnostics[0]).rfind("b.yaml:3:5: accounts[0].groups: ", 0) == 0);
    CHECK(format_diagnostic(out.diagnostics[1]).rfind("b.yaml:6:5: accounts[1].groups: ", 0) == 0);
}

TEST_CASE("planner: an unknown queue is a diagnostic", "[planner]") {
    FakeApi api;
    auto a = account("svc@acme", {"viewer"}, 9);
    a.queues = std::vector<std::int64_t>{999};
    auto d = desired({a});
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live);
    REQUIRE(out.diagnostics.size() == 1);
    CHECK(out.diagnostics[0].message ==
          "queue 999 of account \"svc@acme\" does not exist in organization 4201");
}

TEST_CASE("planner: password problems where the plan runs become warnings", "[planner]") {
    FakeApi api;
    PlanOptions options;
    options.password_warnings["svc@acme"] = "password source env PW_5 is not set here";
    Plan plan = plan_for(api, desired({account("svc@acme", {"viewer"})}), options);
    REQUIRE(plan.actions[0].warnings.size() == 1);
    CHECK(plan.actions[0].warnings[0] == "password source env PW_5 is not set here");
}

TEST_CASE("planner: a declared null metadata value differs from an absent key", "[planner]") {
    FakeApi api;
    api.add_user("absent@acme", {"viewer"}, marker());
    api.add_user("null@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}, {"k", nullptr}});
    auto absent = account("absent@acme", {"viewer"});
    absent.metadata = {{"k", nullptr}};
    auto null = account("null@acme", {"viewer"});
    null.metadata = {{"k", nullptr}};
    Plan plan = plan_for(api, desired({absent, null}));
    REQUIRE(plan.actions[0].kind == ActionKind::update);
    REQUIRE(change(plan.actions[0], "metadata.k"));
    CHECK(change(plan.actions[0], "metadata.k")->after == nullptr);
    CHECK(plan.actions[1].kind == ActionKind::skip);
}

TEST_CASE("planner: a plan that deactivates or demotes the caller says so", "[planner][caller]") {
    FakeApi api;
    auto demoted = account("admin@acme", {"viewer"});
    Plan plan = plan_for(api, desired({demoted}));
    REQUIRE(plan.actions[0].kind == ActionKind::update);
    CHECK(plan.actions[0].warnings ==
          std::vector<std::string>{"this removes the role admin from admin@acme, the account the "
                                   "tool runs as: it may lose the right to manage users"});
    auto deactivated = account("admin@acme", {"admin"});
    deactivated.active = false;
    plan = plan_for(api, desired({deactivated}));
    CHECK(plan.actions[0].warnings ==
          std::vector<std::string>{"this deactivates admin@acme, the account the tool runs as: "
                                   "its credentials stop working"});
    // More roles, or another user losing admin, is nothing to warn about.
    api.add_user("other@acme", {"admin"}, marker());
    plan = plan_for(api, desired({account("admin@acme", {"admin", "viewer"}),
                                  account("other@acme", {"viewer"})}));
    CHECK(plan.actions[0].kind == ActionKind::update);
    CHECK(plan.actions[0].warnings.empty());
    CHECK(plan.actions[1].kind == ActionKind::update);
    CHECK(plan.actions[1].warnings.empty());
}

TEST_CASE("planner: an exact username match wins over a case variant", "[planner][matching]") {
    FakeApi api;
    api.add_user("Dup@demo", {"admin"}, marker());
    const std::int64_t exact_id = api.add_user("dup@demo", {"viewer"}, marker()).id;
    Plan plan = plan_for(api, desired({account("dup@demo", {"viewer"})}));
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].user_id == exact_id);
    CHECK(plan.actions[0].kind == ActionKind::skip);
    CHECK(plan.actions[0].changes.empty());
}

TEST_CASE("planner: the exact user wins whichever order the API lists them in",
          "[planner][matching]") {
    FakeApi api;
    const std::int64_t exact_id = api.add_user("Dup@demo", {"viewer"}, marker()).id;
    api.add_user("dup@demo", {"admin"}, marker());
    Plan plan = plan_for(api, desired({account("Dup@demo", {"viewer"})}));
    CHECK(plan.actions[0].user_id == exact_id);
    CHECK(plan.actions[0].kind == ActionKind::skip);
}

TEST_CASE("planner: a single case variant is matched as the same user, Unicode included",
          "[planner][matching]") {
    FakeApi api;
    const std::int64_t id = api.add_user("\xC3\x84pi@Demo", {"viewer"}, marker()).id;
    Plan plan = plan_for(api, desired({account("\xC3\xA4pi@demo", {"viewer"})}));
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].user_id == id);
    CHECK(plan.actions[0].kind == ActionKind::skip);
}

TEST_CASE("planner: several case variants and no exact match are a diagnostic naming them",
          "[planner][matching]") {
    FakeApi api;
    api.add_user("Dup@demo", {"viewer"}, marker());
    api.add_user("dup@demo", {"viewer"}, marker());
    auto d = desired({account("ok@demo", {"viewer"}, 3), account("dup@Demo", {"viewer"}, 7)});
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live);
    CHECK_FALSE(out.plan);
    REQUIRE(out.diagnostics.size() == 1);
    CHECK(format_diagnostic(out.diagnostics[0]) ==
          "accounts.yaml:7:5: accounts[1].username: username \"dup@Demo\" matches several users "
          "that differ only in case (\"Dup@demo\", \"dup@demo\") and none exactly; write the "
          "exact one");
}

TEST_CASE("planner: prune leaves a marked case variant of a declared username, with a warning",
          "[planner][prune][matching]") {
    FakeApi api;
    api.add_user("Dup@demo", {"viewer"}, marker());
    const std::int64_t exact_id = api.add_user("dup@demo", {"viewer"}, marker()).id;
    api.add_user("gone@demo", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("dup@demo", {"viewer"}, 4)}, true));
    std::vector<std::pair<std::string, ActionKind>> got;
    for (const auto& a : plan.actions)
        got.emplace_back(a.username, a.kind);
    CHECK(got == std::vector<std::pair<std::string, ActionKind>>{
                     {"dup@demo", ActionKind::skip}, {"gone@demo", ActionKind::deactivate}});
    CHECK(plan.actions[0].user_id == exact_id);
    CHECK(plan.warnings ==
          std::vector<std::string>{"user \"Dup@demo\" carries the ownership marker and differs "
                                   "only in case from the declared \"dup@demo\" "
                                   "(accounts.yaml:4); it is not deactivated"});
}

TEST_CASE("planner: prune keeps a single case variant matched by an account", "[planner][prune]") {
    FakeApi api;
    api.add_user("Svc@demo", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("svc@demo", {"viewer"})}, true));
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].kind == ActionKind::skip);
    CHECK(plan.warnings.empty());
}

TEST_CASE("planner: the order is by folded username, Unicode included", "[planner]") {
    FakeApi api;
    // Bytes alone would put "Écho" (C3 89) before "ébert" (C3 A9).
    Plan plan = plan_for(api, desired({account("\xC3\x89"
                                               "cho@x",
                                               {"viewer"}, 1),
                                       account("\xC3\xA9"
                                               "bert@x",
                                               {"viewer"}, 2),
                                       account("zed@x", {"viewer"}, 3)}));
    CHECK(plan.actions[0].username == "zed@x");
    CHECK(plan.actions[1].username == "\xC3\xA9"
                                      "bert@x");
    CHECK(plan.actions[2].username == "\xC3\x89"
                                      "cho@x");
}

TEST_CASE("planner: prune leaves a marked case variant of the caller, with a warning",
          "[planner][prune][matching]") {
    FakeApi api;
    api.caller_.metadata = marker();
    api.users_[0].metadata = marker();
    api.add_user("ADMIN@acme", {"viewer"}, marker());
    Plan plan = plan_for(api, desired({account("keep@acme", {"viewer"})}, true));
    for (const auto& a : plan.actions)
        CHECK(a.kind != ActionKind::deactivate);
    CHECK(plan.warnings ==
          std::vector<std::string>{"user \"ADMIN@acme\" carries the ownership marker and differs "
                                   "only in case from the account the tool runs as "
                                   "(\"admin@acme\"); it is not deactivated"});
}

TEST_CASE("planner: the deactivation cap defaults to the larger of 3 and 10 % of the managed",
          "[planner][guard]") {
    FakeApi api;
    for (int i = 0; i < 40; ++i)
        api.add_user(fmt::format("old{:02}@acme", i), {"viewer"}, marker());
    Plan plan = plan_for(api, desired({}, /*prune=*/true));
    REQUIRE(plan.summary().deactivate == 40);
    CHECK(deactivation_limit(plan, std::nullopt) == 4);
    auto refused = check_deactivation_cap(plan, std::nullopt);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().kind == ErrorKind::guard_rail);
    CHECK_THAT(refused.error().message,
               Catch::Contains("deactivates 40 accounts, more than the 4 allowed") &&
                   Catch::Contains("\"old00@acme\"") && Catch::Contains("\"old39@acme\"") &&
                   Catch::Contains("--max-deactivations 40"));
    CHECK(check_deactivation_cap(plan, 40).ok());
    CHECK_FALSE(check_deactivation_cap(plan, 39).ok());

    Plan small = plan;
    small.actions.resize(3); // three deactivations: the floor of 3 allows them
    CHECK(deactivation_limit(small, std::nullopt) == 3);
    CHECK(check_deactivation_cap(small, std::nullopt).ok());
    CHECK_FALSE(check_deactivation_cap(small, 2).ok());
}

TEST_CASE("planner: the manifest's max_deactivations sets the cap and the plan keeps it",
          "[planner][guard]") {
    FakeApi api;
    for (int i = 0; i < 5; ++i)
        api.add_user(fmt::format("old{}@acme", i), {"viewer"}, marker());
    DesiredState d = desired({}, /*prune=*/true);
    d.max_deactivations = 5;
    Plan plan = plan_for(api, d);
    CHECK(plan.max_deactivations == 5);
    CHECK(check_deactivation_cap(plan, std::nullopt).ok());
    CHECK_FALSE(check_deactivation_cap(plan, 4).ok()); // the flag wins
    d.max_deactivations = 0;
    CHECK_FALSE(check_deactivation_cap(plan_for(api, d), std::nullopt).ok());
}

TEST_CASE("planner: updates that set active false count against the deactivation cap",
          "[planner][guard]") {
    FakeApi api;
    std::vector<Account> accounts;
    for (int i = 0; i < 5; ++i) {
        api.add_user(fmt::format("svc{}@acme", i), {"viewer"}, marker());
        accounts.push_back(account(fmt::format("svc{}@acme", i), {"viewer"}, 5 + i));
        accounts.back().active = false;
    }
    Plan plan = plan_for(api, desired(accounts));
    REQUIRE(plan.summary().update == 5);
    REQUIRE(plan.summary().deactivate == 0);
    auto refused = check_deactivation_cap(plan, std::nullopt);
    REQUIRE_FALSE(refused.ok());
    CHECK_THAT(refused.error().message, Catch::Contains("deactivates 5 accounts, more than the 3 "
                                                        "allowed") &&
                                            Catch::Contains("\"svc4@acme\""));
    CHECK(check_deactivation_cap(plan, 5).ok());
    // Re-activating is no deactivation.
    for (auto& a : accounts)
        a.active = true;
    for (auto& u : api.users_)
        u.is_active = false;
    CHECK(check_deactivation_cap(plan_for(api, desired(accounts)), 0).ok());
}

TEST_CASE("planner: --target and --exclude limit accounts and prune to matching usernames",
          "[planner][select]") {
    FakeApi api;
    api.add_user("etl.old@acme", {"viewer"}, marker());
    api.add_user("ui.old@acme", {"viewer"}, marker());
    PlanOptions options;
    options.targets = {"ETL.*"}; // case-insensitive, as every username comparison
    Plan plan = plan_for(
        api,
        desired({account("etl.new@acme", {"viewer"}, 5), account("ui.new@acme", {"viewer"}, 9)},
                /*prune=*/true),
        options);
    REQUIRE(plan.actions.size() == 2);
    CHECK(plan.actions[0].username == "etl.new@acme");
    CHECK(plan.actions[0].kind == ActionKind::create);
    CHECK(plan.actions[1].username == "etl.old@acme");
    CHECK(plan.actions[1].kind == ActionKind::deactivate);
    CHECK(plan.partial());
    CHECK(plan.targets == std::vector<std::string>{"ETL.*"});

    options.targets.clear();
    options.excludes = {"*.old@acme"};
    Plan rest = plan_for(
        api,
        desired({account("etl.new@acme", {"viewer"}, 5), account("ui.new@acme", {"viewer"}, 9)},
                /*prune=*/true),
        options);
    CHECK(rest.summary().create == 2);
    CHECK(rest.summary().deactivate == 0);

    options.excludes = {"*"};
    Plan none = plan_for(api, desired({account("etl.new@acme", {"viewer"}, 5)}), options);
    CHECK(none.actions.empty());
    REQUIRE(none.warnings.size() == 1);
    CHECK_THAT(none.warnings[0], Catch::Contains("select no declared account"));
}

TEST_CASE("planner: a whole plan is not partial", "[planner][select]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("etl.new@acme", {"viewer"}, 5)}));
    CHECK_FALSE(plan.partial());
    CHECK_FALSE(plan.max_deactivations);
}

TEST_CASE("planner: re-activating an inactive account is planned with a warning",
          "[planner][guard]") {
    FakeApi api;
    api.add_user("paused@acme", {"viewer"}, marker()).is_active = false;
    Plan plan = plan_for(api, desired({account("paused@acme", {"viewer"})}));
    REQUIRE(plan.actions.size() == 1);
    REQUIRE(change(plan.actions[0], "active") != nullptr);
    REQUIRE(plan.actions[0].warnings.size() == 1);
    CHECK_THAT(plan.actions[0].warnings[0], Catch::Contains("re-activates the account"));

    auto stays = account("paused@acme", {"viewer"});
    stays.active = false;
    Plan quiet = plan_for(api, desired({stays}));
    CHECK(quiet.actions[0].warnings.empty());
}

TEST_CASE("planner: a create whose username a deleted user holds is warned about",
          "[planner][guard]") {
    FakeApi api;
    api.add_user("Gone@acme", {"viewer"}).deleted = true;
    Plan plan = plan_for(api, desired({account("gone@acme", {"viewer"})}));
    REQUIRE(plan.actions.size() == 1);
    CHECK(plan.actions[0].kind == ActionKind::create);
    REQUIRE_FALSE(plan.actions[0].warnings.empty());
    CHECK_THAT(plan.actions[0].warnings.back(),
               Catch::Contains("a deleted user \"Gone@acme\" (id") &&
                   Catch::Contains("holds this username"));
}

TEST_CASE("planner: a non-ASCII create found by a username look-up warns that a Unicode case "
          "variant may be missed",
          "[planner][guard]") {
    FakeApi api;
    for (int i = 0; i < 250; ++i) // three pages: one missing account is looked up
        api.add_user("bulk" + std::to_string(i) + "@acme", {"viewer"});
    auto warned = [](const Action& a) {
        return std::any_of(a.warnings.begin(), a.warnings.end(), [](const std::string& w) {
            return w.find("may miss a user differing from it only in Unicode case") !=
                   std::string::npos;
        });
    };
    Plan looked_up = plan_for(api, desired({account("stra\xc3\x9f"
                                                    "e@acme",
                                                    {"viewer"})}));
    REQUIRE(looked_up.actions.size() == 1);
    CHECK(looked_up.actions[0].kind == ActionKind::create);
    CHECK(warned(looked_up.actions[0]));
    // The way out it names reads every page without deactivating anything.
    CHECK_THAT(looked_up.actions[0].warnings.back(),
               Catch::Contains("then `plan --snapshot FILE`"));
    Plan ascii = plan_for(api, desired({account("strasse@acme", {"viewer"})}));
    CHECK_FALSE(warned(ascii.actions[0]));
    auto every_page = desired({account("stra\xc3\x9f"
                                       "e@acme",
                                       {"viewer"})});
    every_page.prune = true;
    Plan pruned = plan_for(api, every_page);
    REQUIRE(pruned.actions.size() == 1);
    CHECK_FALSE(warned(pruned.actions[0]));
}

TEST_CASE("planner: queues given by name resolve to their ids and show their names",
          "[planner][queues]") {
    FakeApi api; // queues 812 "q812", 813 "q813", 814 "q814"
    auto a = account("svc@acme", {"viewer"});
    a.queues = std::vector<std::int64_t>{812};
    a.queue_names = {"q813", "q812"}; // 812 twice, by id and by name: once
    Plan plan = plan_for(api, desired({a}));
    REQUIRE(plan.actions.size() == 1);
    const FieldChange* queues = change(plan.actions[0], "queues");
    REQUIRE(queues != nullptr);
    CHECK(queues->after == json::array({812, 813}));
    CHECK(plan.queue_names == std::map<std::int64_t, std::string>{{812, "q812"}, {813, "q813"}});
}

TEST_CASE("planner: an unknown or ambiguous queue name is a diagnostic", "[planner][queues]") {
    FakeApi api;
    api.queues_.push_back({815, ra::test::object_url("queues", 815), "q812"}); // a second "q812"
    auto a = account("svc@acme", {"viewer"});
    a.queues = std::vector<std::int64_t>{};
    a.queue_names = {"Q813", "q812", "nowhere"};
    DesiredState d = desired({a});
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    PlanOutcome out = make_plan(d, *live);
    CHECK_FALSE(out.plan);
    REQUIRE(out.diagnostics.size() == 3);
    CHECK(out.diagnostics[0].path == "accounts[0].queues");
    CHECK_THAT(out.diagnostics[0].message,
               Catch::Contains("queue \"Q813\" of account \"svc@acme\" does not exist") &&
                   Catch::Contains("did you mean \"q813\" (813)?"));
    CHECK_THAT(out.diagnostics[1].message,
               Catch::Contains("queue name \"q812\" of account \"svc@acme\" is ambiguous: "
                               "queues 812, 815 have it; give the id"));
    CHECK_THAT(out.diagnostics[2].message, Catch::Contains("queue \"nowhere\""));
}
