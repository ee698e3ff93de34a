#pragma once
// RossumApi over HttpTransport: auth, rate limit, retries, safe paging (docs/design.md §9, §10).
// One client per run. Its API calls may come from several threads at once (docs/design.md §9.7):
// the token is obtained and renewed under a lock, and the sender and transport are thread-safe.
// users_page with a `next` link is for one thread (it follows one listing).

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/io/auth.hpp"
#include "rossum_accounts/io/http_transport.hpp"
#include "rossum_accounts/io/request_sender.hpp"
#include "rossum_accounts/io/retry_policy.hpp"
#include "rossum_accounts/io/token_cache.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ra {

enum class TokenCacheMode { enabled, disabled };

// What the CLI sets up for one run. Transport settings (CA bundle, timeout, body cap) live in
// CurlOptions (curl_transport.hpp).
struct ClientConfig {
    std::string api_url;                                  // already passed through validate_api_url
    Clock* clock = nullptr;                               // required: all waiting and timing
    double max_rps = 10;                                  // --max-rps
    TokenCacheMode token_cache = TokenCacheMode::enabled; // --no-token-cache → disabled (+ logout)
    std::optional<std::string> cache_dir; // default_token_cache_dir(env); none → no cache
    LogSink log;                          // -v: one line per request/retry, secrets masked
    RetryPolicy retry;                    // retry limits, backoff, wait budget, RNG seed
    int max_pages = 1000;                 // pagination loop stop
    // True once the run was asked to stop (SIGINT/SIGTERM): a write that waited for the rate
    // limiter is then not sent (ErrorKind::not_sent); reads and auth steps still go.
    std::function<bool()> stop_writes;
    // True once the run stopped by itself (apply: an action gave up): a write not sent yet that
    // waited for the rate limiter is then not sent either; one already sent is still retried.
    std::function<bool()> hold_new_writes;
    // The run's TaskRunner (null: sequential). A run that logs in and exchanges sends its first
    // read with the login token side by side with the exchange (Authenticator::EarlyRead).
    TaskRunner* runner = nullptr;
};

class RossumClient : public RossumApi {
public:
    // `masker` receives the run's tokens and masks what the client's messages quote; it must
    // outlive the client.
    RossumClient(HttpTransport& transport, ClientConfig config, Credentials credentials,
                 SecretMasker& masker);

    Result<LiveUser> current_user() override;
    Result<Organization> organization(std::int64_t id) override;
    Result<std::vector<Group>> groups() override;
    Result<std::vector<Queue>> queues() override;
    Result<Page<LiveUser>> users_page(std::int64_t organization_id,
                                      const std::optional<std::string>& next,
                                      const UserSieve* sieve) override;
    Result<Page<LiveUser>> users_page_number(std::int64_t organization_id, std::int64_t number,
                                             const UserSieve* sieve) override;
    Result<std::vector<LiveUser>> users_by_username(const std::string& username) override;
    Result<LiveUser> user(std::int64_t id) override;
    Result<LiveUser> create_user(const nlohmann::json& body) override;
    Result<LiveUser> patch_user(std::int64_t id, const nlohmann::json& body) override;

    // End of run: logs out every token of the run that is not in the cache (failures are
    // warnings, see take_warnings).
    void finish();
    // Warnings since the last call (token cache problems, failed logouts), without a
    // "warning:" prefix; the caller prints them.
    std::vector<std::string> take_warnings();

    int logins() const { return auth_.logins(); }

private:
    // One authenticated request; a 401 gets one renewed token and one repeat. Non-2xx → Error.
    Result<HttpResponse> authorized(HttpMethod method, const std::string& url,
                                    const nlohmann::json* body, RetryMode mode);
    // The token to send `request` with. A GET may go with the login token while it is
    // exchanged (docs/design.md §11.2); its answer is then in `early`.
    Result<std::string> token_for(const HttpRequest& request, RetryMode mode,
                                  std::optional<Result<HttpResponse>>& early);
    // `request` sent with `token`; a 401 gets one renewed token and one repeat. Non-2xx → Error.
    Result<HttpResponse> send_renewing(const HttpRequest& request, const std::string& token,
                                       RetryMode mode);
    // authorized(), its answer read as JSON. `oversized`, when given, tells whether the answer
    // held an integer beyond 64 bits.
    Result<nlohmann::json> call(HttpMethod method, const std::string& url,
                                const nlohmann::json* body, RetryMode mode,
                                bool* oversized = nullptr);
    Error not_json(HttpMethod method, const std::string& url, int status) const;
    // The pages of one listing read so far.
    struct PageTrail {
        std::set<std::string> fetched;
        std::int64_t pages = 0;
    };
    // One page of a listing: origin, repeat and page-count checks around the GET. `read` takes
    // the answer's text (nullopt when it is not JSON).
    template <class T, class Read>
    Result<Page<T>> fetch_page(const std::string& url, PageTrail& trail, const char* what,
                               Read read);
    template <class T, class Parse>
    Result<std::vector<T>> list_all(const std::string& first_url, const char* what, Parse parse);

    ClientConfig config_;
    SecretMasker& masker_;
    std::vector<std::string> warnings_;
    std::unique_ptr<TokenCache> cache_;
    RequestSender sender_;
    std::mutex auth_mutex_; // token() and renew() may log in; one worker at a time
    Authenticator auth_;
    PageTrail users_trail_; // of the current users_page listing
};

// The `token` command: exactly one login as `username` and one exchange with `lifetime_s`, then
// the login token is logged out (a failure is appended to `warnings`); no cache, no admin
// credentials.
struct ServiceTokenRequest {
    std::string api_url;
    std::string username;
    std::string password;
    std::int64_t lifetime_s = k_max_token_lifetime_s;
    // Hands the token over (writes the --output file); when it fails, the token is logged out,
    // so no long-lived token is left that nobody holds.
    std::function<Status(const std::string&)> deliver = {};
    double max_rps = 10; // --max-rps
    LogSink log = {};    // -v: the login, the exchange and a logout, as for any run
};
Result<std::string> service_account_token(HttpTransport& transport, Clock& clock,
                                          SecretMasker& masker, const ServiceTokenRequest& request);

// Percent-encodes a query value (RFC 3986 unreserved characters stay).
std::string url_encode(std::string_view value);

} // namespace ra
