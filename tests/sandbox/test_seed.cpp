#include "harness.hpp"
#include "sandbox/seed.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;

TEST_CASE("seed: a valid file builds organizations, roles, queues, users and the admin",
          "[sandbox][seed]") {
    auto seed = load_seed_file(RA_SOURCE_DIR "/tests/sandbox/seeds/bulk.json", "");
    REQUIRE(seed.world);
    const World& world = *seed.world;
    CHECK(world.organizations.size() == 2);
    CHECK(world.roles.size() == 4);
    CHECK(world.users().size() == 351);
    const User* admin = world.user(world.admin_user);
    REQUIRE(admin != nullptr);
    CHECK(admin->username == "seed.admin@bulk.example");
    CHECK(admin->password == "Seed-Admin-Passphrase-9");
    const User* viewer = world.user(20002);
    REQUIRE(viewer != nullptr);
    CHECK(viewer->username == "queued.viewer@bulk.example");
    CHECK(viewer->is_active == false);
    CHECK(viewer->queues == std::vector<Id>{812});
    CHECK(viewer->metadata == json{{"team", "finance"}});
    CHECK(world.user(20004)->username == "bulk.user.0001@generated.example");
}

TEST_CASE("seed: invalid files are refused with a message naming the place", "[sandbox][seed]") {
    auto unknown_role = load_seed_file(RA_SOURCE_DIR "/tests/sandbox/seeds/unknown_role.json", "");
    CHECK_FALSE(unknown_role.world);
    CHECK(unknown_role.error == "seed file " RA_SOURCE_DIR
                                "/tests/sandbox/seeds/unknown_role.json: users[0]: unknown role "
                                "\"admn\" in organization 1");
    auto broken = load_seed_file(RA_SOURCE_DIR "/tests/sandbox/seeds/not_json.json", "");
    CHECK(broken.error == "seed file " RA_SOURCE_DIR
                          "/tests/sandbox/seeds/not_json.json is not valid JSON");
    CHECK(load_seed_file("/nonexistent/seed.json", "").error ==
          "cannot read seed file /nonexistent/seed.json");
    CHECK(parse_seed(json{{"organizations", json::array()}}, "").error ==
          "organizations must be a non-empty list");
    CHECK(parse_seed(json::parse(R"({"organizations": [{"id": 1, "name": "A", "roles": {}}],
                                     "admin": "nobody"})"),
                     "")
              .error == "admin: no seeded user \"nobody\"");
    Options options;
    options.seed_file = RA_SOURCE_DIR "/tests/sandbox/seeds/unknown_role.json";
    CHECK_THROWS_AS(Sandbox(options), std::invalid_argument);
}

TEST_CASE("seed: the demo world offers every role but approver, with non-standard ids",
          "[sandbox][seed]") {
    World world = demo_world("Given-Admin-Passphrase-1");
    std::vector<std::string> names;
    for (const auto& role : world.roles) {
        if (role.organization == 4201) {
            names.push_back(role.name);
            CHECK(role.id > 7);
        }
    }
    CHECK(names == std::vector<std::string>{"viewer", "annotator", "admin", "manager",
                                            "annotator_limited", "annotator_embedded",
                                            "organization_group_admin"});
    CHECK(world.user(world.admin_user)->password == "Given-Admin-Passphrase-1");
    CHECK(world.user(10004)->deleted);
}

TEST_CASE("seed: a generated admin password satisfies the password policy", "[sandbox][seed]") {
    Sandbox sandbox(Options{});
    CHECK(sandbox.admin_password().size() == 20);
    CHECK(sandbox.admin_username() == "admin@demo.rossum.local");
}

TEST_CASE("seed: organization groups, workspaces and schemas are given or default sensibly",
          "[sandbox][seed]") {
    auto seed = parse_seed(json::parse(R"({
        "organizations": [
            {"id": 1, "name": "A", "roles": {"admin": 11},
             "organization_group": {"id": 90, "name": "Holding"},
             "workspaces": [{"id": 100, "name": "Main"}, {"id": 101, "name": "Side"}]},
            {"id": 2, "name": "B", "roles": {"admin": 21}, "organization_group": {"id": 90}},
            {"id": 3, "name": "C", "roles": {"admin": 31}}
        ],
        "queues": [
            {"id": 500, "name": "Q1", "organization": 1},
            {"id": 501, "name": "Q2", "organization": 1, "workspace": 101, "schema": 500},
            {"id": 502, "name": "Q3", "organization": 3, "schema": 7}
        ],
        "users": [{"username": "a@x", "organization": 1, "groups": ["admin"]}],
        "admin": "a@x"})"),
                           "");
    REQUIRE(seed.world);
    const World& world = *seed.world;
    CHECK(world.organization_groups.size() == 2);
    CHECK(world.organization(1)->organization_group == 90);
    CHECK(world.organization(2)->organization_group == 90);
    CHECK(world.organization_group(90)->name == "Holding");
    CHECK(world.organization(3)->organization_group == 3);
    CHECK(world.organization_group(3)->name == "C");
    CHECK(world.queue(500)->workspace == 100);
    CHECK(world.queue(501)->workspace == 101);
    CHECK(world.queue(501)->schema == 500);
    CHECK(world.queue(502)->schema == 7);
    CHECK(world.workspace(3)->organization == 3);
    CHECK(world.workspace(2)->name == "B");
    CHECK(world.schemas.size() == 2);
    CHECK(world.schema(500)->name == "Q1 schema");
}

TEST_CASE("seed: a queue's workspace and schema must be its organization's", "[sandbox][seed]") {
    const std::string organizations = R"("organizations": [
        {"id": 1, "name": "A", "roles": {"admin": 11}},
        {"id": 2, "name": "B", "roles": {"admin": 21}}],
        "users": [{"username": "a@x", "organization": 1}], "admin": "a@x")";
    CHECK(parse_seed(json::parse("{" + organizations +
                                 R"(, "queues": [{"id": 5, "name": "Q", "organization": 1,
                                                  "workspace": 2}]})"),
                     "")
              .error == "queues[0]: unknown workspace 2 in organization 1");
    CHECK(parse_seed(json::parse("{" + organizations + R"(, "queues": [
                         {"id": 5, "name": "Q", "organization": 1},
                         {"id": 6, "name": "R", "organization": 2, "schema": 5}]})"),
                     "")
              .error == "queues[1]: schema 5 belongs to another organization");
    CHECK(parse_seed(json::parse(R"({"organizations": [
                         {"id": 1, "name": "A", "roles": {}, "workspaces": [{"id": 4, "name": "W"}]},
                         {"id": 2, "name": "B", "roles": {}, "workspaces": [{"id": 4, "name": "V"}]}],
                         "admin": "a@x"})"),
                     "")
              .error == "organizations[1].workspaces: duplicate id 4");
    CHECK(parse_seed(json::parse(R"({"organizations": [
                         {"id": 1, "name": "A", "roles": {}, "workspaces": []}], "admin": "a@x"})"),
                     "")
              .error == "organizations[0].workspaces must be a non-empty list");
}
