// Organizations, organization groups, workspaces, queues and schemas in the shapes Rossum
// documents, so Rossum's own SDK and CLI can read them (docs/sandbox.md, "The API served").
#include "harness.hpp"
#include "listing.hpp"

#include <catch2/catch.hpp>

using namespace ra::sandbox;
using nlohmann::json;
using ra::sandbox::test::check_refused_query;
using ra::sandbox::test::Harness;
using ra::sandbox::test::Ids;
using ra::sandbox::test::listed_ids;

TEST_CASE("organizations: every documented field, with the organization group as a URL",
          "[sandbox][resources]") {
    Harness h;
    auto organization = h.admin("GET", "/api/v1/organizations/4201");
    REQUIRE(organization.status == 200);
    for (const char* field :
         {"id", "name", "url", "workspaces", "users", "organization_group", "ui_settings",
          "metadata", "is_trial", "created_at", "trial_expires_at", "oidc_provider",
          "internal_info", "creator", "modified_by", "modified_at", "settings", "sandbox"}) {
        CHECK(organization.body.contains(field));
    }
    CHECK(organization.body["organization_group"] == h.url("/api/v1/organization_groups/17"));
    CHECK(organization.body["workspaces"] ==
          json{h.url("/api/v1/workspaces/7540"), h.url("/api/v1/workspaces/7541")});
    // Rossum's SDK types these as strings: a null would fail its deserialisation.
    CHECK(organization.body["trial_expires_at"].is_string());
    CHECK(organization.body["created_at"].is_string());
    CHECK(organization.body["creator"] == h.url("/api/v1/users/10001"));
    CHECK(organization.body["internal_info"].is_object());
    auto listed = h.admin("GET", "/api/v1/organizations?ordering=-name");
    REQUIRE(listed.body["results"].size() == 1);
    CHECK(listed.body["results"][0] == organization.body);
}

TEST_CASE("organization groups: the caller's group is listed and readable, another's is not",
          "[sandbox][resources]") {
    Harness h;
    auto listed = h.admin("GET", "/api/v1/organization_groups");
    REQUIRE(listed.status == 200);
    CHECK(listed.body["pagination"]["total"] == 1);
    auto group = h.admin("GET", "/api/v1/organization_groups/17");
    REQUIRE(group.status == 200);
    CHECK(listed.body["results"][0] == group.body);
    CHECK(group.body == json{{"id", 17},
                             {"name", "Demo Group"},
                             {"is_trial", false},
                             {"is_production", true},
                             {"deployment_location", "local-sandbox"},
                             {"features", nullptr},
                             {"usage", json::object()},
                             {"modified_by", nullptr},
                             {"modified_at", nullptr}});
    CHECK(h.admin("GET", "/api/v1/organization_groups/18").status == 404);
    CHECK(h.call("GET", "/api/v1/organization_groups").status == 403);
    CHECK(h.admin("POST", "/api/v1/organization_groups", json::object()).status == 405);
}

TEST_CASE("workspaces: listed with pagination, filters and ordering", "[sandbox][resources]") {
    Harness h;
    CHECK(listed_ids(h, "/api/v1/workspaces") == Ids{7540, 7541});
    CHECK(listed_ids(h, "/api/v1/workspaces/") == Ids{7540, 7541});
    CHECK(listed_ids(h, "/api/v1/workspaces?name=Operations") == Ids{7541});
    CHECK(listed_ids(h, "/api/v1/workspaces?id=7541,7640") == Ids{7541});
    CHECK(listed_ids(h, "/api/v1/workspaces?organization=4201&ordering=-name") == Ids{7541, 7540});
    CHECK(listed_ids(h, "/api/v1/workspaces?organization=4202") == Ids{});
    auto first = h.admin("GET", "/api/v1/workspaces?page_size=1");
    CHECK(first.body["pagination"]["total_pages"] == 2);
    CHECK(first.body["pagination"]["next"] == h.url("/api/v1/workspaces?page_size=1&page=2"));
    check_refused_query(h, "/api/v1/workspaces?organization=demo", "organization",
                        "Enter a number.");
}

TEST_CASE("workspaces: one workspace holds its queues; another organization's is not found",
          "[sandbox][resources]") {
    Harness h;
    auto workspace = h.admin("GET", "/api/v1/workspaces/7540");
    REQUIRE(workspace.status == 200);
    CHECK(workspace.body ==
          json{{"id", 7540},
               {"name", "Demo Workspace"},
               {"url", h.url("/api/v1/workspaces/7540")},
               {"autopilot", false},
               {"organization", h.url("/api/v1/organizations/4201")},
               {"queues", {h.url("/api/v1/queues/812"), h.url("/api/v1/queues/813")}},
               {"metadata", json::object()}});
    CHECK(h.admin("GET", "/api/v1/workspaces/7640").body == json{{"detail", "Not found."}});
}

TEST_CASE("queues: every documented field, with workspace, schema and the assigned users",
          "[sandbox][resources]") {
    Harness h;
    auto queue = h.admin("GET", "/api/v1/queues/812");
    REQUIRE(queue.status == 200);
    for (const char* field : {"id",
                              "name",
                              "url",
                              "workspace",
                              "connector",
                              "webhooks",
                              "hooks",
                              "schema",
                              "inbox",
                              "users",
                              "session_timeout",
                              "rir_url",
                              "generic_engine",
                              "dedicated_engine",
                              "rir_params",
                              "counts",
                              "default_score_threshold",
                              "automation_enabled",
                              "automation_level",
                              "locale",
                              "metadata",
                              "use_confirmed_state",
                              "settings",
                              "document_lifetime",
                              "delete_after",
                              "status",
                              "modified_by",
                              "modified_at",
                              "workflows"}) {
        CHECK(queue.body.contains(field));
    }
    CHECK(queue.body["workspace"] == h.url("/api/v1/workspaces/7540"));
    CHECK(queue.body["schema"] == h.url("/api/v1/schemas/31336"));
    CHECK(queue.body["users"] == json{h.url("/api/v1/users/10002")});
    CHECK(queue.body["counts"]["to_review"] == 0);
    CHECK(queue.body["counts"].size() == 13);
    CHECK(queue.body["status"] == "active");
    auto listed = h.admin("GET", "/api/v1/queues?id=812");
    CHECK(listed.body["results"][0] == queue.body);
}

TEST_CASE("queues: users follow the users' own queues as they change", "[sandbox][resources]") {
    Harness h;
    auto users_of = [&h](const std::string& queue) {
        return h.admin("GET", "/api/v1/queues/" + queue).body["users"];
    };
    REQUIRE(h.admin("PATCH", "/api/v1/users/10003", json{{"queues", {h.url("/api/v1/queues/812")}}})
                .status == 200);
    CHECK(users_of("812") == json{h.url("/api/v1/users/10002"), h.url("/api/v1/users/10003")});
    CHECK(users_of("814") == json::array());
    auto created = h.admin("POST", "/api/v1/users",
                           json{{"username", "svc.queue@demo.example"},
                                {"organization", h.url("/api/v1/organizations/4201")},
                                {"queues", {h.url("/api/v1/queues/814")}}});
    REQUIRE(created.status == 201);
    // json::array: with clang, json{j} of one json value copies j instead of making an array.
    CHECK(users_of("814") == json::array({created.body["url"]}));
    auto patched = h.call("PATCH", "/_sandbox/users/10002", json{{"queues", json::array()}});
    REQUIRE(patched.status == 200);
    CHECK(users_of("812") == json{h.url("/api/v1/users/10003")});
    CHECK(users_of("813") == json::array());
}

TEST_CASE("queues: filters by workspace, users, ids, locale and links, and ordering",
          "[sandbox][resources]") {
    Harness h;
    CHECK(listed_ids(h, "/api/v1/queues") == Ids{812, 813, 814});
    CHECK(listed_ids(h, "/api/v1/queues?workspace=7541") == Ids{814});
    CHECK(listed_ids(h, "/api/v1/queues?users=10002") == Ids{812, 813});
    CHECK(listed_ids(h, "/api/v1/queues?users=10003&users=10002") == Ids{812, 813, 814});
    CHECK(listed_ids(h, "/api/v1/queues?users=10001") == Ids{});
    CHECK(listed_ids(h, "/api/v1/queues?id=812,814") == Ids{812, 814});
    CHECK(listed_ids(h, "/api/v1/queues?ordering=-name") == Ids{813, 814, 812});
    CHECK(listed_ids(h, "/api/v1/queues?ordering=-workspace,name") == Ids{814, 812, 813});
    CHECK(listed_ids(h, "/api/v1/queues?locale=en_GB&deleting=false") == Ids{812, 813, 814});
    CHECK(listed_ids(h, "/api/v1/queues?deleting=true") == Ids{});
    CHECK(listed_ids(h, "/api/v1/queues?inbox=1229") == Ids{});
    CHECK(listed_ids(h, "/api/v1/queues?hooks=1") == Ids{});
    CHECK(listed_ids(h, "/api/v1/queues?name=Orders&workspace=") == Ids{814});
    check_refused_query(h, "/api/v1/queues?workspace=ops", "workspace", "Enter a number.");
}

TEST_CASE("schemas: a queue's schema link answers; another organization's does not",
          "[sandbox][resources]") {
    Harness h;
    auto schema = h.admin("GET", "/api/v1/schemas/31336");
    REQUIRE(schema.status == 200);
    CHECK(schema.body == json{{"id", 31336},
                              {"name", "Invoices schema"},
                              {"url", h.url("/api/v1/schemas/31336")},
                              {"queues", {h.url("/api/v1/queues/812")}},
                              {"content", json::array()},
                              {"metadata", json::object()},
                              {"modified_by", nullptr},
                              {"modified_at", nullptr}});
    CHECK(listed_ids(h, "/api/v1/schemas") == Ids{31336, 31337, 31338});
    CHECK(listed_ids(h, "/api/v1/schemas?queue=814") == Ids{31338});
    CHECK(h.admin("GET", "/api/v1/schemas/31436").status == 404);
}

TEST_CASE("resources: every link in the demo objects answers 200", "[sandbox][resources]") {
    Harness h;
    const std::string origin = h.url("");
    std::vector<std::string> links;
    for (const char* path : {"/api/v1/organizations/4201", "/api/v1/queues/812",
                             "/api/v1/queues/814", "/api/v1/workspaces/7541"}) {
        auto object = h.admin("GET", path);
        for (const auto& [field, value] : object.body.items()) {
            if (value.is_string() && value.get<std::string>().rfind(origin + "/api/v1/", 0) == 0) {
                links.push_back(value.get<std::string>());
            }
            if (value.is_array()) {
                for (const auto& item : value) {
                    links.push_back(item.get<std::string>());
                }
            }
        }
    }
    CHECK(links.size() > 10);
    for (const auto& link : links) {
        INFO(link);
        CHECK(h.admin("GET", link.substr(origin.size())).status == 200);
    }
}

TEST_CASE("resources: the requests of Rossum's CLI user create and user_assignment list work",
          "[sandbox][resources]") {
    Harness h;
    const std::string origin = h.url("");
    const std::string token = "Token " + h.admin_token(); // the CLI's header keyword
    auto get = [&](const std::string& url) {
        auto response = h.call("GET", url.rfind(origin, 0) == 0 ? url.substr(origin.size()) : url,
                               std::nullopt, token);
        REQUIRE(response.status == 200);
        return response.body;
    };
    // Every page of a list, following `next` as the CLI does.
    auto all = [&](const std::string& path) {
        json items = json::array();
        json page = get(path);
        for (;;) {
            for (const auto& item : page["results"]) {
                items.push_back(item);
            }
            if (page["pagination"]["next"].is_null()) {
                return items;
            }
            page = get(page["pagination"]["next"].get<std::string>());
        }
    };
    // user create USERNAME -q 814: organization, its workspaces, their queues sideloaded.
    CHECK(all("/api/v1/users?username=cli.user@demo.example").empty());
    json organization = get(get("/api/v1/auth/user")["organization"].get<std::string>());
    json queues_by_url = json::object();
    for (const auto& queue : all("/api/v1/queues")) {
        queues_by_url[queue["url"].get<std::string>()] = queue;
    }
    std::vector<std::string> queue_urls;
    for (const auto& workspace :
         all("/api/v1/workspaces?organization=" + organization["id"].dump())) {
        for (const auto& url : workspace["queues"]) {
            if (queues_by_url[url.get<std::string>()]["id"] == 814) {
                queue_urls.push_back(url);
            }
        }
    }
    REQUIRE(queue_urls == std::vector<std::string>{h.url("/api/v1/queues/814")});
    json groups = all("/api/v1/groups?name=annotator");
    REQUIRE(groups.size() == 1);
    auto created = h.call("POST", "/api/v1/users",
                          json{{"username", "cli.user@demo.example"},
                               {"email", "cli.user@demo.example"},
                               {"organization", organization["url"]},
                               {"password", "Cli-Generated-Secret-88"},
                               {"groups", {groups[0]["url"]}},
                               {"queues", queue_urls},
                               {"ui_settings", {{"locale", "en"}}}},
                          token);
    REQUIRE(created.status == 201);
    // user_assignment list -u ID: queues filtered by users, their users sideloaded.
    const std::string id = created.body["id"].dump();
    json users_by_url = json::object();
    for (const auto& user : all("/api/v1/users")) {
        users_by_url[user["url"].get<std::string>()] = user;
    }
    json assigned = all("/api/v1/queues?users=" + id);
    REQUIRE(assigned.size() == 1);
    CHECK(assigned[0]["id"] == 814);
    std::vector<std::string> usernames;
    for (const auto& url : assigned[0]["users"]) {
        usernames.push_back(users_by_url[url.get<std::string>()]["username"]);
    }
    CHECK(usernames ==
          std::vector<std::string>{"john.smith@demo.example", "cli.user@demo.example"});
}
