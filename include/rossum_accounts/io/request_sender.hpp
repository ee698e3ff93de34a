#pragma once
// Sends one logical request through the rate limiter with the retry rules of product.md §7 and
// logs one line per attempt. Shared by the auth steps and the API client of one run.

#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/io/http_transport.hpp"
#include "rossum_accounts/io/log_sink.hpp"
#include "rossum_accounts/io/rate_limiter.hpp"
#include "rossum_accounts/io/retry_policy.hpp"

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
                  LogSink log);

    // The final response (any status that is not retried) or an Error: exhausted retries
    // (throttled/unavailable), too long Retry-After (throttled), a wait budget overrun, a
    // transport error, or unknown_outcome for a create that may have been processed.
    Result<HttpResponse> send(const HttpRequest& request, RetryMode mode);

    Clock& clock() { return clock_; }
    Clock::Duration total_waited() const { return waited_; }

private:
    Result<HttpResponse> perform_logged(const HttpRequest& request);
    void log(const std::string& line) const;

    HttpTransport& transport_;
    Clock& clock_;
    RateLimiter limiter_;
    RetryPolicy policy_;
    Backoff backoff_;
    LogSink log_;
    Clock::Duration waited_{};
};

// The Error for a final non-2xx response (product.md §7 classification): 3xx protocol, 400
// validation (details = redacted body), 401 auth, 403 permission, 404 not_found, 429 throttled,
// 5xx unavailable, other protocol. The message is redacted.
Error error_for_response(const HttpRequest& request, const HttpResponse& response);

// A copy of `value` with every registered secret masked in keys and strings.
nlohmann::json redact_json(const nlohmann::json& value);

} // namespace ra
