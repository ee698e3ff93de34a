#include "harness.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using ra::sandbox::test::Harness;

namespace {

Options bulk_options() {
    Options options = test::quiet_options();
    options.seed_file = RA_SOURCE_DIR "/tests/sandbox/seeds/bulk.json";
    options.admin_password = "";
    return options;
}

} // namespace

TEST_CASE("pagination: 350 users come in 4 pages of 100 with consistent links",
          "[sandbox][pagination]") {
    Harness h(bulk_options());
    std::string token = h.login("seed.admin@bulk.example", "Seed-Admin-Passphrase-9");
    REQUIRE(token.size() == 40);
    std::string path = "/api/v1/users?page_size=100";
    std::vector<long long> ids;
    int pages = 0;
    while (!path.empty()) {
        auto page = h.call("GET", path, std::nullopt, "Bearer " + token);
        REQUIRE(page.status == 200);
        ++pages;
        CHECK(page.body["pagination"]["total"] == 350);
        CHECK(page.body["pagination"]["total_pages"] == 4);
        for (const auto& user : page.body["results"]) {
            ids.push_back(user["id"].get<long long>());
        }
        const auto& next = page.body["pagination"]["next"];
        path = next.is_null() ? "" : next.get<std::string>().substr(h.url("").size());
    }
    CHECK(pages == 4);
    CHECK(ids.size() == 350);
    CHECK(std::is_sorted(ids.begin(), ids.end()));
}

TEST_CASE("pagination: next and previous keep the other query parameters",
          "[sandbox][pagination]") {
    Harness h(bulk_options());
    std::string auth = "Bearer " + h.login("seed.admin@bulk.example", "Seed-Admin-Passphrase-9");
    auto page =
        h.call("GET", "/api/v1/users?is_active=true&page_size=100&page=2", std::nullopt, auth);
    REQUIRE(page.status == 200);
    CHECK(page.body["pagination"]["total"] == 349);
    CHECK(page.body["pagination"]["next"] ==
          h.url("/api/v1/users?is_active=true&page_size=100&page=3"));
    // DRF drops the page parameter for the first page.
    CHECK(page.body["pagination"]["previous"] ==
          h.url("/api/v1/users?is_active=true&page_size=100"));
    auto last =
        h.call("GET", "/api/v1/users?is_active=true&page_size=100&page=4", std::nullopt, auth);
    CHECK(last.body["results"].size() == 49);
    CHECK(last.body["pagination"]["next"].is_null());
}

TEST_CASE("pagination: a page beyond the last is 404 Invalid page", "[sandbox][pagination]") {
    Harness h(bulk_options());
    std::string auth = "Bearer " + h.login("seed.admin@bulk.example", "Seed-Admin-Passphrase-9");
    for (const char* page : {"5", "0", "abc"}) {
        auto response = h.call("GET", std::string("/api/v1/users?page_size=100&page=") + page,
                               std::nullopt, auth);
        CHECK(response.status == 404);
        CHECK(response.body == nlohmann::json{{"detail", "Invalid page."}});
    }
}

TEST_CASE("pagination: page_size defaults to 20 and is clamped to 100", "[sandbox][pagination]") {
    Harness h(bulk_options());
    std::string auth = "Bearer " + h.login("seed.admin@bulk.example", "Seed-Admin-Passphrase-9");
    auto by_default = h.call("GET", "/api/v1/users", std::nullopt, auth);
    CHECK(by_default.body["results"].size() == 20);
    CHECK(by_default.body["pagination"]["total_pages"] == 18);
    auto clamped = h.call("GET", "/api/v1/users?page_size=1000", std::nullopt, auth);
    CHECK(clamped.body["results"].size() == 100);
    CHECK(clamped.body["pagination"]["total_pages"] == 4);
}

TEST_CASE("pagination: an empty list has one empty page and empty parameters are ignored",
          "[sandbox][pagination]") {
    Harness h;
    auto empty = h.admin("GET", "/api/v1/users?username=nobody@demo.example&ordering=&sideload=");
    REQUIRE(empty.status == 200);
    CHECK(empty.body == nlohmann::json::parse(R"({"pagination": {"total": 0, "total_pages": 1,
        "next": null, "previous": null}, "results": []})"));
}

TEST_CASE("pagination: links follow the loopback name the client used, as the real API does",
          "[sandbox][pagination]") {
    Harness h(bulk_options());
    std::string token = h.login("seed.admin@bulk.example", "Seed-Admin-Passphrase-9");
    const std::string host = "localhost:" + std::to_string(h.port);
    httplib::Client client("127.0.0.1", h.port);
    httplib::Headers headers{{"Host", host}, {"Authorization", "Bearer " + token}};
    auto result = client.Get("/api/v1/users?page_size=100", headers);
    REQUIRE(result);
    auto body = nlohmann::json::parse(result->body);
    CHECK(body["pagination"]["next"] == "http://" + host + "/api/v1/users?page_size=100&page=2");
    CHECK(body["results"][0]["url"].get<std::string>().rfind("http://" + host + "/api/v1/", 0) ==
          0);
    // Another name is not trusted: the links keep the canonical origin.
    httplib::Headers other{{"Host", "evil.example:" + std::to_string(h.port)},
                           {"Authorization", "Bearer " + token}};
    auto canonical = client.Get("/api/v1/users?page_size=100", other);
    REQUIRE(canonical);
    CHECK(nlohmann::json::parse(canonical->body)["pagination"]["next"] ==
          h.url("/api/v1/users?page_size=100&page=2"));
}
