// POST /auth/password/change and /auth/password/reset (docs/sandbox.md, "Auth").
#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;
using ra::sandbox::test::Harness;
using ra::sandbox::test::k_admin;
using ra::sandbox::test::k_admin_password;

namespace {

constexpr const char* k_new_password = "Quiet-Lantern-Orchard-42";

json change(const std::string& old_password, const std::string& new1, const std::string& new2) {
    return {{"old_password", old_password}, {"new_password1", new1}, {"new_password2", new2}};
}

} // namespace

TEST_CASE("password change: the caller's password changes once the old one is checked",
          "[sandbox][password]") {
    Harness h;
    auto changed = h.admin("POST", "/api/v1/auth/password/change",
                           change(k_admin_password, k_new_password, k_new_password));
    REQUIRE(changed.status == 200);
    CHECK(changed.body["id"] == 10001);
    CHECK(changed.body["url"] == h.url("/api/v1/users/10001"));
    CHECK_FALSE(changed.body.contains("password"));
    CHECK(h.sandbox.check_password(k_admin, k_new_password));
    CHECK(h.login(k_admin, k_admin_password).empty());
    CHECK(h.login(k_admin, k_new_password).size() == 40);
    // The token that made the change stays valid.
    CHECK(h.admin("GET", "/api/v1/auth/user").status == 200);
}

TEST_CASE("password change: a wrong old password, a mismatch or the policy change nothing",
          "[sandbox][password]") {
    Harness h;
    auto post = [&h](const json& body) {
        return h.admin("POST", "/api/v1/auth/password/change", body);
    };
    auto wrong_old = post(change("Not-The-Password-1", k_new_password, k_new_password));
    CHECK(wrong_old.status == 400);
    CHECK(wrong_old.body ==
          json{{"old_password",
                {"Your old password was entered incorrectly. Please enter it again."}}});
    auto mismatch = post(change(k_admin_password, k_new_password, "Quiet-Lantern-Orchard-43"));
    CHECK(mismatch.status == 400);
    CHECK(mismatch.body == json{{"new_password2", {"The two password fields didn\u2019t match."}}});
    auto short_one = post(change(k_admin_password, "Short-1", "Short-1"));
    CHECK(short_one.body ==
          json{{"new_password2",
                {"This password is too short. It must contain at least 12 characters."}}});
    // Judged against the caller's own attributes (username admin@demo.rossum.local).
    auto similar = post(change(k_admin_password, "admin@demo.rossum", "admin@demo.rossum"));
    CHECK(similar.body ==
          json{{"new_password2", {"The password is too similar to the username."}}});
    CHECK(post(change(k_admin_password, "804519376220917", "804519376220917")).body ==
          json{{"new_password2", {"This password is entirely numeric."}}});
    auto both = post(change("Not-The-Password-1", "password1234", "password1234"));
    CHECK(both.body.size() == 2);
    CHECK(both.body["new_password2"] == json{"This password is too common."});
    auto missing = post(json{{"new_password1", ""}});
    CHECK(missing.status == 400);
    CHECK(missing.body == json{{"old_password", {"This field is required."}},
                               {"new_password1", {"This field may not be blank."}},
                               {"new_password2", {"This field is required."}}});
    auto wrong_types = post(
        json{{"old_password", nullptr}, {"new_password1", 12}, {"new_password2", k_new_password}});
    CHECK(wrong_types.body == json{{"old_password", {"This field may not be null."}},
                                   {"new_password1", {"Not a valid string."}}});
    CHECK(h.sandbox.check_password(k_admin, k_admin_password));
}

TEST_CASE("password change: credentials are required and only POST is allowed",
          "[sandbox][password]") {
    Harness h;
    const json body = change(k_admin_password, k_new_password, k_new_password);
    auto anonymous = h.call("POST", "/api/v1/auth/password/change", body);
    CHECK(anonymous.status == 403);
    CHECK(anonymous.body == json{{"detail", "Authentication credentials were not provided."}});
    auto bad_token = h.call("POST", "/api/v1/auth/password/change", body, "Bearer nope");
    CHECK(bad_token.status == 401);
    CHECK(bad_token.body == json{{"detail", "Invalid token."}});
    CHECK(h.admin("GET", "/api/v1/auth/password/change").status == 405);
    CHECK(h.sandbox.check_password(k_admin, k_admin_password));
}

TEST_CASE("password change: a user without a usable password cannot set one this way",
          "[sandbox][password]") {
    Harness h;
    // jane.doe has no password in the demo data; she can only get a token out of band.
    auto injected =
        h.call("PATCH", "/_sandbox/users/10002", json{{"password", "Jane-Initial-Passphrase-5"}});
    REQUIRE(injected.status == 200);
    const std::string token = h.login("jane.doe@demo.example", "Jane-Initial-Passphrase-5");
    REQUIRE(h.call("PATCH", "/_sandbox/users/10002", json{{"password", nullptr}}).status == 200);
    auto refused = h.call("POST", "/api/v1/auth/password/change",
                          change("", k_new_password, k_new_password), "Bearer " + token);
    CHECK(refused.status == 400);
    CHECK(refused.body.contains("old_password"));
    CHECK_FALSE(h.sandbox.check_password("jane.doe@demo.example", k_new_password));
}

TEST_CASE("password reset: the same answer whether or not a user has the address",
          "[sandbox][password]") {
    Harness h;
    const json sent = {{"detail", "Password reset e-mail has been sent."}};
    auto known =
        h.call("POST", "/api/v1/auth/password/reset", json{{"email", "Jane.Doe@demo.example"}});
    auto unknown =
        h.call("POST", "/api/v1/auth/password/reset", json{{"email", "nobody@demo.example"}});
    auto deleted =
        h.call("POST", "/api/v1/auth/password/reset", json{{"email", "former.user@demo.example"}});
    for (const auto* response : {&known, &unknown, &deleted}) {
        CHECK(response->status == 200);
        CHECK(response->body == sent);
    }
    auto resets = h.call("GET", "/_sandbox/password_resets");
    CHECK(resets.body ==
          json{{"password_resets",
                {{{"email", "Jane.Doe@demo.example"}, {"users", {10002}}},
                 {{"email", "nobody@demo.example"}, {"users", json::array()}},
                 {{"email", "former.user@demo.example"}, {"users", json::array()}}}}});
}

TEST_CASE("password reset: an invalid or missing address is a field error", "[sandbox][password]") {
    Harness h;
    auto invalid = h.call("POST", "/api/v1/auth/password/reset", json{{"email", "not-an-email"}});
    CHECK(invalid.status == 400);
    CHECK(invalid.body == json{{"email", {"Enter a valid email address."}}});
    auto missing = h.call("POST", "/api/v1/auth/password/reset", json::object());
    CHECK(missing.body == json{{"email", {"This field is required."}}});
    CHECK(h.call("GET", "/api/v1/auth/password/reset").status == 405);
    CHECK(h.call("GET", "/_sandbox/password_resets").body ==
          json{{"password_resets", json::array()}});
}
