#include "harness.hpp"
#include "listing.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;
using ra::sandbox::test::check_refused_query;
using ra::sandbox::test::Harness;
using ra::sandbox::test::Ids;
using ra::sandbox::test::listed_ids;
using ra::sandbox::test::listed_usernames;
using ra::sandbox::test::Names;

namespace {

json new_user(Harness& h, const std::string& username) {
    return {{"username", username},
            {"organization", h.url("/api/v1/organizations/4201")},
            {"groups", {h.url("/api/v1/groups/5102")}},
            {"queues", {h.url("/api/v1/queues/812")}},
            {"email", username},
            {"password", "Correct-Horse-Battery-1"}};
}

} // namespace

TEST_CASE("users: create answers 201 with every documented field and never the password",
          "[sandbox][users]") {
    Harness h;
    auto created = h.admin("POST", "/api/v1/users", new_user(h, "svc.ingest@demo.example"));
    REQUIRE(created.status == 201);
    for (const char* field :
         {"id", "url", "first_name", "last_name", "email", "phone_number", "date_joined",
          "username", "groups", "organization", "queues", "is_active", "last_login", "ui_settings",
          "metadata", "oidc_id", "auth_type", "deleted", "email_verified"}) {
        CHECK(created.body.contains(field));
    }
    CHECK_FALSE(created.body.contains("password"));
    CHECK(created.body["url"] == h.url("/api/v1/users/" + created.body["id"].dump()));
    CHECK(created.body["groups"] == json{h.url("/api/v1/groups/5102")});
    CHECK(h.sandbox.check_password("svc.ingest@demo.example", "Correct-Horse-Battery-1"));
    CHECK(h.login("svc.ingest@demo.example", "Correct-Horse-Battery-1").size() == 40);
}

TEST_CASE("users: usernames are unique across organizations, deleted users and case",
          "[sandbox][users]") {
    Harness h;
    const json taken = {{"username", {"A user with that username already exists."}}};
    for (const char* username :
         {"shared.name@other.example", "former.user@demo.example", "JANE.DOE@demo.example"}) {
        auto response = h.admin("POST", "/api/v1/users", new_user(h, username));
        CHECK(response.status == 400);
        CHECK(response.body == taken);
    }
    REQUIRE(h.sandbox.configure({{"username_case_insensitive", false}}).empty());
    CHECK(h.admin("POST", "/api/v1/users", new_user(h, "JANE.DOE@demo.example")).status == 201);
}

TEST_CASE("users: the other organization's users are invisible", "[sandbox][users]") {
    Harness h;
    auto lookup = h.admin("GET", "/api/v1/users?username=shared.name@other.example");
    CHECK(lookup.body["pagination"]["total"] == 0);
    CHECK(h.admin("GET", "/api/v1/users/10102").body == json{{"detail", "Not found."}});
    CHECK(h.admin("GET", "/api/v1/organizations/4202").status == 404);
    CHECK(h.admin("GET", "/api/v1/organizations").body["pagination"]["total"] == 1);
    auto groups = h.admin("GET", "/api/v1/groups?name=approver");
    CHECK(groups.body["pagination"]["total"] == 0);
    auto foreign_group = new_user(h, "new.one@demo.example");
    foreign_group["groups"] = {h.url("/api/v1/groups/5203")};
    auto rejected = h.admin("POST", "/api/v1/users", foreign_group);
    CHECK(rejected.status == 400);
    CHECK(rejected.body == json{{"groups", {"Invalid hyperlink - Object does not exist."}}});
}

TEST_CASE("users: the organization must be the caller's", "[sandbox][users]") {
    Harness h;
    auto body = new_user(h, "new.one@demo.example");
    body["organization"] = h.url("/api/v1/organizations/4202");
    auto response = h.admin("POST", "/api/v1/users", body);
    CHECK(response.status == 400);
    CHECK(response.body == json{{"organization", {"Invalid hyperlink - Object does not exist."}}});
    body.erase("organization");
    CHECK(h.admin("POST", "/api/v1/users", body).body ==
          json{{"organization", {"This field is required."}}});
}

TEST_CASE("users: the password policy answers Django-style messages", "[sandbox][users]") {
    Harness h;
    auto check = [&h](const std::string& password) {
        auto body = new_user(h, "policy.check@demo.example");
        body["password"] = password;
        auto response = h.admin("POST", "/api/v1/users", body);
        CHECK(response.status == 400);
        return response.body["password"];
    };
    CHECK(check("Short-1") ==
          json{"This password is too short. It must contain at least 12 characters."});
    CHECK(check(std::string(65, 'x') + "Q1") ==
          json{"This password is too long. It must contain at most 64 characters."});
    // Django's list has 111111111111 (not 123456789012, which is only numeric).
    CHECK(check("111111111111") ==
          json{"This password is too common.", "This password is entirely numeric."});
    CHECK(check("123456789012") == json{"This password is entirely numeric."});
    CHECK(check("policy.check@demo") == json{"The password is too similar to the username."});
    CHECK(check("password1234") == json{"This password is too common."});
}

TEST_CASE("users: the password is compared with the names and email of the new user",
          "[sandbox][users]") {
    Harness h;
    auto body = new_user(h, "svc.policy@demo.example");
    body["first_name"] = "Integration Robot";
    body["password"] = "Integration-Robot1";
    auto response = h.admin("POST", "/api/v1/users", body);
    CHECK(response.status == 400);
    CHECK(response.body["password"] == json{"The password is too similar to the first name."});
    body["first_name"] = "Other";
    body["email"] = "integration.robot@example.com";
    response = h.admin("POST", "/api/v1/users", body);
    CHECK(response.status == 400);
    CHECK(response.body["password"] == json{"The password is too similar to the email address."});
}

TEST_CASE("users: email is read-only on PATCH (ignored, or rejected when configured)",
          "[sandbox][users]") {
    Harness h;
    auto patched = h.admin("PATCH", "/api/v1/users/10002",
                           json{{"email", "changed@demo.example"}, {"first_name", "Janet"}});
    REQUIRE(patched.status == 200);
    CHECK(patched.body["email"] == "jane.doe@demo.example");
    CHECK(patched.body["first_name"] == "Janet");
    REQUIRE(h.sandbox.configure({{"email_patch", "reject"}}).empty());
    auto rejected = h.admin("PATCH", "/api/v1/users/10002", json{{"email", "x@demo.example"}});
    CHECK(rejected.status == 400);
    CHECK(rejected.body == json{{"email", {"This field cannot be changed."}}});
}

TEST_CASE("users: PATCH replaces metadata as a whole and caps it at 4 kB", "[sandbox][users]") {
    Harness h;
    h.admin("PATCH", "/api/v1/users/10002", json{{"metadata", {{"a", 1}, {"b", 2}}}});
    auto replaced = h.admin("PATCH", "/api/v1/users/10002", json{{"metadata", {{"c", 3}}}});
    CHECK(replaced.body["metadata"] == json{{"c", 3}});
    auto too_big = h.admin("PATCH", "/api/v1/users/10002",
                           json{{"metadata", {{"blob", std::string(5000, 'x')}}}});
    CHECK(too_big.status == 400);
    CHECK(too_big.body == json{{"metadata", {"Ensure this field has no more than 4096 bytes."}}});
}

TEST_CASE("users: DELETE is a soft delete that keeps the user listed and the name reserved",
          "[sandbox][users]") {
    Harness h;
    auto deleted = h.admin("DELETE", "/api/v1/users/10003");
    CHECK(deleted.status == 204);
    CHECK(deleted.raw.empty());
    CHECK(h.admin("GET", "/api/v1/users/10003").body["deleted"] == true);
    CHECK(h.admin("GET", "/api/v1/users").body["pagination"]["total"] == 4);
    CHECK(h.admin("GET", "/api/v1/users?deleted=false").body["pagination"]["total"] == 2);
    CHECK(h.admin("POST", "/api/v1/users", new_user(h, "john.smith@demo.example")).status == 400);
    CHECK(h.admin("DELETE", "/api/v1/users/10003").status == 404);
    REQUIRE(h.sandbox.configure({{"deleted_in_lists", false}}).empty());
    CHECK(h.admin("GET", "/api/v1/users").body["pagination"]["total"] == 2);
}

TEST_CASE("users: only admins may write users", "[sandbox][users]") {
    Harness h;
    auto injected = h.call("POST", "/_sandbox/users",
                           json{{"username", "plain.viewer@demo.example"},
                                {"password", "Plain-Viewer-Pass-42"},
                                {"organization", 4201},
                                {"groups", {"viewer"}}});
    REQUIRE(injected.status == 201);
    std::string auth = "Bearer " + h.login("plain.viewer@demo.example", "Plain-Viewer-Pass-42");
    auto response = h.call("POST", "/api/v1/users", new_user(h, "x.y@demo.example"), auth);
    CHECK(response.status == 403);
    CHECK(response.body == json{{"detail", "You do not have permission to perform this action."}});
    CHECK(h.call("PATCH", "/api/v1/users/10002", json{{"first_name", "X"}}, auth).status == 403);
    CHECK(h.call("GET", "/api/v1/users/10002", std::nullopt, auth).status == 200);
}

TEST_CASE("users: filters and ordering", "[sandbox][users]") {
    Harness h;
    auto usernames = [&h](const std::string& query) {
        return listed_usernames(h, "/api/v1/users?" + query);
    };
    CHECK(usernames("username=JANE.DOE@demo.example") == Names{"jane.doe@demo.example"});
    CHECK(usernames("groups=5101") == Names{"john.smith@demo.example"});
    CHECK(usernames("queue=812") == Names{"jane.doe@demo.example"});
    CHECK(usernames("deleted=true") == Names{"former.user@demo.example"});
    CHECK(usernames("id=10002,10003&ordering=-username") ==
          Names{"john.smith@demo.example", "jane.doe@demo.example"});
    CHECK(usernames("first_name=John&last_name=Smith") == Names{"john.smith@demo.example"});
    check_refused_query(h, "/api/v1/users?is_active=maybe", "is_active", "Select a valid choice.");
}

TEST_CASE("users: the last_login filter matches one instant, in any offset", "[sandbox][users]") {
    Harness h;
    auto injected = h.call("POST", "/_sandbox/users",
                           json{{"id", 10050},
                                {"username", "seen@demo.example"},
                                {"organization", 4201},
                                {"last_login", "2024-03-01T10:00:00.250000Z"}});
    REQUIRE(injected.status == 201);
    auto ids = [&h](const std::string& value) {
        return listed_ids(h, "/api/v1/users?last_login=" + value);
    };
    CHECK(ids("2024-03-01T10:00:00.250000Z") == Ids{10050});
    CHECK(ids("2024-03-01T10:00:00.25Z") == Ids{10050});
    CHECK(ids("2024-03-01T11:00:00.25%2B01:00") == Ids{10050});
    CHECK(ids("2024-03-01T10:00:00.25") == Ids{10050});
    CHECK(ids("2024-03-01T10:00:00Z") == Ids{});
    CHECK(ids("2024-03-01") == Ids{});
    CHECK(ids("") == Ids{10001, 10002, 10003, 10004, 10050});
    check_refused_query(h, "/api/v1/users?last_login=yesterday", "last_login",
                        "Enter a valid date/time.");
    CHECK(h.admin("GET", "/api/v1/users?last_login=2024-02-30").status == 400);
}

TEST_CASE("users: the organization, email and is_active filters and the deleted orderings",
          "[sandbox][users]") {
    Harness h;
    auto usernames = [&h](const std::string& query) {
        return listed_usernames(h, "/api/v1/users?" + query);
    };
    CHECK(usernames("organization=4201").size() == 4);
    CHECK(usernames("organization=4202").empty());
    CHECK(usernames("email=john.smith@demo.example") == Names{"john.smith@demo.example"});
    REQUIRE(h.admin("PATCH", "/api/v1/users/10003", json{{"is_active", false}}).status == 200);
    CHECK(usernames("is_active=false") == Names{"john.smith@demo.example"});
    CHECK(usernames("ordering=-deleted,id").front() == "former.user@demo.example");
    CHECK(usernames("ordering=deleted").back() == "former.user@demo.example");
    CHECK(usernames("ordering=not_deleted").front() == "former.user@demo.example");
    CHECK(usernames("ordering=-not_deleted").back() == "former.user@demo.example");
    check_refused_query(h, "/api/v1/users?organization=x", "organization", "Enter a number.");
}

TEST_CASE("users: wrong methods, unknown paths and invalid JSON", "[sandbox][users]") {
    Harness h;
    auto method = h.admin("DELETE", "/api/v1/users");
    CHECK(method.status == 405);
    CHECK(method.body == json{{"detail", "Method \"DELETE\" not allowed."}});
    CHECK(h.admin("GET", "/api/v1/nothing").status == 404);
    CHECK(h.admin("GET", "/api/v1/users/").status == 200);
    httplib::Client client("127.0.0.1", h.port);
    auto garbage = client.Post("/api/v1/users",
                               httplib::Headers{{"Authorization", "Bearer " + h.admin_token()}},
                               "{not json", "application/json");
    REQUIRE(garbage);
    CHECK(garbage->status == 400);
}
