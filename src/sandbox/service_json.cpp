// The JSON shapes of Rossum objects (docs/rossum-api.md §3.1, §4, §5, §6) with absolute URLs.
#include "sandbox/service.hpp"

namespace ra::sandbox {

namespace {

nlohmann::json optional_string(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

} // namespace

std::string Service::api_url(const std::string& path) const {
    return (request_origin_.empty() ? origin_ : request_origin_) + "/api/v1" + path;
}

void Service::begin_request(const ApiRequest& request) {
    request_origin_.clear();
    const auto colon = origin_.rfind(':');
    const std::string port = origin_.substr(colon + 1);
    for (const char* name : {"127.0.0.1:", "localhost:", "[::1]:"}) {
        if (request.host == name + port) {
            request_origin_ = "http://" + request.host;
        }
    }
}

std::string Service::url(const std::string& resource, Id id) const {
    return api_url("/" + resource + "/" + std::to_string(id));
}

std::optional<Id> Service::id_from_url(const std::string& resource, const std::string& text) const {
    const std::string prefix = api_url("/" + resource + "/");
    if (text.rfind(prefix, 0) != 0) {
        return std::nullopt;
    }
    std::string rest = text.substr(prefix.size());
    if (!rest.empty() && rest.back() == '/') {
        rest.pop_back();
    }
    return parse_id(rest);
}

nlohmann::json Service::user_json(const User& user) const {
    nlohmann::json groups = nlohmann::json::array();
    for (Id group : user.groups) {
        groups.push_back(url("groups", group));
    }
    nlohmann::json queues = nlohmann::json::array();
    for (Id queue : user.queues) {
        queues.push_back(url("queues", queue));
    }
    return {{"id", user.id},
            {"url", url("users", user.id)},
            {"first_name", user.first_name},
            {"last_name", user.last_name},
            {"email", user.email},
            {"phone_number", optional_string(user.phone_number)},
            {"date_joined", user.date_joined},
            {"username", user.username},
            {"groups", groups},
            {"organization", url("organizations", user.organization)},
            {"queues", queues},
            {"is_active", user.is_active},
            {"last_login", optional_string(user.last_login)},
            {"ui_settings", user.ui_settings},
            {"metadata", user.metadata},
            {"oidc_id", optional_string(user.oidc_id)},
            {"auth_type", user.auth_type},
            {"deleted", user.deleted},
            {"email_verified", user.email_verified}};
}

nlohmann::json Service::organization_json(const Organization& organization) const {
    nlohmann::json users = nlohmann::json::array();
    for (const auto& [id, user] : world_.users()) {
        if (user.organization == organization.id) {
            users.push_back(url("users", id));
        }
    }
    return {{"id", organization.id},
            {"url", url("organizations", organization.id)},
            {"name", organization.name},
            {"workspaces", nlohmann::json::array()},
            {"users", users},
            {"organization_group", nullptr},
            {"ui_settings", nlohmann::json::object()},
            {"metadata", nlohmann::json::object()},
            {"is_trial", false},
            {"created_at", "2024-01-15T09:30:00.000000Z"},
            {"trial_expires_at", nullptr},
            {"sandbox", false}};
}

nlohmann::json Service::role_json(const Role& role) const {
    return {{"id", role.id}, {"url", url("groups", role.id)}, {"name", role.name}};
}

nlohmann::json Service::queue_json(const Queue& queue) const {
    return {{"id", queue.id},
            {"url", url("queues", queue.id)},
            {"name", queue.name},
            {"workspace", nullptr},
            {"organization", url("organizations", queue.organization)}};
}

} // namespace ra::sandbox
