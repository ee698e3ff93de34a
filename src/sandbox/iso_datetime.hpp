#pragma once
// ISO 8601 date-times as the users list's `last_login` filter reads them (docs/rossum-api.md
// §3.2): Django's DateTimeField accepts a date, or a date and time with optional seconds,
// fraction and offset; a value without an offset is UTC, Rossum's time zone.

#include <cstdint>
#include <optional>
#include <string>

namespace ra::sandbox {

// Microseconds since 1970-01-01T00:00:00Z, or nullopt when `text` is not such a date-time.
// Accepted: YYYY-MM-DD, then optionally T (or a space) HH:MM[:SS[.f{1,6}]], then optionally
// Z or +HH:MM / -HH:MM / +HHMM. Fields out of range (month 13, 24:00, Feb 30) are refused.
std::optional<std::int64_t> parse_iso_datetime(const std::string& text);

} // namespace ra::sandbox
