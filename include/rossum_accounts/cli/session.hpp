#pragma once
// One run's connection to the Rossum API, built from flags and the environment: API URL,
// credentials, transport, rate limit, retries, token cache. Everything that can be wrong locally
// (URL, credentials, CA bundle) is an ErrorKind::usage before any request. docs/design.md §3
// says how the pieces are built once in main and passed down.

#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/console.hpp"
#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/core/parallel.hpp"
#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/auth.hpp"
#include "rossum_accounts/io/rossum_client.hpp"

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

// The admin credentials: ROSSUM_TOKEN, or ROSSUM_USERNAME + ROSSUM_PASSWORD (usage error when
// absent), registered with `masker`.
Result<Credentials> credentials_from(const Environment& env, SecretMasker& masker);

// A connection that ends itself: destroying it logs out every token of the run that is not
// cached (--no-token-cache) and prints the connection's warnings (token cache, logout). Ending
// never fails.
class Session {
public:
    Session() = default;
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
    virtual ~Session() = default;
    virtual RossumApi& api() = 0;
    // How many of the run's independent API calls may go at once (--parallelism); a session
    // whose api() is not safe to call from several threads keeps the sequential default.
    virtual TaskRunner& runner() { return sequential_runner(); }
};

// True once SIGINT/SIGTERM asked a running apply to stop (cmd_apply.cpp installs the handler).
// Sessions hold back writes from then on, even ones already waiting for the rate limiter.
bool stop_requested();
// True once an action of a running apply stopped the run by itself (retries exhausted,
// credentials refused): sessions then send no write that was not sent yet, even one already
// waiting for the rate limiter; writes already sent finish with their retries.
bool run_stopped();

// Makes the run's connections; main builds the real one, cli tests an in-memory one.
class SessionFactory {
public:
    virtual ~SessionFactory() = default;
    // A session at `api_url` as `credentials`; every token it meets is registered with the
    // run's SecretMasker.
    virtual Result<std::unique_ptr<Session>>
    open(const GlobalOptions& global, const std::string& api_url, Credentials credentials) = 0;
    // `token`: exactly one login as the service account and one exchange for a token of
    // `request.lifetime_s` (the login token is asked for with a lifetime of minutes); no admin
    // credentials, no cache.
    virtual Result<std::string> service_account_token(const GlobalOptions& global,
                                                      const ServiceTokenRequest& request) = 0;
};

// libcurl, the run's clock, the token cache under $XDG_CACHE_HOME/rossum-accounts; -v lines go
// to `console`. Everything passed in must outlive the factory and its sessions.
class CurlSessionFactory : public SessionFactory {
public:
    CurlSessionFactory(const Environment& env, Clock& clock, Console& console,
                       SecretMasker& masker);
    Result<std::unique_ptr<Session>> open(const GlobalOptions& global, const std::string& api_url,
                                          Credentials credentials) override;
    Result<std::string> service_account_token(const GlobalOptions& global,
                                              const ServiceTokenRequest& request) override;

private:
    const Environment& env_;
    Clock& clock_;
    Console& console_;
    SecretMasker& masker_;
};

} // namespace ra::cli
