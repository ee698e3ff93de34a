#pragma once
// A clock that only moves when slept on or advanced, so retry, rate-limit and expiry tests
// never sleep.

#include "rossum_accounts/core/clock.hpp"

namespace ra {

class FakeClock : public Clock {
public:
    std::chrono::steady_clock::time_point now() const override { return steady_; }
    std::chrono::system_clock::time_point wall_now() const override { return wall_; }
    void sleep_for(Duration d) override {
        advance(d);
        slept_ += d;
    }
    void advance(Duration d) {
        steady_ += d;
        wall_ += std::chrono::duration_cast<std::chrono::system_clock::duration>(d);
    }
    Duration total_slept() const { return slept_; }

private:
    std::chrono::steady_clock::time_point steady_{std::chrono::hours(1000)};
    std::chrono::system_clock::time_point wall_{std::chrono::hours(24 * 365 * 50)};
    Duration slept_{};
};

} // namespace ra
