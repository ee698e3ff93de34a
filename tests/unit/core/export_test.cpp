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
    CHECK(out.warnings[0] == "user \"two words@acme\" has a whitespace, control or invisible "
                             "character in its username (U+0020 at character 4), which a "
                             "manifest cannot hold; left out");
    CHECK(out.warnings[1].find("(U+0009 at character 4)") != std::string::npos);
    CHECK(out.warnings[2].find("(U+007F at character 4)") != std::string::npos);
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

TEST_CASE("export: --match globs fold non-ASCII letters and count characters, not bytes",
          "[export][matching]") {
    auto live = live_with({user("\xC3\x84pi@demo"), user("\xC3\xA4pi2@demo"), user("api@demo"),
                           user("STRASSE@demo")});
    auto out = export_accounts(live, {"\xC3\xA4pi*"});
    REQUIRE(out.accounts.size() == 2);
    CHECK(out.accounts[0].username == "\xC3\xA4pi2@demo"); // '2' sorts before '@'
    CHECK(out.accounts[1].username == "\xC3\x84pi@demo");
    auto one = export_accounts(live, {"?pi@demo"});
    REQUIRE(one.accounts.size() == 2);
    CHECK(one.accounts[0].username == "api@demo");
    CHECK(one.accounts[1].username == "\xC3\x84pi@demo");
    auto sharp = export_accounts(live, {"stra\xC3\x9F"
                                        "e@*"});
    REQUIRE(sharp.accounts.size() == 1);
    CHECK(sharp.accounts[0].username == "STRASSE@demo");
}

TEST_CASE("export: a case variant of the caller is another user and is exported",
          "[export][matching]") {
    auto live = live_with({user("admin@acme"), user("Admin@acme")});
    live.caller.id = 7;
    live.users[0].id = 7;
    live.users[1].id = 8;
    auto out = export_accounts(live, {});
    REQUIRE(out.accounts.size() == 1);
    CHECK(out.accounts[0].username == "Admin@acme");
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

TEST_CASE("export: users that differ only in case are left out with a warning naming them",
          "[export][hostile]") {
    // Both were exported, and the manifest was refused: duplicate username.
    auto out = export_accounts(live_with({user("Dup@acme"), user("ok@acme"), user("dup@acme"),
                                          user("\xc3\x84pi@acme"), user("\xc3\xa4pi@acme")}),
                               {});
    REQUIRE(out.accounts.size() == 1);
    CHECK(out.accounts[0].username == "ok@acme");
    CHECK(out.warnings ==
          std::vector<std::string>{
              "users \"Dup@acme\", \"dup@acme\" differ only in case, which one manifest cannot "
              "hold; left out (declare the one to manage by hand)",
              "users \"\xc3\x84pi@acme\", \"\xc3\xa4pi@acme\" differ only in case, which one "
              "manifest cannot hold; left out (declare the one to manage by hand)"});
}

TEST_CASE("export: a user with an empty username is left out, named by its id", "[export]") {
    LiveUser empty = user("");
    empty.id = 4711;
    auto out = export_accounts(live_with({user("ok@acme"), empty}), {});
    REQUIRE(out.accounts.size() == 1);
    REQUIRE(out.warnings.size() == 1);
    CHECK(out.warnings[0] ==
          "user 4711 has an empty username, which a manifest cannot hold; left out");
}
