#include "rossum_accounts/io/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace ra;

namespace {
// Sun, 06 Nov 1994 08:49:37 GMT
const auto k_now = std::chrono::system_clock::from_time_t(784111777);
} // namespace

TEST_CASE("retry: Retry-After accepts delta seconds and the three HTTP-date forms", "[retry]") {
    CHECK(parse_retry_after("10", k_now) == 10.0);
    CHECK(parse_retry_after(" 0 ", k_now) == 0.0);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:47 GMT", k_now) == 10.0);
    CHECK(parse_retry_after("Sunday, 06-Nov-94 08:49:57 GMT", k_now) == 20.0);
    CHECK(parse_retry_after("Sun Nov  6 08:50:37 1994", k_now) == 60.0);
}

TEST_CASE("retry: negative, garbage and past Retry-After values are ignored", "[retry]") {
    CHECK(parse_retry_after("-1", k_now) == std::nullopt);
    CHECK(parse_retry_after("1.5", k_now) == std::nullopt);
    CHECK(parse_retry_after("soon", k_now) == std::nullopt);
    CHECK(parse_retry_after("", k_now) == std::nullopt);
    CHECK(parse_retry_after("Sun, 06 Nov 1994 08:49:00 GMT", k_now) == std::nullopt);
    CHECK(parse_retry_after("99999999999999999999", k_now) == std::nullopt);
}
