#pragma once
// The real clock, behind the Clock interface (core/clock.hpp): core code never reads the time.

#include "rossum_accounts/core/clock.hpp"

namespace ra {

class SystemClock : public Clock {
public:
    std::chrono::steady_clock::time_point now() const override;
    std::chrono::system_clock::time_point wall_now() const override;
    void sleep_for(Duration d) override;
};

} // namespace ra
