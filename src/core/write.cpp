#include "rossum_accounts/core/write.hpp"

#include "rossum_accounts/core/last_applied.hpp"

#include <fmt/format.h>
#include <set>

namespace ra {
namespace {

using nlohmann::json;

Error unwritable(const FieldChange& change, const char* what) {
    return make_error(
        ErrorKind::invalid_input,
        fmt::format("{}: {}", change.field.empty() ? "(empty field)" : change.field, what));
}

Result<json> group_urls(const FieldChange& change, const WriteContext& context) {
    if (!change.after.is_array())
        return unwritable(change, "expected a list of role names");
    json urls = json::array();
    for (const auto& role : change.after) {
        if (!role.is_string())
            return unwritable(change, "expected a list of role names");
        auto it = context.group_url_by_role.find(role.get<std::string>());
        if (it == context.group_url_by_role.end())
            return make_error(ErrorKind::invalid_input,
                              fmt::format("groups: role \"{}\" is not offered by the organization",
                                          role.get<std::string>()));
        urls.push_back(it->second);
    }
    return urls;
}

Result<json> queue_urls(const FieldChange& change, const WriteContext& context) {
    if (!change.after.is_array())
        return unwritable(change, "expected a list of queue ids");
    json urls = json::array();
    for (const auto& id : change.after) {
        if (!id.is_number_integer())
            return unwritable(change, "expected a list of queue ids");
        auto it = context.queue_url_by_id.find(id.get<std::int64_t>());
        if (it == context.queue_url_by_id.end())
            return make_error(ErrorKind::invalid_input,
                              fmt::format("queues: queue {} does not exist in the organization",
                                          id.get<std::int64_t>()));
        urls.push_back(it->second);
    }
    return urls;
}

// The fields both a create and an update write the same way. Returns false when `change` is
// not one of them.
bool write_common(const FieldChange& change, const WriteContext& context, json& body,
                  json& declared, std::optional<Error>& error) {
    auto set_string = [&](const char* field) {
        if (!change.after.is_string())
            error = unwritable(change, "expected a string");
        else
            body[field] = change.after;
    };
    if (change.field == "first_name" || change.field == "last_name") {
        set_string(change.field.c_str());
    } else if (change.field == "groups" || change.field == "queues") {
        auto urls =
            change.field == "groups" ? group_urls(change, context) : queue_urls(change, context);
        if (urls)
            body[change.field] = *urls;
        else
            error = urls.error();
    } else if (change.field == "active") {
        if (!change.after.is_boolean())
            error = unwritable(change, "expected true or false");
        else
            body["is_active"] = change.after;
    } else if (auto key = metadata_key(change.field)) {
        // A declared null is a value like any other: it is written, never dropped.
        declared[*key] = change.after;
    } else if (change.field == k_marker_key) {
        if (change.after != k_marker_value)
            error = unwritable(change, "the ownership marker is always \"rossum-accounts\"");
    } else if (change.field == k_record_key) {
        // The last-applied record is metadata like the declared keys; check_plan vouches that
        // it states only what the action writes (last_applied.hpp).
        if (!change.after.is_object())
            error = unwritable(change, "expected the last-applied record object");
        else
            declared[k_record_key] = change.after;
    } else {
        return false;
    }
    return true;
}

json merged_metadata(json base, const json& declared) {
    if (!base.is_object())
        base = json::object();
    for (const auto& [key, value] : declared.items())
        base[key] = value;
    base[k_marker_key] = k_marker_value;
    return base;
}

std::set<std::string> as_set(const std::vector<std::string>& v) {
    return {v.begin(), v.end()};
}

} // namespace

WriteContext write_context(const LiveState& live) {
    WriteContext context;
    context.organization_url = live.organization.url;
    for (const auto& g : live.groups) {
        context.group_url_by_role.emplace(g.name, g.url);
        context.role_by_group_url.emplace(g.url, g.name);
    }
    for (const auto& q : live.queues)
        context.queue_url_by_id.emplace(q.id, q.url);
    return context;
}

std::optional<std::string> metadata_key(const std::string& field) {
    static constexpr std::string_view k_prefix = "metadata.";
    if (!field.starts_with(k_prefix))
        return std::nullopt;
    return field.substr(k_prefix.size());
}

Result<json> create_body(const Action& action, const WriteContext& context) {
    json body = json::object();
    json declared = json::object();
    body["organization"] = context.organization_url;
    for (const FieldChange& change : action.changes) {
        std::optional<Error> error;
        if (write_common(change, context, body, declared, error)) {
            if (error)
                return *error;
        } else if (change.field == "username" || change.field == "email") {
            if (!change.after.is_string())
                return unwritable(change, "expected a string");
            body[change.field] = change.after;
        } else if (change.field != "password") {
            // The password is added by the executor from its source, never from the plan.
            return unwritable(change, "cannot be written by a create");
        }
    }
    body["metadata"] = merged_metadata(json::object(), declared);
    return body;
}

bool writes_metadata(const Action& action) {
    for (const FieldChange& change : action.changes)
        if (change.field == k_marker_key || change.field == k_record_key ||
            metadata_key(change.field))
            return true;
    return false;
}

Result<json> patch_body(const Action& action, const WriteContext& context,
                        const json& current_metadata) {
    json body = json::object();
    json declared = json::object();
    for (const FieldChange& change : action.changes) {
        std::optional<Error> error;
        if (!write_common(change, context, body, declared, error))
            return unwritable(change, "cannot be written by an update");
        if (error)
            return *error;
    }
    if (writes_metadata(action))
        body["metadata"] = merged_metadata(current_metadata, declared);
    return body;
}

json patch_to_match_create(const LiveUser& user, const json& create) {
    json patch = json::object();
    auto string_field = [&](const char* field, const std::string& have) {
        if (create.contains(field) && create[field] != have)
            patch[field] = create[field];
    };
    string_field("first_name", user.first_name);
    string_field("last_name", user.last_name);
    if (create.contains("groups")) {
        auto want = create["groups"].get<std::vector<std::string>>();
        if (as_set(want) != as_set(user.groups))
            patch["groups"] = want;
    }
    if (create.contains("queues")) {
        auto want = create["queues"].get<std::vector<std::string>>();
        if (as_set(want) != as_set(user.queues))
            patch["queues"] = want;
    }
    if (create.contains("is_active") && create["is_active"] != user.is_active)
        patch["is_active"] = create["is_active"];
    if (create.contains("metadata")) {
        const json& live_meta = user.metadata.is_object() ? user.metadata : json::object();
        bool differs = false;
        for (const auto& [key, value] : create["metadata"].items())
            if (!live_meta.contains(key) || live_meta[key] != value)
                differs = true;
        if (differs)
            patch["metadata"] = merged_metadata(live_meta, create["metadata"]);
    }
    return patch;
}

json live_value(const LiveUser& user, const std::string& field, const WriteContext& context) {
    if (field == "username")
        return user.username;
    if (field == "first_name")
        return user.first_name;
    if (field == "last_name")
        return user.last_name;
    if (field == "email")
        return user.email;
    if (field == "active")
        return user.is_active;
    if (field == "groups") {
        json names = json::array();
        for (const auto& url : user.groups) {
            auto it = context.role_by_group_url.find(url);
            names.push_back(it == context.role_by_group_url.end() ? url : it->second);
        }
        return names;
    }
    if (field == "queues") {
        json ids = json::array();
        for (const auto& url : user.queues) {
            auto id = id_from_url(url);
            ids.push_back(id ? json(*id) : json(url));
        }
        return ids;
    }
    std::optional<std::string> key = field == k_marker_key || field == k_record_key
                                         ? std::optional<std::string>(field)
                                         : metadata_key(field);
    if (!key || !user.metadata.is_object() || !user.metadata.contains(*key))
        return nullptr;
    return user.metadata[*key];
}

} // namespace ra
