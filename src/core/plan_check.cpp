#include "rossum_accounts/core/plan_check.hpp"

#include "rossum_accounts/core/last_applied.hpp"
#include "rossum_accounts/core/planner.hpp"
#include "rossum_accounts/core/username.hpp"
#include "rossum_accounts/core/write.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <map>
#include <set>

namespace ra {
namespace {

using nlohmann::json;

Error invalid(const std::string& path, const std::string& message) {
    return make_error(ErrorKind::invalid_input, path + ": " + message);
}

std::string action_path(std::size_t i) {
    return fmt::format("actions[{}]", i);
}

std::string change_path(std::size_t i, std::size_t j) {
    return fmt::format("actions[{}].changes[{}]", i, j);
}

bool is_sensitive_placeholder(const json& j) {
    if (!j.is_string())
        return false;
    const auto& s = j.get_ref<const std::string&>();
    return s.starts_with("(sensitive: ") && s.ends_with(")");
}

bool distinct(const json& list) {
    std::set<std::string> seen;
    for (const auto& item : list)
        if (!seen.insert(item.dump()).second)
            return false;
    return true;
}

bool all_of_type(const json& list, bool (json::*is)() const noexcept) {
    return std::all_of(list.begin(), list.end(), [&](const json& item) { return (item.*is)(); });
}

// Why `after` is not a value FIELD can take, or empty.
std::string after_problem(const FieldChange& change) {
    const json& after = change.after;
    const std::string& field = change.field;
    if (field == "username" || field == "first_name" || field == "last_name" || field == "email")
        return after.is_string() ? "" : "expected a string";
    if (field == "groups") {
        bool ok = after.is_array() && !after.empty() && all_of_type(after, &json::is_string) &&
                  distinct(after);
        return ok ? "" : "expected a non-empty list of distinct role names";
    }
    if (field == "queues") {
        bool ok =
            after.is_array() && all_of_type(after, &json::is_number_integer) && distinct(after);
        return ok ? "" : "expected a list of distinct queue ids";
    }
    if (field == "active")
        return after.is_boolean() ? "" : "expected true or false";
    if (field == k_marker_key)
        return after == k_marker_value ? "" : "the ownership marker is always \"rossum-accounts\"";
    if (field == "password")
        return is_sensitive_placeholder(after) ? ""
                                               : "a password change must read \"(sensitive: ...)\"";
    if (metadata_key(field))
        return after.is_structured() ? "expected a scalar metadata value" : "";
    return "";
}

// Why FIELD may not be changed by an action of KIND, or empty.
std::string field_problem(ActionKind kind, const std::string& field) {
    static const std::set<std::string> k_writable = {
        "first_name", "last_name", "groups", "queues", "active", k_marker_key, k_record_key};
    if (metadata_key(field) == k_marker_key)
        return "\"managed_by\" is the ownership marker, not a metadata key";
    if (metadata_key(field) == k_record_key)
        return fmt::format("\"{}\" is the last-applied record, not a metadata key", k_record_key);
    bool writable = k_writable.count(field) > 0 || metadata_key(field).has_value();
    if (kind == ActionKind::create) {
        if (writable || field == "username" || field == "email" || field == "password")
            return "";
        return fmt::format("\"{}\" is not a field a plan writes", field);
    }
    if (field == "username")
        return "a plan never renames a user";
    if (field == "password")
        return "a password is set only when the user is created";
    if (field == "email")
        return "email cannot be changed through the API";
    return writable ? "" : fmt::format("\"{}\" is not a field a plan writes", field);
}

Status check_change(const Action& action, const FieldChange& change, const std::string& path) {
    if (auto problem = field_problem(action.kind, change.field); !problem.empty())
        return invalid(path + ".field", problem);
    if (change.field == "password" && !change.before.is_null())
        return invalid(path + ".before", "a password change has no before value");
    if (action.kind == ActionKind::create && !change.before.is_null())
        return invalid(path + ".before", "a create has no before value");
    if (auto problem = after_problem(change); !problem.empty())
        return invalid(path + ".after", problem);
    if (change.field == "username" && change.after != action.username)
        return invalid(path + ".after",
                       fmt::format("must be the action's username \"{}\"", action.username));
    // Its agreement with the other changes is checked last (check_record), so that an edit of
    // another change is named by that change's own check.
    if (change.field == k_record_key && action.kind != ActionKind::deactivate) // see check_record
        if (auto problem = record_shape_problem(action, change.after); !problem.empty())
            return invalid(path + ".after", "last-applied record " + problem);
    if (change.field == k_record_key && change.cause)
        return invalid(path + ".cause", "the last-applied record has no cause");
    return ok_status();
}

// A deactivate and a skip have exactly one possible list of changes.
Status check_fixed_changes(const Action& action, std::size_t i) {
    const std::string changes = action_path(i) + ".changes";
    if (action.kind == ActionKind::deactivate) {
        // active true -> false, and the last-applied record saying so when the user has one
        // (check_record holds it to exactly that).
        const bool only_active =
            (action.changes.size() == 1 ||
             (action.changes.size() == 2 && action.changes[1].field == k_record_key)) &&
            action.changes[0].field == "active" && action.changes[0].before == true &&
            action.changes[0].after == false;
        if (!only_active)
            return invalid(changes, "a deactivate changes exactly active from true to false");
    }
    if (action.kind == ActionKind::skip && !action.changes.empty())
        return invalid(changes, "a skip changes nothing");
    return ok_status();
}

Status check_changes(const Action& action, std::size_t i) {
    if (auto st = check_fixed_changes(action, i); !st)
        return st;
    std::set<std::string> fields;
    for (std::size_t j = 0; j < action.changes.size(); ++j) {
        const FieldChange& change = action.changes[j];
        if (!fields.insert(change.field).second)
            return invalid(change_path(i, j) + ".field",
                           fmt::format("\"{}\" is changed twice", change.field));
        if (auto st = check_change(action, change, change_path(i, j)); !st)
            return st;
    }
    const std::string changes = action_path(i) + ".changes";
    if (action.kind == ActionKind::create)
        for (const char* required :
             {"username", "groups", "active", k_marker_key, "password", k_record_key})
            if (!fields.count(required))
                return invalid(changes, fmt::format("a create must set \"{}\"", required));
    if (action.kind == ActionKind::update && action.changes.empty())
        return invalid(changes, "an update changes at least one field");
    return ok_status();
}

// A fresh plan shows a password file as the manifest names it (relative to the manifest's
// directory) while password_source records the joined absolute path: SHOWN names PATH when it is
// PATH or PATH's trailing components (leading ".." dropped, as the joined path has none).
bool shows_file(const std::string& shown, const std::string& path) {
    const std::filesystem::path full = std::filesystem::path(path).lexically_normal();
    std::vector<std::filesystem::path> tail;
    for (const auto& part : std::filesystem::path(shown).lexically_normal())
        if (part != ".." || !tail.empty())
            tail.push_back(part);
    std::vector<std::filesystem::path> parts(full.begin(), full.end());
    if (tail.empty() || tail.size() > parts.size())
        return false;
    return std::equal(tail.rbegin(), tail.rend(), parts.rbegin());
}

bool label_shows_source(const json& after, const std::optional<PasswordSource>& source) {
    if (after == sensitive_label(source))
        return true;
    static constexpr std::string_view k_file = "(sensitive: file ";
    if (!source || source->kind != PasswordSourceKind::file || !after.is_string())
        return false;
    const auto& label = after.get_ref<const std::string&>();
    if (!label.starts_with(k_file) || !label.ends_with(")"))
        return false;
    return shows_file(label.substr(k_file.size(), label.size() - k_file.size() - 1), source->name);
}

// The screen shows the password change's label, the executor reads `password_source`: an
// edited plan whose two differ would set a password read from a source it does not show.
Status check_password_label(const Action& action, std::size_t i) {
    for (std::size_t j = 0; j < action.changes.size(); ++j)
        if (action.changes[j].field == "password" &&
            !label_shows_source(action.changes[j].after, action.password_source))
            return invalid(change_path(i, j) + ".after",
                           fmt::format("must name the action's password_source, \"{}\"",
                                       sensitive_label(action.password_source)));
    return ok_status();
}

Status check_action(const Action& action, std::size_t i) {
    // Creates come from manifest accounts; other actions name live users, which may hold any
    // username (a prune of one with a space), and check_user ties them to the user re-read.
    if (action.kind == ActionKind::create && !declarable_username(action.username))
        return invalid(action_path(i) + ".username",
                       "a plan creates only usernames a manifest can declare (no whitespace, "
                       "control or invisible characters)");
    if (action.kind != ActionKind::create && action.password_source)
        return invalid(action_path(i) + ".password_source", "only a create has one");
    if (auto st = check_changes(action, i); !st)
        return st;
    return check_password_label(action, i);
}

// Roles and queues named by `change` that the organization does not have.
Status check_resolves(const FieldChange& change, const WriteContext& context, const LiveState& live,
                      const std::string& path) {
    if (change.field == "groups")
        for (const auto& role : change.after)
            if (!context.group_url_by_role.count(role.get<std::string>()))
                return invalid(path + ".after",
                               fmt::format("role \"{}\" is not offered by organization {}",
                                           role.get<std::string>(), live.organization.id));
    if (change.field == "queues")
        for (const auto& id : change.after)
            if (!context.queue_url_by_id.count(id.get<std::int64_t>()))
                return invalid(path + ".after",
                               fmt::format("queue {} does not exist in organization {}",
                                           id.get<std::int64_t>(), live.organization.id));
    return ok_status();
}

// The record is derived, never an edit of its own: it states what the action's changes write
// (record_problem) and, in an update, the user's value for every field it states without a
// change. An update without a record line must leave a record that already states what it
// writes (the planner omits the line only then). USER is null for a create.
Status check_record(const Action& action, const LiveUser* user, const WriteContext& context,
                    std::size_t i) {
    if (action.kind == ActionKind::deactivate && user != nullptr) {
        // Exactly the user's record with "active": false, or none when it has no such record.
        const std::optional<json> expected = deactivated_record(*user);
        const bool has_line = action.changes.size() == 2;
        if (has_line != expected.has_value() || (has_line && action.changes[1].after != *expected))
            return invalid(action_path(i) + ".changes",
                           fmt::format("a deactivate writes the last-applied record \"{}\" as "
                                       "the user's own with active false, and nothing else",
                                       k_record_key));
        return ok_status();
    }
    if (action.kind != ActionKind::create && action.kind != ActionKind::update)
        return ok_status();
    for (std::size_t j = 0; j < action.changes.size(); ++j)
        if (action.changes[j].field == k_record_key) {
            const json& record = action.changes[j].after;
            auto problem = record_problem(action, record);
            if (problem.empty() && user != nullptr)
                problem = record_live_problem(action, record, *user, context);
            if (!problem.empty())
                return invalid(change_path(i, j) + ".after", "last-applied record " + problem);
            return ok_status();
        }
    if (user == nullptr)
        return ok_status(); // check_changes requires a create's record line
    const std::optional<json> record = live_record(*user);
    if (!record || !record_problem(action, *record).empty() ||
        !record_live_problem(action, *record, *user, context).empty())
        return invalid(action_path(i) + ".changes",
                       fmt::format("an update writes the last-applied record \"{}\"; "
                                   "run plan --out again",
                                   k_record_key));
    return ok_status();
}

// Another user of the organization read whose username is exactly `username`, or null.
const LiveUser* exact_holder(const LiveState& live, const std::string& username,
                             std::int64_t other_than) {
    for (const auto& u : live.users)
        if (u.username == username && u.id != other_than)
            return &u;
    return nullptr;
}

Status check_user(const Action& action, const LiveUser& user, const LiveState& live,
                  const WriteContext& context, std::size_t i) {
    const std::string path = action_path(i);
    if (!same_username(action.username, user.username))
        return invalid(path + ".username", fmt::format("user {} is \"{}\", not \"{}\"", user.id,
                                                       user.username, action.username));
    // The exact username wins (docs/design.md §5.1): an action shown under a username that
    // another user holds exactly, but aimed at a case variant, writes to a user it does not show.
    if (const LiveUser* exact = exact_holder(live, action.username, user.id))
        return invalid(path + ".username",
                       fmt::format("user {} is \"{}\", but \"{}\" is exactly the username of "
                                   "user {}, which a plan would match instead",
                                   user.id, user.username, action.username, exact->id));
    if (action.user_url != user.url)
        return invalid(path + ".user_url", fmt::format("user {} is at {}", user.id, user.url));
    for (std::size_t j = 0; j < action.changes.size(); ++j)
        if (action.changes[j].before != live_value(user, action.changes[j].field, context))
            return invalid(change_path(i, j) + ".before",
                           "is not the user's value the plan was made from");
    return ok_status();
}

// A fresh plan deactivates (prunes) only users carrying the ownership marker, and every update
// of an unmarked user adopts it: an edited plan must not touch a user the tool does not manage.
Status check_ownership(const Action& action, const LiveUser& user, const WriteContext& context,
                       std::size_t i) {
    if (live_value(user, k_marker_key, context) == k_marker_value)
        return ok_status();
    if (action.kind == ActionKind::deactivate)
        return invalid(action_path(i) + ".action",
                       fmt::format("user {} (\"{}\") does not carry the ownership marker; a plan "
                                   "deactivates only users it manages",
                                   user.id, user.username));
    const bool adopts = std::any_of(action.changes.begin(), action.changes.end(),
                                    [](const FieldChange& c) { return c.field == k_marker_key; });
    if (action.kind == ActionKind::update && !adopts)
        return invalid(action_path(i) + ".changes",
                       fmt::format("user {} (\"{}\") does not carry the ownership marker; an "
                                   "update of it sets \"managed_by\"",
                                   user.id, user.username));
    return ok_status();
}

Status check_caller(const Action& action, const LiveState& live, std::size_t i) {
    const bool is_caller = live.caller.id != 0 && action.user_id == live.caller.id;
    if (is_caller && action.kind == ActionKind::deactivate)
        return invalid(action_path(i), fmt::format("deactivates {}, the account the tool runs as; "
                                                   "a plan never prunes it",
                                                   action.username));
    for (const std::string& warning : caller_warnings(action, live))
        if (std::find(action.warnings.begin(), action.warnings.end(), warning) ==
            action.warnings.end())
            return invalid(action_path(i) + ".warnings",
                           fmt::format("changes the account the tool runs as without saying so: "
                                       "expected the warning \"{}\"",
                                       warning));
    return ok_status();
}

// Whether the plan's --target/--exclude selection takes USERNAME (planner.cpp selects the same
// way): a partial plan says that other accounts are neither compared nor changed.
bool in_selection(const Plan& plan, const std::string& username) {
    auto matches = [&](const std::vector<std::string>& globs) {
        return std::any_of(globs.begin(), globs.end(), [&](const std::string& glob) {
            return username_matches(glob, username);
        });
    };
    return (plan.targets.empty() || matches(plan.targets)) && !matches(plan.excludes);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items)
        out += (out.empty() ? "" : ", ") + item;
    return out;
}

} // namespace

Status check_plan(const Plan& plan) {
    std::map<std::int64_t, std::size_t> by_id;
    std::map<std::string, std::size_t> by_name;
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
        const Action& action = plan.actions[i];
        if (auto st = check_action(action, i); !st)
            return st;
        if (!in_selection(plan, action.username))
            return invalid(action_path(i) + ".username",
                           fmt::format("\"{}\" is outside the plan's selection (--target/"
                                       "--exclude): a partial plan changes no other account",
                                       action.username));
        if (action.user_id) {
            auto [it, fresh] = by_id.emplace(*action.user_id, i);
            if (!fresh)
                return invalid(action_path(i) + ".user_id",
                               fmt::format("user {} already has an action (actions[{}])",
                                           *action.user_id, it->second));
        }
        auto [it, fresh] = by_name.emplace(fold_username(action.username), i);
        if (!fresh)
            return invalid(action_path(i) + ".username",
                           fmt::format("\"{}\" already has an action (actions[{}])",
                                       action.username, it->second));
    }
    return ok_status();
}

Status check_plan_against_live(const Plan& plan, const LiveState& live) {
    // The checks below read values whose shape check_plan vouches for.
    if (auto st = check_plan(plan); !st)
        return st;
    const WriteContext context = write_context(live);
    std::map<std::int64_t, const LiveUser*> users;
    for (const auto& u : live.users)
        users.emplace(u.id, &u);
    for (std::size_t i = 0; i < plan.actions.size(); ++i) {
        const Action& action = plan.actions[i];
        for (std::size_t j = 0; j < action.changes.size(); ++j)
            if (auto st = check_resolves(action.changes[j], context, live, change_path(i, j)); !st)
                return st;
        if (action.kind == ActionKind::create) {
            if (auto st = check_record(action, nullptr, context, i); !st)
                return st;
            continue;
        }
        auto user = action.user_id ? users.find(*action.user_id) : users.end();
        if (user == users.end())
            return invalid(action_path(i) + ".user_id",
                           "names no user of the organization that was read");
        if (auto st = check_user(action, *user->second, live, context, i); !st)
            return st;
        if (auto st = check_caller(action, live, i); !st)
            return st;
        if (auto st = check_ownership(action, *user->second, context, i); !st)
            return st;
        if (auto st = check_record(action, user->second, context, i); !st)
            return st;
    }
    return ok_status();
}

std::vector<std::string> caller_warnings(const Action& action, const LiveState& live) {
    std::vector<std::string> warnings;
    if (live.caller.id == 0 || action.user_id != live.caller.id)
        return warnings;
    const WriteContext context = write_context(live);
    for (const FieldChange& change : action.changes) {
        if (change.field == "active" && change.after == false)
            warnings.push_back(fmt::format("this deactivates {}, the account the tool runs as: "
                                           "its credentials stop working",
                                           action.username));
        if (change.field != "groups" || !change.after.is_array())
            continue;
        std::vector<std::string> removed;
        for (const auto& role : live_value(live.caller, "groups", context))
            if (std::find(change.after.begin(), change.after.end(), role) == change.after.end())
                removed.push_back(role.get<std::string>());
        if (!removed.empty())
            warnings.push_back(fmt::format("this removes the role{} {} from {}, the account the "
                                           "tool runs as: it may lose the right to manage users",
                                           removed.size() == 1 ? "" : "s", joined(removed),
                                           action.username));
    }
    return warnings;
}

} // namespace ra
