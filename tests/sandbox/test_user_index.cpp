// The username index and page-only serialisation that keep the sandbox fast with many users.
#include "harness.hpp"
#include "sandbox/pagination.hpp"
#include "sandbox/seed.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;
using ra::sandbox::test::Harness;

namespace {

User named(Id id, const std::string& username) {
    User user;
    user.id = id;
    user.organization = 4201;
    user.username = username;
    return user;
}

std::vector<Id> ids_named(const World& world, const std::string& username) {
    const auto& ids = world.users_named(username);
    return {ids.begin(), ids.end()};
}

std::vector<std::string> usernames(const json& page) {
    std::vector<std::string> names;
    for (const auto& user : page["results"]) {
        names.push_back(user["username"]);
    }
    return names;
}

} // namespace

TEST_CASE("user index: put_user and erase_user keep the case-insensitive index in step",
          "[sandbox][users][index]") {
    World world;
    world.put_user(named(30, "Mixed.Case@x"));
    world.put_user(named(20, "mixed.case@X"));
    world.put_user(named(10, "other@x"));
    CHECK(ids_named(world, "MIXED.CASE@X") == std::vector<Id>{20, 30});
    CHECK(ids_named(world, "nobody@x").empty());

    world.put_user(named(20, "renamed@x")); // replacing a user re-indexes its new name
    CHECK(ids_named(world, "mixed.case@x") == std::vector<Id>{30});
    CHECK(ids_named(world, "RENAMED@x") == std::vector<Id>{20});
    CHECK(world.user(20)->username == "renamed@x");

    world.erase_user(30);
    world.erase_user(99); // unknown: nothing happens
    CHECK(ids_named(world, "mixed.case@x").empty());
    CHECK(world.users().size() == 2);
    CHECK(world.next_user_id() == 21);
}

TEST_CASE("user index: a seed refuses usernames that differ only in case, in any organization",
          "[sandbox][seed][index]") {
    const json seed = json::parse(R"({
        "organizations": [{"id": 1, "name": "A", "roles": {"admin": 11}},
                          {"id": 2, "name": "B", "roles": {"viewer": 21}}],
        "users": [{"username": "boss@a", "organization": 1, "groups": ["admin"]},
                  {"username": "Bulk.0002@Generated.Example", "organization": 1, "deleted": true}],
        "generate": {"organization": 2, "count": 3, "prefix": "bulk", "groups": ["viewer"]},
        "admin": "boss@a"})");
    auto result = parse_seed(seed, "Given-Admin-Passphrase-1");
    CHECK_FALSE(result.world);
    CHECK(result.error == "generate[0]: duplicate username \"bulk.0002@generated.example\"");

    json distinct = seed;
    distinct["users"][1]["username"] = "someone.else@a";
    auto world = parse_seed(distinct, "Given-Admin-Passphrase-1").world;
    REQUIRE(world);
    CHECK(world->users().size() == 5);
    CHECK(ids_named(*world, "BULK.0003@generated.example").size() == 1);
    CHECK(world->user(world->admin_user)->username == "boss@a");
}

TEST_CASE("user index: renames, removals and case-sensitive mode through the API",
          "[sandbox][users][index]") {
    Harness h;
    auto renamed =
        h.admin("PATCH", "/api/v1/users/10002", json{{"username", "Jane.Renamed@demo.example"}});
    REQUIRE(renamed.status == 200);
    CHECK(h.admin("GET", "/api/v1/users?username=jane.doe@demo.example")
              .body["pagination"]["total"] == 0);
    CHECK(usernames(h.admin("GET", "/api/v1/users?username=JANE.RENAMED@demo.example").body) ==
          std::vector<std::string>{"Jane.Renamed@demo.example"});
    // The old name is free again; the new one is taken whatever its case.
    CHECK(h.admin("PATCH", "/api/v1/users/10003", json{{"username", "jane.doe@demo.example"}})
              .status == 200);
    CHECK(h.admin("PATCH", "/api/v1/users/10003", json{{"username", "jane.renamed@DEMO.example"}})
              .status == 400);

    REQUIRE(h.call("DELETE", "/_sandbox/users/10102").status == 204);
    CHECK(h.call("POST", "/_sandbox/users",
                 json{{"username", "Shared.Name@other.example"}, {"organization", 4201}})
              .status == 201);

    REQUIRE(h.sandbox.configure({{"username_case_insensitive", false}}).empty());
    auto twin = h.call("POST", "/_sandbox/users",
                       json{{"username", "JANE.DOE@demo.example"},
                            {"password", "Twin-Passphrase-Here-1"},
                            {"organization", 4201}});
    REQUIRE(twin.status == 201);
    CHECK(usernames(h.admin("GET", "/api/v1/users?username=JANE.DOE@demo.example").body) ==
          std::vector<std::string>{"JANE.DOE@demo.example"});
    CHECK(h.login("JANE.DOE@demo.example", "Twin-Passphrase-Here-1").size() == 40);
    CHECK(h.sandbox.check_password("JANE.DOE@demo.example", "Twin-Passphrase-Here-1"));
    CHECK_FALSE(h.sandbox.check_password("jane.doe@demo.example", "Twin-Passphrase-Here-1"));
}

TEST_CASE("user index: a page makes only its own items, however long the list",
          "[sandbox][pagination][index]") {
    std::vector<std::size_t> made;
    auto item = [&made](std::size_t i) {
        made.push_back(i);
        return json(static_cast<long long>(i));
    };
    auto page = paginate(1'000'000, item, parse_raw_query("page_size=100&page=30"),
                         "http://127.0.0.1:1/api/v1/users");
    REQUIRE(page);
    CHECK(made.size() == 100);
    CHECK(made.front() == 2900);
    CHECK((*page)["results"].size() == 100);
    CHECK((*page)["results"][0] == 2900);
    CHECK((*page)["pagination"]["total"] == 1'000'000);
    CHECK((*page)["pagination"]["total_pages"] == 10'000);
    made.clear();
    CHECK_FALSE(paginate(1'000'000, item, parse_raw_query("page=10001&page_size=100"), "u"));
    CHECK(made.empty());
}
