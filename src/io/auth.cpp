#include "rossum_accounts/io/auth.hpp"

#include "rossum_accounts/core/secrets.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace ra {
namespace {

HttpRequest json_post(const std::string& url, const nlohmann::json& body) {
    HttpRequest r;
    r.method = HttpMethod::post;
    r.url = url;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

// Header values go to the wire as they are; a token with CR/LF would inject headers.
bool header_safe(const std::string& value) {
    return !value.empty() && std::all_of(value.begin(), value.end(),
                                         [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

Result<std::string> key_from(const HttpResponse& response, const std::string& step) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("key") ||
        !body["key"].is_string() || !header_safe(body["key"].get<std::string>()))
        return make_error(ErrorKind::protocol,
                          fmt::format("{}: the API answered without a usable \"key\"", step),
                          response.status);
    auto key = body["key"].get<std::string>();
    process_redactor().add(key);
    return key;
}

Result<std::string> auth_step(RequestSender& sender, const HttpRequest& request,
                              const std::string& step, const std::string& username) {
    auto response = sender.send(request, RetryMode::login);
    if (!response)
        return response.error();
    const int status = response->status;
    if (status == 200 || status == 201)
        return key_from(*response, step);
    if (status == 400 || status == 401 || status == 403)
        return make_error(ErrorKind::auth,
                          process_redactor().redact(fmt::format(
                              "{} for user \"{}\" failed: the API rejected the credentials ({})",
                              step, username, status)),
                          status);
    if (status == 429)
        return make_error(
            ErrorKind::throttled,
            fmt::format("{} for user \"{}\" is throttled (429); try again later", step, username),
            status);
    return error_for_response(request, *response);
}

} // namespace

Result<std::string> login_and_exchange(RequestSender& sender, const std::string& api_url,
                                       const std::string& username, const std::string& password,
                                       std::int64_t lifetime_s) {
    if (!password.empty())
        process_redactor().add(password);
    auto login = auth_step(
        sender,
        json_post(api_url + "/v1/auth/login", {{"username", username}, {"password", password}}),
        "login", username);
    if (!login)
        return login.error();
    auto exchange = json_post(api_url + "/v1/auth/token", {{"max_token_lifetime_s", lifetime_s}});
    exchange.headers.emplace_back("Authorization", "Bearer " + *login);
    return auth_step(sender, exchange, "token exchange", username);
}

Authenticator::Authenticator(RequestSender& sender, std::string api_url, Credentials credentials,
                             const TokenCache* cache, std::int64_t lifetime_s)
    : sender_(sender), api_url_(std::move(api_url)), credentials_(std::move(credentials)),
      cache_(cache), lifetime_s_(lifetime_s) {
    if (credentials_.token)
        process_redactor().add(*credentials_.token);
    if (!credentials_.password.empty())
        process_redactor().add(credentials_.password);
}

Result<std::string> Authenticator::token() {
    if (token_)
        return *token_;
    if (credentials_.token) {
        if (!header_safe(*credentials_.token))
            return make_error(ErrorKind::usage,
                              "ROSSUM_TOKEN contains spaces or control characters");
        token_ = credentials_.token;
        return *token_;
    }
    if (cache_) {
        if (auto cached = cache_->load(api_url_, credentials_.username, sender_.clock().wall_now());
            cached && header_safe(*cached)) {
            process_redactor().add(*cached);
            token_ = cached;
            return *token_;
        }
    }
    return fresh_login();
}

Result<std::string> Authenticator::fresh_login() {
    if (logins_ > 0)
        return make_error(ErrorKind::auth,
                          fmt::format("the API rejected the new token of user \"{}\" (401); "
                                      "not logging in again in this run",
                                      credentials_.username),
                          401);
    ++logins_;
    const auto issued = sender_.clock().wall_now();
    auto fresh = login_and_exchange(sender_, api_url_, credentials_.username, credentials_.password,
                                    lifetime_s_);
    if (!fresh)
        return fresh.error();
    token_ = *fresh;
    if (cache_)
        cache_->store(api_url_, credentials_.username, *token_,
                      issued + std::chrono::seconds(lifetime_s_));
    return *token_;
}

Result<std::string> Authenticator::renew(const std::string& rejected) {
    if (credentials_.token)
        return make_error(ErrorKind::auth, "the API rejected ROSSUM_TOKEN (401)", 401);
    if (token_ && *token_ != rejected)
        return *token_; // already renewed
    token_.reset();
    return fresh_login();
}

void Authenticator::finish(const LogSink& warn) {
    if (cache_ || credentials_.token || logins_ == 0 || !token_)
        return;
    auto request = json_post(api_url_ + "/v1/auth/logout", nlohmann::json::object());
    request.headers.emplace_back("Authorization", "Bearer " + *token_);
    auto response = sender_.send(request, RetryMode::login);
    if (!response || response->status != 200) {
        if (warn)
            warn(process_redactor().redact(
                fmt::format("warning: logout failed: {}",
                            response ? error_for_response(request, *response).message
                                     : response.error().message)));
        return;
    }
    token_.reset();
}

} // namespace ra
