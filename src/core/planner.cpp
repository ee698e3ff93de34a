#include "rossum_accounts/core/planner.hpp"

#include "rossum_accounts/core/last_applied.hpp"
#include "rossum_accounts/core/plan_check.hpp"
#include "rossum_accounts/core/username.hpp"
#include "rossum_accounts/core/write.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <unordered_map>

namespace ra {
namespace {

using nlohmann::json;

bool is_marked(const json& metadata) {
    return metadata.is_object() && metadata.contains(k_marker_key) &&
           metadata[k_marker_key] == k_marker_value;
}

bool is_marked_user(const LiveUser& user) {
    return is_marked(user.metadata);
}

struct Lookup {
    std::map<std::string, const Group*> group_by_name;
    std::map<std::string, const Group*> group_by_url;
    std::map<std::int64_t, const Queue*> queue_by_id;
    // Only looked up, never walked in order: hashed, as they hold every user of the organization.
    std::unordered_map<std::string, std::vector<const LiveUser*>> users_by_fold; // case variants
    std::unordered_map<std::string, const LiveUser*> deleted_by_fold; // soft-deleted users
};

Lookup index_live(const LiveState& live) {
    Lookup idx;
    idx.users_by_fold.reserve(live.users.size());
    for (const auto& g : live.groups) {
        idx.group_by_name.emplace(g.name, &g);
        idx.group_by_url.emplace(g.url, &g);
    }
    for (const auto& q : live.queues)
        idx.queue_by_id.emplace(q.id, &q);
    for (const auto& u : live.users)
        if (!u.deleted)
            idx.users_by_fold[fold_username(u.username)].push_back(&u);
    for (const auto& u : live.deleted_users)
        idx.deleted_by_fold.emplace(fold_username(u.username), &u);
    return idx;
}

std::set<std::string> as_set(const std::vector<std::string>& v) {
    return {v.begin(), v.end()};
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

// A copy of `account` whose queue names (docs/design.md §5.10) are resolved to ids among the
// queues read; an unknown or ambiguous name is a diagnostic.
Account with_queue_ids(const Account& account, std::size_t index, const LiveState& live,
                       Diagnostics& diagnostics) {
    Account resolved = account;
    resolved.queue_names.clear();
    std::vector<std::int64_t>& ids =
        resolved.queues.emplace(account.queues.value_or(std::vector<std::int64_t>{}));
    for (const std::string& name : account.queue_names) {
        std::vector<std::int64_t> same;
        std::vector<std::string> other_case;
        for (const Queue& q : live.queues) {
            if (q.name == name)
                same.push_back(q.id);
            else if (same_username(q.name, name)) // the one case-folding rule, reused
                other_case.push_back(fmt::format("\"{}\" ({})", q.name, q.id));
        }
        const std::string path = fmt::format("accounts[{}].queues", index);
        if (same.size() == 1) {
            if (std::find(ids.begin(), ids.end(), same[0]) == ids.end())
                ids.push_back(same[0]);
            continue;
        }
        if (same.empty()) {
            std::string message =
                fmt::format("queue \"{}\" of account \"{}\" does not exist in organization {}",
                            name, account.username, live.organization.id);
            if (!other_case.empty())
                message += fmt::format("; did you mean {}?", fmt::join(other_case, " or "));
            diagnostics.push_back({account.where, path, message});
            continue;
        }
        diagnostics.push_back(
            {account.where, path,
             fmt::format("queue name \"{}\" of account \"{}\" is ambiguous: queues {} have it; "
                         "give the id",
                         name, account.username, fmt::join(same, ", "))});
    }
    std::sort(ids.begin(), ids.end()); // ids and names mixed: no manifest order to keep
    return resolved;
}

// The names of the queues the plan's changes mention, for display next to their ids.
std::map<std::int64_t, std::string> queue_names_shown(const Plan& plan, const LiveState& live) {
    std::set<std::int64_t> mentioned;
    for (const Action& a : plan.actions)
        for (const FieldChange& c : a.changes)
            if (c.field == "queues")
                for (const json* side : {&c.before, &c.after})
                    if (side->is_array())
                        for (const json& id : *side)
                            if (id.is_number_integer())
                                mentioned.insert(id.get<std::int64_t>());
    std::map<std::int64_t, std::string> names;
    for (const Queue& q : live.queues)
        if (mentioned.count(q.id) && !q.name.empty())
            names.emplace(q.id, q.name);
    return names;
}

// The metadata the write leaves: BASE with the declared keys, the marker and RECORD merged in.
json metadata_after(const json& base, const Account& account, const json& record) {
    json merged = base.is_object() ? base : json::object();
    for (const auto& [key, value] : account.metadata.items())
        merged[key] = value;
    merged[k_marker_key] = k_marker_value;
    merged[k_record_key] = record;
    return merged;
}

// The record the write carries: degraded, with a warning, when the full one would take the
// user's metadata beyond the API's limit (last_applied.hpp).
json fitting_record(const Account& account, bool is_create, const json& live_metadata, Action& a) {
    json record = record_for(account, is_create);
    // The merged metadata holds no member that is not in one of these parts, so the sum of
    // their bounds (each counting its own braces, which pay for the merged object's commas)
    // bounds it: far below the limit, the merge and its dump are not needed.
    static const std::size_t tool_keys = metadata_size_bound(json{{k_marker_key, k_marker_value}}) +
                                         metadata_size_bound(json{{k_record_key, nullptr}});
    const std::size_t bound = metadata_size_bound(live_metadata) +
                              metadata_size_bound(account.metadata) + tool_keys +
                              metadata_size_bound(record);
    if (bound <= k_metadata_limit)
        return record;
    const std::size_t size = metadata_size(metadata_after(live_metadata, account, record));
    if (size <= k_metadata_limit)
        return record;
    // Without its record the metadata may still not fit: say the write will be refused
    // rather than that the record alone is given up.
    const std::size_t bare =
        metadata_size(metadata_after(live_metadata, account, degraded_record()));
    if (bare > k_metadata_limit) {
        a.warnings.push_back(fmt::format(
            "the metadata of \"{}\" would be {} bytes even with the last-applied record written "
            "empty, beyond the API's {}; the API will refuse this write",
            account.username, bare, k_metadata_limit));
        return degraded_record();
    }
    a.warnings.push_back(fmt::format(
        "the last-applied record would take the metadata of \"{}\" to {} bytes, beyond the "
        "API's {}; it is written empty, so later changes of this user have cause unknown",
        account.username, size, k_metadata_limit));
    return degraded_record();
}

void set_cause(Action& a, Cause cause) {
    for (FieldChange& change : a.changes)
        change.cause = cause;
}

// The changes say everything the POST will carry (write.hpp derives it from them). Nothing
// live to compare with makes every change a manifest change, except when the name belongs to a
// managed user soft-deleted outside the tool: that is drift (and the create will fail, since a
// deleted user keeps its username).
Action plan_create(const Account& account, const PlanOptions& options,
                   const LiveUser* deleted_managed) {
    Action a;
    a.kind = ActionKind::create;
    a.username = account.username;
    a.source = format_source(account.where);
    a.password_source = account.password;
    a.changes.push_back({"username", nullptr, account.username});
    auto optional_field = [&](const char* field, const std::optional<std::string>& value) {
        if (value)
            a.changes.push_back({field, nullptr, *value});
    };
    optional_field("first_name", account.first_name);
    optional_field("last_name", account.last_name);
    optional_field("email", account.email);
    a.changes.push_back({"groups", nullptr, account.groups});
    if (account.queues)
        a.changes.push_back({"queues", nullptr, *account.queues});
    a.changes.push_back({"active", nullptr, account.active});
    for (const auto& [key, value] : account.metadata.items())
        a.changes.push_back({"metadata." + key, nullptr, value});
    a.changes.push_back({"managed_by", nullptr, k_marker_value});
    a.changes.push_back({"password", nullptr, sensitive_label(account.password)});
    set_cause(a, deleted_managed != nullptr ? Cause::drift : Cause::manifest);
    a.changes.push_back({k_record_key, nullptr, fitting_record(account, true, json::object(), a)});
    if (deleted_managed != nullptr)
        a.warnings.push_back(fmt::format(
            "user \"{}\" (id {}), which the tool managed, was deleted outside the tool; a deleted "
            "user keeps its username, so this create will fail",
            deleted_managed->username, deleted_managed->id));
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
    if (want && *want != have)
        a.changes.push_back({field, have, *want});
}

// Every change gets its cause from the user's record; an update also writes the record anew.
// An in-sync user is never written just to add or refresh its record (docs/design.md §5.8):
// that would turn every user adopted before records existed into an update.
void add_record(const Account& account, const LiveUser& user, Action& a) {
    const std::optional<json> record = live_record(user);
    for (FieldChange& change : a.changes)
        change.cause = classify_change(change, record);
    if (a.kind != ActionKind::update)
        return;
    const json& live_meta = user.metadata.is_object() ? user.metadata : json::object();
    json next = fitting_record(account, false, live_meta, a);
    json before = live_meta.contains(k_record_key) ? live_meta[k_record_key] : json(nullptr);
    if (before != next)
        a.changes.push_back({k_record_key, std::move(before), std::move(next)});
}

// Only the differing fields become changes; `before` is the live value as write.hpp's
// live_value() shows it, which apply checks a saved plan against.
Action plan_existing(const Account& account, const Resolved& r, const LiveUser& user,
                     const WriteContext& context) {
    Action a;
    a.username = account.username;
    a.source = format_source(account.where);
    a.user_id = user.id;
    a.user_url = user.url;
    a.fingerprint = fingerprint(user);
    compare_string(a, "first_name", account.first_name, user.first_name);
    compare_string(a, "last_name", account.last_name, user.last_name);
    if (as_set(r.group_urls) != as_set(user.groups))
        a.changes.push_back({"groups", live_value(user, "groups", context), account.groups});
    if (account.queues && as_set(r.queue_urls) != as_set(user.queues))
        a.changes.push_back({"queues", live_value(user, "queues", context), *account.queues});
    if (account.active != user.is_active)
        a.changes.push_back({"active", user.is_active, account.active});
    if (account.active && !user.is_active)
        a.warnings.push_back("re-activates the account, which is inactive now (deactivated "
                             "outside this manifest, by hand or by an earlier prune)");
    const json& live_meta = user.metadata.is_object() ? user.metadata : json::object();
    for (const auto& [key, value] : account.metadata.items()) {
        // A declared null is a value: it differs from an absent key, as on a create.
        const std::string field = "metadata." + key;
        if (!live_meta.contains(key) || live_meta[key] != value)
            a.changes.push_back({field, live_value(user, field, context), value});
    }
    if (!is_marked(live_meta))
        a.changes.push_back(
            {"managed_by", live_value(user, k_marker_key, context), k_marker_value});
    if (account.email && *account.email != user.email)
        a.warnings.push_back(fmt::format(
            "email differs (live \"{}\", manifest \"{}\") and cannot be changed through the API",
            user.email, *account.email));
    a.kind = a.changes.empty() ? ActionKind::skip : ActionKind::update;
    add_record(account, user, a);
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
    a.changes.push_back(
        {"active", true, false, classify_change({"active", true, false}, live_record(user))});
    // The tool's own deactivation is recorded, or its later re-activation would read as drift.
    if (std::optional<json> record = deactivated_record(user)) {
        if (*record == degraded_record())
            a.warnings.push_back(fmt::format(
                "the last-applied record saying active false would take the metadata of \"{}\" "
                "beyond the API's {} bytes; it is written empty, so a later re-activation has "
                "cause unknown",
                user.username, k_metadata_limit));
        a.changes.push_back({k_record_key, user.metadata[k_record_key], std::move(*record)});
    }
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

bool selected(std::string_view username, const PlanOptions& options) {
    auto matches = [&](const std::vector<std::string>& globs) {
        return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
            return username_matches(glob, username);
        });
    };
    return (options.targets.empty() || matches(options.targets)) && !matches(options.excludes);
}

// prune: a marked user not matched by any account but a case variant of a declared username is
// left alone, with a warning: deactivating it would surprise whoever declared the name.
void prune_users(const DesiredState& desired, const LiveState& live,
                 const std::set<const LiveUser*>& matched, const PlanOptions& options, Plan& plan) {
    std::map<std::string, const Account*> declared;
    for (const Account& account : desired.accounts)
        declared.emplace(fold_username(account.username), &account);
    for (const auto& user : live.users) {
        if (user.deleted || !is_marked(user.metadata) || matched.count(&user) ||
            !selected(user.username, options))
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

// Rossum keeps the username of a soft-deleted user (docs/rossum-api.md, users), so such a create
// is likely to fail as a conflict: say so before apply.
void warn_about_deleted_namesake(Action& create, const Lookup& idx) {
    auto it = idx.deleted_by_fold.find(fold_username(create.username));
    if (it != idx.deleted_by_fold.end())
        create.warnings.push_back(fmt::format(
            "a deleted user \"{}\" (id {}) holds this username; the create will likely be "
            "refused as a conflict",
            it->second->username, it->second->id));
}

// The API's username filter is not known to fold case as the tool does; it cannot be expected
// to match "STRASSE" for "straße", so a create of a non-ASCII username that look-ups found
// nothing for says so (docs/design.md §9.1).
void warn_about_unfolded_look_up(Action& create, const LiveState& live) {
    if (live.users_looked_up && !is_ascii(create.username))
        create.warnings.push_back(
            "this username was looked up with the API's username filter, which may miss a user "
            "differing from it only in Unicode case (such as \"SS\" for \"ß\"); if one exists, "
            "the create will be refused or make a second user. A plan that reads every page finds "
            "it: `rossum-accounts snapshot --output FILE`, then `plan --snapshot FILE` (prune: "
            "true reads them too, but also deactivates the users the manifest leaves out)");
}

// Deactivating or demoting the account the tool runs as is allowed, but never silently.
void add_caller_warnings(Plan& plan, const LiveState& live) {
    for (Action& action : plan.actions)
        for (std::string& warning : caller_warnings(action, live))
            action.warnings.push_back(std::move(warning));
}

// A stable sort by username_less, folding each username once rather than on every comparison.
void sort_by_username(std::vector<Action>& actions) {
    std::vector<std::pair<std::string, std::size_t>> order;
    order.reserve(actions.size());
    for (std::size_t i = 0; i < actions.size(); ++i)
        order.emplace_back(fold_username(actions[i].username), i);
    std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
        return a.first != b.first ? a.first < b.first
                                  : actions[a.second].username < actions[b.second].username;
    });
    std::vector<Action> sorted;
    sorted.reserve(actions.size());
    for (const auto& entry : order)
        sorted.push_back(std::move(actions[entry.second]));
    actions = std::move(sorted);
}

} // namespace

PlanOutcome make_plan(const DesiredState& desired, const LiveState& live,
                      const PlanOptions& options) {
    PlanOutcome out;
    Lookup idx = index_live(live);
    const WriteContext context = write_context(live);
    Plan plan;
    plan.api_url = live.api_url;
    plan.organization = live.organization;
    plan.targets = options.targets;
    plan.excludes = options.excludes;
    plan.max_deactivations = desired.max_deactivations;

    std::set<const LiveUser*> matched;
    // Diagnostics name `accounts[i]` within the account's own file, as the loader does: with
    // several manifests the position in the merged list would point at another account.
    std::map<std::string, std::size_t> accounts_in_file;
    for (const Account& declared : desired.accounts) {
        const std::size_t i = accounts_in_file[declared.where.file]++;
        if (!selected(declared.username, options))
            continue;
        std::optional<Account> named; // a copy only when queues are given by name
        if (!declared.queue_names.empty())
            named = with_queue_ids(declared, i, live, out.diagnostics);
        const Account& account = named ? *named : declared;
        Resolved r = resolve_account(account, i, idx, live, out.diagnostics);
        const std::size_t problems = out.diagnostics.size();
        const LiveUser* user = find_user(account, i, idx, out.diagnostics);
        if (user != nullptr) {
            matched.insert(user);
            plan.actions.push_back(plan_existing(account, r, *user, context));
        } else if (out.diagnostics.size() == problems) {
            // A deleted user keeps its username: a managed one deleted outside the tool is drift
            // (plan_create), any other is a warning.
            auto deleted = idx.deleted_by_fold.find(fold_username(account.username));
            const LiveUser* gone = deleted == idx.deleted_by_fold.end() ? nullptr : deleted->second;
            const bool managed = gone != nullptr && is_marked_user(*gone);
            plan.actions.push_back(plan_create(account, options, managed ? gone : nullptr));
            if (gone != nullptr && !managed)
                warn_about_deleted_namesake(plan.actions.back(), idx);
            warn_about_unfolded_look_up(plan.actions.back(), live);
        }
    }
    if (desired.prune) {
        if (!live.complete_user_list)
            plan.warnings.push_back("prune is on but the user list was not read completely; "
                                    "nothing is deactivated");
        else
            prune_users(desired, live, matched, options, plan);
    }
    if (!out.diagnostics.empty())
        return out;
    add_caller_warnings(plan, live);
    sort_by_username(plan.actions);
    if (plan.partial() && plan.actions.empty())
        plan.warnings.push_back("--target/--exclude select no declared account and no user to "
                                "deactivate");
    plan.queue_names = queue_names_shown(plan, live);
    out.plan = std::move(plan);
    return out;
}

std::int64_t deactivation_limit(const Plan& plan, std::optional<std::int64_t> flag) {
    if (flag)
        return *flag;
    if (plan.max_deactivations)
        return *plan.max_deactivations;
    const auto managed =
        std::count_if(plan.actions.begin(), plan.actions.end(),
                      [](const Action& a) { return a.kind != ActionKind::create; });
    return std::max<std::int64_t>(3, managed / 10);
}

// An update that sets `active: false` deactivates as surely as a prune does: a `defaults:
// {active: false}` merged by mistake is the same accident the cap exists for.
namespace {
bool deactivates(const Action& a) {
    if (a.kind == ActionKind::deactivate)
        return true;
    return a.kind == ActionKind::update &&
           std::any_of(a.changes.begin(), a.changes.end(), [](const FieldChange& c) {
               return c.field == "active" && c.before == true && c.after == false;
           });
}
} // namespace

Status check_deactivation_cap(const Plan& plan, std::optional<std::int64_t> flag) {
    std::vector<std::string_view> names;
    for (const Action& a : plan.actions)
        if (deactivates(a))
            names.push_back(a.username);
    const std::int64_t limit = deactivation_limit(plan, flag);
    if (static_cast<std::int64_t>(names.size()) <= limit)
        return ok_status();
    const char* why = flag                     ? "set by --max-deactivations"
                      : plan.max_deactivations ? "set by the manifest's max_deactivations"
                                               : "the default: the larger of 3 and 10 % of the "
                                                 "managed accounts";
    return make_error(ErrorKind::guard_rail,
                      fmt::format("the plan deactivates {} accounts, more than the {} allowed "
                                  "({}): {}. If this is intended, pass "
                                  "--max-deactivations {} or set max_deactivations in the "
                                  "manifest",
                                  names.size(), limit, why, quote_usernames(names), names.size()));
}

} // namespace ra
