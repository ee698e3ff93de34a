#include "rossum_accounts/core/live.hpp"

#include <catch2/catch.hpp>

using namespace ra;
using nlohmann::json;

namespace {

json full_user() {
    return json::parse(R"json({
      "id": 10775, "url": "https://x.rossum.app/api/v1/users/10775",
      "username": "svc@acme", "first_name": "SYSTEM USER", "last_name": "(DO NOT DELETE)",
      "email": null, "phone_number": null, "email_verified": false,
      "groups": ["https://x.rossum.app/api/v1/groups/3"],
      "queues": ["https://x.rossum.app/api/v1/queues/812"],
      "organization": "https://x.rossum.app/api/v1/organizations/4201",
      "is_active": false, "deleted": false, "last_login": null,
      "metadata": {"managed_by": "rossum-accounts"}, "ui_settings": {}, "brand_new_field": [1]
    })json");
}

} // namespace

TEST_CASE("live: a user is parsed with unknown fields ignored", "[live]") {
    auto u = parse_user(full_user());
    REQUIRE(u);
    CHECK(u->id == 10775);
    CHECK(u->username == "svc@acme");
    CHECK(u->first_name == "SYSTEM USER");
    CHECK(u->email.empty());
    CHECK(u->groups == std::vector<std::string>{"https://x.rossum.app/api/v1/groups/3"});
    CHECK(u->queues == std::vector<std::string>{"https://x.rossum.app/api/v1/queues/812"});
    CHECK_FALSE(u->is_active);
    CHECK(u->organization == "https://x.rossum.app/api/v1/organizations/4201");
    CHECK(u->metadata == json{{"managed_by", "rossum-accounts"}});
}

TEST_CASE("live: a minimal user takes the API defaults", "[live]") {
    auto u = parse_user({{"id", 1}, {"url", "u"}, {"username", "a"}});
    REQUIRE(u);
    CHECK(u->is_active);
    CHECK_FALSE(u->deleted);
    CHECK(u->groups.empty());
    CHECK(u->metadata == json::object());
}

TEST_CASE("live: missing or mistyped required fields are protocol errors", "[live]") {
    auto j = full_user();
    j.erase("username");
    auto u = parse_user(j);
    REQUIRE_FALSE(u);
    CHECK(u.error().kind == ErrorKind::protocol);
    CHECK(u.error().message ==
          "unexpected user from the API: \"username\" is missing or not a string");
    j = full_user();
    j["id"] = "10775";
    CHECK(parse_user(j).error().message ==
          "unexpected user from the API: \"id\" is missing or not an integer");
    j = full_user();
    j["groups"] = {1, 2};
    CHECK(parse_user(j).error().message ==
          "unexpected user from the API: \"groups\" is not a list of URLs");
    CHECK(parse_user(json::array()).error().message ==
          "unexpected user from the API: not a JSON object");
}

TEST_CASE("live: groups, queues and organizations need id and url", "[live]") {
    auto g = parse_group({{"id", 3}, {"url", "https://x/api/v1/groups/3"}, {"name", "admin"}});
    REQUIRE(g);
    CHECK(g->name == "admin");
    CHECK(parse_queue({{"id", 812}}).error().message ==
          "unexpected queue from the API: \"url\" is missing or not a string");
    CHECK(parse_organization({{"id", 1}, {"url", "u"}, {"name", 5}}).error().message ==
          "unexpected organization from the API: \"name\" is not a string");
}

TEST_CASE("live: a page envelope is parsed and checked", "[live][pagination]") {
    json page = {{"pagination",
                  {{"total", 1}, {"total_pages", 1}, {"next", nullptr}, {"previous", nullptr}}},
                 {"results", {full_user()}}};
    auto p = parse_user_page(page);
    REQUIRE(p);
    CHECK(p->total == 1);
    CHECK(p->total_pages == 1);
    CHECK_FALSE(p->next);
    CHECK(p->results.size() == 1);
    page["pagination"]["next"] = "https://x/api/v1/users?page=2";
    CHECK(parse_user_page(page)->next == "https://x/api/v1/users?page=2");
    page.erase("pagination");
    CHECK(parse_user_page(page).error().message ==
          "unexpected page of users from the API: \"pagination\" is missing or not an object");
    CHECK(parse_group_page({{"results", 1}}).error().message ==
          "unexpected page of groups from the API: \"results\" is missing or not a list");
    json bad_item = {{"pagination", {{"total", 1}, {"total_pages", 1}}},
                     {"results", {{{"id", 1}}}}};
    CHECK(parse_queue_page(bad_item).error().message ==
          "unexpected queue from the API: \"url\" is missing or not a string");
    json negative = {{"pagination", {{"total", -1}, {"total_pages", 1}}},
                     {"results", json::array()}};
    CHECK(parse_organization_page(negative).error().message ==
          "unexpected page of organizations from the API: \"pagination.total\" is not a count");
}

TEST_CASE("live: id_from_url takes the trailing integer", "[live]") {
    CHECK(id_from_url("https://x/api/v1/queues/812") == 812);
    CHECK(id_from_url("https://x/api/v1/queues/812/") == 812);
    CHECK(id_from_url("https://x/api/v1/queues/812?x=1") == 812);
    CHECK(id_from_url("https://x/api/v1/queues/abc") == std::nullopt);
    CHECK(id_from_url("https://x/api/v1/queues/") == std::nullopt);
    CHECK(id_from_url("") == std::nullopt);
    CHECK(id_from_url("https://x/api/v1/queues/99999999999999999999") == std::nullopt);
}

TEST_CASE("live: the fingerprint is stable and sees every planned field", "[live]") {
    auto a = parse_user(full_user()).value();
    auto b = a;
    std::reverse(b.groups.begin(), b.groups.end());
    b.groups.push_back("https://x.rossum.app/api/v1/groups/7");
    a.groups.insert(a.groups.begin(), "https://x.rossum.app/api/v1/groups/7");
    CHECK(fingerprint(a) == fingerprint(b)); // order of groups does not matter
    CHECK(fingerprint(a).size() == 16);
    auto c = a;
    c.is_active = true;
    CHECK(fingerprint(a) != fingerprint(c));
    c = a;
    c.metadata["k"] = 1;
    CHECK(fingerprint(a) != fingerprint(c));
    c = a;
    c.first_name = a.first_name;
    CHECK(fingerprint(a) == fingerprint(c));
}

TEST_CASE("live: the fingerprint names the user, so an edited user id is another fingerprint",
          "[live][stale]") {
    auto a = parse_user(full_user()).value();
    auto c = a;
    c.id = 999;
    CHECK(fingerprint(a) != fingerprint(c));
    c = a;
    c.url = "https://x.rossum.app/api/v1/users/999";
    CHECK(fingerprint(a) != fingerprint(c));
}
