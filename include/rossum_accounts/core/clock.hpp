#pragma once
// Time behind an interface: retry, rate-limit and expiry logic take a Clock so tests never sleep
// (tests/support/fake_clock.hpp).

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

} // namespace ra
