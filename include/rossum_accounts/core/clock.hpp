#pragma once
// Time behind an interface: retry, rate-limit and expiry logic take a Clock so tests never sleep.

#include <chrono>

namespace ra {

class Clock {
public:
    using Duration = std::chrono::steady_clock::duration;
    virtual ~Clock() = default;
    virtual std::chrono::steady_clock::time_point now() const = 0;      // for intervals
    virtual std::chrono::system_clock::time_point wall_now() const = 0; // for token expiry
    virtual void sleep_for(Duration d) = 0;
};

class SystemClock : public Clock {
public:
    std::chrono::steady_clock::time_point now() const override;
    std::chrono::system_clock::time_point wall_now() const override;
    void sleep_for(Duration d) override;
};

// A clock that only moves when slept on or advanced; for tests.
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
