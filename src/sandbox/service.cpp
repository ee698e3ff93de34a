#include "sandbox/service.hpp"

#include <algorithm>
#include <charconv>
#include <random>

namespace ra::sandbox {

namespace {

constexpr const char* k_v1 = "/api/v1";

std::string without_trailing_slash(std::string path) {
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

} // namespace

Reply json_reply(int status, const nlohmann::json& body) {
    Reply reply;
    reply.status = status;
    reply.body = body.dump();
    return reply;
}

Reply detail_reply(int status, const std::string& detail) {
    return json_reply(status, {{"detail", detail}});
}

Reply not_found() {
    return detail_reply(404, "Not found.");
}

Reply method_not_allowed(const std::string& method) {
    return detail_reply(405, "Method \"" + method + "\" not allowed.");
}

std::optional<nlohmann::json> json_body(const ApiRequest& request, Reply& failure) {
    if (request.body.empty()) {
        return nlohmann::json::object();
    }
    auto body = nlohmann::json::parse(request.body, nullptr, false);
    if (body.is_discarded()) {
        failure = detail_reply(400, "JSON parse error - invalid JSON");
        return std::nullopt;
    }
    if (!body.is_object()) {
        failure = json_reply(
            400,
            {{"non_field_errors", {"Invalid data. Expected a dictionary, but got another type."}}});
        return std::nullopt;
    }
    return body;
}

std::optional<Id> parse_id(const std::string& text) {
    Id value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < 0) {
        return std::nullopt;
    }
    return value;
}

std::string random_token(std::size_t length, bool digits_and_upper) {
    static const std::string lower = "abcdefghijklmnopqrstuvwxyz0123456789";
    static const std::string mixed = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const std::string& alphabet = digits_and_upper ? mixed : lower;
    thread_local std::mt19937_64 engine{std::random_device{}()};
    std::uniform_int_distribution<std::size_t> pick(0, alphabet.size() - 1);
    std::string token;
    while (token.size() < length) {
        token += alphabet[pick(engine)];
    }
    return token;
}

Service::Service(World world, Config config) : world_(std::move(world)), config_(config) {}

Reply Service::handle_api(const ApiRequest& request) {
    if (auto throttled = admit(request)) {
        return *throttled;
    }
    return serve(request);
}

Reply Service::serve(const ApiRequest& request) {
    begin_request(request);
    const std::string path = without_trailing_slash(request.path);
    if (path == "/api" || path == k_v1) {
        return request.method == "GET" ? root() : method_not_allowed(request.method);
    }
    if (path.rfind(std::string(k_v1) + "/", 0) != 0) {
        return not_found();
    }
    return route_v1(request, path.substr(std::string(k_v1).size()));
}

std::optional<Reply> Service::admit(const ApiRequest& request) {
    const std::string path = without_trailing_slash(request.path);
    const auto now = Clock::now();
    if (config_.rate_limit) {
        int limit = static_cast<int>(*config_.rate_limit);
        if (!api_window_.try_acquire(limit, now)) {
            int seconds = api_window_.seconds_until_free(now);
            Reply reply = detail_reply(429, "Request was throttled. Expected available in " +
                                                std::to_string(seconds) +
                                                (seconds == 1 ? " second." : " seconds."));
            reply.headers["Retry-After"] = std::to_string(seconds);
            return reply;
        }
    }
    if (path == std::string(k_v1) + "/auth/login" && config_.login_limit) {
        if (!login_window_.try_acquire(*config_.login_limit, now)) {
            int seconds = login_window_.seconds_until_free(now);
            Reply reply = detail_reply(429, "Request was throttled. Expected available in " +
                                                std::to_string(seconds) + " seconds.");
            reply.headers["Retry-After"] = std::to_string(seconds);
            return reply;
        }
    }
    return std::nullopt;
}

Reply Service::route_v1(const ApiRequest& request, const std::string& path) {
    if (path == "/auth/login") {
        return request.method == "POST" ? login(request) : method_not_allowed(request.method);
    }
    // The docs' reset example sends no credentials: a user who forgot the password has none.
    if (path == "/auth/password/reset") {
        return request.method == "POST" ? reset_password(request)
                                        : method_not_allowed(request.method);
    }
    Reply failure;
    std::string key;
    const User* caller = authenticate(request, failure, key);
    if (caller == nullptr) {
        return failure;
    }
    if (path == "/auth/token") {
        return request.method == "POST" ? exchange_token(request, key)
                                        : method_not_allowed(request.method);
    }
    if (path == "/auth/logout") {
        return request.method == "POST" ? logout(key) : method_not_allowed(request.method);
    }
    if (path == "/auth/password/change") {
        return request.method == "POST" ? change_password(request, *caller)
                                        : method_not_allowed(request.method);
    }
    if (path == "/auth/user") {
        return request.method == "GET" ? json_reply(200, user_json(*caller))
                                       : method_not_allowed(request.method);
    }
    if (path == "/users" || path.rfind("/users/", 0) == 0) {
        return route_users(request, *caller, path.substr(6));
    }
    return route_resources(request, *caller, path);
}

Reply Service::route_users(const ApiRequest& request, const User& caller, const std::string& rest) {
    if (rest.empty()) {
        if (request.method == "GET") {
            return list_users(request, caller);
        }
        return request.method == "POST" ? create_user(request, caller)
                                        : method_not_allowed(request.method);
    }
    auto id = parse_id(rest.substr(1));
    if (!id) {
        return not_found();
    }
    if (request.method == "GET") {
        return get_user(caller, *id);
    }
    if (request.method == "PATCH" || request.method == "PUT") {
        return update_user(request, caller, *id, request.method == "PATCH");
    }
    return request.method == "DELETE" ? delete_user(caller, *id)
                                      : method_not_allowed(request.method);
}

Reply Service::route_resources(const ApiRequest& request, const User& caller,
                               const std::string& path) {
    struct Resource {
        const char* name;
        Reply (Service::*list)(const ApiRequest&, const User&) const;
        Reply (Service::*get)(const User&, Id) const;
    };
    static const Resource resources[] = {
        {"/organizations", &Service::list_organizations, &Service::get_organization},
        {"/organization_groups", &Service::list_organization_groups,
         &Service::get_organization_group},
        {"/groups", &Service::list_groups, &Service::get_group},
        {"/workspaces", &Service::list_workspaces, &Service::get_workspace},
        {"/schemas", &Service::list_schemas, &Service::get_schema},
        {"/queues", &Service::list_queues, &Service::get_queue},
    };
    for (const auto& resource : resources) {
        const std::string base = resource.name;
        if (path != base && path.rfind(base + "/", 0) != 0) {
            continue;
        }
        if (request.method != "GET") {
            return method_not_allowed(request.method);
        }
        if (path == base) {
            return (this->*resource.list)(request, caller);
        }
        auto id = parse_id(path.substr(base.size() + 1));
        return id ? (this->*resource.get)(caller, *id) : not_found();
    }
    return not_found();
}

void Service::log(LogEntry entry) {
    entry.seq = next_seq_++;
    log_.push_back(std::move(entry));
}

nlohmann::json Service::request_log() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& entry : log_) {
        nlohmann::json item = {{"seq", entry.seq},       {"method", entry.method},
                               {"path", entry.path},     {"query", entry.query},
                               {"status", entry.status}, {"authorization", entry.authorization}};
        if (!entry.fault.empty()) {
            item["fault"] = entry.fault;
        }
        item["at_ms"] = entry.at_ms;
        item["duration_ms"] = entry.duration_ms;
        item["client_port"] = entry.client_port;
        list.push_back(item);
    }
    return {{"requests", list}};
}

bool Service::check_password(const std::string& username, const std::string& password) const {
    for (Id id : world_.users_named(username)) {
        const User& user = *world_.user(id);
        if (user.username == username) {
            return user.password && *user.password == password;
        }
    }
    return false;
}

nlohmann::json Service::all_users() const {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [id, user] : world_.users()) {
        list.push_back(user_json(user));
    }
    return {{"users", list}};
}

void Service::expire_tokens() {
    const auto now = Clock::now();
    for (auto& [key, token] : tokens_) {
        token.expires = now;
    }
}

nlohmann::json Service::live_tokens() const {
    const auto now = Clock::now();
    std::vector<const Token*> live;
    for (const auto& [key, token] : tokens_) {
        if (token.expires > now) {
            live.push_back(&token);
        }
    }
    std::sort(live.begin(), live.end(),
              [](const Token* a, const Token* b) { return a->seq < b->seq; });
    nlohmann::json list = nlohmann::json::array();
    for (const Token* token : live) {
        const User* user = world_.user(token->user);
        list.push_back(
            {{"seq", token->seq},
             {"user", token->user},
             {"username", user != nullptr ? nlohmann::json(user->username) : nullptr},
             {"issued_by", token->issued_by},
             {"lifetime_s", token->lifetime_s},
             {"expires_in_s",
              std::chrono::duration_cast<std::chrono::seconds>(token->expires - now).count()}});
    }
    return {{"tokens", list}};
}

nlohmann::json to_json(const Config& config) {
    return {{"rate_limit", config.rate_limit ? nlohmann::json(*config.rate_limit) : nullptr},
            {"login_limit", config.login_limit ? nlohmann::json(*config.login_limit) : nullptr},
            {"latency_ms", config.latency_ms},
            {"username_case_insensitive", config.username_case_insensitive},
            {"email_patch", config.reject_email_patch ? "reject" : "ignore"},
            {"password_patch", config.reject_password_patch ? "reject" : "ignore"},
            {"deleted_in_lists", config.deleted_in_lists},
            {"token_lifetime_s", config.token_lifetime_s}};
}

} // namespace ra::sandbox
