#include "rossum_accounts/core/write.hpp"
#include "support/fake_api.hpp"

#include <catch2/catch.hpp>

using namespace ra;
using nlohmann::json;
using ra::test::FakeApi;

namespace {

Action action(ActionKind kind, std::vector<FieldChange> changes) {
    Action a;
    a.kind = kind;
    a.username = "svc@acme";
    a.changes = std::move(changes);
    if (kind != ActionKind::create)
        a.user_id = 10002;
    return a;
}

json marked(json metadata) {
    metadata["managed_by"] = "rossum-accounts";
    return metadata;
}

} // namespace

TEST_CASE("write: a create body is its changes with the live organization, roles and queues",
          "[write]") {
    FakeApi api;
    Action a = action(ActionKind::create, {{"username", nullptr, "svc@acme"},
                                           {"last_name", nullptr, "(DO NOT DELETE)"},
                                           {"email", nullptr, "ops@acme.com"},
                                           {"groups", nullptr, {"viewer", "admin"}},
                                           {"queues", nullptr, {812}},
                                           {"active", nullptr, true},
                                           {"metadata.k", nullptr, nullptr},
                                           {"metadata.team", nullptr, "ops"},
                                           {"managed_by", nullptr, "rossum-accounts"},
                                           {"password", nullptr, "(sensitive: env PW)"}});
    auto body = create_body(a, api.context());
    REQUIRE(body.ok());
    CHECK(*body == json{{"organization", api.organization_.url},
                        {"username", "svc@acme"},
                        {"last_name", "(DO NOT DELETE)"},
                        {"email", "ops@acme.com"},
                        {"groups", {api.group_url("viewer"), api.group_url("admin")}},
                        {"queues", {ra::test::object_url("queues", 812)}},
                        {"is_active", true},
                        {"metadata", marked({{"k", nullptr}, {"team", "ops"}})}});
}

TEST_CASE("write: the organization and roles come from the context, not from the plan", "[write]") {
    FakeApi api;
    Action a = action(ActionKind::create, {{"username", nullptr, "svc@acme"},
                                           {"groups", nullptr, {"viewer"}},
                                           {"active", nullptr, true},
                                           {"managed_by", nullptr, "rossum-accounts"}});
    WriteContext other = api.context();
    other.organization_url = "https://elsewhere/api/v1/organizations/1";
    other.group_url_by_role["viewer"] = "https://elsewhere/api/v1/groups/9";
    auto body = create_body(a, other);
    REQUIRE(body.ok());
    CHECK((*body)["organization"] == "https://elsewhere/api/v1/organizations/1");
    CHECK((*body)["groups"] == json::array({"https://elsewhere/api/v1/groups/9"}));
}

TEST_CASE("write: a role or queue that does not resolve is an error, not a guess", "[write]") {
    FakeApi api;
    Action roles = action(ActionKind::update, {{"groups", {"viewer"}, {"approver"}}});
    auto body = patch_body(roles, api.context(), json::object());
    REQUIRE_FALSE(body.ok());
    CHECK(body.error().kind == ErrorKind::invalid_input);
    CHECK(body.error().message == "groups: role \"approver\" is not offered by the organization");
    Action queues = action(ActionKind::update, {{"queues", json::array(), {999}}});
    CHECK(patch_body(queues, api.context(), json::object()).error().message ==
          "queues: queue 999 does not exist in the organization");
}

TEST_CASE("write: an update cannot write what a plan never changes", "[write]") {
    FakeApi api;
    for (const char* field : {"username", "email", "password", "is_active", "organization"}) {
        INFO(field);
        Action a = action(ActionKind::update, {{field, "old", "new"}});
        auto body = patch_body(a, api.context(), json::object());
        REQUIRE_FALSE(body.ok());
        CHECK(body.error().message == std::string(field) + ": cannot be written by an update");
    }
    Action marker = action(ActionKind::update, {{"managed_by", nullptr, "someone-else"}});
    CHECK(patch_body(marker, api.context(), json::object()).error().message ==
          "managed_by: the ownership marker is always \"rossum-accounts\"");
    Action create = action(ActionKind::create, {{"is_staff", nullptr, true}});
    CHECK(create_body(create, api.context()).error().message ==
          "is_staff: cannot be written by a create");
}

TEST_CASE("write: a metadata patch merges into the metadata read just before it", "[write]") {
    FakeApi api;
    Action a = action(ActionKind::update,
                      {{"first_name", "Old", "New"}, {"metadata.team", nullptr, "ops"}});
    CHECK(writes_metadata(a));
    json now = {{"kept", 1}, {"team", "dev"}, {"added", "meanwhile"}};
    CHECK(patch_body(a, api.context(), now).value() ==
          json{{"first_name", "New"},
               {"metadata", marked({{"kept", 1}, {"team", "ops"}, {"added", "meanwhile"}})}});
    Action adoption = action(ActionKind::update, {{"managed_by", nullptr, "rossum-accounts"}});
    CHECK(writes_metadata(adoption));
    CHECK(patch_body(adoption, api.context(), nullptr).value() ==
          json{{"metadata", marked(json::object())}});
}

TEST_CASE("write: a patch without metadata changes leaves metadata out", "[write]") {
    FakeApi api;
    Action deactivate = action(ActionKind::deactivate, {{"active", true, false}});
    CHECK_FALSE(writes_metadata(deactivate));
    CHECK(patch_body(deactivate, api.context(), json{{"x", 1}}).value() ==
          json{{"is_active", false}});
    Action roles = action(ActionKind::update,
                          {{"groups", {"viewer"}, {"admin"}}, {"queues", {812}, json::array()}});
    CHECK(patch_body(roles, api.context(), json{{"x", 1}}).value() ==
          json{{"groups", {api.group_url("admin")}}, {"queues", json::array()}});
}

TEST_CASE("write: patch_to_match_create brings an adopted user in line", "[write]") {
    FakeApi api;
    auto& u = api.add_user("svc@acme", {"viewer"}, {{"kept", 1}});
    json create = {{"groups", {api.group_url("admin")}},
                   {"is_active", true},
                   {"metadata", {{"managed_by", "rossum-accounts"}, {"k", nullptr}}}};
    json patch = patch_to_match_create(u, create);
    CHECK(patch == json{{"groups", {api.group_url("admin")}},
                        {"metadata", marked({{"kept", 1}, {"k", nullptr}})}});
    u.groups = {api.group_url("admin")};
    u.metadata = marked({{"kept", 1}, {"k", nullptr}});
    CHECK(patch_to_match_create(u, create).empty());
}

TEST_CASE("write: live values read as a plan's before values", "[write]") {
    FakeApi api;
    auto& u = api.add_user("svc@acme", {"viewer", "admin"}, {{"k", nullptr}, {"n", 2}});
    u.queues = {ra::test::object_url("queues", 812), "https://elsewhere/queues/x"};
    u.groups.push_back("https://elsewhere/groups/1");
    const WriteContext context = api.context();
    CHECK(live_value(u, "username", context) == "svc@acme");
    CHECK(live_value(u, "active", context) == true);
    CHECK(live_value(u, "groups", context) ==
          json{"viewer", "admin", "https://elsewhere/groups/1"});
    CHECK(live_value(u, "queues", context) == json{812, "https://elsewhere/queues/x"});
    CHECK(live_value(u, "metadata.n", context) == 2);
    CHECK(live_value(u, "metadata.k", context) == nullptr);
    CHECK(live_value(u, "metadata.absent", context) == nullptr);
    CHECK(live_value(u, "managed_by", context) == nullptr);
    CHECK(metadata_key("metadata.a.b") == "a.b");
    CHECK(metadata_key("managed_by") == std::nullopt);
}
