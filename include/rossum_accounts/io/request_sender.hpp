#pragma once
// Sends one logical request through the rate limiter with the retries of docs/design.md §9.4 and
// logs one line per attempt. Shared by the auth steps and the API client of one run. It composes
// the free text of the requests it sends (errors, -v lines) and masks the run's secrets in the
// values it puts into them: the URL, server text (error bodies, Location) and transport messages.
// Thread-safe when its transport is (CurlTransport is): workers of one run share one sender, so
// its rate limiter is the single gate for all of them (docs/design.md §9.7).

#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/http_transport.hpp"
#include "rossum_accounts/io/log_sink.hpp"
#include "rossum_accounts/io/rate_limiter.hpp"
#include "rossum_accounts/io/retry_policy.hpp"

#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace ra {

enum class RetryMode {
    idempotent, // GET, absolute PATCH: retried on 429, 5xx, timeouts and dropped connections
    create,     // POST /users: resent only when surely unprocessed (429, nothing sent)
    login,      // auth endpoints: one wait after 429, nothing else (logins are throttled)
};

class RequestSender {
public:
    RequestSender(HttpTransport& transport, Clock& clock, double max_rps, RetryPolicy policy,
                  LogSink log, const SecretMasker& masker);

    // Asked once a write (create or PATCH, not an auth step) has its rate-limiter slot: true
    // means the run was asked to stop while it waited, and it is not sent (ErrorKind::not_sent).
    void set_stop_writes(std::function<bool()> stop) { stop_writes_ = std::move(stop); }
    // Asked likewise, but only before a write's first attempt: true means the run stopped by
    // itself (another write gave up, credentials were refused), so a write that has not been
    // sent yet is not (ErrorKind::not_sent), while one already sent finishes with its retries.
    void set_hold_new_writes(std::function<bool()> hold) { hold_new_writes_ = std::move(hold); }

    // The final response (any status that is not retried) or an Error: exhausted retries
    // (throttled/unavailable), too long Retry-After (throttled), a wait budget overrun, a
    // transport error, or unknown_outcome for a create that may have been processed.
    Result<HttpResponse> send(const HttpRequest& request, RetryMode mode);

    // The Error for a final non-2xx response (docs/design.md §9.5): 3xx protocol,
    // 400 validation (details = the body, for decisions; never printed), 401 auth, 403
    // permission, 404 not_found, 429 throttled, 5xx unavailable, other protocol.
    Error error_for(const HttpRequest& request, const HttpResponse& response) const;
    // "METHOD URL" with the URL masked, the way the sender's messages name a request.
    std::string describe(const HttpRequest& request) const;

    Clock& clock() { return clock_; }
    const SecretMasker& masker() const { return masker_; }
    Clock::Duration total_waited() const;

private:
    Result<HttpResponse> perform_logged(const HttpRequest& request, RetryMode mode,
                                        bool first_attempt);
    void log(const std::string& line) const;
    // A transport error with the request named and its text masked.
    Error transport_error(const HttpRequest& request, Error e) const;
    Error unknown_outcome(const HttpRequest& request, const std::string& what) const;
    // The backoff before retry `attempt`, reserved against the wait budget: nullopt when waiting
    // it would overrun the budget (the waits of all workers count).
    std::optional<Clock::Duration> reserve_wait(int attempt, std::optional<double> retry_after);
    // A 429 says the server counted more in its window than we did: space requests wider.
    void widen_rate_window();

    HttpTransport& transport_;
    Clock& clock_;
    std::mutex limiter_mutex_; // held while a worker waits for its slot: one queue, in order
    RateLimiter limiter_;
    RetryPolicy policy_;
    mutable std::mutex state_mutex_; // backoff_ and waited_
    Backoff backoff_;
    Clock::Duration waited_{};
    mutable std::mutex log_mutex_; // one line at a time
    LogSink log_;
    const SecretMasker& masker_;
    std::function<bool()> stop_writes_;
    std::function<bool()> hold_new_writes_;
};

} // namespace ra
