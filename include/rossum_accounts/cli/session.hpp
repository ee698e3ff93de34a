#pragma once
// One run's connection to the Rossum API, built from flags and the environment: API URL,
// credentials, transport, rate limit, retries, token cache. Everything that can be wrong locally
// (URL, credentials, CA bundle) is an ErrorKind::usage before any request.

#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/console.hpp"
#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/secret_masker.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace ra::cli {

// The API URL asked for: --api-url, else ROSSUM_API_URL, else `manifest_url`; empty when none
// is given. The one place of this precedence.
std::string requested_api_url(const GlobalOptions& global, const Environment& env,
                              const std::optional<std::string>& manifest_url);

// requested_api_url, validated (https, or http to a loopback host). ErrorKind::usage when none
// is given or it is not acceptable.
Result<std::string> resolve_api_url(const GlobalOptions& global, const Environment& env,
                                    const std::optional<std::string>& manifest_url);

class Session {
public:
    virtual ~Session() = default;
    virtual RossumApi& api() = 0;
    virtual const std::string& api_url() const = 0;
    // Logs out every token of the run that is not cached (--no-token-cache); prints the
    // warnings of the connection (token cache, logout); never fails.
    virtual void finish() = 0;
};

// Credentials from ROSSUM_TOKEN or ROSSUM_USERNAME + ROSSUM_PASSWORD (usage error when absent),
// registered with `masker`, as is every token of the session.
Result<std::unique_ptr<Session>> open_session(const GlobalOptions& global,
                                              const std::string& api_url, Console& console,
                                              SecretMasker& masker);

// `token`: exactly one login as the service account and one exchange for a token of
// `lifetime_s` (the login token is asked for with a lifetime of minutes); no admin
// credentials, no cache.
Result<std::string> service_account_token(const GlobalOptions& global, const std::string& api_url,
                                          const std::string& username, const std::string& password,
                                          std::int64_t lifetime_s, SecretMasker& masker,
                                          std::function<Status(const std::string&)> deliver);

} // namespace ra::cli
