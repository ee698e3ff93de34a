#pragma once
// Result<T>: a value or an Error. Expected runtime failures travel as values; exceptions are
// reserved for bugs and are caught once in main.

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <variant>

namespace ra {

// What went wrong, coarse enough for the CLI to pick an exit code (see cli/exit_code.hpp).
enum class ErrorKind {
    usage,           // bad flags, bad API URL, missing credentials (64)
    invalid_input,   // manifest, plan file or password source problem (65)
    auth,            // 401: bad credentials or token (77)
    permission,      // 403 (77)
    throttled,       // 429 after bounded retries, Retry-After too long (75)
    unavailable,     // 5xx, timeouts, dropped connections after bounded retries (75)
    validation,      // 400 with field errors; `details` holds the body
    conflict,        // username taken (by an invisible or deleted user, or another org)
    not_found,       // 404
    protocol,        // unexpected or unparsable response, redirect, off-origin link, size cap
    tls,             // certificate or host-name verification failure (1, never retried)
    unknown_outcome, // a write whose effect is unknown (dropped connection after sending)
    not_sent,        // a write held back because the run was asked to stop: nothing was sent
    stale,           // a saved plan no longer matches the live state (1)
    guard_rail,      // a plan a guard rail refuses, e.g. too many deactivations (1)
    io,              // local file problems (cache, output files)
    internal,
};

const char* to_string(ErrorKind kind);

struct Error {
    ErrorKind kind = ErrorKind::internal;
    std::string message; // lower-case, no trailing period; quoted server text is masked
    int http_status = 0;
    nlohmann::json details; // e.g. field errors of a 400, as received; never printed
    double retry_after_seconds = 0;
};

inline Error make_error(ErrorKind kind, std::string message, int http_status = 0) {
    Error e;
    e.kind = kind;
    e.message = std::move(message);
    e.http_status = http_status;
    return e;
}

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::move(value)) {}     // NOLINT(google-explicit-constructor)
    Result(Error error) : v_(std::move(error)) {} // NOLINT(google-explicit-constructor)

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T* operator->() { return &std::get<0>(v_); }
    const T* operator->() const { return &std::get<0>(v_); }
    T& operator*() & { return std::get<0>(v_); }
    const T& operator*() const& { return std::get<0>(v_); }

    const Error& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() {
    return Unit{};
}

} // namespace ra
