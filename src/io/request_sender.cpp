#include "rossum_accounts/io/request_sender.hpp"

#include <fmt/format.h>

namespace ra {
namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;

// The rate window is one second plus a guard, against the jitter between our send times and the
// server's arrival times (docs/design.md §9.2). 20 ms was tried: on a loaded 2-core machine the
// sandbox then saw 11 requests in a second now and then, so it stays at 50 ms (which costs 5 %
// of a rate-bound run); each 429 widens it by 50 ms, up to 250 ms, for the rest of the run.
constexpr std::chrono::milliseconds k_rate_guard{50};
constexpr std::chrono::milliseconds k_rate_guard_step{50};
constexpr std::chrono::milliseconds k_rate_guard_max{250};

long long to_ms(Clock::Duration d) {
    return static_cast<long long>(duration_cast<milliseconds>(d).count());
}

bool retryable_failure(TransportFailure failure) {
    return failure != TransportFailure::tls_verification &&
           failure != TransportFailure::body_too_large && failure != TransportFailure::refused;
}

// Summary of a DRF error body: {"detail": "..."} or {"field": ["message", ...], ...}. Every
// piece is server text, masked before the summary is cut (a cut could keep half a secret).
std::string summarize_body(const nlohmann::json& body, const SecretMasker& masker) {
    if (!body.is_object())
        return {};
    if (auto it = body.find("detail"); it != body.end() && it->is_string())
        return masker.mask(it->get<std::string>());
    std::string out;
    for (const auto& [field, messages] : body.items()) {
        std::string text;
        if (messages.is_string())
            text = messages.get<std::string>();
        else if (messages.is_array())
            for (const auto& m : messages)
                if (m.is_string())
                    text += (text.empty() ? "" : " ") + m.get<std::string>();
        if (text.empty())
            continue;
        out +=
            fmt::format("{}{}: {}", out.empty() ? "" : "; ", masker.mask(field), masker.mask(text));
        if (out.size() > 500)
            return out.substr(0, 500) + "...";
    }
    return out;
}

} // namespace

RequestSender::RequestSender(HttpTransport& transport, Clock& clock, double max_rps,
                             RetryPolicy policy, LogSink log, const SecretMasker& masker)
    : transport_(transport), clock_(clock), limiter_(clock, max_rps, k_rate_guard), policy_(policy),
      backoff_(policy_), log_(std::move(log)), masker_(masker) {}

Clock::Duration RequestSender::total_waited() const {
    std::lock_guard lock(state_mutex_);
    return waited_;
}

std::string RequestSender::describe(const HttpRequest& request) const {
    // The URL can come from the server (a pagination link) or hold a username.
    return fmt::format("{} {}", to_string(request.method), masker_.mask(request.url));
}

Error RequestSender::error_for(const HttpRequest& request, const HttpResponse& response) const {
    const int status = response.status;
    if (status >= 300 && status < 400) {
        auto location = response.header("Location");
        return make_error(ErrorKind::protocol,
                          fmt::format("{}: the API answered with a redirect ({}) to {}; "
                                      "redirects are not followed",
                                      describe(request), status,
                                      location ? masker_.mask(*location) : "(no location)"),
                          status);
    }
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    std::string summary = body.is_discarded() ? std::string{} : summarize_body(body, masker_);
    ErrorKind kind = ErrorKind::protocol;
    std::string what = "the API answered";
    if (status == 400) {
        kind = ErrorKind::validation;
        what = "the API rejected the request";
    } else if (status == 401) {
        kind = ErrorKind::auth;
        what = "the API rejected the credentials";
    } else if (status == 403) {
        kind = ErrorKind::permission;
        what = "permission denied";
    } else if (status == 404) {
        kind = ErrorKind::not_found;
        what = "not found";
    } else if (status == 429) {
        kind = ErrorKind::throttled;
        what = "throttled by the API";
    } else if (status >= 500) {
        kind = ErrorKind::unavailable;
        what = "the API is unavailable";
    }
    Error e = make_error(kind,
                         fmt::format("{}: {} ({}){}", describe(request), what, status,
                                     summary.empty() ? "" : ": " + summary),
                         status);
    // The body as it is: the executor reads field names from it (a masked key could hide
    // "username"); it is never printed.
    if (status == 400 && !body.is_discarded())
        e.details = std::move(body);
    return e;
}

// Every value in a log line is masked where it is inserted (describe, transport messages).
void RequestSender::log(const std::string& line) const {
    std::lock_guard lock(log_mutex_);
    if (log_)
        log_(line);
}

// The transport's message says what failed, with the secrets in what it quotes already masked
// (http_transport.hpp); the sender names the request once.
Error RequestSender::transport_error(const HttpRequest& request, Error e) const {
    e.message = fmt::format("{}: {}", describe(request), e.message);
    return e;
}

Error RequestSender::unknown_outcome(const HttpRequest& request, const std::string& what) const {
    return make_error(
        ErrorKind::unknown_outcome,
        fmt::format("{}: {}; the request may have been processed", describe(request), what));
}

Result<HttpResponse> RequestSender::perform_logged(const HttpRequest& request, RetryMode mode,
                                                   bool first_attempt) {
    {
        std::lock_guard lock(limiter_mutex_);
        limiter_.acquire();
    }
    // Workers wait here for their slot, after apply's own stop check: a write whose slot comes
    // after a signal, or (not yet sent) after the run stopped by itself, is not sent ("starts
    // no new write"). A logout at the end still goes.
    if (mode != RetryMode::login && request.method != HttpMethod::get) {
        const char* why = nullptr;
        if (stop_writes_ && stop_writes_())
            why = "the run was asked to stop";
        else if (first_attempt && hold_new_writes_ && hold_new_writes_())
            why = "the run stopped";
        if (why != nullptr) {
            log(fmt::format("{}: not sent, {}", describe(request), why));
            return make_error(ErrorKind::not_sent,
                              fmt::format("{}: not sent, {}", describe(request), why));
        }
    }
    const auto start = clock_.now();
    auto result = transport_.perform(request);
    const auto elapsed = to_ms(clock_.now() - start);
    if (result)
        log(fmt::format("{} -> {} ({} ms)", describe(request), result->status, elapsed));
    else
        log(fmt::format("{} -> failed: {} ({} ms)", describe(request), result.error().message,
                        elapsed));
    return result;
}

Result<HttpResponse> RequestSender::send(const HttpRequest& request, RetryMode mode) {
    std::string reason;
    // An earlier attempt of this request may have been processed (a 5xx, or a connection that
    // failed after sending): a retry held back by a stop then leaves the outcome unknown, not
    // "not sent" (apply would report a PATCH that may have been written as not attempted).
    bool maybe_processed = false;
    for (int attempt = 0;; ++attempt) {
        auto result = perform_logged(request, mode, attempt == 0);
        if (!result && result.error().kind == ErrorKind::not_sent)
            return maybe_processed
                       ? unknown_outcome(
                             request,
                             fmt::format("{}; not retried, the run was asked to stop", reason))
                       : result;
        std::optional<double> retry_after;
        bool throttled = false;
        if (result) {
            const int status = result->status;
            throttled = status == 429;
            if (mode == RetryMode::create && status >= 500)
                return unknown_outcome(request, fmt::format("the API answered {}", status));
            const bool retry = throttled || (mode == RetryMode::idempotent && status >= 500);
            if (!retry || (mode == RetryMode::login && attempt >= 1))
                return result;
            if (auto header = result->header("Retry-After"))
                retry_after = parse_retry_after(*header, clock_.wall_now());
            reason = fmt::format("the API answered {}", status);
            maybe_processed = maybe_processed || !throttled;
            if (throttled)
                widen_rate_window();
        } else {
            auto failure = transport_failure_of(result.error());
            if (!failure)
                return result;
            if (mode == RetryMode::create && may_have_been_sent(*failure))
                return unknown_outcome(request, result.error().message);
            if (!retryable_failure(*failure) || mode == RetryMode::login)
                return transport_error(request, result.error());
            reason = result.error().message;
            maybe_processed = maybe_processed || may_have_been_sent(*failure);
        }
        const ErrorKind give_up = throttled ? ErrorKind::throttled : ErrorKind::unavailable;
        if (attempt >= (mode == RetryMode::login ? 1 : policy_.max_retries))
            return make_error(give_up,
                              fmt::format("{}: giving up after {} retries: {}", describe(request),
                                          attempt, reason),
                              result ? result->status : 0);
        if (retry_after && std::chrono::duration<double>(*retry_after) > policy_.max_retry_after) {
            Error e = make_error(ErrorKind::throttled,
                                 fmt::format("{}: the API asked to retry after {} s, longer "
                                             "than the {} s this tool waits",
                                             describe(request), *retry_after,
                                             policy_.max_retry_after.count() / 1000),
                                 result->status);
            e.retry_after_seconds = *retry_after;
            return e;
        }
        auto reserved = reserve_wait(attempt, retry_after);
        if (!reserved)
            return make_error(
                give_up,
                fmt::format("{}: giving up: {}, and waiting again would exceed the {} s wait "
                            "budget of this run",
                            describe(request), reason, policy_.wait_budget.count() / 1000),
                result ? result->status : 0);
        const Clock::Duration wait = *reserved;
        log(fmt::format("{}: {}; retrying in {} ms", describe(request), reason, to_ms(wait)));
        clock_.sleep_for(wait);
    }
}

void RequestSender::widen_rate_window() {
    Clock::Duration guard;
    {
        std::lock_guard lock(limiter_mutex_);
        guard = limiter_.widen(k_rate_guard_step, k_rate_guard_max);
    }
    log(fmt::format("rate: the API answered 429; requests now keep 1 s + {} ms per --max-rps "
                    "window",
                    to_ms(guard)));
}

std::optional<Clock::Duration> RequestSender::reserve_wait(int attempt,
                                                           std::optional<double> retry_after) {
    std::lock_guard lock(state_mutex_);
    Clock::Duration wait = backoff_.delay(attempt);
    if (retry_after)
        wait = std::max(
            wait, duration_cast<Clock::Duration>(std::chrono::duration<double>(*retry_after)));
    if (waited_ + wait > policy_.wait_budget)
        return std::nullopt;
    waited_ += wait;
    return wait;
}

} // namespace ra
