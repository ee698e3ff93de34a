#pragma once
// Authentication (docs/rossum-api.md, "Authentication"): ROSSUM_TOKEN as is, or a login plus an
// immediate exchange for a long-lived token that is cached, or (no cache) a short-lived run token
// renewed while the run lasts. After a run, even one killed before its end, the only long-lived
// token left valid is the one the user asked for (the cached one); docs/design.md §11.3.

#include "rossum_accounts/core/parallel.hpp"
#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/request_sender.hpp"
#include "rossum_accounts/io/token_cache.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace ra {

inline constexpr std::int64_t k_max_token_lifetime_s = 583200; // 162 h, the API's maximum

// From the environment only: ROSSUM_TOKEN, or ROSSUM_USERNAME + ROSSUM_PASSWORD.
struct Credentials {
    std::optional<std::string> token;
    std::string username;
    std::string password;
};

// The lifetime asked for a login token that is only exchanged: it expires on its own.
inline constexpr std::int64_t k_login_token_lifetime_s = 300;

// Without a cache the run's token is logged out at the end of the run; a run that never gets
// there (a second Ctrl-C, kill -9 by a CI timeout) leaves it valid until it expires, so it is
// asked for with this lifetime (15 min) and renewed while the run lasts.
inline constexpr std::int64_t k_run_token_lifetime_s = 900;
// A run token is renewed before the request that finds less than this left of its lifetime:
// more than one request can take (120 s of retry waits in all, plus five transport timeouts).
inline constexpr std::int64_t k_run_token_renew_margin_s = 300;

// POST /v1/auth/login, with `lifetime_s` as max_token_lifetime_s when given (else the server's
// default). The password and the token are registered with `masker`. 401 → ErrorKind::auth
// naming the username only; 429 → one wait, then throttled.
Result<std::string> login(RequestSender& sender, SecretMasker& masker, const std::string& api_url,
                          const std::string& username, const std::string& password,
                          std::optional<std::int64_t> lifetime_s);

// One login asking for a token of k_login_token_lifetime_s, and one exchange (POST
// /v1/auth/token) for a token of `lifetime_s`: the exchanged token is the only long-lived one.
Result<std::string> login_and_exchange(RequestSender& sender, SecretMasker& masker,
                                       const std::string& api_url, const std::string& username,
                                       const std::string& password, std::int64_t lifetime_s);

class Authenticator {
public:
    // `cache` is null when the token cache is off (--no-token-cache or no cache directory).
    // Every token it meets is registered with `masker`, which must outlive it.
    Authenticator(RequestSender& sender, SecretMasker& masker, std::string api_url,
                  Credentials credentials, const TokenCache* cache,
                  std::int64_t lifetime_s = k_max_token_lifetime_s);

    // The token to send: ROSSUM_TOKEN, the cached token, or a fresh login. With the cache, the
    // read of the cache, the login, the exchange and the store hold its lock
    // (TokenCache::lock), so two runs started together exchange one long-lived token, not two.
    // A run token (no cache) with less than k_run_token_renew_margin_s left is renewed first:
    // exchanged while it is valid (its predecessor is logged out at once), or a new login once
    // it has expired (the question waited longer than its lifetime).
    Result<std::string> token();
    // A read that may go with the login token: when token() logs in and exchanges (the cache is
    // on and holds no usable token) and `runner` is wider than one, it is handed the login token
    // and runs side by side with the exchange, so the run's first read does not wait for it
    // (docs/design.md §9.7, §11.2). The login token is valid for
    // k_login_token_lifetime_s. It must not call back into the Authenticator.
    using EarlyRead = std::function<void(const std::string& login_token)>;
    // token(), with `early` run as above; when no exchange is needed, `early` is not called.
    Result<std::string> token(TaskRunner& runner, const EarlyRead& early);
    // After a 401 for `rejected`: a fresh login when this run has not logged in yet (with the
    // cache: under its lock, unless the cache now holds a token other than `rejected`, which
    // another run stored), or when `rejected` is a run token due for renewal (it expired on the
    // server's clock); else ErrorKind::auth.
    Result<std::string> renew(const std::string& rejected);
    // The token comes from a login and an exchange when it will be cached, from a login of
    // k_run_token_lifetime_s otherwise. End of run: logs out the token obtained by this run
    // unless it is in the cache (--no-token-cache, no cache directory, or a cache write that
    // failed) or has expired. ROSSUM_TOKEN and a token read from the cache are never logged
    // out. A failure is a warning.
    void finish();

    // Warnings since the last call (cache problems, failed logouts), without a "warning:"
    // prefix; the caller prints them.
    std::vector<std::string> take_warnings();

    int logins() const { return logins_; }

private:
    // The cache's lock for this URL and user, or nullopt with a warning (the run goes on).
    std::optional<TokenCacheLock> lock_cache();
    // Takes the cached token when there is a usable one other than `rejected`; a cache
    // problem is a warning.
    bool use_cached_token(const std::string& rejected = {});
    Result<std::string> fresh_login(TaskRunner* runner = nullptr, const EarlyRead* early = nullptr);
    Result<std::string> run_login();
    Result<std::string> renew_run_token();
    bool run_token_near_end() const;
    bool run_token_due() const;
    bool run_token_expired() const;

    RequestSender& sender_;
    SecretMasker& masker_;
    std::string api_url_;
    Credentials credentials_;
    const TokenCache* cache_;
    std::int64_t lifetime_s_;
    std::optional<std::string> token_;
    bool token_cached_ = false; // token_ is the one in the cache (read from it or stored)
    // When token_ is a run token (no cache): when it expires, by the steady clock.
    std::optional<std::chrono::steady_clock::time_point> run_token_expires_;
    bool renewal_failed_ = false; // the exchange of the current run token failed (not a 401)
    int logins_ = 0;
    std::vector<std::string> warnings_;
};

// POST /v1/auth/logout with `token`: the Error when the API did not confirm it.
Status logout(RequestSender& sender, const std::string& api_url, const std::string& token);

} // namespace ra
