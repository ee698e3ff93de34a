#include "rossum_accounts/io/auth.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <utility>

namespace ra {
namespace {

HttpRequest json_post(const std::string& url, const nlohmann::json& body) {
    HttpRequest r;
    r.method = HttpMethod::post;
    r.url = url;
    r.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return r;
}

HttpRequest with_token(HttpRequest request, const std::string& token) {
    request.headers.emplace_back("Authorization", "Bearer " + token);
    return request;
}

// Header values go to the wire as they are; a token with CR/LF would inject headers.
bool header_safe(const std::string& value) {
    return !value.empty() && std::all_of(value.begin(), value.end(),
                                         [](unsigned char c) { return c > 0x20 && c < 0x7f; });
}

Result<std::string> key_from(const HttpResponse& response, const std::string& step,
                             SecretMasker& masker) {
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    if (body.is_discarded() || !body.is_object() || !body.contains("key") ||
        !body["key"].is_string() || !header_safe(body["key"].get<std::string>()))
        return make_error(ErrorKind::protocol,
                          fmt::format("{}: the API answered without a usable \"key\"", step),
                          response.status);
    auto key = body["key"].get<std::string>();
    masker.add(key);
    return key;
}

Result<std::string> auth_step(RequestSender& sender, SecretMasker& masker,
                              const HttpRequest& request, const std::string& step,
                              const std::string& username) {
    auto response = sender.send(request, RetryMode::login);
    if (!response)
        return response.error();
    const int status = response->status;
    if (status == 200 || status == 201)
        return key_from(*response, step, masker);
    if (status == 400 || status == 401 || status == 403)
        return make_error(ErrorKind::auth,
                          fmt::format("{} for user \"{}\" failed: the API rejected the "
                                      "credentials ({})",
                                      step, username, status),
                          status);
    if (status == 429)
        return make_error(
            ErrorKind::throttled,
            fmt::format("{} for user \"{}\" is throttled (429); try again later", step, username),
            status);
    return sender.error_for(request, *response);
}

} // namespace

Status logout(RequestSender& sender, const std::string& api_url, const std::string& token) {
    auto request =
        with_token(json_post(api_url + "/v1/auth/logout", nlohmann::json::object()), token);
    auto response = sender.send(request, RetryMode::login);
    if (!response)
        return response.error();
    if (response->status != 200)
        return sender.error_for(request, *response);
    return ok_status();
}

Result<std::string> login(RequestSender& sender, SecretMasker& masker, const std::string& api_url,
                          const std::string& username, const std::string& password,
                          std::optional<std::int64_t> lifetime_s) {
    masker.add(password);
    nlohmann::json body = {{"username", username}, {"password", password}};
    if (lifetime_s)
        body["max_token_lifetime_s"] = *lifetime_s;
    return auth_step(sender, masker, json_post(api_url + "/v1/auth/login", body), "login",
                     username);
}

namespace {

// POST /v1/auth/token with `token`: a new token of `lifetime_s`; `token` stays valid.
Result<std::string> exchange(RequestSender& sender, SecretMasker& masker,
                             const std::string& api_url, const std::string& username,
                             const std::string& token, std::int64_t lifetime_s) {
    return auth_step(
        sender, masker,
        with_token(json_post(api_url + "/v1/auth/token", {{"max_token_lifetime_s", lifetime_s}}),
                   token),
        "token exchange", username);
}

} // namespace

Result<std::string> login_and_exchange(RequestSender& sender, SecretMasker& masker,
                                       const std::string& api_url, const std::string& username,
                                       const std::string& password, std::int64_t lifetime_s) {
    // The login token is only the key to the exchange. Asked for with a short lifetime it
    // expires on its own minutes later: no logout request, which the request budget would count
    // (docs/design.md, request budget; docs/rossum-api.md, token exchange).
    auto login_token = login(sender, masker, api_url, username, password, k_login_token_lifetime_s);
    if (!login_token)
        return login_token.error();
    return exchange(sender, masker, api_url, username, *login_token, lifetime_s);
}

Authenticator::Authenticator(RequestSender& sender, SecretMasker& masker, std::string api_url,
                             Credentials credentials, const TokenCache* cache,
                             std::int64_t lifetime_s)
    : sender_(sender), masker_(masker), api_url_(std::move(api_url)),
      credentials_(std::move(credentials)), cache_(cache), lifetime_s_(lifetime_s) {
    if (credentials_.token)
        masker_.add(*credentials_.token);
    masker_.add(credentials_.password);
}

Result<std::string> Authenticator::token() {
    return token(sequential_runner(), {});
}

Result<std::string> Authenticator::token(TaskRunner& runner, const EarlyRead& early) {
    if (token_ && run_token_due())
        return renew_run_token();
    if (token_)
        return *token_;
    if (run_token_expires_)
        return run_login(); // the renewal of the run token failed; try once more
    if (credentials_.token) {
        if (!header_safe(*credentials_.token))
            return make_error(ErrorKind::usage,
                              "ROSSUM_TOKEN contains spaces or control characters");
        token_ = credentials_.token;
        return *token_;
    }
    if (!cache_)
        return fresh_login();
    // Held from the read of the cache to the store of a fresh token: a run started at the same
    // time waits, then finds this run's token instead of exchanging one of its own that the
    // cache would not keep (docs/design.md §11.2).
    auto lock = lock_cache();
    if (use_cached_token())
        return *token_;
    return fresh_login(&runner, early ? &early : nullptr);
}

std::optional<TokenCacheLock> Authenticator::lock_cache() {
    auto lock = cache_->lock(api_url_, credentials_.username, sender_.clock());
    if (lock)
        return std::move(*lock);
    warnings_.push_back(
        fmt::format("token cache: {}; going on without the lock", lock.error().message));
    return std::nullopt;
}

bool Authenticator::use_cached_token(const std::string& rejected) {
    auto cached = cache_->load(api_url_, credentials_.username, sender_.clock().wall_now());
    if (!cached) {
        warnings_.push_back("token cache: " + cached.error().message);
        return false;
    }
    if (!*cached || !header_safe(**cached) || **cached == rejected)
        return false;
    masker_.add(**cached);
    token_ = *cached;
    token_cached_ = true;
    return true;
}

Result<std::string> Authenticator::fresh_login(TaskRunner* runner, const EarlyRead* early) {
    if (logins_ > 0)
        return make_error(ErrorKind::auth,
                          fmt::format("the API rejected the new token of user \"{}\" (401); "
                                      "not logging in again in this run",
                                      credentials_.username),
                          401);
    if (!cache_)
        return run_login();
    ++logins_;
    const auto issued = sender_.clock().wall_now();
    auto login_token = login(sender_, masker_, api_url_, credentials_.username,
                             credentials_.password, k_login_token_lifetime_s);
    if (!login_token)
        return login_token.error();
    std::optional<Result<std::string>> fresh;
    auto exchange_it = [&] {
        fresh =
            exchange(sender_, masker_, api_url_, credentials_.username, *login_token, lifetime_s_);
    };
    if (runner != nullptr && early != nullptr && runner->width() > 1)
        runner->run(2, [&](std::size_t i) { i == 0 ? exchange_it() : (*early)(*login_token); });
    else
        exchange_it();
    if (!*fresh)
        return fresh->error();
    token_ = **fresh;
    token_cached_ = false;
    auto stored = cache_->store(api_url_, credentials_.username, *token_,
                                issued + std::chrono::seconds(lifetime_s_));
    if (stored)
        token_cached_ = true;
    else
        warnings_.push_back("token cache: " + stored.error().message);
    return *token_;
}

// Without a cache the run's token is logged out at its end, so nothing is exchanged: the login
// token is the run's only token. A run killed before its end leaves it valid, so it is asked for
// with a short lifetime and renewed while the run lasts (docs/design.md §11.3).
Result<std::string> Authenticator::run_login() {
    ++logins_;
    const auto issued = sender_.clock().now();
    auto fresh = login(sender_, masker_, api_url_, credentials_.username, credentials_.password,
                       k_run_token_lifetime_s);
    if (!fresh)
        return fresh.error();
    token_ = *fresh;
    token_cached_ = false;
    run_token_expires_ = issued + std::chrono::seconds(k_run_token_lifetime_s);
    renewal_failed_ = false;
    return *token_;
}

bool Authenticator::run_token_near_end() const {
    return token_ && run_token_expires_ &&
           sender_.clock().now() + std::chrono::seconds(k_run_token_renew_margin_s) >=
               *run_token_expires_;
}

bool Authenticator::run_token_expired() const {
    return run_token_expires_ && sender_.clock().now() >= *run_token_expires_;
}

bool Authenticator::run_token_due() const {
    return run_token_near_end() && (!renewal_failed_ || run_token_expired());
}

Result<std::string> Authenticator::renew_run_token() {
    if (!run_token_expired()) {
        const std::string predecessor = *token_;
        const auto issued = sender_.clock().now();
        auto fresh = exchange(sender_, masker_, api_url_, credentials_.username, predecessor,
                              k_run_token_lifetime_s);
        if (fresh) {
            token_ = *fresh;
            run_token_expires_ = issued + std::chrono::seconds(k_run_token_lifetime_s);
            // An exchange leaves its predecessor valid: end it now rather than let it outlive
            // its use.
            if (auto out = logout(sender_, api_url_, predecessor); !out)
                warnings_.push_back(
                    fmt::format("logging out the renewed token of user \"{}\" failed: {}",
                                credentials_.username, out.error().message));
            return *token_;
        }
        if (fresh.error().http_status != 401) {
            // Still valid for a few minutes: keep it, and log in anew only once it has expired
            // (or a request is refused with 401), not at every request until then.
            renewal_failed_ = true;
            warnings_.push_back(fmt::format("renewing the token of user \"{}\" failed: {}",
                                            credentials_.username, fresh.error().message));
            return *token_;
        }
        // 401: it has expired on the server's clock already.
    }
    // Nothing to log out: it ended by itself. The password is still at hand for a new login.
    token_.reset();
    return run_login();
}

Result<std::string> Authenticator::renew(const std::string& rejected) {
    if (credentials_.token)
        return make_error(ErrorKind::auth, "the API rejected ROSSUM_TOKEN (401)", 401);
    if (token_ && *token_ != rejected)
        return *token_; // already renewed
    if (run_token_near_end()) {
        // A run token near its end, rejected: it expired on the server's clock (or a retry
        // wait outlasted the margin). The request was not processed, so a new login and one
        // repeat are safe.
        token_.reset();
        return run_login();
    }
    token_.reset();
    token_cached_ = false;
    if (!cache_ || logins_ > 0)
        return fresh_login();
    // Another run that met the same 401 may have cached a new token meanwhile: use it rather
    // than exchange a second one that would replace it in the cache.
    auto lock = lock_cache();
    if (use_cached_token(rejected))
        return *token_;
    return fresh_login();
}

void Authenticator::finish() {
    // Only a token this run obtained by logging in; one in the cache is what the user asked for.
    if (credentials_.token || logins_ == 0 || !token_ || token_cached_)
        return;
    if (run_token_expired()) {
        token_.reset(); // ended by itself; a logout would only be refused
        return;
    }
    if (auto out = logout(sender_, api_url_, *token_); !out) {
        warnings_.push_back(fmt::format("logging out the token of user \"{}\" failed: {}",
                                        credentials_.username, out.error().message));
        return;
    }
    token_.reset();
}

std::vector<std::string> Authenticator::take_warnings() {
    return std::exchange(warnings_, {});
}

} // namespace ra
