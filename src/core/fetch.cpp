#include "rossum_accounts/core/fetch.hpp"

#include "rossum_accounts/core/username.hpp"

#include <fmt/format.h>
#include <set>

namespace ra {
namespace {

Result<Organization> resolve_organization(RossumApi& api, const DesiredState& desired,
                                          const LiveUser& caller) {
    auto caller_org = id_from_url(caller.organization);
    if (!caller_org)
        return make_error(ErrorKind::protocol,
                          fmt::format("the caller's organization \"{}\" is not an object URL",
                                      caller.organization));
    if (!desired.organization || *desired.organization == *caller_org) {
        Organization org;
        org.id = *caller_org;
        org.url = caller.organization;
        return org;
    }
    auto org = api.organization(*desired.organization);
    if (!org &&
        (org.error().kind == ErrorKind::not_found || org.error().kind == ErrorKind::permission))
        return make_error(ErrorKind::not_found,
                          fmt::format("organization {} is not visible to {}", *desired.organization,
                                      caller.username));
    return org;
}

// The organization's users into live.users; its soft-deleted ones, which only warnings use, into
// live.deleted_users.
void keep_organization_users(LiveState& live, std::vector<LiveUser> users) {
    const Organization& org = live.organization;
    for (auto& u : users) {
        if (!u.organization.empty() && u.organization != org.url &&
            id_from_url(u.organization) != org.id)
            continue;
        (u.deleted ? live.deleted_users : live.users).push_back(std::move(u));
    }
}

// Accounts whose exact username is not among the users read so far. A case variant read so far
// does not count: the exact user may be on a later page, and it would win the match.
std::vector<std::string> missing_accounts(const DesiredState& desired,
                                          const std::vector<LiveUser>& users) {
    std::set<std::string> seen;
    for (const auto& u : users)
        seen.insert(u.username);
    std::vector<std::string> missing;
    for (const auto& a : desired.accounts)
        if (!seen.count(a.username))
            missing.push_back(a.username);
    return missing;
}

// What reading the users cost: the requests sent, and the users list's total (U).
struct UsersRead {
    std::int64_t requests = 0;
    std::int64_t total = 0;
};

Result<UsersRead> read_users(RossumApi& api, const DesiredState& desired, LiveState& live) {
    if (desired.accounts.empty() && !desired.prune) {
        live.complete_user_list = false;
        return UsersRead{};
    }
    UsersRead cost{1, 0};
    auto page = api.users_page(live.organization.id, std::nullopt);
    if (!page)
        return page.error();
    cost.total = page->total;
    keep_organization_users(live, std::move(page->results));
    std::optional<std::string> next = page->next;
    std::int64_t pages_left = page->total_pages > 1 ? page->total_pages - 1 : (next ? 1 : 0);
    auto missing = missing_accounts(desired, live.users);
    bool by_pages = desired.prune || static_cast<std::int64_t>(missing.size()) >= pages_left;
    if (by_pages) {
        while (next) {
            ++cost.requests;
            auto more = api.users_page(live.organization.id, next);
            if (!more)
                return more.error();
            keep_organization_users(live, std::move(more->results));
            next = more->next;
        }
        live.complete_user_list = true;
        return cost;
    }
    std::set<std::int64_t> read;
    for (const auto& u : live.users)
        read.insert(u.id);
    for (const auto& u : live.deleted_users)
        read.insert(u.id);
    for (const auto& username : missing) {
        ++cost.requests;
        auto found = api.users_by_username(username);
        if (!found)
            return found.error();
        // A look-up may return case variants already read (or found by another look-up); each
        // user is kept once, or it would look like two users differing only in case.
        std::vector<LiveUser> same_name;
        for (auto& u : *found)
            if (same_username(u.username, username) && read.insert(u.id).second)
                same_name.push_back(std::move(u));
        keep_organization_users(live, std::move(same_name));
    }
    live.complete_user_list = false;
    return cost;
}

} // namespace

Result<LiveState> fetch_live_state(RossumApi& api, const DesiredState& desired,
                                   const std::string& api_url) {
    LiveState live;
    live.api_url = api_url;
    auto caller = api.current_user();
    if (!caller)
        return caller.error();
    live.caller = std::move(*caller);
    auto org = resolve_organization(api, desired, live.caller);
    if (!org)
        return org.error();
    live.organization = std::move(*org);
    auto groups = api.groups();
    if (!groups)
        return groups.error();
    live.groups = std::move(*groups);
    bool names_queues = false;
    for (const auto& a : desired.accounts)
        names_queues = names_queues || a.queues.has_value();
    if (names_queues) {
        auto queues = api.queues();
        if (!queues)
            return queues.error();
        live.queues = std::move(*queues);
    }
    auto users = read_users(api, desired, live);
    if (!users)
        return users.error();
    // The caller's own organization is read for its name (plans show it) only when the request
    // budget has room left (docs/design.md §9.1): the name is a courtesy, the bound is not.
    const auto accounts = static_cast<std::int64_t>(desired.accounts.size());
    const std::int64_t pages = (users->total + 99) / 100;
    const std::int64_t budget =
        3 + (desired.prune ? pages : std::min(accounts, pages)) + (names_queues ? 1 : 0);
    const std::int64_t sent = 2 + (names_queues ? 1 : 0) + users->requests;
    if (live.organization.name.empty() && sent < budget) {
        if (auto named = api.organization(live.organization.id))
            live.organization.name = named->name;
        // A caller that may not read its own organization plans by id alone.
    }
    return live;
}

} // namespace ra
