#include "sandbox/iso_datetime.hpp"

#include <cctype>

namespace ra::sandbox {

namespace {

// Reads exactly `width` digits at `pos`, advancing it.
std::optional<int> digits(const std::string& text, std::size_t& pos, std::size_t width) {
    if (pos + width > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < width; ++i) {
        const char c = text[pos + i];
        if (!std::isdigit(static_cast<unsigned char>(c))) {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    pos += width;
    return value;
}

bool take(const std::string& text, std::size_t& pos, char wanted) {
    if (pos < text.size() && text[pos] == wanted) {
        ++pos;
        return true;
    }
    return false;
}

bool is_leap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && is_leap(year) ? 29 : days[month - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(int year, int month, int day) {
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const std::int64_t year_of_era = year - era * 400;
    const std::int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const std::int64_t day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

// The offset in seconds east of UTC at `pos` (Z, +HH:MM, -HH:MM, +HHMM), or nullopt.
std::optional<std::int64_t> offset(const std::string& text, std::size_t& pos) {
    if (take(text, pos, 'Z')) {
        return 0;
    }
    int sign = 0;
    if (take(text, pos, '+')) {
        sign = 1;
    } else if (take(text, pos, '-')) {
        sign = -1;
    } else {
        return std::nullopt;
    }
    auto hours = digits(text, pos, 2);
    take(text, pos, ':');
    auto minutes = digits(text, pos, 2);
    if (!hours || !minutes || *hours > 23 || *minutes > 59) {
        return std::nullopt;
    }
    return sign * (*hours * 3600 + *minutes * 60);
}

} // namespace

std::optional<std::int64_t> parse_iso_datetime(const std::string& text) {
    std::size_t pos = 0;
    auto year = digits(text, pos, 4);
    bool ok = year && take(text, pos, '-');
    auto month = ok ? digits(text, pos, 2) : std::nullopt;
    ok = month && take(text, pos, '-');
    auto day = ok ? digits(text, pos, 2) : std::nullopt;
    if (!day || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(*year, *month)) {
        return std::nullopt;
    }
    std::int64_t seconds = days_from_civil(*year, *month, *day) * 86400;
    std::int64_t micros = 0;
    if (pos < text.size() && (text[pos] == 'T' || text[pos] == ' ')) {
        ++pos;
        auto hour = digits(text, pos, 2);
        auto minute = hour && take(text, pos, ':') ? digits(text, pos, 2) : std::nullopt;
        if (!minute || *hour > 23 || *minute > 59) {
            return std::nullopt;
        }
        int second = 0;
        if (take(text, pos, ':')) {
            auto read = digits(text, pos, 2);
            if (!read || *read > 59) {
                return std::nullopt;
            }
            second = *read;
            if (take(text, pos, '.')) {
                std::size_t width = 0;
                while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
                    if (width < 6) {
                        micros = micros * 10 + (text[pos] - '0');
                    }
                    ++width;
                    ++pos;
                }
                if (width == 0 || width > 6) {
                    return std::nullopt;
                }
                for (std::size_t i = width; i < 6; ++i) {
                    micros *= 10;
                }
            }
        }
        seconds += *hour * 3600 + *minute * 60 + second;
        if (pos < text.size()) {
            auto east = offset(text, pos);
            if (!east) {
                return std::nullopt;
            }
            seconds -= *east;
        }
    }
    if (pos != text.size()) {
        return std::nullopt;
    }
    return seconds * 1000000 + micros;
}

} // namespace ra::sandbox
