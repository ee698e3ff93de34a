// Users: list (filters, ordering), retrieve, create, update, soft delete (docs/rossum-api.md §3).
#include "sandbox/iso_datetime.hpp"
#include "sandbox/pagination.hpp"
#include "sandbox/password_policy.hpp"
#include "sandbox/service.hpp"

#include <algorithm>
#include <functional>

namespace ra::sandbox {

namespace {

constexpr std::size_t k_max_metadata_bytes = 4096;
const char* const k_forbidden = "You do not have permission to perform this action.";

std::optional<std::string> filter(const ApiRequest& request, const std::string& key) {
    auto [begin, end] = request.params.equal_range(key);
    for (auto it = begin; it != end; ++it) {
        if (!it->second.empty()) {
            return it->second;
        }
    }
    return std::nullopt;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = std::min(text.find(separator, start), text.size());
        parts.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return parts;
}

std::optional<bool> parse_bool(const std::string& text) {
    if (text == "true" || text == "True" || text == "1") {
        return true;
    }
    if (text == "false" || text == "False" || text == "0") {
        return false;
    }
    return std::nullopt;
}

// A predicate per filter; nullopt with field errors when a value is malformed.
using UserPredicate = std::function<bool(const User&)>;

struct FieldErrors {
    nlohmann::json errors = nlohmann::json::object();
    void add(const std::string& field, const std::string& message) {
        errors[field].push_back(message);
    }
    bool empty() const { return errors.empty(); }
};

std::optional<std::vector<Id>> id_list(const std::string& text) {
    std::vector<Id> ids;
    for (const auto& part : split(text, ',')) {
        auto id = parse_id(part);
        if (!id) {
            return std::nullopt;
        }
        ids.push_back(*id);
    }
    return ids;
}

bool contains(const std::vector<Id>& ids, Id id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

bool intersects(const std::vector<Id>& a, const std::vector<Id>& b) {
    return std::any_of(a.begin(), a.end(), [&b](Id id) { return contains(b, id); });
}

// ordering=field,-field over the user's sortable fields (the docs' list: id, username, names,
// email, last_login, date_joined, deleted, not_deleted); unknown fields are ignored, as in DRF.
void order_users(std::vector<const User*>& users, const std::string& ordering) {
    // Keys return references: sorting many users copies no strings.
    using Key = const std::string& (*)(const User&);
    static const std::string never;
    static const std::map<std::string, Key> keys = {
        {"username", [](const User& u) -> const std::string& { return u.username; }},
        {"first_name", [](const User& u) -> const std::string& { return u.first_name; }},
        {"last_name", [](const User& u) -> const std::string& { return u.last_name; }},
        {"email", [](const User& u) -> const std::string& { return u.email; }},
        {"date_joined", [](const User& u) -> const std::string& { return u.date_joined; }},
        {"last_login",
         [](const User& u) -> const std::string& { return u.last_login ? *u.last_login : never; }},
    };
    auto fields = split(ordering, ',');
    std::reverse(fields.begin(), fields.end());
    for (const auto& field : fields) { // stable sorts from the last key to the first
        bool descending = !field.empty() && field.front() == '-';
        std::string name = descending ? field.substr(1) : field;
        if (name == "id") {
            std::stable_sort(users.begin(), users.end(),
                             [descending](const User* a, const User* b) {
                                 return descending ? a->id > b->id : a->id < b->id;
                             });
        } else if (name == "deleted" || name == "not_deleted") {
            // not_deleted is deleted reversed: ascending, the deleted users come first.
            const bool flip = descending != (name == "not_deleted");
            std::stable_sort(users.begin(), users.end(), [flip](const User* a, const User* b) {
                return flip ? a->deleted > b->deleted : a->deleted < b->deleted;
            });
        } else if (auto key = keys.find(name); key != keys.end()) {
            std::stable_sort(users.begin(), users.end(), [&](const User* a, const User* b) {
                return descending ? key->second(*a) > key->second(*b)
                                  : key->second(*a) < key->second(*b);
            });
        }
    }
}

std::string string_field(const nlohmann::json& value, const std::string& field, FieldErrors& errors,
                         bool nullable = false) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (!value.is_null()) {
        errors.add(field, "Not a valid string.");
    } else if (!nullable) {
        errors.add(field, "This field may not be null.");
    }
    return {};
}

} // namespace

bool Service::username_taken(const std::string& username, Id except) const {
    const bool fold = config_.username_case_insensitive;
    const auto& named = world_.users_named(username);
    return std::any_of(named.begin(), named.end(), [&](Id id) {
        return id != except && (fold || world_.user(id)->username == username);
    });
}

Reply Service::list_users(const ApiRequest& request, const User& caller) const {
    std::vector<UserPredicate> predicates;
    FieldErrors errors;
    const bool fold = config_.username_case_insensitive;
    auto text_filter = [&](const char* key, const std::string& (*get)(const User&)) {
        if (auto value = filter(request, key)) {
            predicates.push_back([value, get](const User& u) { return get(u) == *value; });
        }
    };
    if (auto value = filter(request, "username")) {
        std::string wanted = fold ? ascii_lower(*value) : *value;
        predicates.push_back([wanted, fold](const User& u) {
            return (fold ? ascii_lower(u.username) : u.username) == wanted;
        });
    }
    text_filter("first_name", [](const User& u) -> const std::string& { return u.first_name; });
    text_filter("last_name", [](const User& u) -> const std::string& { return u.last_name; });
    text_filter("email", [](const User& u) -> const std::string& { return u.email; });
    for (const char* key : {"id", "organization", "groups", "queue"}) {
        auto value = filter(request, key);
        if (!value) {
            continue;
        }
        auto ids = id_list(*value);
        if (!ids) {
            errors.add(key, "Enter a number.");
            continue;
        }
        const std::string name = key;
        predicates.push_back([ids = *ids, name](const User& u) {
            if (name == "id") {
                return contains(ids, u.id);
            }
            if (name == "organization") {
                return contains(ids, u.organization);
            }
            return intersects(name == "groups" ? u.groups : u.queues, ids);
        });
    }
    // An exact instant, as Django's DateTimeFilter compares; users who never logged in never
    // match (docs/rossum-api.md §3.2).
    if (auto value = filter(request, "last_login")) {
        auto wanted = parse_iso_datetime(*value);
        if (!wanted) {
            errors.add("last_login", "Enter a valid date/time.");
        } else {
            predicates.push_back([wanted](const User& u) {
                return u.last_login && parse_iso_datetime(*u.last_login) == wanted;
            });
        }
    }
    std::optional<bool> deleted;
    for (const char* key : {"is_active", "deleted"}) {
        auto value = filter(request, key);
        if (!value) {
            continue;
        }
        auto flag = parse_bool(*value);
        if (!flag) {
            errors.add(key, "Select a valid choice.");
            continue;
        }
        if (std::string(key) == "deleted") {
            deleted = flag;
        }
        const bool active_filter = std::string(key) == "is_active";
        predicates.push_back([flag = *flag, active_filter](const User& u) {
            return (active_filter ? u.is_active : u.deleted) == flag;
        });
    }
    if (!errors.empty()) {
        return json_reply(400, errors.errors);
    }
    std::vector<const User*> users;
    auto keep_if_listed = [&](const User& user) {
        bool hidden = user.deleted && !config_.deleted_in_lists && !deleted;
        if (user.organization == caller.organization && !hidden &&
            std::all_of(predicates.begin(), predicates.end(),
                        [&user](const UserPredicate& p) { return p(user); })) {
            users.push_back(&user);
        }
    };
    if (auto username = filter(request, "username")) {
        // Only users of that name can match: read them from the index, in id order.
        for (Id id : world_.users_named(*username)) {
            keep_if_listed(*world_.user(id));
        }
    } else {
        for (const auto& [id, user] : world_.users()) {
            keep_if_listed(user);
        }
    }
    if (auto ordering = filter(request, "ordering")) {
        order_users(users, *ordering);
    }
    // Only the requested page is serialised.
    auto envelope = paginate(
        users.size(), [&](std::size_t i) { return user_json(*users[i]); },
        parse_raw_query(request.query), api_url("/users"));
    return envelope ? json_reply(200, *envelope) : detail_reply(404, "Invalid page.");
}

Reply Service::get_user(const User& caller, Id id) const {
    const User* user = world_.user(id);
    if (user == nullptr || user->organization != caller.organization) {
        return not_found();
    }
    return json_reply(200, user_json(*user));
}

namespace {

// Relation lists (groups, queues) as ids of this organization's objects.
template <class Lookup>
std::vector<Id> relation_ids(const nlohmann::json& value, const std::string& field,
                             FieldErrors& errors, Lookup resolve) {
    std::vector<Id> ids;
    if (!value.is_array()) {
        errors.add(field, "Expected a list of items but got type \"" +
                              std::string(value.type_name()) + "\".");
        return ids;
    }
    for (const auto& item : value) {
        if (!item.is_string()) {
            errors.add(field, "Incorrect type. Expected URL string.");
            continue;
        }
        auto id = resolve(item.get<std::string>());
        if (!id) {
            errors.add(field, "Invalid hyperlink - Object does not exist.");
            continue;
        }
        if (!contains(ids, *id)) {
            ids.push_back(*id);
        }
    }
    return ids;
}

} // namespace

// Applies the writable fields in `body` to `user`; read-only and unknown fields are ignored.
static void apply_user_fields(const Service& service, const Config& config,
                              const nlohmann::json& body, User& user, bool creating,
                              FieldErrors& errors) {
    const World& world = service.world();
    for (const auto& [field, value] : body.items()) {
        if (field == "username") {
            user.username = string_field(value, field, errors);
            if (value.is_string() && user.username.empty()) {
                errors.add(field, "This field may not be blank.");
            }
        } else if (field == "first_name" || field == "last_name") {
            (field == "first_name" ? user.first_name : user.last_name) =
                string_field(value, field, errors);
        } else if (field == "phone_number" || field == "oidc_id") {
            std::string text = string_field(value, field, errors, true);
            (field == "phone_number" ? user.phone_number : user.oidc_id) =
                value.is_null() ? std::nullopt : std::optional<std::string>(text);
        } else if (field == "is_active") {
            if (!value.is_boolean()) {
                errors.add(field, "Must be a valid boolean.");
            } else {
                user.is_active = value.get<bool>();
            }
        } else if (field == "ui_settings" || field == "metadata") {
            if (!value.is_object()) {
                errors.add(field, "Expected a dictionary of items but got type \"" +
                                      std::string(value.type_name()) + "\".");
            } else if (field == "metadata" && value.dump().size() > k_max_metadata_bytes) {
                errors.add(field, "Ensure this field has no more than 4096 bytes.");
            } else {
                (field == "metadata" ? user.metadata : user.ui_settings) = value;
            }
        } else if (field == "auth_type") {
            std::string text = string_field(value, field, errors);
            if (text == "password" || text == "sso") {
                user.auth_type = text;
            } else if (value.is_string()) {
                errors.add(field, "\"" + text + "\" is not a valid choice.");
            }
        } else if (field == "groups") {
            user.groups = relation_ids(value, field, errors, [&](const std::string& text) {
                auto id = service.id_from_url("groups", text);
                const Role* role = id ? world.role(*id) : nullptr;
                return role != nullptr && role->organization == user.organization
                           ? id
                           : std::optional<Id>();
            });
        } else if (field == "queues") {
            user.queues = relation_ids(value, field, errors, [&](const std::string& text) {
                auto id = service.id_from_url("queues", text);
                const Queue* queue = id ? world.queue(*id) : nullptr;
                return queue != nullptr && queue->organization == user.organization
                           ? id
                           : std::optional<Id>();
            });
        } else if (field == "organization") {
            auto id = value.is_string()
                          ? service.id_from_url("organizations", value.get<std::string>())
                          : std::nullopt;
            if (!id || *id != user.organization) {
                errors.add(field, "Invalid hyperlink - Object does not exist.");
            }
        } else if (field == "email") {
            if (creating) {
                user.email = string_field(value, field, errors);
            } else if (config.reject_email_patch) {
                errors.add(field, "This field cannot be changed.");
            }
        } else if (field == "password") {
            if (creating) {
                user.password = string_field(value, field, errors);
            } else if (config.reject_password_patch) {
                errors.add(field, "This field cannot be changed.");
            }
        }
    }
}

Reply Service::create_user(const ApiRequest& request, const User& caller) {
    if (!world_.is_admin(caller)) {
        return detail_reply(403, k_forbidden);
    }
    Reply failure;
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    FieldErrors errors;
    for (const char* required : {"username", "organization"}) {
        if (!body->contains(required)) {
            errors.add(required, "This field is required.");
        }
    }
    User user;
    user.id = world_.next_user_id();
    user.organization = caller.organization;
    user.date_joined = utc_timestamp_now();
    apply_user_fields(*this, config_, *body, user, true, errors);
    if (user.password) {
        const PasswordAttributes attributes{user.username, user.first_name, user.last_name,
                                            user.email};
        for (const auto& problem : password_problems(*user.password, attributes)) {
            errors.add("password", problem);
        }
    }
    if (!user.username.empty() && username_taken(user.username, 0)) {
        errors.add("username", "A user with that username already exists.");
    }
    if (!errors.empty()) {
        return json_reply(400, errors.errors);
    }
    if (user.auth_type == "sso" && !user.oidc_id) {
        user.oidc_id = user.email;
    }
    Reply created = json_reply(201, user_json(user));
    world_.put_user(std::move(user));
    return created;
}

Reply Service::update_user(const ApiRequest& request, const User& caller, Id id, bool partial) {
    User* user = world_.user(id);
    if (user == nullptr || user->organization != caller.organization) {
        return not_found();
    }
    if (!world_.is_admin(caller)) {
        return detail_reply(403, k_forbidden);
    }
    Reply failure;
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    FieldErrors errors;
    if (!partial && !body->contains("username")) {
        errors.add("username", "This field is required.");
    }
    User updated = *user;
    apply_user_fields(*this, config_, *body, updated, false, errors);
    if (!updated.username.empty() && username_taken(updated.username, id)) {
        errors.add("username", "A user with that username already exists.");
    }
    if (!errors.empty()) {
        return json_reply(400, errors.errors);
    }
    return json_reply(200, user_json(world_.put_user(std::move(updated))));
}

Reply Service::delete_user(const User& caller, Id id) {
    User* user = world_.user(id);
    if (user == nullptr || user->organization != caller.organization || user->deleted) {
        return not_found();
    }
    if (!world_.is_admin(caller) && caller.id != id) {
        return detail_reply(403, k_forbidden);
    }
    user->deleted = true;
    Reply reply;
    reply.status = 204;
    return reply;
}

} // namespace ra::sandbox
