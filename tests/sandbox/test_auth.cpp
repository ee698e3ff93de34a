#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using ra::sandbox::test::Harness;

TEST_CASE("auth: a request without credentials is 403, a bad token 401", "[sandbox][auth]") {
    Harness h;
    auto missing = h.call("GET", "/api/v1/users");
    CHECK(missing.status == 403);
    CHECK(missing.body ==
          nlohmann::json{{"detail", "Authentication credentials were not provided."}});
    auto bad = h.call("GET", "/api/v1/users", std::nullopt, "Bearer 0123456789abcdef");
    CHECK(bad.status == 401);
    CHECK(bad.body == nlohmann::json{{"detail", "Invalid token."}});
}

TEST_CASE("auth: Bearer and Token keywords are accepted in any case", "[sandbox][auth]") {
    Harness h;
    std::string token = h.admin_token();
    for (const char* keyword : {"Bearer ", "Token ", "token ", "BEARER "}) {
        auto me = h.call("GET", "/api/v1/auth/user", std::nullopt, keyword + token);
        CHECK(me.status == 200);
        CHECK(me.body["username"] == test::k_admin);
    }
}

TEST_CASE("auth: login, exchange and logout: the logged-out token dies", "[sandbox][auth]") {
    Harness h;
    auto login = h.call("POST", "/api/v1/auth/login",
                        nlohmann::json{{"username", test::k_admin},
                                       {"password", test::k_admin_password},
                                       {"max_token_lifetime_s", 3600}});
    REQUIRE(login.status == 200);
    CHECK(login.body["domain"].is_null());
    const std::string first = login.body["key"];
    CHECK(first.size() == 40);
    auto exchange = h.call("POST", "/api/v1/auth/token",
                           nlohmann::json{{"max_token_lifetime_s", 60.5}}, "Bearer " + first);
    REQUIRE(exchange.status == 200);
    CHECK(exchange.body["scope"] == "default");
    const std::string second = exchange.body["key"];
    CHECK(second != first);
    auto logout =
        h.call("POST", "/api/v1/auth/logout", nlohmann::json::object(), "Bearer " + second);
    CHECK(logout.status == 200);
    CHECK(logout.body == nlohmann::json{{"detail", "Successfully logged out."}});
    CHECK(h.call("GET", "/api/v1/auth/user", std::nullopt, "Bearer " + second).status == 401);
    CHECK(h.call("GET", "/api/v1/auth/user", std::nullopt, "Bearer " + first).status == 200);
}

TEST_CASE("auth: login accepts a form body and rejects bad credentials with 401",
          "[sandbox][auth]") {
    Harness h;
    httplib::Client client("127.0.0.1", h.port);
    auto form =
        client.Post("/api/v1/auth/login", httplib::Params{{"username", test::k_admin},
                                                          {"password", test::k_admin_password}});
    REQUIRE(form);
    CHECK(form->status == 200);
    auto wrong =
        h.call("POST", "/api/v1/auth/login",
               nlohmann::json{{"username", test::k_admin}, {"password", "nope-nope-nope"}});
    CHECK(wrong.status == 401);
    CHECK(wrong.body == nlohmann::json{{"detail", "Unable to log in with provided credentials."}});
    auto not_integer = h.call("POST", "/api/v1/auth/login",
                              nlohmann::json{{"username", test::k_admin},
                                             {"password", test::k_admin_password},
                                             {"max_token_lifetime_s", 1.5}});
    CHECK(not_integer.status == 400);
    CHECK(not_integer.body ==
          nlohmann::json{{"max_token_lifetime_s", {"A valid integer is required."}}});
}

TEST_CASE("auth: expiring every token through the control API gives 401", "[sandbox][auth]") {
    Harness h;
    REQUIRE(h.admin("GET", "/api/v1/auth/user").status == 200);
    CHECK(h.call("POST", "/_sandbox/tokens/expire").status == 200);
    CHECK(h.admin("GET", "/api/v1/auth/user").status == 401);
}

TEST_CASE("auth: a token lives as long as its lifetime", "[sandbox][auth]") {
    Harness h;
    auto login = h.call("POST", "/api/v1/auth/login",
                        nlohmann::json{{"username", test::k_admin},
                                       {"password", test::k_admin_password},
                                       {"max_token_lifetime_s", 1}});
    REQUIRE(login.status == 200);
    std::string auth = "Bearer " + login.body["key"].get<std::string>();
    CHECK(h.call("GET", "/api/v1/auth/user", std::nullopt, auth).status == 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(h.call("GET", "/api/v1/auth/user", std::nullopt, auth).status == 401);
}

TEST_CASE("auth: logins beyond the login limit are throttled with Retry-After",
          "[sandbox][auth][throttle]") {
    Options options = test::quiet_options();
    options.login_limit = 3;
    Harness h(options);
    for (int i = 0; i < 3; ++i) {
        CHECK(!h.login(test::k_admin, test::k_admin_password).empty());
    }
    auto throttled =
        h.call("POST", "/api/v1/auth/login",
               nlohmann::json{{"username", test::k_admin}, {"password", test::k_admin_password}});
    CHECK(throttled.status == 429);
    int retry_after = std::stoi(throttled.header("Retry-After"));
    CHECK(retry_after >= 59);
    CHECK(retry_after <= 60);
}
