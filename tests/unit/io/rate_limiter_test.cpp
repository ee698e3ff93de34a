#include "rossum_accounts/io/rate_limiter.hpp"
#include "support/fake_clock.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace ra;
using namespace std::chrono_literals;

TEST_CASE("rate limiter: never more than N requests in any one-second window", "[rate]") {
    FakeClock clock;
    RateLimiter limiter(clock, 10);
    std::vector<std::chrono::steady_clock::time_point> sent;
    for (int i = 0; i < 100; ++i) {
        // Irregular gaps, so windows do not line up with seconds.
        clock.advance(std::chrono::milliseconds((i * 37) % 90));
        limiter.acquire();
        sent.push_back(clock.now());
    }
    for (std::size_t i = 0; i + 10 < sent.size(); ++i)
        CHECK(sent[i + 10] - sent[i] >= 1s);
}

TEST_CASE("rate limiter: a burst at the end of a window cannot be doubled across it", "[rate]") {
    FakeClock clock;
    RateLimiter limiter(clock, 10);
    clock.advance(900ms);
    for (int i = 0; i < 10; ++i)
        limiter.acquire();
    const auto burst = clock.now();
    clock.advance(200ms); // a token bucket would allow another 10 now
    limiter.acquire();
    CHECK(clock.now() - burst == 1s);
}

TEST_CASE("rate limiter: below one request per second the gap is 1/max_rps", "[rate]") {
    FakeClock clock;
    RateLimiter limiter(clock, 0.5);
    limiter.acquire();
    limiter.acquire();
    limiter.acquire();
    CHECK(clock.total_slept() == 4s);
}

TEST_CASE("rate limiter: the first N requests do not wait", "[rate]") {
    FakeClock clock;
    RateLimiter limiter(clock, 3);
    for (int i = 0; i < 3; ++i)
        limiter.acquire();
    CHECK(clock.total_slept() == 0s);
    limiter.acquire();
    CHECK(clock.total_slept() == 1s);
}

TEST_CASE("rate limiter: after a 429 the window widens by a step, up to a limit", "[rate]") {
    FakeClock clock;
    RateLimiter limiter(clock, 2, 20ms);
    CHECK(limiter.widen(50ms, 120ms) == 70ms);
    CHECK(limiter.widen(50ms, 120ms) == 120ms);
    CHECK(limiter.widen(50ms, 120ms) == 120ms);
    limiter.acquire();
    limiter.acquire();
    limiter.acquire(); // waits for the first slot: one second and the widened guard
    CHECK(clock.total_slept() == 1120ms);
}

TEST_CASE("rate limiter: with no limit nothing widens or waits", "[rate]") {
    FakeClock clock;
    RateLimiter limiter(clock, 0, 20ms);
    CHECK(limiter.widen(50ms, 250ms) == 0ms);
    for (int i = 0; i < 100; ++i)
        limiter.acquire();
    CHECK(clock.total_slept() == 0s);
}
