#include "rossum_accounts/core/export.hpp"

#include <catch2/catch.hpp>

using namespace ra;

namespace {

LiveUser user(const std::string& username) {
    LiveUser u;
    u.username = username;
    u.groups = {"https://x.rossum.app/api/v1/groups/2"};
    return u;
}

LiveState live_with(std::vector<LiveUser> users) {
    LiveState live;
    live.caller = user("admin@acme");
    live.groups = {{2, "https://x.rossum.app/api/v1/groups/2", "viewer"}};
    live.users = std::move(users);
    return live;
}

} // namespace

TEST_CASE("export: usernames a manifest cannot hold are left out with a warning", "[export]") {
    auto out = export_accounts(
        live_with({user("ok@acme"), user("two words@acme"), user("tab\t@acme"), user("del\x7f")}),
        {});
    REQUIRE(out.accounts.size() == 1);
    CHECK(out.accounts[0].username == "ok@acme");
    REQUIRE(out.warnings.size() == 3);
    CHECK(out.warnings[0] == "user \"two words@acme\" has whitespace or control characters in its "
                             "username, which a manifest cannot hold; left out");
}

TEST_CASE("export: the caller, deleted users and users without a role are left out", "[export]") {
    LiveUser deleted = user("gone@acme");
    deleted.deleted = true;
    LiveUser no_role = user("norole@acme");
    no_role.groups.clear();
    auto out = export_accounts(
        live_with({user("admin@acme"), deleted, no_role, user("b@acme"), user("A@acme")}), {});
    REQUIRE(out.accounts.size() == 2);
    CHECK(out.accounts[0].username == "A@acme");
    CHECK(out.accounts[1].username == "b@acme");
    CHECK(out.warnings ==
          std::vector<std::string>{"user \"norole@acme\" has no role and is left out"});
}

TEST_CASE("export: a --match glob that selects no user is warned about, by name", "[export]") {
    LiveUser deleted = user("bot.gone@acme");
    deleted.deleted = true;
    auto out = export_accounts(live_with({user("bot.one@acme"), deleted, user("admin@acme")}),
                               {"BOT.*", "nomatch*", "bot.gone*", "admin*"});
    REQUIRE(out.accounts.size() == 1);
    CHECK(out.accounts[0].username == "bot.one@acme");
    CHECK(out.warnings ==
          std::vector<std::string>{"--match \"nomatch*\" matched no user of the organization",
                                   "--match \"bot.gone*\" matched no user of the organization",
                                   "--match \"admin*\" matched no user of the organization"});
}

TEST_CASE("export: without --match nothing is warned about an empty organization", "[export]") {
    auto out = export_accounts(live_with({user("admin@acme")}), {});
    CHECK(out.accounts.empty());
    CHECK(out.warnings.empty());
}
