#include "rossum_accounts/core/fetch.hpp"
#include "support/fake_api.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace ra;
using ra::test::FakeApi;

namespace {

DesiredState with_accounts(int n, bool prune = false, const std::string& prefix = "svc") {
    DesiredState d;
    d.prune = prune;
    for (int i = 0; i < n; ++i) {
        Account a;
        a.username = prefix + std::to_string(i) + "@acme";
        a.groups = {"viewer"};
        d.accounts.push_back(a);
    }
    return d;
}

void populate(FakeApi& api, int users) {
    for (int i = 0; i < users; ++i)
        api.add_user("bulk" + std::to_string(i) + "@acme", {"viewer"});
}

int ceil_div(int a, int b) {
    return (a + b - 1) / b;
}

} // namespace

TEST_CASE("fetch: few accounts among many users are looked up by username", "[fetch][budget]") {
    FakeApi api;
    populate(api, 999); // 1000 users with the caller: 10 pages
    auto d = with_accounts(3);
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("users_page") == 1);
    CHECK(api.calls("users_by_username") == 3);
    CHECK_FALSE(live->complete_user_list);
    CHECK(api.total_calls() <= 3 + std::min(3, ceil_div(1000, 100)));
}

TEST_CASE("fetch: many accounts are read by pages", "[fetch][budget]") {
    FakeApi api;
    populate(api, 349);
    auto d = with_accounts(50);
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("users_page") == 4);
    CHECK(api.calls("users_by_username") == 0);
    CHECK(api.total_calls() <= 3 + std::min(50, ceil_div(350, 100)));
}

TEST_CASE("fetch: without prune only the users that may match an account are kept",
          "[fetch][sieve]") {
    FakeApi api;
    populate(api, 300);
    api.add_user("svc7@acme", {"viewer"});
    api.add_user("SVC8@ACME", {"viewer"}); // a case variant is the same username
    api.add_user("svc9@acme.x", {"viewer"});
    api.add_user("svc10@acme", {"viewer"}).deleted = true;
    for (bool prune : {false, true}) {
        INFO("prune " << prune);
        auto d = with_accounts(50, prune);
        const auto pages_before = api.calls("users_page");
        auto live = fetch_live_state(api, d, ra::test::k_api);
        REQUIRE(live.ok());
        CHECK(api.calls("users_page") - pages_before == 4); // the same pages either way
        std::vector<std::string> read;
        for (const auto& u : live->users)
            read.push_back(u.username);
        REQUIRE(live->deleted_users.size() == 1);
        CHECK(live->deleted_users[0].username == "svc10@acme");
        if (prune) {
            CHECK(read.size() == 304); // the caller, 300 bulk users, three others
            CHECK(live->complete_user_list);
        } else {
            CHECK(read == std::vector<std::string>{"svc7@acme", "SVC8@ACME"});
            CHECK_FALSE(live->complete_user_list); // prune would need the others
        }
    }
}

TEST_CASE("fetch: accounts found on the first page need no look-up", "[fetch][budget]") {
    FakeApi api;
    populate(api, 999);
    DesiredState d = with_accounts(2, false, "bulk"); // bulk0, bulk1 are on page 1
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("users_page") == 1);
    CHECK(api.calls("users_by_username") == 0);
}

TEST_CASE("fetch: prune reads the whole list", "[fetch][budget][prune]") {
    FakeApi api;
    populate(api, 999);
    auto d = with_accounts(1, true);
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("users_page") == 10);
    CHECK(live->complete_user_list);
    CHECK(api.total_calls() <= 3 + 10);
}

TEST_CASE("fetch: queues are read only when the manifest names them", "[fetch][budget]") {
    FakeApi api;
    auto d = with_accounts(1);
    REQUIRE(fetch_live_state(api, d, ra::test::k_api).ok());
    CHECK(api.calls("queues") == 0);
    d.accounts[0].queues = std::vector<std::int64_t>{812};
    REQUIRE(fetch_live_state(api, d, ra::test::k_api).ok());
    CHECK(api.calls("queues") == 1);
}

TEST_CASE("fetch: an organization the caller cannot see is an error", "[fetch]") {
    FakeApi api;
    auto d = with_accounts(1);
    d.organization = 9999;
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE_FALSE(live.ok());
    CHECK(live.error().kind == ErrorKind::not_found);
    CHECK(live.error().message == "organization 9999 is not visible to admin@acme");
}

TEST_CASE("fetch: the caller's own organization is read for its name when the budget has room",
          "[fetch][budget]") {
    FakeApi api;
    auto d = with_accounts(1);
    d.organization = 4201;
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("organization") == 1);
    CHECK(live->organization.name == "Acme");
    CHECK(api.total_calls() <= 3 + 1);
}

TEST_CASE("fetch: the organization's name is left out when the budget has no room for it",
          "[fetch][budget]") {
    FakeApi api;
    populate(api, 999);
    auto d = with_accounts(3); // none on the first page: 3 look-ups use the whole budget
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("users_by_username") == 3);
    CHECK(api.calls("organization") == 0);
    CHECK(live->organization.name.empty());
    CHECK(api.total_calls() == 3 + 3);
}

TEST_CASE("fetch: soft-deleted users are ignored", "[fetch]") {
    FakeApi api;
    api.add_user("svc0@acme", {"viewer"}).deleted = true;
    auto live = fetch_live_state(api, with_accounts(1), ra::test::k_api);
    REQUIRE(live.ok());
    for (const auto& u : live->users)
        CHECK(u.username != "svc0@acme");
}

TEST_CASE("fetch: a case variant on the first page does not stop the look-up of the exact user",
          "[fetch][matching]") {
    FakeApi api;
    const std::int64_t variant_id = api.add_user("Dup@acme", {"viewer"}).id; // on page 1
    populate(api, 998);
    const std::int64_t exact_id = api.add_user("dup@acme", {"viewer"}).id; // on page 10
    DesiredState d;
    Account a;
    a.username = "dup@acme";
    a.groups = {"viewer"};
    d.accounts.push_back(a);
    auto live = fetch_live_state(api, d, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(api.calls("users_by_username") == 1);
    std::vector<std::int64_t> dups;
    for (const auto& u : live->users)
        if (u.username == "Dup@acme" || u.username == "dup@acme")
            dups.push_back(u.id);
    std::sort(dups.begin(), dups.end());
    CHECK(dups == std::vector<std::int64_t>{variant_id, exact_id}); // each user once
}
