#pragma once
// Authentication (rossum-api.md §2, product.md §2/§7): ROSSUM_TOKEN as is, or a login plus an
// immediate exchange for a long-lived token that is cached; at most one login per run.

#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/io/request_sender.hpp"
#include "rossum_accounts/io/token_cache.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ra {

inline constexpr std::int64_t k_max_token_lifetime_s = 583200; // 162 h, the API's maximum

// From the environment only: ROSSUM_TOKEN, or ROSSUM_USERNAME + ROSSUM_PASSWORD.
struct Credentials {
    std::optional<std::string> token;
    std::string username;
    std::string password;
};

// One login (POST /v1/auth/login) and one exchange (POST /v1/auth/token with this lifetime);
// both tokens are registered with process_redactor(). 401 from login → ErrorKind::auth naming
// the username only; 429 → one wait, then throttled.
Result<std::string> login_and_exchange(RequestSender& sender, const std::string& api_url,
                                       const std::string& username, const std::string& password,
                                       std::int64_t lifetime_s);

class Authenticator {
public:
    // `cache` is null when the token cache is off (--no-token-cache or no cache directory).
    Authenticator(RequestSender& sender, std::string api_url, Credentials credentials,
                  const TokenCache* cache, std::int64_t lifetime_s = k_max_token_lifetime_s);

    // The token to send: ROSSUM_TOKEN, the cached token, or a fresh login.
    Result<std::string> token();
    // After a 401 for `rejected`: a fresh login when this run has not logged in yet, else
    // ErrorKind::auth.
    Result<std::string> renew(const std::string& rejected);
    // Logs out at the end of the run when the token was obtained here and is not cached.
    void finish(const LogSink& warn);

    int logins() const { return logins_; }

private:
    Result<std::string> fresh_login();

    RequestSender& sender_;
    std::string api_url_;
    Credentials credentials_;
    const TokenCache* cache_;
    std::int64_t lifetime_s_;
    std::optional<std::string> token_;
    int logins_ = 0;
};

} // namespace ra
