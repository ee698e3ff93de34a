#pragma once
// Manifest accounts, desired states and plans made over a FakeApi, for core and cli tests.

#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/planner.hpp"
#include "support/fake_api.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <map>
#include <string>
#include <vector>

namespace ra::test {

// The password every account gets from `passwords`: long enough for the policy.
inline const std::string k_password = "correct-horse-battery";

// An account as the loader gives it, at accounts.yaml:3:5, its password from the variable PW.
inline Account account(const std::string& username, std::vector<std::string> groups) {
    Account a;
    a.username = username;
    a.where = {"accounts.yaml", 3, 5};
    a.groups = std::move(groups);
    a.password = PasswordSource{PasswordSourceKind::env, "PW", ".", {}};
    return a;
}

inline DesiredState desired(std::vector<Account> accounts) {
    DesiredState d;
    d.accounts = std::move(accounts);
    return d;
}

// The resolved passwords of `usernames`, each k_password.
inline std::map<std::string, std::string> passwords(const std::vector<std::string>& usernames) {
    std::map<std::string, std::string> out;
    for (const auto& u : usernames)
        out[u] = k_password;
    return out;
}

inline std::map<std::string, std::string> passwords(std::initializer_list<std::string> usernames) {
    std::map<std::string, std::string> out;
    for (const auto& u : usernames)
        out[u] = k_password;
    return out;
}

// A plan and the live state it was made from.
struct LivePlan {
    LiveState live;
    Plan plan;
};

// What `plan` makes of `d` against the users `api` holds now; the plan must be made.
inline LivePlan live_plan_for(FakeApi& api, const DesiredState& d) {
    auto live = fetch_live_state(api, d, k_api);
    REQUIRE(live.ok());
    auto out = make_plan(d, *live);
    REQUIRE(out.plan);
    return {std::move(*live), std::move(*out.plan)};
}

inline Plan plan_for(FakeApi& api, const DesiredState& d) {
    return live_plan_for(api, d).plan;
}

} // namespace ra::test
