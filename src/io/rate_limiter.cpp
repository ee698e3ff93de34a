#include "rossum_accounts/io/rate_limiter.hpp"

#include <algorithm>
#include <cmath>

namespace ra {

RateLimiter::RateLimiter(Clock& clock, double max_rps, Clock::Duration guard) : clock_(clock) {
    if (!(max_rps > 0))
        return;
    using std::chrono::duration;
    if (max_rps >= 1) {
        capacity_ = static_cast<std::size_t>(std::floor(max_rps));
        window_ = std::chrono::seconds(1);
    } else {
        capacity_ = 1;
        window_ = std::chrono::duration_cast<Clock::Duration>(duration<double>(1.0 / max_rps));
    }
    base_ = window_;
    window_ += guard;
}

Clock::Duration RateLimiter::widen(Clock::Duration step, Clock::Duration limit) {
    if (capacity_ == 0)
        return {};
    window_ = std::min(window_ + step, base_ + limit);
    return window_ - base_;
}

void RateLimiter::acquire() {
    if (capacity_ == 0)
        return;
    auto now = clock_.now();
    // A request sent at t occupies the window [t, t + window).
    while (!sent_.empty() && sent_.front() + window_ <= now)
        sent_.pop_front();
    if (sent_.size() >= capacity_) {
        auto free_at = sent_[sent_.size() - capacity_] + window_;
        clock_.sleep_for(free_at - now);
        now = clock_.now();
        while (!sent_.empty() && sent_.front() + window_ <= now)
            sent_.pop_front();
    }
    sent_.push_back(now);
}

} // namespace ra
