#include "rossum_accounts/core/export.hpp"

#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace ra {
namespace {

bool matches(const std::string& username, const std::vector<std::string>& globs) {
    if (globs.empty())
        return true;
    return std::any_of(globs.begin(), globs.end(),
                       [&](const std::string& glob) { return username_matches(glob, username); });
}

// The caller is left out: by id when the API gave one, since a case variant of the caller's
// username is another user; by username otherwise.
bool is_caller(const LiveUser& user, const LiveUser& caller) {
    return caller.id != 0 ? user.id == caller.id : same_username(user.username, caller.username);
}

// A --match pattern that selects no user is most likely a typo: say so instead of exporting
// silently less. Users export never writes (deleted ones, the caller) do not count as matches.
void warn_about_unmatched_globs(const LiveState& live, const std::vector<std::string>& globs,
                                std::vector<std::string>& warnings) {
    for (const auto& glob : globs) {
        const bool matched = std::any_of(live.users.begin(), live.users.end(), [&](const auto& u) {
            return !u.deleted && !is_caller(u, live.caller) && matches(u.username, {glob});
        });
        if (!matched)
            warnings.push_back(
                fmt::format("--match \"{}\" matched no user of the organization", glob));
    }
}

// A manifest declares each username once (the same username in the sense of username.hpp), so
// users that differ only in case cannot all be exported: keeping one would be an arbitrary
// choice, so none is kept and the warning names them all.
void leave_out_case_variants(std::vector<Account>& accounts, std::vector<std::string>& warnings) {
    std::map<std::string, std::vector<std::string_view>> by_fold;
    for (const Account& a : accounts)
        by_fold[fold_username(a.username)].push_back(a.username);
    std::vector<std::string> variants;
    for (const auto& [fold, names] : by_fold) {
        if (names.size() < 2)
            continue;
        variants.push_back(fold);
        warnings.push_back(fmt::format("users {} differ only in case, which one manifest cannot "
                                       "hold; left out (declare the one to manage by hand)",
                                       quote_usernames(names)));
    }
    std::erase_if(accounts, [&](const Account& a) {
        return std::binary_search(variants.begin(), variants.end(), fold_username(a.username));
    });
}

std::optional<std::string> non_empty(const std::string& s) {
    if (s.empty())
        return std::nullopt;
    return s;
}

} // namespace

ExportResult export_accounts(const LiveState& live, const std::vector<std::string>& globs) {
    std::map<std::string, std::string> role_by_url;
    for (const auto& g : live.groups)
        role_by_url[g.url] = g.name;
    ExportResult out;
    for (const auto& user : live.users) {
        if (user.deleted || is_caller(user, live.caller) || !matches(user.username, globs))
            continue;
        // Exporting one would produce a manifest that does not validate.
        if (user.username.empty()) {
            out.warnings.push_back(fmt::format(
                "user {} has an empty username, which a manifest cannot hold; left out", user.id));
            continue;
        }
        if (!declarable_username(user.username)) {
            out.warnings.push_back(
                fmt::format("user \"{}\" has a whitespace, control or invisible character in "
                            "its username ({}), which a manifest cannot hold; left out",
                            user.username, describe_undeclarable(user.username)));
            continue;
        }
        Account a;
        a.username = user.username;
        a.first_name = non_empty(user.first_name);
        a.last_name = non_empty(user.last_name);
        a.email = non_empty(user.email);
        a.active = user.is_active;
        for (const auto& url : user.groups) {
            auto it = role_by_url.find(url);
            if (it == role_by_url.end())
                out.warnings.push_back(fmt::format("user \"{}\": role {} is not one of the "
                                                   "organization's roles; left out",
                                                   user.username, url));
            else
                a.groups.push_back(it->second);
        }
        if (a.groups.empty()) {
            out.warnings.push_back(
                fmt::format("user \"{}\" has no role and is left out", user.username));
            continue;
        }
        if (!user.queues.empty()) {
            std::vector<std::int64_t> ids;
            for (const auto& url : user.queues)
                if (auto id = id_from_url(url))
                    ids.push_back(*id);
            std::sort(ids.begin(), ids.end());
            a.queues = ids;
        }
        out.accounts.push_back(std::move(a));
    }
    leave_out_case_variants(out.accounts, out.warnings);
    warn_about_unmatched_globs(live, globs, out.warnings);
    std::sort(out.accounts.begin(), out.accounts.end(), [](const Account& a, const Account& b) {
        return username_less(a.username, b.username);
    });
    return out;
}

} // namespace ra
