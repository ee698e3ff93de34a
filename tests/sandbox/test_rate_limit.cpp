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

TEST_CASE("rate limit: a request is counted when it arrives, not when its answer is made",
          "[sandbox][throttle]") {
    Options options = test::quiet_options();
    options.rate_limit = 1.0;
    Harness h(options);
    std::string auth = "Bearer " + h.admin_token(); // the login takes the first second
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    // The first read arrives now and is answered 2 s later; the second arrives 1.3 s after it.
    // Counted at arrival they are 1.3 s apart; counted when answered they would be 0.7 s apart
    // and one of them refused.
    REQUIRE(
        h.sandbox
            .add_fault(
                {{"method", "GET"}, {"path", "/api/v1/groups"}, {"action", "hang"}, {"ms", 2000}})
            .empty());
    Response slow;
    std::thread first([&] { slow = h.call("GET", "/api/v1/groups", std::nullopt, auth); });
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    Response second = h.call("GET", "/api/v1/groups", std::nullopt, auth);
    first.join();
    CHECK(second.status == 200);
    CHECK(slow.status == 200);
}

TEST_CASE("rate limit: a throttled request does not use up a scripted fault",
          "[sandbox][throttle][faults]") {
    Options options = test::quiet_options();
    options.rate_limit = 1.0;
    Harness h(options);
    std::string auth = "Bearer " + h.admin_token();
    REQUIRE(h.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/groups"},
                            {"action", "respond"},
                            {"status", 503}})
                .empty());
    CHECK(h.call("GET", "/api/v1/groups", std::nullopt, auth).status == 429);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    CHECK(h.call("GET", "/api/v1/groups", std::nullopt, auth).status == 503);
}
