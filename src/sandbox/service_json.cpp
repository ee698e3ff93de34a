// The JSON shapes of Rossum objects (docs/rossum-api.md §3.1, §4, §5, §6) with absolute URLs:
// every documented field, with the value a fresh organization would have where the sandbox
// models nothing behind it (no connectors, hooks, inboxes, engines or annotations).
#include "sandbox/service.hpp"

#include <algorithm>

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

nlohmann::json Service::urls_of_users(const std::function<bool(const User&)>& wanted) const {
    nlohmann::json users = nlohmann::json::array();
    for (const auto& [id, user] : world_.users()) {
        if (wanted(user)) {
            users.push_back(url("users", id));
        }
    }
    return users;
}

nlohmann::json Service::organization_json(const Organization& organization) const {
    nlohmann::json workspaces = nlohmann::json::array();
    for (const auto& workspace : world_.workspaces) {
        if (workspace.organization == organization.id) {
            workspaces.push_back(url("workspaces", workspace.id));
        }
    }
    const Id id = organization.id;
    // The creator is the organization's first user, as the docs describe it.
    nlohmann::json creator = nullptr;
    for (const auto& [user_id, user] : world_.users()) {
        if (user.organization == id) {
            creator = url("users", user_id);
            break;
        }
    }
    return {{"id", id},
            {"url", url("organizations", id)},
            {"name", organization.name},
            {"workspaces", workspaces},
            {"users", urls_of_users([id](const User& user) { return user.organization == id; })},
            {"organization_group", url("organization_groups", organization.organization_group)},
            {"ui_settings", nlohmann::json::object()},
            {"metadata", nlohmann::json::object()},
            {"is_trial", false},
            {"created_at", k_organization_created_at},
            // Rossum's SDK requires a string here even for a licence that is not a trial.
            {"trial_expires_at", k_organization_trial_expires_at},
            {"oidc_provider", nullptr},
            {"internal_info",
             {{"cs_account_classification", nullptr},
              {"customer_type", nullptr},
              {"market_category", nullptr},
              {"overdue_payment_date", nullptr},
              {"sso_active", false}}},
            {"creator", creator},
            {"modified_by", nullptr},
            {"modified_at", nullptr},
            {"settings", nlohmann::json::object()},
            {"sandbox", false}};
}

nlohmann::json Service::organization_group_json(const OrganizationGroup& group) const {
    // The documented object has no `url`; the sandbox adds nothing the docs do not show.
    return {{"id", group.id},
            {"name", group.name},
            {"is_trial", false},
            {"is_production", true},
            {"deployment_location", "local-sandbox"},
            {"features", nullptr},
            {"usage", nlohmann::json::object()},
            {"modified_by", nullptr},
            {"modified_at", nullptr}};
}

nlohmann::json Service::role_json(const Role& role) const {
    return {{"id", role.id}, {"url", url("groups", role.id)}, {"name", role.name}};
}

nlohmann::json Service::workspace_json(const Workspace& workspace) const {
    nlohmann::json queues = nlohmann::json::array();
    for (const auto& queue : world_.queues) {
        if (queue.workspace == workspace.id) {
            queues.push_back(url("queues", queue.id));
        }
    }
    return {{"id", workspace.id},
            {"name", workspace.name},
            {"url", url("workspaces", workspace.id)},
            {"autopilot", false},
            {"organization", url("organizations", workspace.organization)},
            {"queues", queues},
            {"metadata", nlohmann::json::object()}};
}

nlohmann::json Service::schema_json(const Schema& schema) const {
    nlohmann::json queues = nlohmann::json::array();
    for (const auto& queue : world_.queues) {
        if (queue.schema == schema.id) {
            queues.push_back(url("queues", queue.id));
        }
    }
    return {{"id", schema.id},
            {"name", schema.name},
            {"url", url("schemas", schema.id)},
            {"queues", queues},
            {"content", nlohmann::json::array()},
            {"metadata", nlohmann::json::object()},
            {"modified_by", nullptr},
            {"modified_at", nullptr}};
}

nlohmann::json Service::queue_json(const Queue& queue) const {
    nlohmann::json counts = nlohmann::json::object();
    for (const char* status :
         {"importing", "split", "failed_import", "to_review", "reviewing", "confirmed", "exporting",
          "postponed", "failed_export", "exported", "deleted", "purged", "rejected"}) {
        counts[status] = 0;
    }
    const Id id = queue.id;
    // Derived from the users' own `queues`, so the two sides can never disagree.
    auto assigned = [id](const User& user) {
        return std::find(user.queues.begin(), user.queues.end(), id) != user.queues.end();
    };
    return {{"id", id},
            {"name", queue.name},
            {"url", url("queues", id)},
            {"workspace", queue.workspace != 0 ? nlohmann::json(url("workspaces", queue.workspace))
                                               : nlohmann::json(nullptr)},
            {"connector", nullptr},
            {"webhooks", nlohmann::json::array()},
            {"hooks", nlohmann::json::array()},
            {"schema", url("schemas", queue.schema)},
            {"inbox", nullptr},
            {"users", urls_of_users(assigned)},
            {"session_timeout", "01:00:00"},
            {"rir_url", nullptr},
            {"generic_engine", nullptr},
            {"dedicated_engine", nullptr},
            {"rir_params", nullptr},
            {"counts", counts},
            {"default_score_threshold", 0.8},
            {"automation_enabled", false},
            {"automation_level", "never"},
            {"locale", k_queue_locale},
            {"metadata", nlohmann::json::object()},
            {"use_confirmed_state", false},
            {"settings", nlohmann::json::object()},
            {"document_lifetime", nullptr},
            {"delete_after", nullptr},
            {"status", "active"},
            {"modified_by", nullptr},
            {"modified_at", nullptr},
            {"workflows", nlohmann::json::array()},
            // Not in the docs' queue table; kept because earlier sandbox clients read it.
            {"organization", url("organizations", queue.organization)}};
}

} // namespace ra::sandbox
