#include "rossum_accounts/core/fetch.hpp"

#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <functional>
#include <set>
#include <unordered_set>

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
    // Room for the whole batch at once, still growing geometrically over many pages.
    const std::size_t wanted = live.users.size() + users.size();
    if (live.users.capacity() < wanted)
        live.users.reserve(std::max(wanted, 2 * live.users.capacity()));
    for (auto& u : users) {
        if (!u.organization.empty() && u.organization != org.url &&
            id_from_url(u.organization) != org.id)
            continue;
        (u.deleted ? live.deleted_users : live.users).push_back(std::move(u));
    }
}

// A user the list showed twice is kept once, as first read: a user moves to the next page when
// one is added before it between two reads (by links, or by number with another removed, so the
// counts still agree). Twice, it would be two case variants of one name, or two deactivations.
void drop_users_read_twice(LiveState& live) {
    std::unordered_set<std::int64_t> read;
    read.reserve(live.users.size() + live.deleted_users.size());
    for (auto* users : {&live.users, &live.deleted_users}) {
        auto kept = users->begin();
        for (auto& u : *users) {
            if (!read.insert(u.id).second)
                continue;
            if (&*kept != &u)
                *kept = std::move(u);
            ++kept;
        }
        users->erase(kept, users->end());
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

// Runs the tasks side by side on `runner`; each writes only its own result.
void run_all(TaskRunner& runner, const std::vector<std::function<void()>>& tasks) {
    runner.run(tasks.size(), [&](std::size_t i) { tasks[i](); });
}

// Pages 2 … total_pages by number, side by side, plus `also` (another read of the same batch).
// nullopt when the pages disagree with the first (the list changed while it was read: a page
// reports another count of users or of pages, a page is past the end, or the last one has a next
// link); the caller then reads the list again by its links. The count matters even when the
// page count holds: a user removed before a page is read shifts the users after it one place
// back, so the first user of that page would be on no page read.
Result<std::optional<std::vector<LiveUser>>>
read_numbered_pages(RossumApi& api, TaskRunner& runner, std::int64_t organization_id,
                    const UserSieve* sieve, const Page<LiveUser>& first,
                    const std::function<void()>& also) {
    const std::int64_t total_pages = first.total_pages;
    using Pages = std::optional<std::vector<LiveUser>>;
    const auto count = static_cast<std::size_t>(total_pages - 1);
    std::vector<std::optional<Result<Page<LiveUser>>>> pages(count);
    std::vector<std::function<void()>> tasks;
    for (std::size_t i = 0; i < count; ++i)
        tasks.emplace_back([&, i] {
            pages[i] =
                api.users_page_number(organization_id, static_cast<std::int64_t>(i) + 2, sieve);
        });
    if (also)
        tasks.push_back(also);
    run_all(runner, tasks);
    std::vector<LiveUser> users;
    std::size_t read = 0;
    for (const auto& page : pages)
        read += *page ? (*page)->results.size() : 0;
    users.reserve(read); // 100,000 users moved once, not by doubling
    for (std::size_t i = 0; i < count; ++i) {
        auto& page = *pages[i];
        if (!page && page.error().kind == ErrorKind::not_found)
            return Pages(); // past the end of a list that shrank
        if (!page)
            return page.error();
        const bool last = i + 1 == count;
        if (page->total != first.total || page->total_pages != total_pages ||
            page->next.has_value() == last)
            return Pages();
        for (auto& u : page->results)
            users.push_back(std::move(u));
    }
    return Pages(std::move(users));
}

// The users after a page by following `next` links, one page after another. With `total`,
// a page reporting another count of users stops the reading (`agreed` is false): the list
// changed while it was read, and a user removed before the reading position has moved the first
// user of the next page onto a page already read, where no page shows it.
struct LinksRead {
    std::int64_t requests = 0;
    bool agreed = true;
};

Result<LinksRead> follow_links(RossumApi& api, LiveState& live, const UserSieve* sieve,
                               std::optional<std::string> next, std::optional<std::int64_t> total) {
    LinksRead read;
    while (next) {
        ++read.requests;
        auto more = api.users_page(live.organization.id, next, sieve);
        if (!more)
            return more.error();
        if (total && more->total != *total) {
            read.agreed = false;
            return read;
        }
        keep_organization_users(live, std::move(more->results));
        next = more->next;
    }
    return read;
}

// The list read again by its links from the first page, after pages that disagreed; the
// requests it took.
Result<std::int64_t> read_again_by_links(RossumApi& api, LiveState& live, const UserSieve* sieve) {
    live.users.clear();
    live.deleted_users.clear();
    auto again = api.users_page(live.organization.id, std::nullopt, sieve);
    if (!again)
        return again.error();
    keep_organization_users(live, std::move(again->results));
    auto rest = follow_links(api, live, sieve, again->next, std::nullopt);
    if (!rest)
        return rest.error();
    return 1 + rest->requests;
}

// Whole-list reading after the first page: by number side by side when the runner is wider than
// one and the pages agree, else by links; pages that disagree are read again by links.
Result<std::int64_t> read_remaining_pages(RossumApi& api, TaskRunner& runner, LiveState& live,
                                          const UserSieve* sieve, const Page<LiveUser>& first,
                                          const std::function<void()>& also) {
    if (runner.width() > 1 && first.total_pages > 1 && first.next) {
        auto pages = read_numbered_pages(api, runner, live.organization.id, sieve, first, also);
        if (!pages)
            return pages.error();
        if (*pages) {
            keep_organization_users(live, std::move(**pages));
            return first.total_pages - 1;
        }
        // The list changed under the reading: read it again, by its links, from the start.
        auto again = read_again_by_links(api, live, sieve);
        if (!again)
            return again.error();
        return first.total_pages - 1 + *again;
    }
    auto read = follow_links(api, live, sieve, first.next, first.total);
    if (!read)
        return read.error();
    std::int64_t requests = read->requests;
    if (!read->agreed) {
        auto again = read_again_by_links(api, live, sieve);
        if (!again)
            return again.error();
        requests += *again;
    }
    if (also)
        also();
    return requests;
}

// The accounts that are not on the first page, each looked up by username (side by side).
Result<std::int64_t> look_up_missing(RossumApi& api, TaskRunner& runner, LiveState& live,
                                     const std::vector<std::string>& missing,
                                     const std::function<void()>& also) {
    std::vector<std::optional<Result<std::vector<LiveUser>>>> found(missing.size());
    std::vector<std::function<void()>> tasks;
    for (std::size_t i = 0; i < missing.size(); ++i)
        tasks.emplace_back([&, i] { found[i] = api.users_by_username(missing[i]); });
    if (also)
        tasks.push_back(also);
    run_all(runner, tasks);
    std::set<std::int64_t> read;
    for (const auto& u : live.users)
        read.insert(u.id);
    for (const auto& u : live.deleted_users)
        read.insert(u.id);
    for (std::size_t i = 0; i < missing.size(); ++i) {
        auto& users = *found[i];
        if (!users)
            return users.error();
        // A look-up may return case variants already read (or found by another look-up); each
        // user is kept once, or it would look like two users differing only in case.
        std::vector<LiveUser> same_name;
        for (auto& u : *users)
            if (same_username(u.username, missing[i]) && read.insert(u.id).second)
                same_name.push_back(std::move(u));
        keep_organization_users(live, std::move(same_name));
    }
    return static_cast<std::int64_t>(missing.size());
}

// The read of the organization's name, when the request budget has room for it
// (docs/design.md §9.1): the name is a courtesy, the bound is not. `users_requests` is what the
// users will cost in all.
std::function<void()> organization_name_read(RossumApi& api, const DesiredState& desired,
                                             LiveState& live, bool names_queues, std::int64_t total,
                                             std::int64_t users_requests) {
    const auto accounts = static_cast<std::int64_t>(desired.accounts.size());
    const std::int64_t pages = (total + 99) / 100;
    const std::int64_t budget =
        3 + (desired.prune ? pages : std::min(accounts, pages)) + (names_queues ? 1 : 0);
    const std::int64_t sent = 2 + (names_queues ? 1 : 0) + users_requests;
    if (!live.organization.name.empty() || sent >= budget)
        return {};
    return [&api, &live] {
        // A caller that may not read its own organization plans by id alone.
        if (auto named = api.organization(live.organization.id))
            live.organization.name = named->name;
    };
}

Result<UsersRead> read_users(RossumApi& api, TaskRunner& runner, const DesiredState& desired,
                             LiveState& live, const UserSieve* sieve, Result<Page<LiveUser>> first,
                             bool names_queues) {
    if (!first)
        return first.error();
    UsersRead cost{1, first->total};
    const Page<LiveUser> page{{}, first->total, first->total_pages, first->next};
    keep_organization_users(live, std::move(first->results));
    const std::int64_t pages_left =
        page.total_pages > 1 ? page.total_pages - 1 : (page.next ? 1 : 0);
    auto missing = missing_accounts(desired, live.users);
    const bool by_pages = desired.prune || static_cast<std::int64_t>(missing.size()) >= pages_left;
    const std::int64_t planned =
        1 + (by_pages ? pages_left : static_cast<std::int64_t>(missing.size()));
    auto name = organization_name_read(api, desired, live, names_queues, page.total, planned);
    auto more = by_pages ? read_remaining_pages(api, runner, live, sieve, page, name)
                         : look_up_missing(api, runner, live, missing, name);
    if (!more)
        return more.error();
    drop_users_read_twice(live);
    cost.requests += *more;
    live.complete_user_list = by_pages && sieve == nullptr;
    live.users_looked_up = !by_pages && !missing.empty();
    return cost;
}

} // namespace

Result<LiveState> fetch_live_state(RossumApi& api, const DesiredState& desired,
                                   const std::string& api_url, TaskRunner& runner) {
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
    bool names_queues = false;
    for (const auto& a : desired.accounts)
        names_queues = names_queues || a.queues.has_value();
    const bool reads_users = !desired.accounts.empty() || desired.prune;
    // Without prune a plan looks only at the users that may match an account (design §9.6).
    std::optional<UserSieve> sieve;
    if (!desired.prune) {
        std::vector<std::string> usernames;
        usernames.reserve(desired.accounts.size());
        for (const auto& a : desired.accounts)
            usernames.push_back(a.username);
        sieve.emplace(usernames);
    }
    const UserSieve* sieving = sieve ? &*sieve : nullptr;
    // The groups, the queues and the first users page do not depend on each other.
    std::optional<Result<std::vector<Group>>> groups;
    std::optional<Result<std::vector<Queue>>> queues;
    std::optional<Result<Page<LiveUser>>> first;
    std::vector<std::function<void()>> tasks{[&] { groups = api.groups(); }};
    if (names_queues)
        tasks.emplace_back([&] { queues = api.queues(); });
    if (reads_users)
        tasks.emplace_back(
            [&] { first = api.users_page(live.organization.id, std::nullopt, sieving); });
    run_all(runner, tasks);
    if (!*groups)
        return groups->error();
    live.groups = std::move(**groups);
    if (queues) {
        if (!*queues)
            return queues->error();
        live.queues = std::move(**queues);
    }
    if (!reads_users) {
        live.complete_user_list = false;
        // No users read: the name costs the one request the budget keeps for the users.
        if (auto name = organization_name_read(api, desired, live, names_queues, 0, 0))
            name();
        return live;
    }
    auto users = read_users(api, runner, desired, live, sieving, std::move(*first), names_queues);
    if (!users)
        return users.error();
    return live;
}

} // namespace ra
