#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using ra::sandbox::test::Harness;
using ra::sandbox::test::Response;

TEST_CASE("rate limit: the 11th request within a second is 429 with Retry-After 1",
          "[sandbox][throttle]") {
    Options options = test::quiet_options();
    options.rate_limit = 10.0;
    Harness h(options);
    std::string auth = "Bearer " + h.admin_token(); // the login is request 1
    int throttled_at = 0;
    Response last;
    for (int i = 2; i <= 11 && throttled_at == 0; ++i) {
        last = h.call("GET", "/api/v1/groups", std::nullopt, auth);
        if (last.status == 429) {
            throttled_at = i;
        }
    }
    // Ten requests take far less than a second here, so exactly the 11th is refused.
    CHECK(throttled_at == 11);
    CHECK(last.header("Retry-After") == "1");
    CHECK(last.body ==
          nlohmann::json{{"detail", "Request was throttled. Expected available in 1 second."}});
    std::this_thread::sleep_for(std::chrono::milliseconds(1050));
    CHECK(h.call("GET", "/api/v1/groups", std::nullopt, auth).status == 200);
}

TEST_CASE("rate limit: can be switched off at runtime", "[sandbox][throttle]") {
    Options options = test::quiet_options();
    options.rate_limit = 2.0;
    Harness h(options);
    REQUIRE(h.sandbox.configure({{"rate_limit", nullptr}}).empty());
    for (int i = 0; i < 20; ++i) {
        REQUIRE(h.call("GET", "/api/v1").status == 200);
    }
}
