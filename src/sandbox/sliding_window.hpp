#pragma once
// A sliding-window limiter: at most `limit` accepted events in any window of `length`.
// Rejected events are not counted, as in DRF's throttles.

#include <chrono>
#include <deque>

namespace ra::sandbox {

class SlidingWindow {
public:
    using Clock = std::chrono::steady_clock;

    explicit SlidingWindow(Clock::duration length) : length_(length) {}

    // True and counted when the event fits under `limit`; false (not counted) otherwise.
    bool try_acquire(int limit, Clock::time_point now);
    // Whole seconds until the oldest counted event leaves the window (at least 1).
    int seconds_until_free(Clock::time_point now) const;
    void clear() { events_.clear(); }

private:
    void forget_before(Clock::time_point now);

    Clock::duration length_;
    std::deque<Clock::time_point> events_;
};

} // namespace ra::sandbox
