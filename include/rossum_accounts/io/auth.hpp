#pragma once
// Authentication (docs/rossum-api.md, "Authentication"): ROSSUM_TOKEN as is, or a login plus an
// immediate exchange for a long-lived token that is cached; at most one login per run. After a
// run the only long-lived token left valid is the one the user asked for (the cached one).

#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/request_sender.hpp"
#include "rossum_accounts/io/token_cache.hpp"

#include <cstdint>
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

    // The token to send: ROSSUM_TOKEN, the cached token, or a fresh login.
    Result<std::string> token();
    // After a 401 for `rejected`: a fresh login when this run has not logged in yet, else
    // ErrorKind::auth.
    Result<std::string> renew(const std::string& rejected);
    // The token comes from a login and an exchange when it will be cached, from a login alone
    // otherwise. End of run: logs out the token obtained by this run's login unless it is in the
    // cache (--no-token-cache, no cache directory, or a cache write that failed). ROSSUM_TOKEN and
    // a token read from the cache are never logged out. A failure is a warning.
    void finish();

    // Warnings since the last call (cache problems, failed logouts), without a "warning:"
    // prefix; the caller prints them.
    std::vector<std::string> take_warnings();

    int logins() const { return logins_; }

private:
    Result<std::string> fresh_login();

    RequestSender& sender_;
    SecretMasker& masker_;
    std::string api_url_;
    Credentials credentials_;
    const TokenCache* cache_;
    std::int64_t lifetime_s_;
    std::optional<std::string> token_;
    bool token_cached_ = false; // token_ is the one in the cache (read from it or stored)
    int logins_ = 0;
    std::vector<std::string> warnings_;
};

// POST /v1/auth/logout with `token`: the Error when the API did not confirm it.
Status logout(RequestSender& sender, const std::string& api_url, const std::string& token);

} // namespace ra
