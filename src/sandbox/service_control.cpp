// The control API under /_sandbox: request log, out-of-band users, tokens, password resets,
// config, faults.
#include "sandbox/seed.hpp"
#include "sandbox/service.hpp"

namespace ra::sandbox {

namespace {

Reply no_content() {
    Reply reply;
    reply.status = 204;
    return reply;
}

std::optional<Id> organization_id(const nlohmann::json& value) {
    if (value.is_number_integer()) {
        return value.get<Id>();
    }
    if (value.is_string()) {
        std::string text = value.get<std::string>();
        while (!text.empty() && text.back() == '/') {
            text.pop_back();
        }
        return parse_id(text.substr(text.rfind('/') + 1));
    }
    return std::nullopt;
}

// Reads an optional limit: a positive number, or null for "off".
template <class T>
std::string read_limit(const nlohmann::json& body, const char* key, std::optional<T>& target) {
    if (!body.contains(key)) {
        return {};
    }
    if (body[key].is_null()) {
        target.reset();
    } else if (body[key].is_number() && body[key].get<double>() > 0) {
        target = body[key].get<T>();
    } else {
        return std::string(key) + " must be a positive number or null";
    }
    return {};
}

std::string read_policy(const nlohmann::json& body, const char* key, bool& reject) {
    if (!body.contains(key)) {
        return {};
    }
    if (body[key] == "reject" || body[key] == "ignore") {
        reject = body[key] == "reject";
        return {};
    }
    return std::string(key) + " must be \"ignore\" or \"reject\"";
}

std::string read_config(const nlohmann::json& body, Config& config) {
    for (auto problem : {read_limit(body, "rate_limit", config.rate_limit),
                         read_limit(body, "login_limit", config.login_limit),
                         read_policy(body, "email_patch", config.reject_email_patch),
                         read_policy(body, "password_patch", config.reject_password_patch)}) {
        if (!problem.empty()) {
            return problem;
        }
    }
    if (body.contains("latency_ms")) {
        if (!body["latency_ms"].is_number_integer() || body["latency_ms"].get<int>() < 0) {
            return "latency_ms must be a non-negative integer";
        }
        config.latency_ms = body["latency_ms"].get<int>();
    }
    if (body.contains("token_lifetime_s")) {
        if (!body["token_lifetime_s"].is_number_integer() ||
            body["token_lifetime_s"].get<std::int64_t>() < 1) {
            return "token_lifetime_s must be a positive integer";
        }
        config.token_lifetime_s = body["token_lifetime_s"].get<std::int64_t>();
    }
    for (const char* key : {"username_case_insensitive", "deleted_in_lists"}) {
        if (body.contains(key)) {
            if (!body[key].is_boolean()) {
                return std::string(key) + " must be a boolean";
            }
            (std::string(key) == "deleted_in_lists" ? config.deleted_in_lists
                                                    : config.username_case_insensitive) =
                body[key].get<bool>();
        }
    }
    return {};
}

} // namespace

Reply Service::handle_control(const ApiRequest& request) {
    begin_request(request);
    std::string path = request.path;
    while (path.size() > 1 && path.back() == '/') {
        path.pop_back();
    }
    const std::string& method = request.method;
    if (path == "/_sandbox/health") {
        return method == "GET" ? json_reply(200, {{"status", "ok"}}) : method_not_allowed(method);
    }
    if (path == "/_sandbox/requests") {
        if (method == "DELETE") {
            log_.clear();
            return no_content();
        }
        return method == "GET" ? json_reply(200, request_log()) : method_not_allowed(method);
    }
    if (path == "/_sandbox/tokens") {
        return method == "GET" ? json_reply(200, live_tokens()) : method_not_allowed(method);
    }
    if (path == "/_sandbox/tokens/expire") {
        if (method != "POST") {
            return method_not_allowed(method);
        }
        expire_tokens();
        return json_reply(200, {{"expired", tokens_.size()}});
    }
    if (path == "/_sandbox/password_resets") {
        return method == "GET" ? json_reply(200, password_resets()) : method_not_allowed(method);
    }
    if (path == "/_sandbox/users" || path.rfind("/_sandbox/users/", 0) == 0) {
        return control_users(request, path.substr(std::string("/_sandbox/users").size()));
    }
    if (path == "/_sandbox/config") {
        return control_config(request);
    }
    if (path == "/_sandbox/faults") {
        return control_faults(request);
    }
    return not_found();
}

Reply Service::control_users(const ApiRequest& request, const std::string& rest) {
    Reply failure;
    if (rest.empty()) {
        if (request.method == "GET") {
            return json_reply(200, all_users());
        }
        if (request.method != "POST") {
            return method_not_allowed(request.method);
        }
    }
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    std::optional<Id> id = rest.empty()
                               ? std::optional<Id>(body->value("id", world_.next_user_id()))
                               : parse_id(rest.substr(1));
    User* existing = id ? world_.user(*id) : nullptr;
    if (!rest.empty() && existing == nullptr) {
        return not_found();
    }
    if (rest.empty() && existing != nullptr) {
        return detail_reply(400, "user id " + std::to_string(*id) + " already exists");
    }
    if (request.method == "GET") {
        return json_reply(200, user_json(*existing));
    }
    if (request.method == "DELETE") {
        world_.erase_user(*id);
        std::erase_if(tokens_, [&](const auto& entry) { return entry.second.user == *id; });
        return no_content();
    }
    if (!rest.empty() && request.method != "PATCH") {
        return method_not_allowed(request.method);
    }
    User user = existing != nullptr ? *existing : User{};
    user.id = *id;
    if (existing == nullptr) {
        user.date_joined = utc_timestamp_now();
    }
    if (body->contains("organization")) {
        auto organization = organization_id((*body)["organization"]);
        if (!organization || world_.organization(*organization) == nullptr) {
            return detail_reply(400, "unknown organization " + (*body)["organization"].dump());
        }
        user.organization = *organization;
    } else if (existing == nullptr) {
        return detail_reply(400, "organization is required");
    }
    std::string problem = apply_seed_user(*body, world_, user);
    if (problem.empty() && username_taken(user.username, user.id)) {
        problem = "username \"" + user.username + "\" is taken";
    }
    if (!problem.empty()) {
        return detail_reply(400, problem);
    }
    const bool replaced = existing != nullptr;
    return json_reply(replaced ? 200 : 201, user_json(world_.put_user(std::move(user))));
}

Reply Service::control_config(const ApiRequest& request) {
    if (request.method == "GET") {
        return json_reply(200, to_json(config_));
    }
    if (request.method != "POST" && request.method != "PATCH") {
        return method_not_allowed(request.method);
    }
    Reply failure;
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    Config changed = config_;
    std::string problem = read_config(*body, changed);
    if (!problem.empty()) {
        return detail_reply(400, problem);
    }
    config_ = changed;
    return json_reply(200, to_json(config_));
}

Reply Service::control_faults(const ApiRequest& request) {
    if (request.method == "GET") {
        return json_reply(200, faults_.to_json());
    }
    if (request.method == "DELETE") {
        faults_.clear();
        return no_content();
    }
    if (request.method != "POST") {
        return method_not_allowed(request.method);
    }
    auto script = nlohmann::json::parse(request.body, nullptr, false);
    FaultParse parsed = parse_fault(script);
    if (!parsed.fault) {
        return detail_reply(400, parsed.error);
    }
    faults_.add(*parsed.fault);
    return json_reply(201, faults_.to_json()["faults"].back());
}

} // namespace ra::sandbox
