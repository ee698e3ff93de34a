#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;
using ra::sandbox::test::Harness;

namespace {

json create_body(Harness& h, const std::string& username) {
    return {{"username", username},
            {"organization", h.url("/api/v1/organizations/4201")},
            {"password", "Fault-Test-Passphrase-3"}};
}

int users_named(Harness& h, const std::string& username) {
    return h.admin("GET", "/api/v1/users?username=" + username).body["pagination"]["total"];
}

json fault(const std::string& action, json extra = json::object()) {
    json script = {{"method", "POST"}, {"path", "/api/v1/users"}, {"action", action}};
    script.update(extra);
    return script;
}

} // namespace

TEST_CASE("faults: drop_after_commit gives the client no response and the user exists",
          "[sandbox][faults]") {
    Harness h;
    h.admin_token();
    REQUIRE(h.sandbox.add_fault(fault("drop_after_commit")).empty());
    auto response = h.admin("POST", "/api/v1/users", create_body(h, "dropped@demo.example"));
    CHECK_FALSE(response.ok);
    CHECK(response.error == httplib::Error::Read);
    CHECK(users_named(h, "dropped@demo.example") == 1);
    CHECK(h.sandbox.check_password("dropped@demo.example", "Fault-Test-Passphrase-3"));
    // Consumed: the next create is answered normally.
    CHECK(h.admin("POST", "/api/v1/users", create_body(h, "next@demo.example")).status == 201);
}

TEST_CASE("faults: status_without_commit answers without creating", "[sandbox][faults]") {
    Harness h;
    REQUIRE(h.sandbox
                .add_fault(fault("status_without_commit",
                                 {{"status", 503}, {"headers", {{"Retry-After", "2"}}}}))
                .empty());
    auto response = h.admin("POST", "/api/v1/users", create_body(h, "never@demo.example"));
    CHECK(response.status == 503);
    CHECK(response.header("Retry-After") == "2");
    CHECK(response.body == json{{"detail", "Service temporarily unavailable."}});
    CHECK(users_named(h, "never@demo.example") == 0);
}

TEST_CASE("faults: status_after_commit creates, then answers the status", "[sandbox][faults]") {
    Harness h;
    REQUIRE(h.sandbox.add_fault(fault("status_after_commit", {{"status", 500}})).empty());
    auto response = h.admin("POST", "/api/v1/users", create_body(h, "late@demo.example"));
    CHECK(response.status == 500);
    CHECK(response.body == json{{"detail", "A server error occurred."}});
    CHECK(users_named(h, "late@demo.example") == 1);
}

TEST_CASE("faults: hang holds the response, commit decides when the write happens",
          "[sandbox][faults]") {
    Harness h;
    h.admin_token();
    REQUIRE(h.sandbox.add_fault(fault("hang", {{"ms", 400}, {"commit", true}})).empty());
    auto started = std::chrono::steady_clock::now();
    auto response = h.admin("POST", "/api/v1/users", create_body(h, "slow@demo.example"));
    auto elapsed = std::chrono::steady_clock::now() - started;
    CHECK(response.status == 201);
    CHECK(elapsed >= std::chrono::milliseconds(400));
}

TEST_CASE("faults: stop() interrupts a hang at once", "[sandbox][faults]") {
    auto h = std::make_unique<Harness>();
    h->admin_token();
    REQUIRE(h->sandbox.add_fault(fault("hang", {{"ms", 30000}})).empty());
    std::thread client(
        [&h] { h->admin("POST", "/api/v1/users", create_body(*h, "x@demo.example")); });
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto started = std::chrono::steady_clock::now();
    h->sandbox.stop();
    client.join();
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("faults: truncate sends the full Content-Length but half the body", "[sandbox][faults]") {
    Harness h;
    h.admin_token();
    REQUIRE(h.sandbox.add_fault(fault("truncate")).empty());
    auto response = h.admin("POST", "/api/v1/users", create_body(h, "cut@demo.example"));
    CHECK_FALSE(response.ok);
    CHECK(users_named(h, "cut@demo.example") == 1);
}

TEST_CASE("faults: redirect answers 302 with the Location and processes nothing",
          "[sandbox][faults]") {
    Harness h;
    REQUIRE(h.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/users"},
                            {"action", "redirect"},
                            {"location", "http://127.0.0.1:9/elsewhere"}})
                .empty());
    auto response = h.admin("GET", "/api/v1/users");
    CHECK(response.status == 302);
    CHECK(response.header("Location") == "http://127.0.0.1:9/elsewhere");
}

TEST_CASE("faults: respond answers exactly the scripted status, body and headers, prefix and "
          "times included",
          "[sandbox][faults]") {
    Harness h;
    REQUIRE(h.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/users"},
                            {"prefix", true},
                            {"times", 2},
                            {"action", "respond"},
                            {"status", 200},
                            {"body", "{garbage"},
                            {"headers", {{"Content-Type", "text/plain"}}}})
                .empty());
    for (const char* path : {"/api/v1/users/10002", "/api/v1/users?page=1"}) {
        auto response = h.admin("GET", path);
        CHECK(response.status == 200);
        CHECK(response.raw == "{garbage");
        CHECK(response.header("Content-Type") == "text/plain");
    }
    CHECK(h.admin("GET", "/api/v1/users/10002").body["id"] == 10002);
}

TEST_CASE("faults: invalid scripts are refused and the queue can be listed and cleared",
          "[sandbox][faults]") {
    Harness h;
    CHECK(h.sandbox.add_fault(fault("explode")) == "unknown fault action \"explode\"");
    CHECK(h.sandbox.add_fault(fault("respond")) == "fault action needs a status");
    auto added = h.call("POST", "/_sandbox/faults", fault("respond", {{"status", 418}}));
    CHECK(added.status == 201);
    CHECK(h.call("GET", "/_sandbox/faults").body["faults"].size() == 1);
    CHECK(h.call("DELETE", "/_sandbox/faults").status == 204);
    CHECK(h.call("GET", "/_sandbox/faults").body["faults"].empty());
}
