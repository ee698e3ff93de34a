#include "sandbox/iso_datetime.hpp"

#include <catch2/catch.hpp>

using ra::sandbox::parse_iso_datetime;

TEST_CASE("iso datetime: dates, times, fractions and offsets name one instant",
          "[sandbox][iso_datetime]") {
    CHECK(parse_iso_datetime("1970-01-01") == 0);
    CHECK(parse_iso_datetime("1970-01-01T00:00:01Z") == 1000000);
    CHECK(parse_iso_datetime("2019-02-07T16:20:18.652253Z") == 1549556418652253LL);
    CHECK(parse_iso_datetime("2019-02-07 16:20:18.652253") == 1549556418652253LL);
    CHECK(parse_iso_datetime("2019-02-07T17:20:18.652253+01:00") == 1549556418652253LL);
    CHECK(parse_iso_datetime("2019-02-07T15:20:18.652253-0100") == 1549556418652253LL);
    CHECK(parse_iso_datetime("2019-02-07T16:20") == 1549556400000000LL);
    CHECK(parse_iso_datetime("2019-02-07T16:20:18.6") == 1549556418600000LL);
    CHECK(parse_iso_datetime("2024-02-29") == 1709164800000000LL);
}

TEST_CASE("iso datetime: malformed or out-of-range values are refused", "[sandbox][iso_datetime]") {
    for (const char* text : {"", "yesterday", "2019-2-07", "2019-02-07T", "2019-02-07T24:00",
                             "2019-13-01", "2023-02-29", "2019-02-07T16:20:60",
                             "2019-02-07T16:20:18.", "2019-02-07T16:20:18.1234567",
                             "2019-02-07T16:20:18+25:00", "2019-02-07T16:20:18 Z", "2019-02-07Z"}) {
        INFO(text);
        CHECK_FALSE(parse_iso_datetime(text).has_value());
    }
}
