#pragma once
// Retry arithmetic (docs/design.md §9.3): full-jitter exponential backoff, Retry-After parsing, the
// per-run wait budget. Which requests are retried is decided by the client.

#include "rossum_accounts/core/clock.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string_view>

namespace ra {

struct RetryPolicy {
    int max_retries = 4;                               // retries after the first attempt
    std::chrono::milliseconds base{500};               // backoff base
    std::chrono::milliseconds cap{20'000};             // backoff cap
    std::chrono::milliseconds max_retry_after{60'000}; // longer Retry-After → give up at once
    std::chrono::milliseconds wait_budget{120'000};    // total waiting per run
    std::uint64_t seed = std::random_device{}();       // jitter RNG seed; fixed in tests
};

// Seconds to wait from a Retry-After value: delta-seconds or an HTTP-date (IMF-fixdate, RFC 850
// or asctime) relative to `now`. Negative, past or unparsable values give nullopt.
std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now);

// Full jitter: uniform in [0, min(cap, base * 2^attempt)], attempt counted from 0.
class Backoff {
public:
    explicit Backoff(const RetryPolicy& policy);
    Clock::Duration delay(int attempt);

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds cap_;
    std::mt19937_64 rng_;
};

} // namespace ra
