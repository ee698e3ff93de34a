#include "rossum_accounts/core/last_applied.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <set>
#include <string_view>

namespace ra {
namespace {

using nlohmann::json;

constexpr std::string_view k_plain_fields[] = {"first_name", "last_name", "email",
                                               "groups",     "queues",    "active"};

bool is_plain_field(std::string_view field) {
    return std::find(std::begin(k_plain_fields), std::end(k_plain_fields), field) !=
           std::end(k_plain_fields);
}

// Groups and queues are sets: the order the manifest or the API lists them in means nothing.
bool same_value(const std::string& field, const json& a, const json& b) {
    if ((field == "groups" || field == "queues") && a.is_array() && b.is_array()) {
        std::multiset<std::string> sa;
        std::multiset<std::string> sb;
        for (const auto& item : a)
            sa.insert(item.dump());
        for (const auto& item : b)
            sb.insert(item.dump());
        return sa == sb;
    }
    return a == b;
}

// FIELD's value in RECORD, when the record states it. The ownership marker was written with
// every record, so a record states the marker too.
std::optional<json> record_value(const json& record, const std::string& field) {
    if (field == k_marker_key)
        return json(k_marker_value);
    if (is_plain_field(field))
        return record.contains(field) ? std::optional<json>(record[field]) : std::nullopt;
    auto key = metadata_key(field);
    if (!key || !record.contains("metadata") || !record["metadata"].is_object() ||
        !record["metadata"].contains(*key))
        return std::nullopt;
    return record["metadata"][*key];
}

// The change fields a record states: "groups", "metadata.team", ...
std::vector<std::string> record_fields(const json& record) {
    std::vector<std::string> fields;
    for (const auto& [key, value] : record.items()) {
        if (key == "metadata" && value.is_object())
            for (const auto& [meta_key, meta_value] : value.items())
                fields.push_back("metadata." + meta_key);
        else if (key != "v")
            fields.push_back(key);
    }
    return fields;
}

// A field the record must state whenever the action changes it.
bool recorded_field(const std::string& field) {
    return is_plain_field(field) || metadata_key(field).has_value();
}

std::string distinct_list(const json& list, bool (json::*is)() const noexcept) {
    if (!list.is_array())
        return "a list";
    std::set<std::string> seen;
    for (const auto& item : list)
        if (!(item.*is)() || !seen.insert(item.dump()).second)
            return "a list of distinct values";
    return "";
}

// The shape of a record on its own.
std::string shape_problem(const json& record, bool is_create) {
    if (!record.is_object())
        return "expected an object";
    if (!record.contains("v") || record["v"] != k_record_version)
        return fmt::format("expected \"v\": {}", k_record_version);
    for (const auto& [key, value] : record.items()) {
        std::string wrong;
        if (key == "v")
            continue;
        if (key == "first_name" || key == "last_name" || key == "email")
            wrong = value.is_string() ? "" : "a string";
        else if (key == "groups")
            wrong = distinct_list(value, &json::is_string);
        else if (key == "queues")
            wrong = distinct_list(value, &json::is_number_integer);
        else if (key == "active")
            wrong = value.is_boolean() ? "" : "true or false";
        else if (key == "metadata")
            wrong =
                value.is_object() && std::none_of(value.begin(), value.end(),
                                                  [](const json& v) { return v.is_structured(); })
                    ? ""
                    : "an object of scalar values";
        else
            return fmt::format("\"{}\" is not a field the record holds", key);
        if (!wrong.empty())
            return fmt::format("\"{}\": expected {}", key, wrong);
    }
    if (!is_create && record.contains("email"))
        return "\"email\": an update never applies the email";
    return "";
}

const FieldChange* find_change(const Action& action, const std::string& field) {
    for (const FieldChange& change : action.changes)
        if (change.field == field)
            return &change;
    return nullptr;
}

} // namespace

json record_for(const Account& account, bool with_email) {
    json record = {{"v", k_record_version}};
    if (account.first_name)
        record["first_name"] = *account.first_name;
    if (account.last_name)
        record["last_name"] = *account.last_name;
    if (with_email && account.email)
        record["email"] = *account.email;
    std::vector<std::string> groups = account.groups;
    std::sort(groups.begin(), groups.end());
    record["groups"] = groups;
    if (account.queues) {
        std::vector<std::int64_t> queues = *account.queues;
        std::sort(queues.begin(), queues.end());
        record["queues"] = queues;
    }
    record["active"] = account.active;
    if (!account.metadata.empty())
        record["metadata"] = account.metadata;
    return record;
}

json degraded_record() {
    return {{"v", k_record_version}};
}

std::optional<json> live_record(const LiveUser& user) {
    if (!user.metadata.is_object() || !user.metadata.contains(k_record_key))
        return std::nullopt;
    const json& record = user.metadata[k_record_key];
    if (!record.is_object() || !record.contains("v") || record["v"] != k_record_version)
        return std::nullopt;
    return record;
}

std::optional<json> deactivated_record(const LiveUser& user) {
    std::optional<json> record = live_record(user);
    if (!record || !record->contains("active"))
        return std::nullopt;
    (*record)["active"] = false;
    // "false" is a byte longer than "true": a record that filled the metadata to the limit
    // would take it beyond, and the API would refuse the deactivation itself.
    json metadata = user.metadata;
    metadata[k_marker_key] = k_marker_value;
    metadata[k_record_key] = *record;
    if (metadata_size_bound(metadata) > k_metadata_limit &&
        metadata_size(metadata) > k_metadata_limit)
        return degraded_record();
    return record;
}

std::size_t metadata_size(const json& metadata) {
    return metadata.dump(-1, ' ', false, json::error_handler_t::replace).size();
}

std::size_t metadata_size_bound(const json& value) {
    // A quoted string: each byte is at most a six-byte escape (\u001f), and an invalid byte
    // becomes U+FFFD's three. Numbers: nlohmann writes at most 20 characters for an integer
    // and 17 significant digits with sign, point and exponent for a double.
    auto quoted = [](const std::string& s) { return 2 + 6 * s.size(); };
    switch (value.type()) {
    case json::value_t::object: {
        std::size_t size = 2 + value.size(); // braces, and a comma or colon per member
        for (const auto& [key, member] : value.items())
            size += quoted(key) + 1 + metadata_size_bound(member);
        return size;
    }
    case json::value_t::array: {
        std::size_t size = 2 + value.size();
        for (const json& item : value)
            size += metadata_size_bound(item);
        return size;
    }
    case json::value_t::string:
        return quoted(value.get_ref<const std::string&>());
    case json::value_t::binary:
        return metadata_size(value); // never in metadata read or written; exact, whatever it is
    case json::value_t::number_float:
        return 32;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return 20;
    default: // null, booleans, and "<discarded>"
        return 11;
    }
}

Cause classify_change(const FieldChange& change, const std::optional<json>& record) {
    if (!record)
        return Cause::unknown;
    auto recorded = record_value(*record, change.field);
    if (!recorded)
        return Cause::unknown;
    const bool manifest_moved = !same_value(change.field, change.after, *recorded);
    const bool live_moved = !same_value(change.field, change.before, *recorded);
    if (manifest_moved && live_moved)
        return Cause::conflict;
    if (live_moved)
        return Cause::drift;
    return Cause::manifest;
}

std::string record_shape_problem(const Action& action, const json& record) {
    return shape_problem(record, action.kind == ActionKind::create);
}

std::string record_problem(const Action& action, const json& record) {
    const bool is_create = action.kind == ActionKind::create;
    if (auto problem = shape_problem(record, is_create); !problem.empty())
        return problem;
    if (record == degraded_record())
        return "";
    for (const FieldChange& change : action.changes) {
        if (!recorded_field(change.field))
            continue;
        auto recorded = record_value(record, change.field);
        if (!recorded)
            return fmt::format("does not state \"{}\", which the action changes", change.field);
        if (!same_value(change.field, *recorded, change.after))
            return fmt::format("states a \"{}\" other than the one the action writes",
                               change.field);
    }
    // A create has no live user: everything the record states must be something it writes.
    if (is_create)
        for (const std::string& field : record_fields(record))
            if (find_change(action, field) == nullptr)
                return fmt::format("states \"{}\", which the create does not write", field);
    return "";
}

std::string record_live_problem(const Action& action, const json& record, const LiveUser& user,
                                const WriteContext& context) {
    for (const std::string& field : record_fields(record)) {
        if (find_change(action, field) != nullptr)
            continue;
        auto recorded = record_value(record, field);
        if (!recorded || !same_value(field, *recorded, live_value(user, field, context)))
            return fmt::format("states a \"{}\" that is neither changed nor the user's value",
                               field);
    }
    return "";
}

} // namespace ra
