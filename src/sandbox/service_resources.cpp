// Read-only resources: the v1 root, organizations, groups (roles) and queues.
#include "sandbox/pagination.hpp"
#include "sandbox/service.hpp"

#include <algorithm>

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
    std::vector<nlohmann::json> items;
    const Organization* own = world_.organization(caller.organization);
    auto id = filter(request, "id");
    auto name = filter(request, "name");
    if (own != nullptr && (!id || parse_id(*id) == own->id) && (!name || *name == own->name)) {
        items.push_back(organization_json(*own));
    }
    return page_reply(items, request, api_url("/organizations"));
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
    auto id = filter(request, "id");
    auto name = filter(request, "name");
    std::vector<nlohmann::json> items;
    for (const auto& queue : world_.queues) {
        if (queue.organization == caller.organization && (!id || parse_id(*id) == queue.id) &&
            (!name || queue.name == *name)) {
            items.push_back(queue_json(queue));
        }
    }
    return page_reply(items, request, api_url("/queues"));
}

Reply Service::get_queue(const User& caller, Id id) const {
    const Queue* found = world_.queue(id);
    if (found == nullptr || found->organization != caller.organization) {
        return not_found();
    }
    return json_reply(200, queue_json(*found));
}

} // namespace ra::sandbox
