#include "rossum_accounts/core/apply.hpp"
#include "rossum_accounts/core/plan_check.hpp"
#include "support/fake_api.hpp"
#include "support/planning.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace ra;
using nlohmann::json;
using ra::test::account;
using ra::test::desired;
using ra::test::FakeApi;
using ra::test::passwords;
using ra::test::plan_for;

namespace {

int count_users(FakeApi& api, const std::string& username) {
    int n = 0;
    for (const auto& u : api.users_)
        n += same_username(u.username, username);
    return n;
}

} // namespace

TEST_CASE("apply: creates, then a second plan is empty", "[apply]") {
    FakeApi api;
    auto d = desired({account("a@acme", {"viewer"}), account("b@acme", {"admin"})});
    Plan plan = plan_for(api, d);
    std::vector<std::string> progress;
    ApplyHooks hooks;
    hooks.on_result = [&](const ActionResult& r, const Action&) { progress.push_back(r.username); };
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme", "b@acme"}), hooks);
    CHECK(report.results.size() == 2);
    CHECK(progress == std::vector<std::string>{"a@acme", "b@acme"});
    CHECK(api.created_bodies[0]["password"] == "correct-horse-battery");
    CHECK_FALSE(plan_for(api, d).summary().has_changes());
}

TEST_CASE("apply: a create committed before the connection dropped is adopted, not repeated",
          "[apply][ambiguous]") {
    FakeApi api;
    api.create_faults = {FakeApi::Fault::unknown_after_commit};
    Plan plan = plan_for(api, desired({account("a@acme", {"viewer"})}));
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    REQUIRE(report.results.size() == 1);
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(report.results[0].note == "adopted after an ambiguous create");
    // Most likely our own POST committed: still counted as created.
    CHECK_FALSE(report.results[0].created_elsewhere);
    CHECK(report.summary().created == 1);
    CHECK(api.calls("create_user") == 1);
    CHECK(count_users(api, "a@acme") == 1);
}

TEST_CASE("apply: a create that did not commit is sent once more after the look-up",
          "[apply][ambiguous]") {
    FakeApi api;
    api.create_faults = {FakeApi::Fault::unknown_without_commit};
    Plan plan = plan_for(api, desired({account("a@acme", {"viewer"})}));
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(api.calls("users_by_username") >= 1);
    CHECK(api.calls("create_user") == 2);
    CHECK(count_users(api, "a@acme") == 1);
}

TEST_CASE("apply: a user created concurrently by another run is adopted and counted as updated",
          "[apply][conflict]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.add_user("a@acme", {"viewer"}); // the other run won the race
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(report.results[0].note == "adopted: created concurrently");
    CHECK(report.results[0].created_elsewhere);
    CHECK(report.summary().created == 0);
    CHECK(report.summary().updated == 1);
    CHECK(count_users(api, "a@acme") == 1);
    CHECK(api.find("a@acme")->groups == std::vector<std::string>{api.group_url("admin")});
}

TEST_CASE("apply: settling a create adopts the exact username, not a case variant",
          "[apply][conflict][matching]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("new@acme", {"admin"})}));
    const std::int64_t exact_id = api.add_user("new@acme", {"viewer"}).id; // the other run's
    const std::int64_t variant_id = api.add_user("New@acme", {"viewer"}).id;
    Report report = apply_plan(plan, api.context(), api, passwords({"new@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(report.results[0].note == "adopted: created concurrently");
    for (const auto& u : api.users_) {
        if (u.id == exact_id)
            CHECK(u.groups == std::vector<std::string>{api.group_url("admin")});
        if (u.id == variant_id)
            CHECK(u.groups == std::vector<std::string>{api.group_url("viewer")});
    }
}

TEST_CASE("apply --plan: case variants that appeared since a planned create are drift",
          "[apply][drift][matching]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("new@acme", {"admin"})}));
    api.add_user("New@acme", {"viewer"});
    api.add_user("NEW@acme", {"viewer"});
    auto recheck = recheck_saved_plan(plan, api);
    REQUIRE(recheck.ok());
    CHECK(recheck->drift ==
          std::vector<std::string>{
              "new@acme: planned create, but username \"new@acme\" matches several users "
              "that differ only in case (\"NEW@acme\", \"New@acme\") and none exactly"});
}

TEST_CASE("apply: passwords are looked up by the planned username exactly", "[apply]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("Caps@acme", {"viewer"})}));
    Report report =
        apply_plan(plan, api.context(), api, {{"caps@acme", "correct-horse-battery"}}, {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error == "no password was resolved");
    CHECK(api.calls("create_user") == 0);
}

TEST_CASE("apply: cancellation marks the rest not attempted", "[apply][stop]") {
    FakeApi api;
    Plan plan =
        plan_for(api, desired({account("a@acme", {"viewer"}), account("b@acme", {"viewer"})}));
    int seen = 0;
    ApplyHooks hooks;
    hooks.cancelled = [&] { return seen >= 1; };
    hooks.on_result = [&](const ActionResult&, const Action&) { ++seen; };
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme", "b@acme"}), hooks);
    CHECK(report.interrupted);
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(report.results[1].status == ResultStatus::not_attempted);
}

TEST_CASE("apply: a failed patch fails that action only", "[apply]") {
    FakeApi api;
    api.add_user("a@acme", {"viewer"});
    api.add_user("b@acme", {"viewer"});
    api.patch_errors = {make_error(ErrorKind::validation, "groups: invalid", 400)};
    Plan plan =
        plan_for(api, desired({account("a@acme", {"admin"}), account("b@acme", {"admin"})}));
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error == "groups: invalid");
    CHECK(report.results[1].status == ResultStatus::done);
}

TEST_CASE("drift: a saved plan is stale when a user changed or a planned create exists",
          "[apply][stale]") {
    FakeApi api;
    api.add_user("a@acme", {"viewer"});
    Plan plan =
        plan_for(api, desired({account("a@acme", {"admin"}), account("b@acme", {"viewer"})}));
    auto fresh = recheck_saved_plan(plan, api);
    REQUIRE(fresh.ok());
    CHECK(fresh->drift.empty());
    api.find("a@acme")->first_name = "Changed";
    api.add_user("b@acme", {"viewer"});
    auto stale = recheck_saved_plan(plan, api);
    REQUIRE(stale.ok());
    CHECK(stale->drift ==
          std::vector<std::string>{"a@acme: the user changed since the plan was made",
                                   "b@acme: planned create, but the user now exists"});
}

TEST_CASE("apply: a stop requested during an ambiguous create sends no second POST",
          "[apply][ambiguous][stop]") {
    FakeApi api;
    api.create_faults = {FakeApi::Fault::unknown_without_commit};
    Plan plan =
        plan_for(api, desired({account("a@acme", {"viewer"}), account("b@acme", {"viewer"})}));
    ApplyHooks hooks;
    // The signal arrives while the first POST hangs: every poll after it sees the stop.
    hooks.cancelled = [&] { return api.calls("create_user") > 0; };
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme", "b@acme"}), hooks);
    CHECK(api.calls("create_user") == 1);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the create did not commit and was not resent");
    CHECK(report.results[1].status == ResultStatus::not_attempted);
    CHECK(count_users(api, "a@acme") == 0);
}

TEST_CASE("apply: a resent create answered 'username exists' by an invisible user is a conflict",
          "[apply][ambiguous][conflict]") {
    FakeApi api;
    api.create_faults = {FakeApi::Fault::unknown_without_commit};
    Plan plan = plan_for(api, desired({account("a@acme", {"viewer"})}));
    api.taken_elsewhere.insert("a@acme"); // taken between the look-up and the second POST
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(api.calls("create_user") == 2);
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error ==
          "username \"a@acme\" is taken by a user outside the organization or by a deleted user");
}

TEST_CASE("apply: a metadata key added between plan and apply survives the PATCH",
          "[apply][metadata]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, {{"x", 1}});
    auto a = account("svc@acme", {"viewer"});
    a.metadata = {{"team", "ops"}};
    Plan plan = plan_for(api, desired({a}));
    // Someone adds a key while apply waits for "yes" (or after a saved plan's stale check).
    api.find("svc@acme")->metadata["added"] = "meanwhile";
    Report report = apply_plan(plan, api.context(), api, {}, {});
    REQUIRE(report.results[0].status == ResultStatus::done);
    json metadata = api.find("svc@acme")->metadata;
    CHECK(metadata["rossum_accounts_applied"]["metadata"] == json{{"team", "ops"}});
    metadata.erase("rossum_accounts_applied");
    CHECK(
        metadata ==
        json{{"x", 1}, {"added", "meanwhile"}, {"team", "ops"}, {"managed_by", "rossum-accounts"}});
    CHECK(api.calls("user") == 1); // read right before the PATCH
}

TEST_CASE("apply: metadata the API gave with an integer beyond 64 bits is never written back",
          "[apply][metadata][numbers]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, {{"big", 1.2345678901234567e22}});
    auto a = account("svc@acme", {"viewer"});
    a.metadata = {{"team", "ops"}};
    Plan plan = plan_for(api, desired({a}));
    api.find("svc@acme")->metadata_inexact = true; // as RossumApi::user() reports it
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error ==
          "the user's metadata holds an integer beyond 64 bits, which this tool cannot write "
          "back exactly; nothing was changed (fix that value, or manage this user without "
          "metadata)");
    CHECK(api.calls("patch_user") == 0);
}

TEST_CASE("apply: a PATCH that writes no metadata reads its user once and sends no metadata",
          "[apply][metadata]") {
    FakeApi api;
    // Made a viewer by hand: the record already says admin, so the repair writes no metadata.
    api.add_user(
        "svc@acme", {"viewer"},
        {{"managed_by", "rossum-accounts"},
         {"rossum_accounts_applied", {{"v", 1}, {"groups", {"admin"}}, {"active", true}}}});
    Plan plan = plan_for(api, desired({account("svc@acme", {"admin"})}));
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(api.calls("user") == 1); // the read before every PATCH
    CHECK(api.patched_bodies == std::vector<json>{{{"groups", {api.group_url("admin")}}}});
}

TEST_CASE("apply: a failed read before a PATCH fails that action and writes nothing",
          "[apply][metadata]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"});
    auto a = account("svc@acme", {"viewer"});
    a.metadata = {{"team", "ops"}};
    Plan plan = plan_for(api, desired({a}));
    api.user_errors = {make_error(ErrorKind::validation, "bad request", 400)};
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error == "reading the user before the update failed: bad request");
    CHECK(api.calls("patch_user") == 0);
}

namespace {

// A prune plan that deactivates the marked user old@acme and updates keep@acme's roles.
Plan prune_plan(FakeApi& api) {
    api.add_user("old@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    api.add_user("keep@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    auto d = desired({account("keep@acme", {"admin"})});
    d.prune = true;
    Plan plan = plan_for(api, d);
    REQUIRE(plan.actions.size() == 2);
    return plan;
}

const ActionResult& result_of(const Report& report, const std::string& username) {
    for (const auto& r : report.results)
        if (r.username == username)
            return r;
    FAIL("no result for " << username);
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("apply: a marked user soft-deleted since the plan is not deactivated; the rest proceeds",
          "[apply][deleted]") {
    FakeApi api;
    Plan plan = prune_plan(api);
    api.find("old@acme")->deleted = true; // while the question waited
    Report report = apply_plan(plan, api.context(), api, {}, {});
    const auto& old = result_of(report, "old@acme");
    CHECK(old.action == ActionKind::deactivate);
    CHECK(old.status == ResultStatus::failed);
    CHECK(old.error ==
          "the user \"old@acme\" was deleted since the plan was made; nothing was written");
    CHECK(result_of(report, "keep@acme").status == ResultStatus::done);
    CHECK_FALSE(report.stopped_early);
    REQUIRE(api.patched_bodies.size() == 1); // keep@acme's only
    CHECK(api.patched_bodies[0].contains("groups"));
    CHECK(api.find("old@acme")->is_active);
}

TEST_CASE("apply: an update of a user gone since the plan (404) writes nothing",
          "[apply][deleted]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    Plan plan = plan_for(api, desired({account("svc@acme", {"admin"})}));
    api.users_.erase(api.users_.begin() + 1); // deleted for good
    REQUIRE(api.find("svc@acme") == nullptr);
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error ==
          "the user \"svc@acme\" was deleted since the plan was made; nothing was written");
    CHECK(api.calls("user") == 1);
    CHECK(api.calls("patch_user") == 0);
}

TEST_CASE("apply: a metadata update of a user deleted since the plan reads it once and writes "
          "nothing",
          "[apply][deleted][metadata]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"});
    auto a = account("svc@acme", {"viewer"});
    a.metadata = {{"team", "ops"}};
    Plan plan = plan_for(api, desired({a}));
    api.find("svc@acme")->deleted = true;
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(api.calls("user") == 1);
    CHECK(api.calls("patch_user") == 0);
}

TEST_CASE("apply: a deactivate of a user deactivated meanwhile is done without a PATCH",
          "[apply][deleted]") {
    FakeApi api;
    Plan plan = prune_plan(api);
    api.find("old@acme")->is_active = false;
    Report report = apply_plan(plan, api.context(), api, {}, {});
    const auto& old = result_of(report, "old@acme");
    CHECK(old.status == ResultStatus::done);
    CHECK(old.note == "already inactive; nothing was written");
    CHECK(api.patched_bodies.size() == 1); // keep@acme's only
    CHECK(report.summary().deactivated == 1);
}

TEST_CASE("apply: adopting a user deleted after its look-up writes nothing", "[apply][deleted]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.add_user("a@acme", {"viewer"}); // another run made it
    api.before_user_read = [&](std::int64_t) { api.find("a@acme")->deleted = true; };
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error ==
          "adopting the existing user failed: the user \"a@acme\" was deleted since the plan "
          "was made; nothing was written");
    CHECK(api.calls("user") == 1);
    CHECK(api.calls("patch_user") == 0);
}

TEST_CASE("apply: adopting reads the user once before its PATCH", "[apply][conflict]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.add_user("a@acme", {"viewer"});
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(api.calls("user") == 1);
    CHECK(api.calls("patch_user") == 1);
}

TEST_CASE("recheck: a still valid saved plan gets the live state its writes resolve against",
          "[apply][stale]") {
    FakeApi api;
    api.add_user("a@acme", {"viewer"});
    Plan plan =
        plan_for(api, desired({account("a@acme", {"admin"}), account("b@acme", {"viewer"})}));
    int before = api.total_calls();
    auto recheck = recheck_saved_plan(plan, api);
    REQUIRE(recheck.ok());
    CHECK(recheck->drift.empty());
    CHECK(recheck->live.caller.username == "admin@acme");
    CHECK(recheck->live.organization.url == api.organization_.url);
    CHECK(recheck->live.groups.size() == api.groups_.size());
    CHECK(recheck->live.queues.empty()); // no change names queues
    REQUIRE(recheck->live.users.size() == 1);
    CHECK(recheck->live.users[0].username == "a@acme");
    // a@acme, b@acme's look-up, then the caller and the roles.
    CHECK(api.total_calls() - before == 4);
}

TEST_CASE("recheck: a stale plan reads nothing beyond its users", "[apply][stale]") {
    FakeApi api;
    api.add_user("a@acme", {"viewer"});
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.find("a@acme")->metadata = {{"x", 1}};
    int groups = api.calls("groups");
    auto recheck = recheck_saved_plan(plan, api);
    REQUIRE(recheck.ok());
    CHECK(recheck->drift.size() == 1);
    CHECK(api.calls("groups") == groups);
}

TEST_CASE("apply: a user renamed since the plan is not patched, and the rest proceeds",
          "[apply][renamed]") {
    FakeApi api;
    Plan plan = prune_plan(api);
    // keep@acme is renamed while the question waits: its roles and the ownership marker would
    // go to ceo@acme, a user nobody declared, and the next prune would deactivate it.
    api.find("keep@acme")->username = "ceo@acme";
    Report report = apply_plan(plan, api.context(), api, {}, {});
    const auto& keep = result_of(report, "keep@acme");
    CHECK(keep.status == ResultStatus::failed);
    CHECK(keep.error ==
          "the user \"keep@acme\" was renamed since the plan was made; nothing was written");
    CHECK(result_of(report, "old@acme").status == ResultStatus::done);
    CHECK_FALSE(report.stopped_early);
    REQUIRE(api.patched_bodies.size() == 1); // old@acme's deactivation only
    CHECK(api.patched_bodies[0] == json{{"is_active", false}});
    CHECK(api.find("ceo@acme")->groups == std::vector<std::string>{api.group_url("viewer")});
}

TEST_CASE("apply: a deactivation of a user renamed since the plan writes nothing",
          "[apply][renamed]") {
    FakeApi api;
    Plan plan = prune_plan(api);
    api.find("old@acme")->username = "new-owner@acme";
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(result_of(report, "old@acme").error ==
          "the user \"old@acme\" was renamed since the plan was made; nothing was written");
    CHECK(api.find("new-owner@acme")->is_active);
}

TEST_CASE("apply: a user whose username changed only in case since the plan is still patched",
          "[apply][renamed]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    Plan plan = plan_for(api, desired({account("svc@acme", {"admin"})}));
    api.find("svc@acme")->username = "SVC@acme"; // the same username (docs/design.md §5.1)
    Report report = apply_plan(plan, api.context(), api, {}, {});
    CHECK(report.results[0].status == ResultStatus::done);
    CHECK(api.calls("patch_user") == 1);
}

TEST_CASE("apply: adopting a user renamed after its look-up writes nothing", "[apply][renamed]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.add_user("a@acme", {"viewer"}); // another run made it
    api.before_user_read = [&](std::int64_t) { api.find("a@acme")->username = "b@acme"; };
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), {});
    CHECK(report.results[0].status == ResultStatus::failed);
    CHECK(report.results[0].error ==
          "adopting the existing user failed: the user \"a@acme\" was renamed since the plan "
          "was made; nothing was written");
    CHECK(api.calls("patch_user") == 0);
}

TEST_CASE("apply: a stop asked for during the re-read before a PATCH sends no PATCH",
          "[apply][stop]") {
    FakeApi api;
    Plan plan = prune_plan(api); // [0] update keep@acme, [1] deactivate old@acme
    REQUIRE(plan.actions[0].username == "keep@acme");
    ApplyHooks hooks;
    // The signal arrives while the GET of keep@acme is in flight.
    hooks.cancelled = [&] { return api.calls("user") > 0; };
    std::vector<ResultStatus> progress;
    hooks.on_result = [&](const ActionResult& r, const Action&) { progress.push_back(r.status); };
    Report report = apply_plan(plan, api.context(), api, {}, hooks);
    CHECK(api.calls("user") == 1);
    CHECK(api.calls("patch_user") == 0);
    CHECK(report.interrupted);
    CHECK(report.stopped_early);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the user was read but not patched");
    CHECK(report.results[1].status == ResultStatus::not_attempted);
    CHECK(progress == std::vector<ResultStatus>{ResultStatus::not_attempted});
}

TEST_CASE("apply: a stop asked for during the last action's re-read marks the report interrupted",
          "[apply][stop]") {
    FakeApi api;
    api.add_user("svc@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    Plan plan = plan_for(api, desired({account("svc@acme", {"admin"})}));
    ApplyHooks hooks;
    hooks.cancelled = [&] { return api.calls("user") > 0; };
    Report report = apply_plan(plan, api.context(), api, {}, hooks);
    CHECK(api.calls("patch_user") == 0);
    CHECK(report.interrupted);
    CHECK(report.summary().not_attempted == 1);
}

TEST_CASE("apply: a stop asked for during the re-read before an adoption's PATCH sends no PATCH",
          "[apply][stop][conflict]") {
    FakeApi api;
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.add_user("a@acme", {"viewer"}); // another run made it: the POST is answered "exists"
    ApplyHooks hooks;
    hooks.cancelled = [&] { return api.calls("user") > 0; };
    Report report = apply_plan(plan, api.context(), api, passwords({"a@acme"}), hooks);
    CHECK(api.calls("user") == 1);
    CHECK(api.calls("patch_user") == 0);
    CHECK(report.interrupted);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the user was read but not patched");
}

namespace {

// A FakeApi in which the stop is asked for while its `held`-th write (creates and PATCHes
// counted together, from 1) waits for the rate limiter: the client holds that write back
// (ErrorKind::not_sent) and `stopped` is set for ApplyHooks::cancelled.
struct StopWhileWaiting : FakeApi {
    int held = 1;
    int writes = 0;
    bool stopped = false;
    Result<LiveUser> create_user(const json& body) override {
        if (++writes == held)
            return hold("POST /v1/users");
        return FakeApi::create_user(body);
    }
    Result<LiveUser> patch_user(std::int64_t id, const json& body) override {
        if (++writes == held)
            return hold(fmt::format("PATCH /v1/users/{}", id));
        return FakeApi::patch_user(id, body);
    }
    Error hold(const std::string& request) {
        stopped = true;
        return make_error(ErrorKind::not_sent, request + ": not sent");
    }
};

// Apply of `plan` over `api`, asked to stop when `api` holds a write back.
Report apply_until_held(StopWhileWaiting& api, const Plan& plan,
                        const std::map<std::string, std::string>& passwords) {
    ApplyHooks hooks;
    hooks.cancelled = [&api] { return api.stopped; };
    return apply_plan(plan, api.context(), api, passwords, hooks);
}

} // namespace

TEST_CASE("apply: a create the client held back after a stop is not attempted, not failed",
          "[apply][stop]") {
    StopWhileWaiting api;
    Plan plan =
        plan_for(api, desired({account("a@acme", {"viewer"}), account("b@acme", {"viewer"})}));
    Report report = apply_until_held(api, plan, passwords({"a@acme", "b@acme"}));
    REQUIRE(api.stopped);
    CHECK(report.interrupted);
    CHECK(report.summary().failed == 0);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the create was not sent");
    CHECK(report.results[1].status == ResultStatus::not_attempted);
    CHECK(api.calls("create_user") == 0);
}

TEST_CASE("apply: a PATCH the client held back after a stop is not attempted, not failed",
          "[apply][stop]") {
    StopWhileWaiting api;
    api.add_user("svc@acme", {"viewer"}, {{"managed_by", "rossum-accounts"}});
    Plan plan = plan_for(api, desired({account("svc@acme", {"admin"})}));
    Report report = apply_until_held(api, plan, {});
    REQUIRE(api.stopped);
    CHECK(report.interrupted);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the user was read but not patched");
}

TEST_CASE("apply: a resent create the client held back after a stop is not attempted",
          "[apply][stop][ambiguous]") {
    StopWhileWaiting api;
    api.held = 2; // the resend, after the first POST did not commit
    api.create_faults = {FakeApi::Fault::unknown_without_commit};
    Plan plan = plan_for(api, desired({account("a@acme", {"viewer"})}));
    Report report = apply_until_held(api, plan, passwords({"a@acme"}));
    REQUIRE(api.stopped);
    CHECK(report.interrupted);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the create did not commit and was not resent");
    CHECK(count_users(api, "a@acme") == 0);
}

TEST_CASE("apply: an adoption's PATCH the client held back after a stop is not attempted",
          "[apply][stop][conflict]") {
    StopWhileWaiting api;
    api.held = 2; // the adoption's PATCH, after the POST was answered "exists"
    Plan plan = plan_for(api, desired({account("a@acme", {"admin"})}));
    api.add_user("a@acme", {"viewer"}); // another run made it
    Report report = apply_until_held(api, plan, passwords({"a@acme"}));
    REQUIRE(api.stopped);
    CHECK(report.interrupted);
    CHECK(report.results[0].status == ResultStatus::not_attempted);
    CHECK(report.results[0].error == "interrupted; the user was read but not patched");
    CHECK(api.find("a@acme")->groups == std::vector<std::string>{api.group_url("viewer")});
}

TEST_CASE("recheck: a saved plan aimed at a case variant of a user holding its username exactly "
          "is malformed",
          "[apply][stale][case]") {
    FakeApi api;
    const auto upper = api.add_user("Dup@acme", {"viewer"}).id;
    api.add_user("dup@acme", {"viewer"});
    Plan plan = plan_for(api, desired({account("dup@acme", {"admin"})}));
    // The shown action (~ update dup@acme), edited to write to Dup@acme.
    const LiveUser target = *api.find("Dup@acme");
    plan.actions[0].user_id = target.id;
    plan.actions[0].user_url = target.url;
    plan.actions[0].fingerprint = fingerprint(target);
    int lookups = api.calls("users_by_username");
    auto recheck = recheck_saved_plan(plan, api);
    REQUIRE(recheck.ok());
    CHECK(recheck->drift.empty());
    CHECK(api.calls("users_by_username") - lookups == 1);
    auto checked = check_plan_against_live(plan, recheck->live);
    REQUIRE_FALSE(checked.ok());
    CHECK(checked.error().kind == ErrorKind::invalid_input);
    CHECK(checked.error().message ==
          fmt::format("actions[0].username: user {} is \"Dup@acme\", but \"dup@acme\" is exactly "
                      "the username of user {}, which a plan would match instead",
                      upper, upper + 1));
}

TEST_CASE("recheck: a saved plan that matched a case variant because no exact user exists holds",
          "[apply][stale][case]") {
    FakeApi api;
    api.add_user("Dup@acme", {"viewer"});
    Plan plan = plan_for(api, desired({account("dup@acme", {"admin"})}));
    REQUIRE(plan.actions[0].kind == ActionKind::update);
    auto recheck = recheck_saved_plan(plan, api);
    REQUIRE(recheck.ok());
    CHECK(recheck->drift.empty());
    CHECK(check_plan_against_live(plan, recheck->live).ok());
    // A deleted user holding the username exactly is not one a plan matches.
    api.add_user("dup@acme", {"viewer"}).deleted = true;
    recheck = recheck_saved_plan(plan, api);
    REQUIRE(recheck.ok());
    CHECK(check_plan_against_live(plan, recheck->live).ok());
}
