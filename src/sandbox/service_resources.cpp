// Read-only resources: the v1 root, organization groups, organizations, groups (roles),
// workspaces, schemas and queues, with the filters and orderings the docs list for each.
#include "sandbox/pagination.hpp"
#include "sandbox/service.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace ra::sandbox {

namespace {

// The first non-empty value of `key` (the SDK sends empty parameters; they mean "no filter").
std::optional<std::string> filter(const ApiRequest& request, const std::string& key) {
    auto [begin, end] = request.params.equal_range(key);
    for (auto it = begin; it != end; ++it) {
        if (!it->second.empty()) {
            return it->second;
        }
    }
    return std::nullopt;
}

Reply page_reply(const std::vector<nlohmann::json>& items, const ApiRequest& request,
                 const std::string& page_url) {
    auto envelope = paginate(items, parse_raw_query(request.query), page_url);
    return envelope ? json_reply(200, *envelope) : detail_reply(404, "Invalid page.");
}

// The filters of one list request. A malformed value is a field error, as in django-filter;
// the list is answered only when there are none.
class Filters {
public:
    explicit Filters(const ApiRequest& request) : request_(request) {}

    std::optional<std::string> text(const std::string& key) const { return filter(request_, key); }

    // Ids, comma-separated or the parameter repeated (Rossum's CLI sends `users=1&users=2`);
    // nullopt when the filter is not given.
    std::optional<std::vector<Id>> ids(const std::string& key) {
        std::vector<Id> found;
        auto [begin, end] = request_.params.equal_range(key);
        for (auto it = begin; it != end; ++it) {
            std::size_t start = 0;
            while (!it->second.empty() && start <= it->second.size()) {
                std::size_t stop = std::min(it->second.find(',', start), it->second.size());
                auto id = parse_id(it->second.substr(start, stop - start));
                if (!id) {
                    errors_[key] = {"Enter a number."};
                    return std::vector<Id>{};
                }
                found.push_back(*id);
                start = stop + 1;
            }
        }
        return found.empty() ? std::nullopt : std::optional<std::vector<Id>>(found);
    }

    std::optional<bool> flag(const std::string& key) {
        auto value = text(key);
        if (!value) {
            return std::nullopt;
        }
        if (*value == "true" || *value == "True" || *value == "1") {
            return true;
        }
        if (*value == "false" || *value == "False" || *value == "0") {
            return false;
        }
        errors_[key] = {"Select a valid choice."};
        return std::nullopt;
    }

    bool failed() const { return !errors_.empty(); }
    Reply failure() const { return json_reply(400, errors_); }

private:
    const ApiRequest& request_;
    nlohmann::json errors_ = nlohmann::json::object();
};

bool has(const std::optional<std::vector<Id>>& ids, Id id) {
    return !ids || std::find(ids->begin(), ids->end(), id) != ids->end();
}

// ordering=a,-b over the fields in `keys` (each a less-than); unknown fields are ignored, as
// in DRF. Stable sorts from the last key to the first keep id order among equals.
template <class T>
using OrderKeys = std::map<std::string, std::function<bool(const T&, const T&)>>;

template <class T>
void order(std::vector<const T*>& items, const std::optional<std::string>& ordering,
           const OrderKeys<T>& keys) {
    if (!ordering) {
        return;
    }
    std::vector<std::string> fields;
    std::size_t start = 0;
    while (start <= ordering->size()) {
        std::size_t stop = std::min(ordering->find(',', start), ordering->size());
        fields.push_back(ordering->substr(start, stop - start));
        start = stop + 1;
    }
    for (auto field = fields.rbegin(); field != fields.rend(); ++field) {
        const bool descending = !field->empty() && field->front() == '-';
        auto key = keys.find(descending ? field->substr(1) : *field);
        if (key == keys.end()) {
            continue;
        }
        const auto& less = key->second;
        std::stable_sort(items.begin(), items.end(), [&](const T* a, const T* b) {
            return descending ? less(*b, *a) : less(*a, *b);
        });
    }
}

template <class T>
Reply list_reply(const std::vector<const T*>& items, const ApiRequest& request,
                 const std::string& page_url,
                 const std::function<nlohmann::json(const T&)>& to_json) {
    auto envelope = paginate(
        items.size(), [&](std::size_t i) { return to_json(*items[i]); },
        parse_raw_query(request.query), page_url);
    return envelope ? json_reply(200, *envelope) : detail_reply(404, "Invalid page.");
}

} // namespace

Reply Service::root() const {
    nlohmann::json map = nlohmann::json::object();
    for (const char* name : {"organizations", "workspaces", "schemas", "connectors", "inboxes",
                             "queues", "documents", "users", "groups", "annotations", "pages"}) {
        map[name] = api_url(std::string("/") + name);
    }
    return json_reply(200, map);
}

Reply Service::list_organizations(const ApiRequest& request, const User& caller) const {
    Filters filters(request);
    auto ids = filters.ids("id");
    auto name = filters.text("name");
    if (filters.failed()) {
        return filters.failure();
    }
    // Only the caller's own; orderings by id and name change nothing with one organization.
    std::vector<const Organization*> items;
    const Organization* own = world_.organization(caller.organization);
    if (own != nullptr && has(ids, own->id) && (!name || *name == own->name)) {
        items.push_back(own);
    }
    return list_reply<Organization>(items, request, api_url("/organizations"),
                                    [this](const Organization& o) { return organization_json(o); });
}

Reply Service::get_organization(const User& caller, Id id) const {
    const Organization* found = world_.organization(id);
    if (found == nullptr || id != caller.organization) {
        return not_found();
    }
    return json_reply(200, organization_json(*found));
}

Reply Service::list_groups(const ApiRequest& request, const User& caller) const {
    auto name = filter(request, "name");
    std::vector<const Role*> roles;
    for (const auto& role : world_.roles) {
        if (role.organization == caller.organization && (!name || role.name == *name)) {
            roles.push_back(&role);
        }
    }
    if (filter(request, "ordering") == std::optional<std::string>("name")) {
        std::sort(roles.begin(), roles.end(),
                  [](const Role* a, const Role* b) { return a->name < b->name; });
    }
    std::vector<nlohmann::json> items;
    for (const Role* role : roles) {
        items.push_back(role_json(*role));
    }
    return page_reply(items, request, api_url("/groups"));
}

Reply Service::get_group(const User& caller, Id id) const {
    const Role* found = world_.role(id);
    if (found == nullptr || found->organization != caller.organization) {
        return not_found();
    }
    return json_reply(200, role_json(*found));
}

Reply Service::list_queues(const ApiRequest& request, const User& caller) const {
    Filters filters(request);
    auto ids = filters.ids("id");
    auto name = filters.text("name");
    auto workspaces = filters.ids("workspace");
    auto users = filters.ids("users"); // not in the docs' list; Rossum's CLI filters by it
    auto locale = filters.text("locale");
    auto deleting = filters.flag("deleting");
    // The sandbox's queues have no inbox, connector, hooks or engines: asking for any one
    // of them matches none.
    bool wants_missing_link = false;
    for (const char* key :
         {"inbox", "connector", "webhooks", "hooks", "dedicated_engine", "generic_engine"}) {
        wants_missing_link = filters.ids(key).has_value() || wants_missing_link;
    }
    if (filters.failed()) {
        return filters.failure();
    }
    auto assigned_to_any = [&](const Queue& queue) {
        return std::any_of(users->begin(), users->end(), [&](Id id) {
            const User* user = world_.user(id);
            return user != nullptr && std::find(user->queues.begin(), user->queues.end(),
                                                queue.id) != user->queues.end();
        });
    };
    std::vector<const Queue*> items;
    for (const auto& queue : world_.queues) {
        if (queue.organization == caller.organization && has(ids, queue.id) &&
            (!name || queue.name == *name) && has(workspaces, queue.workspace) &&
            (!users || assigned_to_any(queue)) && (!locale || *locale == k_queue_locale) &&
            deleting != true && !wants_missing_link) {
            items.push_back(&queue);
        }
    }
    static const OrderKeys<Queue> keys = {
        {"id", [](const Queue& a, const Queue& b) { return a.id < b.id; }},
        {"name", [](const Queue& a, const Queue& b) { return a.name < b.name; }},
        {"workspace", [](const Queue& a, const Queue& b) { return a.workspace < b.workspace; }},
        {"schema", [](const Queue& a, const Queue& b) { return a.schema < b.schema; }},
    };
    order(items, filters.text("ordering"), keys);
    return list_reply<Queue>(items, request, api_url("/queues"),
                             [this](const Queue& q) { return queue_json(q); });
}

Reply Service::get_queue(const User& caller, Id id) const {
    const Queue* found = world_.queue(id);
    if (found == nullptr || found->organization != caller.organization) {
        return not_found();
    }
    return json_reply(200, queue_json(*found));
}

Reply Service::list_organization_groups(const ApiRequest& request, const User& caller) const {
    // "Typically, there would only be one result": the caller's organization's group.
    std::vector<const OrganizationGroup*> items;
    const Organization* own = world_.organization(caller.organization);
    if (const OrganizationGroup* group =
            own != nullptr ? world_.organization_group(own->organization_group) : nullptr) {
        items.push_back(group);
    }
    return list_reply<OrganizationGroup>(
        items, request, api_url("/organization_groups"),
        [this](const OrganizationGroup& g) { return organization_group_json(g); });
}

Reply Service::get_organization_group(const User& caller, Id id) const {
    const Organization* own = world_.organization(caller.organization);
    const OrganizationGroup* found = world_.organization_group(id);
    if (found == nullptr || own == nullptr || own->organization_group != id) {
        return not_found();
    }
    return json_reply(200, organization_group_json(*found));
}

Reply Service::list_workspaces(const ApiRequest& request, const User& caller) const {
    Filters filters(request);
    auto ids = filters.ids("id");
    auto name = filters.text("name");
    auto organizations = filters.ids("organization");
    if (filters.failed()) {
        return filters.failure();
    }
    std::vector<const Workspace*> items;
    for (const auto& workspace : world_.workspaces) {
        if (workspace.organization == caller.organization && has(ids, workspace.id) &&
            (!name || workspace.name == *name) && has(organizations, workspace.organization)) {
            items.push_back(&workspace);
        }
    }
    static const OrderKeys<Workspace> keys = {
        {"id", [](const Workspace& a, const Workspace& b) { return a.id < b.id; }},
        {"name", [](const Workspace& a, const Workspace& b) { return a.name < b.name; }},
    };
    order(items, filters.text("ordering"), keys);
    return list_reply<Workspace>(items, request, api_url("/workspaces"),
                                 [this](const Workspace& w) { return workspace_json(w); });
}

Reply Service::get_workspace(const User& caller, Id id) const {
    const Workspace* found = world_.workspace(id);
    if (found == nullptr || found->organization != caller.organization) {
        return not_found();
    }
    return json_reply(200, workspace_json(*found));
}

Reply Service::list_schemas(const ApiRequest& request, const User& caller) const {
    Filters filters(request);
    auto ids = filters.ids("id");
    auto name = filters.text("name");
    auto queues = filters.ids("queue");
    if (filters.failed()) {
        return filters.failure();
    }
    auto used_by_any = [&](const Schema& schema) {
        return std::any_of(queues->begin(), queues->end(), [&](Id id) {
            const Queue* queue = world_.queue(id);
            return queue != nullptr && queue->schema == schema.id;
        });
    };
    std::vector<const Schema*> items;
    for (const auto& schema : world_.schemas) {
        if (schema.organization == caller.organization && has(ids, schema.id) &&
            (!name || schema.name == *name) && (!queues || used_by_any(schema))) {
            items.push_back(&schema);
        }
    }
    static const OrderKeys<Schema> keys = {
        {"id", [](const Schema& a, const Schema& b) { return a.id < b.id; }},
    };
    order(items, filters.text("ordering"), keys);
    return list_reply<Schema>(items, request, api_url("/schemas"),
                              [this](const Schema& schema) { return schema_json(schema); });
}

Reply Service::get_schema(const User& caller, Id id) const {
    const Schema* found = world_.schema(id);
    if (found == nullptr || found->organization != caller.organization) {
        return not_found();
    }
    return json_reply(200, schema_json(*found));
}

} // namespace ra::sandbox
