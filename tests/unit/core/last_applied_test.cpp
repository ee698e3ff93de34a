#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/core/last_applied.hpp"
#include "rossum_accounts/core/plan_check.hpp"
#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/core/planner.hpp"
#include "rossum_accounts/core/write.hpp"
#include "support/fake_api.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <limits>
#include <random>

using namespace ra;
using nlohmann::json;
using ra::test::FakeApi;

namespace {

Account account(const std::string& username, std::vector<std::string> groups) {
    Account a;
    a.username = username;
    a.where = {"accounts.yaml", 7, 5};
    a.groups = std::move(groups);
    a.password = PasswordSource{PasswordSourceKind::env, "PW", "/srv", {}};
    return a;
}

DesiredState desired(std::vector<Account> accounts, bool prune = false) {
    DesiredState d;
    d.files = {"accounts.yaml"};
    d.accounts = std::move(accounts);
    d.prune = prune;
    return d;
}

json marked(json record = nullptr) {
    json m = {{"managed_by", "rossum-accounts"}};
    if (!record.is_null())
        m[k_record_key] = std::move(record);
    return m;
}

struct Made {
    LiveState live;
    Plan plan;
};

Made plan_for(FakeApi& api, const DesiredState& d) {
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live);
    REQUIRE(out.diagnostics.empty());
    REQUIRE(out.plan);
    return {*live, *out.plan};
}

const Action& action_of(const Plan& plan, const std::string& username) {
    for (const Action& a : plan.actions)
        if (a.username == username)
            return a;
    FAIL("no action for " << username);
    return plan.actions.front();
}

const FieldChange* change_of(const Action& a, const std::string& field) {
    for (const FieldChange& c : a.changes)
        if (c.field == field)
            return &c;
    return nullptr;
}

// One kind of managed field: how the manifest and a live user hold it, and three distinct
// values in the record's form.
struct FieldKind {
    std::string field;
    std::function<void(Account&, const json&)> want;
    std::function<void(LiveUser&, const json&, FakeApi&)> have;
    std::function<void(json&, const json&)> record;
    json a;
    json b;
    json c;
};

std::vector<FieldKind> field_kinds() {
    auto set_groups = [](LiveUser& u, const json& v, FakeApi& api) {
        u.groups.clear();
        for (const auto& role : v)
            u.groups.push_back(api.group_url(role.get<std::string>()));
    };
    auto set_queues = [](LiveUser& u, const json& v, FakeApi&) {
        u.queues.clear();
        for (const auto& id : v)
            u.queues.push_back(ra::test::object_url("queues", id.get<std::int64_t>()));
    };
    return {
        {"first_name", [](Account& a, const json& v) { a.first_name = v.get<std::string>(); },
         [](LiveUser& u, const json& v, FakeApi&) { u.first_name = v.get<std::string>(); },
         [](json& r, const json& v) { r["first_name"] = v; }, "Ann", "Bob", "Cy"},
        {"last_name", [](Account& a, const json& v) { a.last_name = v.get<std::string>(); },
         [](LiveUser& u, const json& v, FakeApi&) { u.last_name = v.get<std::string>(); },
         [](json& r, const json& v) { r["last_name"] = v; }, "Ames", "Bell", "Cole"},
        {"groups", [](Account& a, const json& v) { a.groups = v.get<std::vector<std::string>>(); },
         set_groups, [](json& r, const json& v) { r["groups"] = v; }, json{"viewer"}, json{"admin"},
         json{"annotator"}},
        {"queues", [](Account& a, const json& v) { a.queues = v.get<std::vector<std::int64_t>>(); },
         set_queues, [](json& r, const json& v) { r["queues"] = v; }, json{812}, json{813},
         json{814}},
        {"metadata.team", [](Account& a, const json& v) { a.metadata["team"] = v; },
         [](LiveUser& u, const json& v, FakeApi&) { u.metadata["team"] = v; },
         [](json& r, const json& v) {
             r["metadata"] = {{"team", v}};
         },
         "ops", "dev", "qa"},
    };
}

// The cause the planner gives KIND's change when the record holds RECORDED (none: no record),
// the live user LIVE and the manifest WANTED.
std::optional<Cause> cause_for(const FieldKind& kind, const std::optional<json>& recorded,
                               const json& live, const json& wanted) {
    FakeApi api;
    json record = {{"v", 1}, {"groups", {"viewer"}}, {"active", true}};
    if (recorded)
        kind.record(record, *recorded);
    LiveUser& u = api.add_user("svc@acme", {"viewer"}, recorded ? marked(record) : marked());
    kind.have(u, live, api);
    auto a = account("svc@acme", {"viewer"});
    kind.want(a, wanted);
    Made made = plan_for(api, desired({a}));
    const FieldChange* c = change_of(action_of(made.plan, "svc@acme"), kind.field);
    REQUIRE(c != nullptr);
    CHECK(check_plan_against_live(made.plan, made.live).ok());
    return c->cause;
}

} // namespace

TEST_CASE("last-applied: a create records the managed fields beside the marker, no password",
          "[last_applied]") {
    FakeApi api;
    auto a = account("new@acme", {"viewer", "admin"});
    a.first_name = "New";
    a.email = "ops@acme.com";
    a.queues = std::vector<std::int64_t>{813, 812};
    a.metadata = {{"team", "ops"}};
    Made made = plan_for(api, desired({a}));
    const Action& create = action_of(made.plan, "new@acme");
    const FieldChange* record = change_of(create, k_record_key);
    REQUIRE(record != nullptr);
    CHECK_FALSE(record->cause.has_value());
    const json expected = {{"v", 1},
                           {"first_name", "New"},
                           {"email", "ops@acme.com"},
                           {"groups", {"admin", "viewer"}},
                           {"queues", {812, 813}},
                           {"active", true},
                           {"metadata", {{"team", "ops"}}}};
    CHECK(record->after == expected);
    auto body = create_body(create, api.context());
    REQUIRE(body.ok());
    CHECK((*body)["metadata"][k_record_key] == expected);
    CHECK((*body)["metadata"]["managed_by"] == "rossum-accounts");
    CHECK(record->after.dump().find("PW") == std::string::npos);
    for (const FieldChange& c : create.changes)
        if (c.field != k_record_key)
            CHECK(c.cause == Cause::manifest);
}

TEST_CASE("last-applied: an update records every managed field, the unchanged ones too",
          "[last_applied]") {
    FakeApi api;
    LiveUser& u = api.add_user("svc@acme", {"viewer"}, marked());
    u.first_name = "Old";
    u.last_name = "Same";
    auto a = account("svc@acme", {"viewer"});
    a.first_name = "New";
    a.last_name = "Same";
    a.email = "never@acme.com"; // an update never applies the email, so never records it
    Made made = plan_for(api, desired({a}));
    const Action& update = action_of(made.plan, "svc@acme");
    REQUIRE(update.kind == ActionKind::update);
    const FieldChange* record = change_of(update, k_record_key);
    REQUIRE(record != nullptr);
    CHECK(record->before.is_null());
    CHECK(record->after == json{{"v", 1},
                                {"first_name", "New"},
                                {"last_name", "Same"},
                                {"groups", {"viewer"}},
                                {"active", true}});
    auto body = patch_body(update, api.context(), json{{"other", 1}, {"managed_by", "x"}});
    REQUIRE(body.ok());
    CHECK((*body)["metadata"] ==
          json{{"other", 1}, {"managed_by", "rossum-accounts"}, {k_record_key, record->after}});
    CHECK(check_plan_against_live(made.plan, made.live).ok());
}

TEST_CASE("last-applied: an in-sync user is a skip whether its record is missing or stale",
          "[last_applied][idempotence]") {
    FakeApi api;
    api.add_user("bare@acme", {"viewer"}, marked());
    api.add_user("stale@acme", {"viewer"},
                 marked({{"v", 1}, {"groups", {"admin"}}, {"active", false}}));
    Made made = plan_for(
        api, desired({account("bare@acme", {"viewer"}), account("stale@acme", {"viewer"})}));
    CHECK(action_of(made.plan, "bare@acme").kind == ActionKind::skip);
    CHECK(action_of(made.plan, "stale@acme").kind == ActionKind::skip);
    CHECK_FALSE(made.plan.summary().has_changes());
}

TEST_CASE("last-applied: an update whose record is already current does not rewrite it",
          "[last_applied][idempotence]") {
    FakeApi api;
    // The marker was removed by hand; the record still says what was applied.
    LiveUser& u =
        api.add_user("svc@acme", {"viewer"},
                     {{k_record_key, {{"v", 1}, {"groups", {"viewer"}}, {"active", true}}}});
    (void)u;
    Made made = plan_for(api, desired({account("svc@acme", {"viewer"})}));
    const Action& update = action_of(made.plan, "svc@acme");
    REQUIRE(update.kind == ActionKind::update);
    REQUIRE(update.changes.size() == 1);
    CHECK(update.changes[0].field == "managed_by");
    CHECK(update.changes[0].cause == Cause::drift);
    CHECK(check_plan_against_live(made.plan, made.live).ok());
}

TEST_CASE("last-applied: each field kind is classified manifest, drift, conflict or unknown",
          "[last_applied][cause]") {
    for (const FieldKind& kind : field_kinds()) {
        INFO(kind.field);
        CHECK(cause_for(kind, kind.a, kind.a, kind.b) == Cause::manifest);
        CHECK(cause_for(kind, kind.a, kind.b, kind.a) == Cause::drift);
        CHECK(cause_for(kind, kind.a, kind.b, kind.c) == Cause::conflict);
        CHECK(cause_for(kind, std::nullopt, kind.a, kind.b) == Cause::unknown);
    }
}

TEST_CASE("last-applied: a field the record does not hold is unknown", "[last_applied][cause]") {
    FakeApi api;
    LiveUser& u = api.add_user("svc@acme", {"viewer"},
                               marked({{"v", 1}, {"groups", {"viewer"}}, {"active", true}}));
    u.first_name = "Live";
    auto a = account("svc@acme", {"viewer"});
    a.first_name = "Wanted"; // newly managed: the record cannot tell who moved
    Made made = plan_for(api, desired({a}));
    CHECK(change_of(action_of(made.plan, "svc@acme"), "first_name")->cause == Cause::unknown);
}

TEST_CASE("last-applied: a managed user deactivated outside the tool is drift",
          "[last_applied][cause]") {
    FakeApi api;
    LiveUser& u = api.add_user("svc@acme", {"viewer"},
                               marked({{"v", 1}, {"groups", {"viewer"}}, {"active", true}}));
    u.is_active = false;
    Made made = plan_for(api, desired({account("svc@acme", {"viewer"})}));
    const FieldChange* active = change_of(action_of(made.plan, "svc@acme"), "active");
    REQUIRE(active != nullptr);
    CHECK(active->cause == Cause::drift);
}

TEST_CASE("last-applied: active from the manifest is a manifest change, with no record unknown",
          "[last_applied][cause]") {
    FakeApi api;
    api.add_user("rec@acme", {"viewer"},
                 marked({{"v", 1}, {"groups", {"viewer"}}, {"active", true}}));
    api.add_user("bare@acme", {"viewer"}, marked());
    auto rec = account("rec@acme", {"viewer"});
    rec.active = false;
    auto bare = account("bare@acme", {"viewer"});
    bare.active = false;
    Made made = plan_for(api, desired({rec, bare}));
    CHECK(change_of(action_of(made.plan, "rec@acme"), "active")->cause == Cause::manifest);
    CHECK(change_of(action_of(made.plan, "bare@acme"), "active")->cause == Cause::unknown);
}

TEST_CASE("last-applied: a prune deactivate is a manifest change of active",
          "[last_applied][cause]") {
    FakeApi api;
    api.add_user("gone@acme", {"viewer"},
                 marked({{"v", 1}, {"groups", {"viewer"}}, {"active", true}}));
    Made made = plan_for(api, desired({}, true));
    const Action& prune = action_of(made.plan, "gone@acme");
    REQUIRE(prune.kind == ActionKind::deactivate);
    CHECK(prune.changes[0].cause == Cause::manifest);
    CHECK(check_plan_against_live(made.plan, made.live).ok());
}

TEST_CASE("last-applied: a managed user soft-deleted outside the tool makes its create drift",
          "[last_applied][cause]") {
    FakeApi api;
    LiveUser& gone = api.add_user("svc@acme", {"viewer"},
                                  marked({{"v", 1}, {"groups", {"viewer"}}, {"active", true}}));
    gone.deleted = true;
    api.add_user("other@acme", {"viewer"}).deleted = true; // never managed: not drift
    Made made = plan_for(
        api, desired({account("svc@acme", {"viewer"}), account("other@acme", {"viewer"})}));
    REQUIRE(made.live.deleted_users.size() == 2);
    const Action& create = action_of(made.plan, "svc@acme");
    REQUIRE(create.kind == ActionKind::create);
    CHECK(change_of(create, "groups")->cause == Cause::drift);
    REQUIRE_FALSE(create.warnings.empty());
    CHECK(create.warnings.back().find("was deleted outside the tool") != std::string::npos);
    CHECK(change_of(action_of(made.plan, "other@acme"), "groups")->cause == Cause::manifest);
}

TEST_CASE("last-applied: a record that would not fit the metadata limit is written degraded",
          "[last_applied][limit]") {
    FakeApi api;
    auto a = account("big@acme", {"viewer"});
    a.metadata = {{"blob", std::string(2500, 'x')}};
    Made made = plan_for(api, desired({a}));
    const Action& create = action_of(made.plan, "big@acme");
    const FieldChange* record = change_of(create, k_record_key);
    REQUIRE(record != nullptr);
    CHECK(record->after == degraded_record());
    REQUIRE_FALSE(create.warnings.empty());
    CHECK(create.warnings.back().find("beyond the API's 4096") != std::string::npos);
    auto body = create_body(create, api.context());
    REQUIRE(body.ok());
    CHECK(metadata_size((*body)["metadata"]) <= k_metadata_limit);
    CHECK(check_plan(made.plan).ok());

    // A smaller value fits: the full record is written.
    a.metadata = {{"blob", std::string(1500, 'x')}};
    FakeApi small_api;
    Made fits = plan_for(small_api, desired({a}));
    CHECK(change_of(action_of(fits.plan, "big@acme"), k_record_key)->after.contains("metadata"));

    // Too big even without the record: the warning says the write will be refused, not that
    // giving up the record is enough.
    a.metadata = {{"blob", std::string(4100, 'x')}};
    FakeApi huge_api;
    Made huge = plan_for(huge_api, desired({a}));
    const Action& refused = action_of(huge.plan, "big@acme");
    CHECK(change_of(refused, k_record_key)->after == degraded_record());
    REQUIRE_FALSE(refused.warnings.empty());
    CHECK(refused.warnings.back().find("even with the last-applied record written empty") !=
          std::string::npos);
    CHECK(refused.warnings.back().find("the API will refuse this write") != std::string::npos);
}

TEST_CASE("last-applied: the size bound is never below the written size", "[last_applied][limit]") {
    std::mt19937 random(20261202);
    auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
    // Strings of any bytes: control characters and invalid UTF-8 take the longest forms.
    auto any_string = [&] {
        std::string s(static_cast<std::size_t>(pick(12)), '\0');
        for (char& c : s)
            c = static_cast<char>(pick(256));
        return s;
    };
    std::function<json(int)> any_value = [&](int depth) -> json {
        switch (pick(depth > 3 ? 7 : 9)) {
        case 0:
            return nullptr;
        case 1:
            return pick(2) == 0;
        case 2:
            return std::numeric_limits<std::int64_t>::min() + pick(3);
        case 3:
            return std::numeric_limits<std::uint64_t>::max() - static_cast<unsigned>(pick(3));
        case 4:
            return -1.2345678901234567e-308 * (pick(2) == 0 ? 1 : -1e300);
        case 5:
        case 6:
            return any_string();
        case 7: {
            json list = json::array();
            for (int i = pick(4); i > 0; --i)
                list.push_back(any_value(depth + 1));
            return list;
        }
        default: {
            json object = json::object();
            for (int i = pick(4); i > 0; --i)
                object[any_string()] = any_value(depth + 1);
            return object;
        }
        }
    };
    for (int i = 0; i < 2000; ++i) {
        const json value = any_value(0);
        INFO(value.dump(-1, ' ', true, json::error_handler_t::replace));
        REQUIRE(metadata_size_bound(value) >= metadata_size(value));
    }
}

TEST_CASE("last-applied: near the limit the written size decides, not the bound",
          "[last_applied][limit]") {
    // 3,500 plain bytes: their bound (six per byte) is far beyond the limit, their size is not.
    auto a = account("near@acme", {"viewer"});
    a.metadata = {{"blob", std::string(3500, 'x')}};
    FakeApi api;
    Made made = plan_for(api, desired({a}));
    const Action& create = action_of(made.plan, "near@acme");
    CHECK(change_of(create, k_record_key)->after.contains("metadata") == false);
    // The record repeats the metadata, so 3,500 bytes twice do not fit; 1,900 twice do.
    a.metadata = {{"blob", std::string(1900, 'x')}};
    FakeApi fits_api;
    Made fits = plan_for(fits_api, desired({a}));
    CHECK(change_of(action_of(fits.plan, "near@acme"), k_record_key)->after.contains("metadata"));
    CHECK(action_of(fits.plan, "near@acme").warnings.empty());

    // 350 control characters are written as 2,100 bytes (\u0001 each), twice: beyond the limit
    // though the string is short.
    a.metadata = {{"blob", std::string(350, '\x01')}};
    FakeApi escaped_api;
    Made escaped = plan_for(escaped_api, desired({a}));
    CHECK(change_of(action_of(escaped.plan, "near@acme"), k_record_key)->after ==
          degraded_record());
}

namespace {

// A create (new@acme) and an update (svc@acme, first_name and groups change; last_name in sync)
// with their records, and the live state they were made from.
struct Recorded {
    FakeApi api;
    Made made;
    Recorded() {
        LiveUser& u = api.add_user("svc@acme", {"viewer"}, marked());
        u.first_name = "Old";
        u.last_name = "Kept";
        auto created = account("new@acme", {"viewer"});
        created.first_name = "New";
        auto updated = account("svc@acme", {"admin"});
        updated.first_name = "Svc";
        updated.last_name = "Kept";
        made = plan_for(api, desired({created, updated}));
        REQUIRE(check_plan_against_live(made.plan, made.live).ok());
    }
    Action& create() { return made.plan.actions[0]; }
    Action& update() { return made.plan.actions[1]; }
    FieldChange& record_of(Action& a) {
        for (FieldChange& c : a.changes)
            if (c.field == k_record_key)
                return c;
        FAIL("no record");
        return a.changes.front();
    }
};

std::string check_error(Recorded& r) {
    auto st = check_plan_against_live(r.made.plan, r.made.live);
    REQUIRE_FALSE(st.ok());
    CHECK(st.error().kind == ErrorKind::invalid_input);
    return st.error().message;
}

} // namespace

TEST_CASE("plan check: a saved plan cannot edit the last-applied record",
          "[plan_check][last_applied]") {
    SECTION("a create's record states another value than the create writes") {
        Recorded r;
        r.record_of(r.create()).after["first_name"] = "Evil";
        CHECK(check_error(r) == "actions[0].changes[6].after: last-applied record states a "
                                "\"first_name\" other than the one the action writes");
    }
    SECTION("a create's record states a field the create does not write") {
        Recorded r;
        r.record_of(r.create()).after["last_name"] = "X";
        CHECK(check_error(r).ends_with("states \"last_name\", which the create does not write"));
    }
    SECTION("an update's record leaves out a field it changes") {
        Recorded r;
        r.record_of(r.update()).after.erase("groups");
        CHECK(check_error(r).ends_with("does not state \"groups\", which the action changes"));
    }
    SECTION("an update's record states an unchanged field with a value the user does not have") {
        Recorded r;
        r.record_of(r.update()).after["last_name"] = "Other";
        CHECK(check_error(r).ends_with(
            "last-applied record states a \"last_name\" that is neither changed nor the user's "
            "value"));
    }
    SECTION("an update's record claims a field the manifest does not manage, as not live") {
        Recorded r;
        r.record_of(r.update()).after["queues"] = {812};
        CHECK(check_error(r).ends_with("states a \"queues\" that is neither changed nor the "
                                       "user's value"));
    }
    SECTION("an update's record states an email") {
        Recorded r;
        r.record_of(r.update()).after["email"] = "a@b";
        CHECK(check_error(r).ends_with("\"email\": an update never applies the email"));
    }
    SECTION("a record of another version or with an unknown key") {
        Recorded r;
        r.record_of(r.update()).after["v"] = 2;
        CHECK(check_error(r).ends_with("last-applied record expected \"v\": 1"));
        Recorded s;
        s.record_of(s.update()).after["is_staff"] = true;
        CHECK(check_error(s).ends_with("\"is_staff\" is not a field the record holds"));
    }
    SECTION("an update without its record line") {
        Recorded r;
        auto& changes = r.update().changes;
        changes.erase(std::remove_if(changes.begin(), changes.end(),
                                     [](const FieldChange& c) { return c.field == k_record_key; }),
                      changes.end());
        CHECK(check_error(r) == "actions[1].changes: an update writes the last-applied record "
                                "\"rossum_accounts_applied\"; run plan --out again");
    }
    SECTION("a create without its record line") {
        Recorded r;
        r.create().changes.pop_back();
        CHECK(check_error(r) ==
              "actions[0].changes: a create must set \"rossum_accounts_applied\"");
    }
    SECTION("the record written as a declared metadata key") {
        Recorded r;
        r.update().changes.push_back({"metadata.rossum_accounts_applied", nullptr, "x"});
        CHECK(check_error(r).ends_with(
            "\"rossum_accounts_applied\" is the last-applied record, not a metadata key"));
    }
    SECTION("the record's before is not the user's record") {
        Recorded r;
        r.record_of(r.update()).before = {{"v", 1}};
        CHECK(check_error(r).ends_with(".before: is not the user's value the plan was made from"));
    }
    SECTION("a cause on the record's own line") {
        Recorded r;
        r.record_of(r.update()).cause = Cause::manifest;
        CHECK(check_error(r).ends_with("the last-applied record has no cause"));
    }
}

TEST_CASE("plan check: causes are information, accepted as edited", "[plan_check][last_applied]") {
    Recorded r;
    for (FieldChange& c : r.update().changes)
        if (c.field != k_record_key)
            c.cause = Cause::conflict;
    CHECK(check_plan_against_live(r.made.plan, r.made.live).ok());
}

TEST_CASE("plan json: causes round-trip through a saved plan; an unknown cause is refused",
          "[plan_json][last_applied]") {
    Recorded r;
    const json saved = plan_to_json(r.made.plan);
    CHECK(saved["actions"][1]["changes"][0]["cause"] == "unknown");
    auto back = plan_from_json(saved.dump());
    REQUIRE(back.ok());
    CHECK(back->actions[1].changes[0].cause == Cause::unknown);
    CHECK(plan_to_json(*back) == saved);
    CHECK(check_plan_against_live(*back, r.made.live).ok());

    json edited = saved;
    edited["actions"][1]["changes"][0]["cause"] = "blame";
    auto refused = plan_from_json(edited.dump());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "actions[1].changes[0].cause: expected manifest, drift, conflict or unknown");

    json without = saved;
    without["actions"][1]["changes"][0].erase("cause");
    CHECK(plan_from_json(without.dump()).ok());
}
