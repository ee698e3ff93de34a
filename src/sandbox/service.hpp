#pragma once
// The sandbox's behaviour without the network: the Rossum API and the control API as functions
// from a request to a reply over one World. Not thread-safe: the Sandbox serialises calls.

#include "sandbox/faults.hpp"
#include "sandbox/sliding_window.hpp"
#include "sandbox/world.hpp"

#include <chrono>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <unordered_map>

namespace ra::sandbox {

struct ApiRequest {
    std::string method;
    std::string path;                               // decoded, e.g. /api/v1/users/10001
    std::string query;                              // raw, still URL-encoded
    std::multimap<std::string, std::string> params; // decoded query parameters
    std::optional<std::string> authorization;
    std::string content_type;
    std::string body;
    std::string host; // the Host header: object URLs are built from it, as the real API does
};

struct Reply {
    int status = 200;
    std::string body; // JSON text (empty for 204)
    std::map<std::string, std::string> headers;
};

// Behaviour that the real API leaves open (docs/rossum-api.md §11); changeable at runtime.
struct Config {
    std::optional<double> rate_limit = 10.0;
    std::optional<int> login_limit = 20;
    int latency_ms = 0;
    bool username_case_insensitive = true;
    bool reject_email_patch = false;
    bool reject_password_patch = false;
    bool deleted_in_lists = true;
    std::int64_t token_lifetime_s = 583200; // the maximum lifetime of a token
};

nlohmann::json to_json(const Config& config);

struct Token {
    Id user = 0;
    std::chrono::steady_clock::time_point expires;
    std::int64_t lifetime_s = 0;
    std::string issued_by; // "login" or "exchange"
    long long seq = 0;     // issue order
};

struct LogEntry {
    long long seq = 0;
    std::string method;
    std::string path;
    std::string query;
    int status = 0;
    bool authorization = false;
    std::string fault; // the scripted fault that shaped the response, if any
    // When the request arrived and how long its answer took, in ms since the sandbox started,
    // and the client's port (one per TCP connection): tests read rate, overlap and keep-alive
    // from them.
    double at_ms = 0;
    double duration_ms = 0;
    int client_port = 0;
};

// A password reset the sandbox would have mailed: the address asked for and the users it
// reached (none when no user has it). GET /_sandbox/password_resets shows them.
struct PasswordReset {
    std::string email;
    std::vector<Id> users;
};

class Service {
public:
    Service(World world, Config config);

    void set_origin(std::string origin) { origin_ = std::move(origin); }
    const std::string& origin() const { return origin_; }
    const Config& config() const { return config_; }
    const World& world() const { return world_; }

    // admit() then serve(). The HTTP glue calls the two apart: a request is counted against the
    // rate limits when it arrives, as the real API's front counts it, and served after the
    // configured latency (docs/design.md §9.7).
    Reply handle_api(const ApiRequest& request);
    // The rate limits: the 429 reply when this request is one too many, counted now.
    std::optional<Reply> admit(const ApiRequest& request);
    // The answer, with no rate limit applied.
    Reply serve(const ApiRequest& request);
    Reply handle_control(const ApiRequest& request);

    // Scripted faults and the request log, used by the HTTP glue.
    std::optional<Fault> take_fault(const std::string& method, const std::string& path) {
        return faults_.take(method, path);
    }
    void log(LogEntry entry);
    nlohmann::json request_log() const;

    // Direct access for tests: the user's stored password matches.
    bool check_password(const std::string& username, const std::string& password) const;
    nlohmann::json all_users() const;
    void expire_tokens();
    // GET /_sandbox/password_resets: every reset asked for, in order, with the users it reached.
    nlohmann::json password_resets() const;
    // GET /_sandbox/tokens: tokens neither expired nor logged out, in issue order, no values.
    nlohmann::json live_tokens() const;

private:
    using Clock = std::chrono::steady_clock;

    // Routing.
    Reply route_v1(const ApiRequest& request, const std::string& path);
    Reply route_users(const ApiRequest& request, const User& caller, const std::string& rest);
    Reply route_resources(const ApiRequest& request, const User& caller, const std::string& path);

    // Authentication (service_auth.cpp).
    Reply login(const ApiRequest& request);
    Reply exchange_token(const ApiRequest& request, const std::string& key);
    Reply logout(const std::string& key);
    // The caller's user, or the 401/403 reply; `key` receives the token.
    const User* authenticate(const ApiRequest& request, Reply& failure, std::string& key);
    std::string issue_token(Id user, std::int64_t lifetime_s, const char* issued_by);

    // Resources (service_resources.cpp).
    Reply root() const;
    Reply list_organizations(const ApiRequest& request, const User& caller) const;
    Reply get_organization(const User& caller, Id id) const;
    Reply list_groups(const ApiRequest& request, const User& caller) const;
    Reply get_group(const User& caller, Id id) const;
    Reply list_queues(const ApiRequest& request, const User& caller) const;
    Reply get_queue(const User& caller, Id id) const;
    Reply list_organization_groups(const ApiRequest& request, const User& caller) const;
    Reply get_organization_group(const User& caller, Id id) const;
    Reply list_workspaces(const ApiRequest& request, const User& caller) const;
    Reply get_workspace(const User& caller, Id id) const;
    Reply list_schemas(const ApiRequest& request, const User& caller) const;
    Reply get_schema(const User& caller, Id id) const;

    // Passwords (service_password.cpp).
    Reply change_password(const ApiRequest& request, const User& caller);
    Reply reset_password(const ApiRequest& request);

    // Users (service_users.cpp).
    Reply list_users(const ApiRequest& request, const User& caller) const;
    Reply get_user(const User& caller, Id id) const;
    Reply create_user(const ApiRequest& request, const User& caller);
    Reply update_user(const ApiRequest& request, const User& caller, Id id, bool partial);
    Reply delete_user(const User& caller, Id id);
    bool username_taken(const std::string& username, Id except) const;

    // Control API (service_control.cpp).
    Reply control_users(const ApiRequest& request, const std::string& rest);
    Reply control_config(const ApiRequest& request);
    Reply control_faults(const ApiRequest& request);

public:
    // JSON shapes (service_json.cpp); public for the control API and tests.
    nlohmann::json user_json(const User& user) const;
    nlohmann::json organization_json(const Organization& organization) const;
    nlohmann::json organization_group_json(const OrganizationGroup& group) const;
    nlohmann::json role_json(const Role& role) const;
    nlohmann::json workspace_json(const Workspace& workspace) const;
    nlohmann::json schema_json(const Schema& schema) const;
    nlohmann::json queue_json(const Queue& queue) const;
    // The URLs, in id order, of the users `wanted` accepts.
    nlohmann::json urls_of_users(const std::function<bool(const User&)>& wanted) const;
    std::string url(const std::string& resource, Id id) const;
    std::string api_url(const std::string& path) const;
    // The id of `text` when it is this sandbox's URL of `resource`.
    std::optional<Id> id_from_url(const std::string& resource, const std::string& text) const;

private:
    World world_;
    Config config_;
    std::string origin_ = "http://127.0.0.1:0";
    // The origin of the request being served (from its Host header when that names this
    // server by another loopback name, e.g. localhost), so links stay within what the client
    // called; origin_ otherwise.
    std::string request_origin_;
    void begin_request(const ApiRequest& request);
    std::unordered_map<std::string, Token> tokens_;
    SlidingWindow api_window_{std::chrono::seconds(1)};
    SlidingWindow login_window_{std::chrono::seconds(60)};
    FaultQueue faults_;
    std::vector<PasswordReset> password_resets_;
    std::vector<LogEntry> log_;
    long long next_seq_ = 1;
    long long next_token_seq_ = 1;
};

// Fixed values of the objects the sandbox does not model in time (service_json.cpp).
inline constexpr const char* k_organization_created_at = "2024-01-15T09:30:00.000000Z";
inline constexpr const char* k_organization_trial_expires_at = "2024-02-14T09:30:00.000000Z";
inline constexpr const char* k_queue_locale = "en_GB";

// Helpers shared by the service's files.
Reply json_reply(int status, const nlohmann::json& body);
Reply detail_reply(int status, const std::string& detail);
Reply not_found();
Reply method_not_allowed(const std::string& method);
// The request body as a JSON object, or nullopt with the 400 reply in `failure`.
std::optional<nlohmann::json> json_body(const ApiRequest& request, Reply& failure);
std::optional<Id> parse_id(const std::string& text);
std::string random_token(std::size_t length, bool digits_and_upper);

} // namespace ra::sandbox
