#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;
using ra::sandbox::test::Harness;

TEST_CASE("control: the request log records /api requests without bodies or header values",
          "[sandbox][control]") {
    Harness h;
    h.call("GET", "/api/v1/users?page_size=5");
    h.admin("GET", "/api/v1/groups");
    h.call("GET", "/_sandbox/health");
    auto log = h.call("GET", "/_sandbox/requests").body["requests"];
    REQUIRE(log.size() == 3);
    // When it arrived, how long it took, over which connection: numbers, no header values.
    for (const char* key : {"at_ms", "duration_ms", "client_port"}) {
        CHECK(log[0][key].is_number());
        log[0].erase(key);
    }
    CHECK(log[0] == json{{"seq", 1},
                         {"method", "GET"},
                         {"path", "/api/v1/users"},
                         {"query", "page_size=5"},
                         {"status", 403},
                         {"authorization", false}});
    CHECK(log[1]["path"] == "/api/v1/auth/login");
    CHECK(log[2]["authorization"] == true);
    CHECK(log.dump().find(test::k_admin_password) == std::string::npos);
    CHECK(h.call("DELETE", "/_sandbox/requests").status == 204);
    CHECK(h.sandbox.request_log()["requests"].empty());
}

TEST_CASE("control: users can be injected, changed and removed out of band", "[sandbox][control]") {
    Harness h;
    auto injected = h.call("POST", "/_sandbox/users",
                           json{{"username", "ghost@other.example"},
                                {"organization", 4202},
                                {"groups", {"approver", "viewer"}}});
    REQUIRE(injected.status == 201);
    const std::string id = injected.body["id"].dump();
    CHECK(injected.body["groups"] ==
          json{h.url("/api/v1/groups/5208"), h.url("/api/v1/groups/5201")});
    auto patched = h.call("PATCH", "/_sandbox/users/" + id,
                          json{{"deleted", true},
                               {"metadata", {{"managed_by", "rossum-accounts"}}},
                               {"groups", {h.url("/api/v1/groups/5203")}}});
    REQUIRE(patched.status == 200);
    CHECK(patched.body["deleted"] == true);
    CHECK(patched.body["groups"] == json{h.url("/api/v1/groups/5203")});
    auto unknown_role = h.call("PATCH", "/_sandbox/users/" + id, json{{"groups", {"admn"}}});
    CHECK(unknown_role.status == 400);
    CHECK(unknown_role.body == json{{"detail", "unknown role \"admn\" in organization 4202"}});
    CHECK(h.call("DELETE", "/_sandbox/users/" + id).status == 204);
    CHECK(h.call("GET", "/_sandbox/users/" + id).status == 404);
    auto all = h.call("GET", "/_sandbox/users").body["users"];
    CHECK(all.size() == 6);
    for (const auto& user : all) {
        CHECK_FALSE(user.contains("password"));
    }
    CHECK(all.dump().find(test::k_admin_password) == std::string::npos);
}

TEST_CASE("control: config changes are validated and reported", "[sandbox][control]") {
    Harness h;
    auto changed = h.call("POST", "/_sandbox/config",
                          json{{"rate_limit", 5}, {"password_patch", "reject"}, {"latency_ms", 0}});
    REQUIRE(changed.status == 200);
    CHECK(changed.body == json{{"rate_limit", 5.0},
                               {"login_limit", nullptr},
                               {"latency_ms", 0},
                               {"username_case_insensitive", true},
                               {"email_patch", "ignore"},
                               {"password_patch", "reject"},
                               {"deleted_in_lists", true},
                               {"token_lifetime_s", 583200}});
    auto bad = h.call("POST", "/_sandbox/config", json{{"email_patch", "sometimes"}});
    CHECK(bad.status == 400);
    CHECK(bad.body == json{{"detail", "email_patch must be \"ignore\" or \"reject\""}});
    auto rejected =
        h.admin("PATCH", "/api/v1/users/10002", json{{"password", "New-Passphrase-77"}});
    CHECK(rejected.body == json{{"password", {"This field cannot be changed."}}});
}

TEST_CASE("control: latency delays every /api response", "[sandbox][control]") {
    Harness h;
    REQUIRE(h.sandbox.configure({{"latency_ms", 300}}).empty());
    auto started = std::chrono::steady_clock::now();
    CHECK(h.call("GET", "/api/v1").status == 200);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(300));
}

TEST_CASE("control: health answers 200 and unknown paths 404", "[sandbox][control]") {
    Harness h;
    CHECK(h.call("GET", "/_sandbox/health").status == 200);
    CHECK(h.call("GET", "/elsewhere").status == 404);
}

TEST_CASE("control: live tokens are listed per user in issue order, without their values",
          "[sandbox][control][auth]") {
    Harness h;
    CHECK(h.call("GET", "/_sandbox/tokens").body == json{{"tokens", json::array()}});
    const std::string login = h.login(test::k_admin, test::k_admin_password);
    REQUIRE_FALSE(login.empty());
    auto exchanged = h.call("POST", "/api/v1/auth/token", json{{"max_token_lifetime_s", 600}},
                            "Bearer " + login);
    REQUIRE(exchanged.status == 200);
    auto live = h.call("GET", "/_sandbox/tokens");
    REQUIRE(live.status == 200);
    const json tokens = live.body["tokens"];
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0]["user"] == 10001);
    CHECK(tokens[0]["username"] == test::k_admin);
    CHECK(tokens[0]["issued_by"] == "login");
    CHECK(tokens[0]["lifetime_s"] == 583200);
    CHECK(tokens[1]["issued_by"] == "exchange");
    CHECK(tokens[1]["lifetime_s"] == 600);
    CHECK(tokens[1]["expires_in_s"].get<std::int64_t>() <= 600);
    CHECK(tokens[1]["expires_in_s"].get<std::int64_t>() >= 590);
    CHECK(tokens[0]["seq"].get<long long>() < tokens[1]["seq"].get<long long>());
    const std::string text = live.raw;
    CHECK(text.find(login) == std::string::npos);
    CHECK(text.find(exchanged.body["key"].get<std::string>()) == std::string::npos);

    // A logged-out token and an expired one are no longer listed.
    CHECK(h.call("POST", "/api/v1/auth/logout", json::object(), "Bearer " + login).status == 200);
    auto after_logout = h.call("GET", "/_sandbox/tokens").body["tokens"];
    REQUIRE(after_logout.size() == 1);
    CHECK(after_logout[0]["issued_by"] == "exchange");
    CHECK(h.sandbox.live_tokens() == json{{"tokens", after_logout}});
    h.sandbox.expire_tokens();
    CHECK(h.call("GET", "/_sandbox/tokens").body["tokens"].empty());
    CHECK(h.call("POST", "/_sandbox/tokens").status == 405);
}
