#pragma once
// At most max_rps requests in ANY sliding one-second window (docs/design.md §9.2): a log of recent
// send times, so bursts across a window boundary cannot double the rate as a token bucket does.

#include "rossum_accounts/core/clock.hpp"

#include <cstddef>
#include <deque>

namespace ra {

class RateLimiter {
public:
    // max_rps >= 1 allows floor(max_rps) requests per second; below 1, one request per
    // 1/max_rps seconds. max_rps <= 0 disables the limit. `guard` widens the window: the server
    // counts arrival times, which jitter against our send times.
    RateLimiter(Clock& clock, double max_rps, Clock::Duration guard = {});

    // Waits on the clock until one more request fits, then records it.
    void acquire();
    // After a 429: the server's window saw more than we counted (its arrival times jitter more
    // than the guard allows), so the window grows by `step`, at most to `limit` beyond one
    // second. Returns the guard now in force.
    Clock::Duration widen(Clock::Duration step, Clock::Duration limit);

private:
    Clock& clock_;
    std::size_t capacity_ = 0;
    Clock::Duration window_{};
    Clock::Duration base_{}; // the window without any guard
    std::deque<std::chrono::steady_clock::time_point> sent_;
};

} // namespace ra
