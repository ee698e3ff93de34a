#include "rossum_accounts/io/retry_policy.hpp"

#include <array>
#include <cctype>
#include <ctime>
#include <string>

namespace ra {
namespace {

std::optional<double> parse_delta_seconds(std::string_view value) {
    if (value.empty() || value.size() > 12)
        return std::nullopt;
    double seconds = 0;
    for (char c : value) {
        if (c < '0' || c > '9')
            return std::nullopt;
        seconds = seconds * 10 + (c - '0');
    }
    return seconds;
}

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view value) {
    // strptime handles the three RFC 9110 forms; the result is UTC.
    static constexpr std::array k_formats = {"%a, %d %b %Y %H:%M:%S GMT",
                                             "%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"};
    const std::string text(value);
    for (const char* format : k_formats) {
        std::tm tm{};
        const char* end = strptime(text.c_str(), format, &tm);
        if (end != nullptr && *end == '\0') {
            std::time_t t = timegm(&tm);
            if (t == static_cast<std::time_t>(-1))
                return std::nullopt;
            return std::chrono::system_clock::from_time_t(t);
        }
    }
    return std::nullopt;
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
        text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
        text.remove_suffix(1);
    return text;
}

} // namespace

std::optional<double> parse_retry_after(std::string_view value,
                                        std::chrono::system_clock::time_point now) {
    value = trim(value);
    if (auto seconds = parse_delta_seconds(value))
        return seconds;
    auto date = parse_http_date(value);
    if (!date || *date < now)
        return std::nullopt;
    return std::chrono::duration<double>(*date - now).count();
}

Backoff::Backoff(const RetryPolicy& policy)
    : base_(policy.base), cap_(policy.cap), rng_(policy.seed) {}

Clock::Duration Backoff::delay(int attempt) {
    double ceiling = static_cast<double>(cap_.count());
    if (attempt < 40)
        ceiling = std::min(ceiling, static_cast<double>(base_.count()) *
                                        static_cast<double>(std::uint64_t{1} << attempt));
    std::uniform_real_distribution<double> jitter(0.0, ceiling);
    return std::chrono::duration_cast<Clock::Duration>(
        std::chrono::duration<double, std::milli>(jitter(rng_)));
}

} // namespace ra
