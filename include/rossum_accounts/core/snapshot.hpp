#pragma once
// A snapshot: the organization's live state written to a file by `snapshot` (a job with admin
// credentials) and read by `plan --snapshot` (a job with none). schemas/snapshot.schema.json
// describes the same shape. Pure: the time it was taken is passed in, never read here.

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/result.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace ra {

inline constexpr int k_snapshot_format_version = 1;
// Snapshot files larger than this are refused unread (room for some 50 000 users).
inline constexpr std::size_t k_max_snapshot_bytes = 64U * 1024U * 1024U;
// Deeper JSON nesting than this is refused before parsing (user metadata included).
inline constexpr int k_max_snapshot_depth = 64;
// A plan from a snapshot older than this says that it may be out of date.
inline constexpr std::int64_t k_snapshot_old_after_s = 7 * 24 * 3600;

struct Snapshot {
    LiveState live; // complete_user_list is always true: a snapshot holds every user
    std::string taken_at;
    std::chrono::sys_seconds taken_at_time{};
};

// "2026-12-01T10:00:00Z": UTC, whole seconds.
std::string format_utc_rfc3339(std::chrono::system_clock::time_point t);
// The inverse of format_utc_rfc3339, also accepting a fraction of a second (dropped) and a
// lower-case "t"/"z"; nullopt for anything else (other offsets included).
std::optional<std::chrono::sys_seconds> parse_utc_rfc3339(std::string_view text);

// "45 s", "12 min", "3 h 12 min", "8 d 2 h": how old a snapshot is, for people.
std::string describe_age(std::int64_t seconds);

// Everything a plan can need, read with GET requests only: the caller, its organization (and its
// name), the roles, every queue and the whole users list (deleted users included).
Result<LiveState> fetch_snapshot_state(RossumApi& api, const std::string& api_url);

// The snapshot document: format_version, api_url, taken_at, organization, roles, queues, users
// (the non-deleted and the deleted ones) and caller. Never holds a secret: users carry no
// password or token.
nlohmann::json snapshot_to_json(const LiveState& live,
                                std::chrono::system_clock::time_point taken_at);

// The snapshot reader. Strict, since the file comes from elsewhere: exact keys and types, no
// duplicate keys, no integer beyond 64 bits, at most k_max_snapshot_bytes and
// k_max_snapshot_depth. Errors are ErrorKind::invalid_input naming the JSON path:
// "snapshot: users[3].id: expected an integer, got a string".
Result<Snapshot> snapshot_from_json(std::string_view text);

} // namespace ra
