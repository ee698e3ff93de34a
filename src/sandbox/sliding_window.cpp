#include "sandbox/sliding_window.hpp"

#include <algorithm>

namespace ra::sandbox {

void SlidingWindow::forget_before(Clock::time_point now) {
    while (!events_.empty() && events_.front() + length_ <= now) {
        events_.pop_front();
    }
}

bool SlidingWindow::try_acquire(int limit, Clock::time_point now) {
    forget_before(now);
    if (static_cast<int>(events_.size()) >= limit) {
        return false;
    }
    events_.push_back(now);
    return true;
}

int SlidingWindow::seconds_until_free(Clock::time_point now) const {
    if (events_.empty()) {
        return 1;
    }
    auto wait = events_.front() + length_ - now;
    auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
    return std::max(1, static_cast<int>((millis + 999) / 1000));
}

} // namespace ra::sandbox
