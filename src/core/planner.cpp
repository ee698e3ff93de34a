#include "rossum_accounts/core/planner.hpp"

#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

namespace ra {
namespace {

using nlohmann::json;

struct Lookup {
    std::map<std::string, const Group*> group_by_name;
    std::map<std::string, const Group*> group_by_url;
    std::map<std::int64_t, const Queue*> queue_by_id;
    std::map<std::string, std::vector<const LiveUser*>> users_by_fold; // case variants together
};

Lookup index_live(const LiveState& live) {
    Lookup idx;
    for (const auto& g : live.groups) {
        idx.group_by_name.emplace(g.name, &g);
        idx.group_by_url.emplace(g.url, &g);
    }
    for (const auto& q : live.queues)
        idx.queue_by_id.emplace(q.id, &q);
    for (const auto& u : live.users)
        if (!u.deleted)
            idx.users_by_fold[fold_username(u.username)].push_back(&u);
    return idx;
}

std::string group_name(const Lookup& idx, const std::string& url) {
    auto it = idx.group_by_url.find(url);
    return it == idx.group_by_url.end() ? url : it->second->name;
}

json live_group_names(const Lookup& idx, const LiveUser& user) {
    json names = json::array();
    for (const auto& url : user.groups)
        names.push_back(group_name(idx, url));
    return names;
}

json live_queue_ids(const LiveUser& user) {
    json ids = json::array();
    for (const auto& url : user.queues) {
        auto id = id_from_url(url);
        ids.push_back(id ? json(*id) : json(url));
    }
    return ids;
}

std::set<std::string> as_set(const std::vector<std::string>& v) {
    return {v.begin(), v.end()};
}

bool is_marked(const json& metadata) {
    return metadata.is_object() && metadata.contains(k_marker_key) &&
           metadata[k_marker_key] == k_marker_value;
}

// Role names and queue ids resolve against the organization; unknown ones are diagnostics.
struct Resolved {
    std::vector<std::string> group_urls;
    std::vector<std::string> queue_urls;
};

Resolved resolve_account(const Account& account, std::size_t index, const Lookup& idx,
                         const LiveState& live, Diagnostics& diagnostics) {
    Resolved r;
    for (const auto& role : account.groups) {
        auto it = idx.group_by_name.find(role);
        if (it == idx.group_by_name.end()) {
            diagnostics.push_back({account.where, fmt::format("accounts[{}].groups", index),
                                   fmt::format("role \"{}\" of account \"{}\" is not offered by "
                                               "organization {}",
                                               role, account.username, live.organization.id)});
            continue;
        }
        r.group_urls.push_back(it->second->url);
    }
    if (account.queues) {
        for (auto id : *account.queues) {
            auto it = idx.queue_by_id.find(id);
            if (it == idx.queue_by_id.end()) {
                diagnostics.push_back(
                    {account.where, fmt::format("accounts[{}].queues", index),
                     fmt::format("queue {} of account \"{}\" does not exist in organization {}", id,
                                 account.username, live.organization.id)});
                continue;
            }
            r.queue_urls.push_back(it->second->url);
        }
    }
    return r;
}

json marked_metadata(json base, const json& declared) {
    if (!base.is_object())
        base = json::object();
    for (const auto& [key, value] : declared.items())
        base[key] = value;
    base[k_marker_key] = k_marker_value;
    return base;
}

std::string sensitive_label(const Account& account) {
    if (!account.password)
        return "(sensitive: no password source)";
    return fmt::format("(sensitive: {})", describe(*account.password));
}

Action plan_create(const Account& account, const Resolved& r, const LiveState& live,
                   const PlanOptions& options) {
    Action a;
    a.kind = ActionKind::create;
    a.username = account.username;
    a.source = format_source(account.where);
    a.password_source = account.password;
    json& req = a.request;
    req["organization"] = live.organization.url;
    req["username"] = account.username;
    a.changes.push_back({"username", nullptr, account.username});
    auto optional_field = [&](const char* field, const std::optional<std::string>& value) {
        if (!value)
            return;
        req[field] = *value;
        a.changes.push_back({field, nullptr, *value});
    };
    optional_field("first_name", account.first_name);
    optional_field("last_name", account.last_name);
    optional_field("email", account.email);
    req["groups"] = r.group_urls;
    a.changes.push_back({"groups", nullptr, account.groups});
    if (account.queues) {
        req["queues"] = r.queue_urls;
        a.changes.push_back({"queues", nullptr, *account.queues});
    }
    req["is_active"] = account.active;
    a.changes.push_back({"active", nullptr, account.active});
    for (const auto& [key, value] : account.metadata.items())
        a.changes.push_back({"metadata." + key, nullptr, value});
    a.changes.push_back({"managed_by", nullptr, k_marker_value});
    req["metadata"] = marked_metadata(json::object(), account.metadata);
    a.changes.push_back({"password", nullptr, sensitive_label(account)});
    if (!account.password)
        a.warnings.push_back("account must be created but declares no password source; apply "
                             "will refuse it");
    auto warn = options.password_warnings.find(account.username);
    if (warn != options.password_warnings.end())
        a.warnings.push_back(warn->second);
    return a;
}

void compare_string(Action& a, const char* field, const std::optional<std::string>& want,
                    const std::string& have) {
    if (want && *want != have) {
        a.changes.push_back({field, have, *want});
        a.request[field] = *want;
    }
}

Action plan_existing(const Account& account, const Resolved& r, const LiveUser& user,
                     const Lookup& idx) {
    Action a;
    a.username = account.username;
    a.source = format_source(account.where);
    a.user_id = user.id;
    a.user_url = user.url;
    a.fingerprint = fingerprint(user);
    compare_string(a, "first_name", account.first_name, user.first_name);
    compare_string(a, "last_name", account.last_name, user.last_name);
    if (as_set(r.group_urls) != as_set(user.groups)) {
        a.changes.push_back({"groups", live_group_names(idx, user), account.groups});
        a.request["groups"] = r.group_urls;
    }
    if (account.queues && as_set(r.queue_urls) != as_set(user.queues)) {
        a.changes.push_back({"queues", live_queue_ids(user), *account.queues});
        a.request["queues"] = r.queue_urls;
    }
    if (account.active != user.is_active) {
        a.changes.push_back({"active", user.is_active, account.active});
        a.request["is_active"] = account.active;
    }
    const json& live_meta = user.metadata.is_object() ? user.metadata : json::object();
    bool metadata_differs = false;
    for (const auto& [key, value] : account.metadata.items()) {
        json before = live_meta.contains(key) ? live_meta[key] : json(nullptr);
        if (before != value) {
            a.changes.push_back({"metadata." + key, before, value});
            metadata_differs = true;
        }
    }
    if (!is_marked(live_meta)) {
        json before = live_meta.contains(k_marker_key) ? live_meta[k_marker_key] : json(nullptr);
        a.changes.push_back({"managed_by", before, k_marker_value});
        metadata_differs = true;
    }
    if (metadata_differs)
        a.request["metadata"] = marked_metadata(live_meta, account.metadata);
    if (account.email && *account.email != user.email)
        a.warnings.push_back(fmt::format(
            "email differs (live \"{}\", manifest \"{}\") and cannot be changed through the API",
            user.email, *account.email));
    a.kind = a.changes.empty() ? ActionKind::skip : ActionKind::update;
    return a;
}

Action plan_prune(const LiveUser& user) {
    Action a;
    a.username = user.username;
    a.user_id = user.id;
    a.user_url = user.url;
    a.fingerprint = fingerprint(user);
    if (!user.is_active) {
        a.kind = ActionKind::skip;
        return a;
    }
    a.kind = ActionKind::deactivate;
    a.changes.push_back({"active", true, false});
    a.request["is_active"] = false;
    return a;
}

bool is_caller(const LiveUser& user, const LiveUser& caller) {
    if (caller.id != 0 && user.id == caller.id)
        return true;
    return same_username(user.username, caller.username);
}

// The live user an account names: the exact username wins, else its only case variant; several
// case variants and no exact one make a diagnostic, since picking one could update the wrong
// user (docs/design.md, matching).
const LiveUser* find_user(const Account& account, std::size_t index, const Lookup& idx,
                          Diagnostics& diagnostics) {
    auto it = idx.users_by_fold.find(fold_username(account.username));
    if (it == idx.users_by_fold.end())
        return nullptr;
    std::vector<std::string_view> names;
    for (const LiveUser* u : it->second)
        names.push_back(u->username);
    UsernameMatch m = match_username(account.username, names);
    if (m.matched)
        return it->second[*m.matched];
    std::vector<std::string_view> variants;
    for (std::size_t i : m.ambiguous)
        variants.push_back(names[i]);
    diagnostics.push_back(
        {account.where, fmt::format("accounts[{}].username", index),
         fmt::format("username \"{}\" matches several users that differ only in case ({}) and "
                     "none exactly; write the exact one",
                     account.username, quote_usernames(variants))});
    return nullptr;
}

// prune: a marked user not matched by any account but a case variant of a declared username is
// left alone, with a warning: deactivating it would surprise whoever declared the name.
void prune_users(const DesiredState& desired, const LiveState& live,
                 const std::set<const LiveUser*>& matched, Plan& plan) {
    std::map<std::string, const Account*> declared;
    for (const Account& account : desired.accounts)
        declared.emplace(fold_username(account.username), &account);
    for (const auto& user : live.users) {
        if (user.deleted || !is_marked(user.metadata) || matched.count(&user))
            continue;
        if (is_caller(user, live.caller)) {
            if (live.caller.id != 0 && user.id != live.caller.id)
                plan.warnings.push_back(fmt::format(
                    "user \"{}\" carries the ownership marker and differs only in case from the "
                    "account the tool runs as (\"{}\"); it is not deactivated",
                    user.username, live.caller.username));
            continue;
        }
        auto variant_of = declared.find(fold_username(user.username));
        if (variant_of == declared.end()) {
            plan.actions.push_back(plan_prune(user));
            continue;
        }
        plan.warnings.push_back(fmt::format(
            "user \"{}\" carries the ownership marker and differs only in case from the declared "
            "\"{}\" ({}); it is not deactivated",
            user.username, variant_of->second->username, format_source(variant_of->second->where)));
    }
}

} // namespace

PlanOutcome make_plan(const DesiredState& desired, const LiveState& live,
                      const PlanOptions& options) {
    PlanOutcome out;
    Lookup idx = index_live(live);
    Plan plan;
    plan.api_url = live.api_url;
    plan.organization = live.organization;

    std::set<const LiveUser*> matched;
    for (std::size_t i = 0; i < desired.accounts.size(); ++i) {
        const Account& account = desired.accounts[i];
        Resolved r = resolve_account(account, i, idx, live, out.diagnostics);
        const std::size_t problems = out.diagnostics.size();
        const LiveUser* user = find_user(account, i, idx, out.diagnostics);
        if (user != nullptr) {
            matched.insert(user);
            plan.actions.push_back(plan_existing(account, r, *user, idx));
        } else if (out.diagnostics.size() == problems) {
            plan.actions.push_back(plan_create(account, r, live, options));
        }
    }
    if (desired.prune) {
        if (!live.complete_user_list)
            plan.warnings.push_back("prune is on but the user list was not read completely; "
                                    "nothing is deactivated");
        else
            prune_users(desired, live, matched, plan);
    }
    if (!out.diagnostics.empty())
        return out;
    std::stable_sort(
        plan.actions.begin(), plan.actions.end(),
        [](const Action& a, const Action& b) { return username_less(a.username, b.username); });
    out.plan = std::move(plan);
    return out;
}

nlohmann::json patch_to_match_create(const LiveUser& user, const nlohmann::json& request) {
    json patch = json::object();
    auto string_field = [&](const char* field, const std::string& have) {
        if (request.contains(field) && request[field] != have)
            patch[field] = request[field];
    };
    string_field("first_name", user.first_name);
    string_field("last_name", user.last_name);
    if (request.contains("groups")) {
        auto want = request["groups"].get<std::vector<std::string>>();
        if (as_set(want) != as_set(user.groups))
            patch["groups"] = want;
    }
    if (request.contains("queues")) {
        auto want = request["queues"].get<std::vector<std::string>>();
        if (as_set(want) != as_set(user.queues))
            patch["queues"] = want;
    }
    if (request.contains("is_active") && request["is_active"] != user.is_active)
        patch["is_active"] = request["is_active"];
    if (request.contains("metadata")) {
        const json& live_meta = user.metadata.is_object() ? user.metadata : json::object();
        bool differs = false;
        for (const auto& [key, value] : request["metadata"].items())
            if (!live_meta.contains(key) || live_meta[key] != value)
                differs = true;
        if (differs)
            patch["metadata"] = marked_metadata(live_meta, request["metadata"]);
    }
    return patch;
}

} // namespace ra
