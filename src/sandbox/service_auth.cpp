// Login, token exchange, logout and the Authorization header (docs/rossum-api.md §2).
#include "sandbox/service.hpp"

#include <httplib.h>

namespace ra::sandbox {

namespace {

// Login accepts JSON and form bodies, as Rossum's own clients send both.
std::optional<nlohmann::json> login_body(const ApiRequest& request, Reply& failure) {
    if (request.content_type.rfind("application/x-www-form-urlencoded", 0) == 0) {
        httplib::Params form;
        httplib::detail::parse_query_text(request.body, form);
        nlohmann::json body = nlohmann::json::object();
        for (const auto& [key, value] : form) {
            body[key] = value;
        }
        return body;
    }
    return json_body(request, failure);
}

// The requested lifetime in seconds (nullopt = not given), or a 400 in `failure`.
std::optional<std::int64_t> requested_lifetime(const nlohmann::json& body, bool integer_only,
                                               Reply& failure, bool& invalid) {
    invalid = false;
    if (!body.contains("max_token_lifetime_s") || body["max_token_lifetime_s"].is_null()) {
        return std::nullopt;
    }
    const auto& value = body["max_token_lifetime_s"];
    double seconds = 0;
    if (value.is_number_integer() || (!integer_only && value.is_number())) {
        seconds = value.get<double>();
    } else if (value.is_string() && parse_id(value.get<std::string>())) {
        seconds = static_cast<double>(*parse_id(value.get<std::string>()));
    } else {
        invalid = true;
        failure = json_reply(400, {{"max_token_lifetime_s", {"A valid integer is required."}}});
        return std::nullopt;
    }
    if (seconds < 1) {
        invalid = true;
        failure = json_reply(
            400, {{"max_token_lifetime_s", {"Ensure this value is greater than or equal to 1."}}});
        return std::nullopt;
    }
    return static_cast<std::int64_t>(seconds);
}

std::string body_string(const nlohmann::json& body, const char* key) {
    return body.contains(key) && body[key].is_string() ? body[key].get<std::string>() : "";
}

} // namespace

std::string Service::issue_token(Id user, std::int64_t lifetime_s, const char* issued_by) {
    std::string key = random_token(40, false);
    tokens_[key] = Token{user, Clock::now() + std::chrono::seconds(lifetime_s), lifetime_s,
                         issued_by, next_token_seq_++};
    return key;
}

Reply Service::login(const ApiRequest& request) {
    Reply failure;
    auto body = login_body(request, failure);
    if (!body) {
        return failure;
    }
    nlohmann::json missing = nlohmann::json::object();
    for (const char* key : {"username", "password"}) {
        if (body_string(*body, key).empty()) {
            missing[key] = {"This field is required."};
        }
    }
    if (!missing.empty()) {
        return json_reply(400, missing);
    }
    bool invalid = false;
    auto lifetime = requested_lifetime(*body, true, failure, invalid);
    if (invalid) {
        return failure;
    }
    const std::string username = body_string(*body, "username");
    const std::string password = body_string(*body, "password");
    for (Id id : world_.users_named(username)) {
        User& user = *world_.user(id);
        if (user.username == username && user.password && *user.password == password &&
            user.is_active && !user.deleted) {
            user.last_login = utc_timestamp_now();
            std::int64_t granted =
                std::min(lifetime.value_or(config_.token_lifetime_s), config_.token_lifetime_s);
            return json_reply(200,
                              {{"key", issue_token(id, granted, "login")}, {"domain", nullptr}});
        }
    }
    return detail_reply(401, "Unable to log in with provided credentials.");
}

Reply Service::exchange_token(const ApiRequest& request, const std::string& key) {
    Reply failure;
    auto body = json_body(request, failure);
    if (!body) {
        return failure;
    }
    bool invalid = false;
    auto lifetime = requested_lifetime(*body, false, failure, invalid);
    if (invalid) {
        return failure;
    }
    const Token current = tokens_.at(key);
    std::int64_t granted =
        std::min(lifetime.value_or(current.lifetime_s), config_.token_lifetime_s);
    return json_reply(200, {{"key", issue_token(current.user, granted, "exchange")},
                            {"domain", nullptr},
                            {"scope", "default"}});
}

Reply Service::logout(const std::string& key) {
    tokens_.erase(key);
    return detail_reply(200, "Successfully logged out.");
}

const User* Service::authenticate(const ApiRequest& request, Reply& failure, std::string& key) {
    failure = detail_reply(403, "Authentication credentials were not provided.");
    if (!request.authorization) {
        return nullptr;
    }
    const std::string& header = *request.authorization;
    std::size_t space = header.find(' ');
    const std::string keyword = ascii_lower(header.substr(0, space));
    if (keyword != "bearer" && keyword != "token") {
        return nullptr; // another scheme: DRF's token authentication does not apply
    }
    failure = detail_reply(401, "Invalid token.");
    if (space == std::string::npos) {
        return nullptr;
    }
    key = header.substr(space + 1);
    auto found = tokens_.find(key);
    if (found == tokens_.end() || found->second.expires <= Clock::now()) {
        return nullptr;
    }
    const User* user = world_.user(found->second.user);
    if (user == nullptr || !user->is_active || user->deleted) {
        return nullptr;
    }
    return user;
}

} // namespace ra::sandbox
