#include "unit/io/client_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ra;
using namespace ra::test;

namespace {

const std::string k_users = "http://127.0.0.1:9/api/v1/users";

nlohmann::json users(std::int64_t from, std::int64_t count) {
    auto list = nlohmann::json::array();
    for (auto i = from; i < from + count; ++i)
        list.push_back(user_json(i, "user" + std::to_string(i)));
    return list;
}

} // namespace

TEST_CASE("pagination: consistent pages are read through next links", "[client][pagination]") {
    ClientFixture f;
    f.transport.push(json_response(200, page_json(users(1, 100), 250, 3, k_users + "?page=2")));
    f.transport.push(json_response(200, page_json(users(101, 100), 250, 3, k_users + "?page=3")));
    f.transport.push(json_response(200, page_json(users(201, 50), 250, 3, nullptr)));
    auto client = f.with_token();
    std::vector<LiveUser> all;
    std::optional<std::string> next;
    do {
        auto page = client->users_page(4201, next, nullptr);
        REQUIRE(page);
        for (auto& u : page->results)
            all.push_back(u);
        next = page->next;
    } while (next);
    CHECK(all.size() == 250);
    CHECK(f.transport.requests[0].url == k_users + "?organization=4201&page_size=100");
    CHECK(f.transport.requests[2].url == k_users + "?page=3");
}

TEST_CASE("pagination: groups are read across all pages", "[client][pagination]") {
    ClientFixture f;
    auto group = [](int id, const char* name) {
        return nlohmann::json{{"id", id},
                              {"url", "http://127.0.0.1:9/api/v1/groups/" + std::to_string(id)},
                              {"name", name}};
    };
    f.transport.push(json_response(200, page_json(nlohmann::json::array({group(1, "viewer")}), 2, 2,
                                                  "http://127.0.0.1:9/api/v1/groups?page=2")));
    f.transport.push(
        json_response(200, page_json(nlohmann::json::array({group(3, "admin")}), 2, 2, nullptr)));
    auto groups = f.with_token()->groups();
    INFO((groups ? "" : groups.error().message));
    REQUIRE(groups);
    REQUIRE(groups->size() == 2);
    CHECK((*groups)[1].name == "admin");
    CHECK(f.transport.requests[0].url == "http://127.0.0.1:9/api/v1/groups?page_size=100");
}

TEST_CASE("pagination: an off-origin next is refused when it arrives and never requested",
          "[client][pagination]") {
    // Refused with the page that carries it: the pages after the first may be read by number,
    // so the link might never be followed, but an answer pointing elsewhere is not trusted.
    ClientFixture f;
    f.transport.push(json_response(
        200, page_json(users(1, 100), 200, 2, "http://127.0.0.1:10/api/v1/users?page=2")));
    auto client = f.with_token();
    auto first = client->users_page(4201, std::nullopt, nullptr);
    REQUIRE_FALSE(first);
    CHECK(first.error().kind == ErrorKind::protocol);
    CHECK(first.error().message ==
          "refusing to follow a users page link outside the API (http://127.0.0.1:9/api): "
          "http://127.0.0.1:10/api/v1/users?page=2");
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("pagination: a page read by number asks for that page and refuses an off-origin next",
          "[client][pagination][parallel]") {
    ClientFixture f;
    f.transport.push(json_response(200, page_json(users(101, 100), 300, 3, k_users + "?page=3")));
    f.transport.push(json_response(
        200, page_json(users(201, 100), 300, 3, "http://127.0.0.1:10/api/v1/users?page=4")));
    auto client = f.with_token();
    auto second = client->users_page_number(4201, 2, nullptr);
    REQUIRE(second);
    CHECK(second->results.size() == 100);
    CHECK(f.transport.requests[0].url ==
          "http://127.0.0.1:9/api/v1/users?organization=4201&page_size=100&page=2");
    auto third = client->users_page_number(4201, 3, nullptr);
    REQUIRE_FALSE(third);
    CHECK(third.error().kind == ErrorKind::protocol);
}

TEST_CASE("pagination: a page read by number is refused for what a linked page is, in the same "
          "words and order",
          "[client][pagination][parallel]") {
    const std::string elsewhere = "http://127.0.0.1:10/api/v1/users?page=3";
    const std::string off_origin =
        "refusing to follow a users page link outside the API (http://127.0.0.1:9/api): " +
        elsewhere;
    const std::string too_many =
        "the API reports 1000000 pages of users, more than the 1000 this tool reads";
    struct Case {
        std::int64_t total_pages;
        std::string next;
        std::string refusal;
    };
    // Both wrong at once: the link is named first.
    for (const Case& c :
         {Case{3, elsewhere, off_origin}, Case{1000000, k_users + "?page=3", too_many},
          Case{1000000, elsewhere, off_origin}}) {
        ClientFixture f;
        const auto body = page_json(users(1, 100), c.total_pages * 100, c.total_pages, c.next);
        f.transport.push(json_response(200, body));
        f.transport.push(json_response(200, body));
        auto client = f.with_token();
        auto linked = client->users_page(4201, std::nullopt, nullptr);
        auto numbered = client->users_page_number(4201, 2, nullptr);
        REQUIRE_FALSE(linked);
        REQUIRE_FALSE(numbered);
        CHECK(linked.error().message == c.refusal);
        CHECK(numbered.error().message == c.refusal);
        CHECK(numbered.error().kind == ErrorKind::protocol);
    }
}

TEST_CASE("pagination: a next link already fetched is refused as a loop", "[client][pagination]") {
    ClientFixture f;
    f.transport.push(json_response(200, page_json(users(1, 100), 300, 3, k_users + "?page=2")));
    f.transport.push(json_response(200, page_json(users(101, 100), 300, 3, k_users + "?page=2")));
    auto all = f.with_token()->users_by_username("x");
    REQUIRE_FALSE(all);
    CHECK(all.error().message == "refusing a users page link that was already fetched (a "
                                 "pagination loop): http://127.0.0.1:9/api/v1/users?page=2");
    CHECK(f.transport.requests.size() == 2);
}

TEST_CASE("pagination: a page count above the cap is refused", "[client][pagination]") {
    ClientFixture f;
    f.transport.push(
        json_response(200, page_json(users(1, 100), 100000000, 1000000, k_users + "?page=2")));
    auto page = f.with_token()->users_page(4201, std::nullopt, nullptr);
    REQUIRE_FALSE(page);
    CHECK(page.error().message ==
          "the API reports 1000000 pages of users, more than the 1000 this tool reads");
}

TEST_CASE("pagination: the page cap stops an endless chain of distinct links",
          "[client][pagination]") {
    ClientFixture f;
    auto config = f.config();
    config.max_pages = 3;
    Credentials creds;
    creds.token = "static-token-1";
    RossumClient client(f.transport, config, creds, f.masker);
    int n = 0;
    f.transport.set_handler([&](const HttpRequest&) {
        ++n;
        return json_response(
            200, page_json(users(n, 1), 3, 3, k_users + "?page=" + std::to_string(n + 1)));
    });
    auto all = client.groups();
    REQUIRE_FALSE(all);
    CHECK(all.error().kind == ErrorKind::protocol);
    CHECK(f.transport.requests.size() <= 3);
}

TEST_CASE("pagination: pages inconsistent with total_pages are refused", "[client][pagination]") {
    SECTION("a next link on the last page") {
        ClientFixture f;
        f.transport.push(json_response(200, page_json(users(1, 10), 10, 1, k_users + "?page=2")));
        auto page = f.with_token()->users_page(4201, std::nullopt, nullptr);
        REQUIRE_FALSE(page);
        CHECK(page.error().message ==
              "page 1 of users has a next link, but the API reports 1 pages");
    }
    SECTION("no next link before the last page") {
        ClientFixture f;
        f.transport.push(json_response(200, page_json(users(1, 100), 300, 3, nullptr)));
        auto page = f.with_token()->users_page(4201, std::nullopt, nullptr);
        REQUIRE_FALSE(page);
        CHECK(page.error().message ==
              "the users list ended at page 1, but the API reports 3 pages");
    }
}

TEST_CASE("client: users_by_username encodes the name in the query", "[client]") {
    ClientFixture f;
    f.transport.push(json_response(200, page_json(users(1, 1), 1, 1, nullptr)));
    REQUIRE(f.with_token()->users_by_username("api+bot@x.com"));
    CHECK(f.transport.requests[0].url ==
          "http://127.0.0.1:9/api/v1/users?username=api%2Bbot%40x.com&page_size=100");
}

TEST_CASE("client: every operation uses its documented endpoint", "[client]") {
    ClientFixture f;
    f.transport.set_handler([](const HttpRequest& r) -> Result<HttpResponse> {
        if (r.url.find("/organizations/") != std::string::npos)
            return json_response(200, {{"id", 4201},
                                       {"url", "http://127.0.0.1:9/api/v1/organizations/4201"},
                                       {"name", "Demo"}});
        if (r.url.find("?") != std::string::npos)
            return json_response(200, page_json(nlohmann::json::array(), 0, 0, nullptr));
        return json_response(r.method == HttpMethod::post ? 201 : 200, user_json(5, "u"));
    });
    auto client = f.with_token();
    REQUIRE(client->organization(4201)->name == "Demo");
    REQUIRE(client->queues()->empty());
    REQUIRE(client->user(5)->id == 5);
    REQUIRE(client->create_user({{"username", "u"}})->id == 5);
    REQUIRE(client->patch_user(5, {{"is_active", false}})->id == 5);
    std::vector<std::string> seen;
    for (const auto& r : f.transport.requests)
        seen.push_back(std::string(to_string(r.method)) + " " + r.url);
    CHECK(seen == std::vector<std::string>{
                      "GET http://127.0.0.1:9/api/v1/organizations/4201",
                      "GET http://127.0.0.1:9/api/v1/queues?page_size=100",
                      "GET http://127.0.0.1:9/api/v1/users/5",
                      "POST http://127.0.0.1:9/api/v1/users",
                      "PATCH http://127.0.0.1:9/api/v1/users/5",
                  });
    CHECK(f.transport.requests[4].body == R"({"is_active":false})");
}

TEST_CASE("pagination: a page that failed may be asked for again", "[client][pagination]") {
    ClientFixture f;
    f.transport.push(json_response(200, page_json(users(1, 100), 200, 2, k_users + "?page=2")));
    f.transport.push(status_response(404));
    f.transport.push(json_response(200, page_json(users(101, 100), 200, 2, nullptr)));
    auto client = f.with_token();
    auto first = client->users_page(4201, std::nullopt, nullptr);
    REQUIRE(first);
    CHECK_FALSE(client->users_page(4201, first->next, nullptr));
    auto again = client->users_page(4201, first->next, nullptr);
    REQUIRE(again);
    CHECK(again->results.size() == 100);
}

TEST_CASE("client: a user whose answer holds an integer beyond 64 bits is marked inexact",
          "[client][numbers]") {
    ClientFixture f;
    auto client = f.with_token();
    HttpResponse big = json_response(200, user_json(5, "svc@acme"));
    const std::string exact = big.body;
    big.body.insert(big.body.size() - 1, ",\"metadata\":{\"big\":123456789012345678901234}");
    f.transport.push(big);
    HttpResponse plain;
    plain.status = 200;
    plain.body = exact;
    f.transport.push(plain);
    auto first = client->user(5);
    REQUIRE(first);
    CHECK(first->metadata_inexact);
    auto second = client->user(5);
    REQUIRE(second);
    CHECK_FALSE(second->metadata_inexact);
}
