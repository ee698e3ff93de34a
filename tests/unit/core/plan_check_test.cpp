#include "rossum_accounts/core/plan_check.hpp"
#include "support/fake_api.hpp"
#include "support/planning.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <functional>

using namespace ra;
using nlohmann::json;
using ra::test::account;
using ra::test::FakeApi;

namespace {

json marker() {
    return {{"managed_by", "rossum-accounts"}};
}

// A plan with every kind of action, and the live state it was made from:
// [0] create new@acme, [1] skip same@acme, [2] deactivate stale@acme, [3] update svc@acme.
struct Planned {
    FakeApi api;
    LiveState live;
    Plan plan;

    Planned() {
        api.add_user("svc@acme", {"viewer"}, {{"team", "old"}});
        api.add_user("same@acme", {"viewer"}, marker());
        api.add_user("stale@acme", {"viewer"}, marker());
        auto created = account("new@acme", {"viewer"});
        created.first_name = "New";
        created.queues = std::vector<std::int64_t>{812};
        created.metadata = {{"k", nullptr}};
        auto updated = account("svc@acme", {"admin"});
        updated.first_name = "Svc";
        updated.queues = std::vector<std::int64_t>{813};
        updated.metadata = {{"team", "ops"}};
        DesiredState d;
        d.accounts = {created, account("same@acme", {"viewer"}), updated};
        d.prune = true;
        plan_from(d);
    }

    void plan_from(const DesiredState& d) {
        auto made = ra::test::live_plan_for(api, d);
        live = std::move(made.live);
        plan = std::move(made.plan);
    }
};

// The message check_plan gives after `mutate`.
std::string shape_error(const std::function<void(Plan&)>& mutate) {
    Planned p;
    REQUIRE(check_plan(p.plan).ok());
    mutate(p.plan);
    auto st = check_plan(p.plan);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().kind == ErrorKind::invalid_input);
    return st.error().message;
}

// The message check_plan_against_live gives after `mutate` (which may also change `live`).
std::string live_error(const std::function<void(Plan&, LiveState&)>& mutate) {
    Planned p;
    REQUIRE(check_plan_against_live(p.plan, p.live).ok());
    mutate(p.plan, p.live);
    auto st = check_plan_against_live(p.plan, p.live);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().kind == ErrorKind::invalid_input);
    return st.error().message;
}

} // namespace

TEST_CASE("plan check: a fresh plan passes every check a saved plan must pass", "[plan_check]") {
    Planned p;
    REQUIRE(p.plan.actions.size() == 4);
    CHECK(p.plan.actions[0].kind == ActionKind::create);
    CHECK(p.plan.actions[1].kind == ActionKind::skip);
    CHECK(p.plan.actions[2].kind == ActionKind::deactivate);
    CHECK(p.plan.actions[3].kind == ActionKind::update);
    CHECK(check_plan(p.plan).ok());
    CHECK(check_plan_against_live(p.plan, p.live).ok());
}

TEST_CASE("plan check: a fresh plan that demotes the caller passes with its warning",
          "[plan_check][caller]") {
    Planned p;
    auto admin = account("admin@acme", {"viewer"});
    admin.active = false;
    DesiredState d;
    d.accounts = {admin};
    p.plan_from(d);
    REQUIRE(p.plan.actions[0].warnings.size() == 2);
    CHECK(check_plan_against_live(p.plan, p.live).ok());
}

TEST_CASE("plan check: changes name only fields a plan writes, never a rename",
          "[plan_check][shape]") {
    CHECK(shape_error([](Plan& plan) {
              plan.actions[3].changes.push_back({"username", "svc@acme", "root@acme"});
          }) == "actions[3].changes[6].field: a plan never renames a user");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[2].changes.push_back({"username", "stale@acme", "x"});
          }) == "actions[2].changes: a deactivate changes exactly active from true to false");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[3].changes.push_back({"password", nullptr, "(sensitive: env X)"});
          }) == "actions[3].changes[6].field: a password is set only when the user is created");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[3].changes.push_back({"email", "a@b", "c@d"});
          }) == "actions[3].changes[6].field: email cannot be changed through the API");
    CHECK(shape_error([](Plan& plan) { plan.actions[3].changes[0].field = "is_staff"; }) ==
          "actions[3].changes[0].field: \"is_staff\" is not a field a plan writes");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[0].changes.push_back({"organization", nullptr, "x"});
          }) == "actions[0].changes[9].field: \"organization\" is not a field a plan writes");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[3].changes.push_back(plan.actions[3].changes[0]);
          }) == "actions[3].changes[6].field: \"first_name\" is changed twice");
}

TEST_CASE("plan check: values have the shape the planner gives them", "[plan_check][shape]") {
    CHECK(shape_error([](Plan& plan) { plan.actions[3].changes[0].after = 5; }) ==
          "actions[3].changes[0].after: expected a string");
    CHECK(shape_error([](Plan& plan) { plan.actions[3].changes[1].after = json::array(); }) ==
          "actions[3].changes[1].after: expected a non-empty list of distinct role names");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[3].changes[1].after = {"admin", "admin"};
          }) == "actions[3].changes[1].after: expected a non-empty list of distinct role names");
    CHECK(shape_error([](Plan& plan) { plan.actions[3].changes[2].after = {"812"}; }) ==
          "actions[3].changes[2].after: expected a list of distinct queue ids");
    CHECK(shape_error([](Plan& plan) { plan.actions[3].changes[4].after = "someone"; }) ==
          "actions[3].changes[4].after: the ownership marker is always \"rossum-accounts\"");
    CHECK(shape_error([](Plan& plan) {
              plan.actions[3].changes[3].after = {{"a", 1}};
          }) == "actions[3].changes[3].after: expected a scalar metadata value");
    CHECK(
        shape_error([](Plan& plan) { plan.actions[3].changes[3].field = "metadata.managed_by"; }) ==
        "actions[3].changes[3].field: \"managed_by\" is the ownership marker, not a metadata "
        "key");
    CHECK(shape_error([](Plan& plan) { plan.actions[0].changes[7].after = "hunter2hunter2"; }) ==
          "actions[0].changes[7].after: a password change must read \"(sensitive: ...)\"");
}

TEST_CASE("plan check: a create sets its username and everything a create needs",
          "[plan_check][shape]") {
    CHECK(shape_error([](Plan& plan) { plan.actions[0].changes[0].after = "root@acme"; }) ==
          "actions[0].changes[0].after: must be the action's username \"new@acme\"");
    CHECK(shape_error([](Plan& plan) { plan.actions[0].changes[1].before = "Old"; }) ==
          "actions[0].changes[1].before: a create has no before value");
    for (const char* field : {"username", "groups", "active", "managed_by", "password"}) {
        INFO(field);
        CHECK(shape_error([&](Plan& plan) {
                  auto& changes = plan.actions[0].changes;
                  changes.erase(
                      std::find_if(changes.begin(), changes.end(),
                                   [&](const FieldChange& c) { return c.field == field; }));
              }) == fmt::format("actions[0].changes: a create must set \"{}\"", field));
    }
}

TEST_CASE("plan check: a create names only a username a manifest can declare",
          "[plan_check][shape][hostile]") {
    // An edited plan created "svc ws@demo" (with a space), which no manifest can declare.
    for (const std::string username : {"new user@acme", "new\t@acme", "new\x7f@acme", ""}) {
        INFO(username);
        CHECK(shape_error([&](Plan& plan) {
                  plan.actions[0].username = username;
                  plan.actions[0].changes[0].after = username;
              }) == "actions[0].username: a plan creates only usernames a manifest can declare "
                    "(no whitespace, control or invisible characters)");
    }
}

TEST_CASE("plan check: a prune of a live user whose username has a space still passes",
          "[plan_check][hostile]") {
    Planned p;
    p.api.add_user("stale user@acme", {"viewer"}, marker());
    DesiredState d;
    d.prune = true;
    p.plan_from(d);
    CHECK(std::any_of(p.plan.actions.begin(), p.plan.actions.end(), [](const Action& a) {
        return a.kind == ActionKind::deactivate && a.username == "stale user@acme";
    }));
    CHECK(check_plan_against_live(p.plan, p.live).ok());
}

TEST_CASE("plan check: a deactivate only deactivates and a skip changes nothing",
          "[plan_check][shape]") {
    const std::string only_active =
        "actions[2].changes: a deactivate changes exactly active from true to false";
    CHECK(shape_error([](Plan& plan) {
              plan.actions[2].changes.push_back({"first_name", "", "x"});
          }) == only_active);
    CHECK(shape_error([](Plan& plan) { plan.actions[2].changes[0].after = true; }) == only_active);
    CHECK(shape_error([](Plan& plan) { plan.actions[2].changes[0].field = "groups"; }) ==
          only_active);
    CHECK(shape_error([](Plan& plan) { plan.actions[2].changes.clear(); }) == only_active);
    CHECK(shape_error([](Plan& plan) {
              plan.actions[1].changes.push_back({"active", true, false});
          }) == "actions[1].changes: a skip changes nothing");
    CHECK(shape_error([](Plan& plan) { plan.actions[3].changes.clear(); }) ==
          "actions[3].changes: an update changes at least one field");
    CHECK(shape_error([](Plan& plan) { plan.actions[3].password_source = PasswordSource{}; }) ==
          "actions[3].password_source: only a create has one");
}

TEST_CASE("plan check: one action per user", "[plan_check][shape]") {
    CHECK(shape_error([](Plan& plan) { plan.actions[3].user_id = plan.actions[2].user_id; }) ==
          fmt::format("actions[3].user_id: user {} already has an action (actions[2])",
                      *Planned().plan.actions[2].user_id));
    CHECK(shape_error([](Plan& plan) { plan.actions[3].username = "Same@acme"; }) ==
          "actions[3].username: \"Same@acme\" already has an action (actions[1])");
}

TEST_CASE("plan check: each action is about the user read, with the values it has",
          "[plan_check][live]") {
    CHECK(live_error([](Plan& plan, LiveState&) { plan.actions[3].username = "root@acme"; }) ==
          fmt::format("actions[3].username: user {} is \"svc@acme\", not \"root@acme\"",
                      *Planned().plan.actions[3].user_id));
    CHECK(live_error([](Plan& plan, LiveState&) {
              plan.actions[3].user_url = ra::test::object_url("users", 1);
          }).starts_with("actions[3].user_url: user "));
    CHECK(live_error([](Plan& plan, LiveState&) {
              plan.actions[3].changes[1].before = {"admin"};
          }) == "actions[3].changes[1].before: is not the user's value the plan was made from");
    CHECK(live_error([](Plan& plan, LiveState&) { plan.actions[3].user_id = 1; }) ==
          "actions[3].user_id: names no user of the organization that was read");
    CHECK(live_error(
              [](Plan& plan, LiveState&) { plan.actions[3].changes[1].after = {"approver"}; }) ==
          "actions[3].changes[1].after: role \"approver\" is not offered by organization 4201");
    CHECK(live_error([](Plan& plan, LiveState&) { plan.actions[0].changes[3].after = {999}; }) ==
          "actions[0].changes[3].after: queue 999 does not exist in organization 4201");
    // The shape is checked first.
    CHECK(live_error([](Plan& plan, LiveState&) {
              plan.actions[3].changes.push_back({"username", "svc@acme", "x"});
          }) == "actions[3].changes[6].field: a plan never renames a user");
}

TEST_CASE("plan check: the caller is never deactivated and never demoted without a warning",
          "[plan_check][caller]") {
    // The edit: the admin's action turned into a deactivation, shown as
    // "~ active = true -> false".
    auto on_caller = [](Plan& plan, LiveState& live) -> Action& {
        Action& a = plan.actions[3];
        a.user_id = live.caller.id;
        a.user_url = live.caller.url;
        a.username = live.caller.username;
        return a;
    };
    CHECK(live_error([&](Plan& plan, LiveState& live) {
              Action& a = on_caller(plan, live);
              a.changes = {{"active", true, false}};
          }) == "actions[3].warnings: changes the account the tool runs as without saying so: "
                "expected the warning \"this deactivates admin@acme, the account the tool runs "
                "as: its credentials stop working\"");
    CHECK(live_error([&](Plan& plan, LiveState& live) {
              Action& a = on_caller(plan, live);
              a.changes = {{"groups", {"admin"}, {"viewer"}}};
          }) == "actions[3].warnings: changes the account the tool runs as without saying so: "
                "expected the warning \"this removes the role admin from admin@acme, the account "
                "the tool runs as: it may lose the right to manage users\"");
    CHECK(live_error([&](Plan& plan, LiveState& live) {
              Action& a = plan.actions[2];
              a.user_id = live.caller.id;
              a.user_url = live.caller.url;
              a.username = live.caller.username;
          }) == "actions[2]: deactivates admin@acme, the account the tool runs as; a plan never "
                "prunes it");
    // Saying so is what makes it allowed; gaining a role needs no warning.
    Planned p;
    Action& a = on_caller(p.plan, p.live);
    // The caller carries no marker, so its update adopts it, as a fresh plan's would.
    const FieldChange adopt{"managed_by", nullptr, "rossum-accounts"};
    // An update writes the last-applied record of what it applies.
    auto record = [](const json& groups, bool active) {
        return FieldChange{
            "rossum_accounts_applied", nullptr, {{"v", 1}, {"groups", groups}, {"active", active}}};
    };
    a.changes = {
        {"groups", {"admin"}, {"admin", "viewer"}}, adopt, record({"admin", "viewer"}, true)};
    CHECK(check_plan_against_live(p.plan, p.live).ok());
    a.changes = {{"active", true, false},
                 {"groups", {"admin"}, {"viewer"}},
                 adopt,
                 record({"viewer"}, false)};
    a.warnings = caller_warnings(a, p.live);
    CHECK(a.warnings.size() == 2);
    CHECK(check_plan_against_live(p.plan, p.live).ok());
}

TEST_CASE("plan check: a create's password label names the password source it reads",
          "[plan_check][shape]") {
    auto password_change = [](Plan& plan) -> FieldChange& {
        auto& changes = plan.actions[0].changes;
        return *std::find_if(changes.begin(), changes.end(),
                             [](const FieldChange& c) { return c.field == "password"; });
    };
    CHECK(shape_error([](Plan& plan) {
              plan.actions[0].password_source =
                  PasswordSource{PasswordSourceKind::env, "ROSSUM_PASSWORD", "", {}};
          })
              .ends_with(".after: must name the action's password_source, \"(sensitive: env "
                         "ROSSUM_PASSWORD)\""));
    // A saved plan records the joined absolute path; the label shows the manifest's name.
    Planned p;
    p.plan.actions[0].password_source =
        PasswordSource{PasswordSourceKind::file, "/srv/conf/secrets/new.txt", "", {}};
    password_change(p.plan).after = "(sensitive: file secrets/new.txt)";
    CHECK(check_plan(p.plan).ok());
    password_change(p.plan).after = "(sensitive: file ../secrets/new.txt)";
    CHECK(check_plan(p.plan).ok());
    password_change(p.plan).after = "(sensitive: file /srv/conf/secrets/new.txt)";
    CHECK(check_plan(p.plan).ok());
    password_change(p.plan).after = "(sensitive: file other/new.txt)";
    CHECK_FALSE(check_plan(p.plan).ok());
    password_change(p.plan).after = "(sensitive: env new.txt)";
    CHECK_FALSE(check_plan(p.plan).ok());
}

TEST_CASE("plan check: a user without the ownership marker is adopted, never deactivated",
          "[plan_check][live]") {
    // [2] stale@acme carries the marker; without it, a fresh plan would never prune it.
    CHECK(live_error([](Plan&, LiveState& live) {
              for (auto& u : live.users)
                  if (u.username == "stale@acme")
                      u.metadata = json::object();
          }).starts_with("actions[2].action: user "));
    // [3] svc@acme has no marker: its update adopts it, and may not stop doing so.
    CHECK(live_error([](Plan& plan, LiveState&) {
              auto& changes = plan.actions[3].changes;
              changes.erase(
                  std::remove_if(changes.begin(), changes.end(),
                                 [](const FieldChange& c) { return c.field == "managed_by"; }),
                  changes.end());
          }).starts_with("actions[3].changes: user "));
}

TEST_CASE("plan check: a partial plan acts only on usernames its selection takes",
          "[plan_check][select]") {
    CHECK(shape_error([](Plan& plan) { plan.targets = {"s*@acme"}; }) ==
          "actions[0].username: \"new@acme\" is outside the plan's selection (--target/"
          "--exclude): a partial plan changes no other account");
    CHECK(shape_error([](Plan& plan) { plan.excludes = {"STALE@*"}; }) ==
          "actions[2].username: \"stale@acme\" is outside the plan's selection (--target/"
          "--exclude): a partial plan changes no other account");
    Planned p;
    p.plan.targets = {"*@acme"};
    p.plan.excludes = {"other@*"};
    CHECK(check_plan(p.plan).ok());
}

TEST_CASE("plan check: a prune writes the user's record with active false, and nothing else",
          "[plan_check][record]") {
    FakeApi api;
    const json record = {{"v", 1}, {"groups", {"viewer"}}, {"active", true}};
    api.add_user("pruned@acme", {"viewer"},
                 {{"managed_by", "rossum-accounts"}, {"rossum_accounts_applied", record}});
    DesiredState d;
    d.prune = true;
    auto made = ra::test::live_plan_for(api, d);
    REQUIRE(made.plan.actions.size() == 1);
    const Action& prune = made.plan.actions[0];
    REQUIRE(prune.kind == ActionKind::deactivate);
    REQUIRE(prune.changes.size() == 2);
    CHECK(prune.changes[1].field == "rossum_accounts_applied");
    CHECK(prune.changes[1].after["active"] == false);
    CHECK(prune.changes[1].after["groups"] == json{"viewer"});
    CHECK(check_plan_against_live(made.plan, made.live).ok());

    Plan edited = made.plan;
    edited.actions[0].changes[1].after["groups"] = {"admin"}; // a record the prune does not write
    auto st = check_plan_against_live(edited, made.live);
    REQUIRE_FALSE(st.ok());
    CHECK_THAT(st.error().message, Catch::Contains("a deactivate writes the last-applied record"));

    Plan dropped = made.plan; // without the line the record would keep saying active true
    dropped.actions[0].changes.pop_back();
    CHECK_FALSE(check_plan_against_live(dropped, made.live).ok());
}

TEST_CASE("plan check: a prune of a user without a record writes none", "[plan_check][record]") {
    FakeApi api;
    api.add_user("pruned@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    DesiredState d;
    d.prune = true;
    auto made = ra::test::live_plan_for(api, d);
    REQUIRE(made.plan.actions.size() == 1);
    CHECK(made.plan.actions[0].changes.size() == 1);
    Plan added = made.plan;
    added.actions[0].changes.push_back(
        {"rossum_accounts_applied", nullptr, json{{"v", 1}, {"active", false}}});
    auto st = check_plan_against_live(added, made.live);
    REQUIRE_FALSE(st.ok());
    CHECK_THAT(st.error().message, Catch::Contains("a deactivate writes the last-applied record"));
}
