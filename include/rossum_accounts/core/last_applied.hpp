#pragma once
// The last-applied record (docs/design.md §5.8): every create and update also writes, in the
// user's metadata beside the ownership marker, the values it applied for the fields the manifest
// manages, like kubectl's last-applied-configuration. Comparing manifest, live user and record
// gives each planned change its cause (plan.hpp). The record is one metadata key holding a
// compact object:
//   "rossum_accounts_applied": {"v": 1, "first_name": "...", "last_name": "...",
//       "email": "..." (creates only), "groups": [role names, sorted], "queues": [ids, sorted],
//       "active": true, "metadata": {declared keys}}
// Only managed fields appear; never a password. Like every write it is derived: the plan shows
// it as a change of field "rossum_accounts_applied", and check_record() holds a saved plan's
// record to exactly what the action's changes and the live user give.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/result.hpp"
#include "rossum_accounts/core/write.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ra {

inline constexpr const char* k_record_key = "rossum_accounts_applied";
inline constexpr int k_record_version = 1;
// The API caps a user's metadata at 4 kB (docs/rossum-api.md, metadata); a record that would
// take the metadata beyond it is written degraded, as {"v": 1} alone.
inline constexpr std::size_t k_metadata_limit = 4096;

// The record of ACCOUNT as a create (with email) or an update (without: email cannot be
// changed through the API, so an update never applies it) would leave it.
nlohmann::json record_for(const Account& account, bool with_email);

// The degraded record: it claims nothing, so every later change of the user is `unknown`.
nlohmann::json degraded_record();

// The record USER carries, when it is one this version reads (an object with "v": 1).
std::optional<nlohmann::json> live_record(const LiveUser& user);

// The record a deactivation (prune) of USER leaves: its record with "active": false, so that
// a later re-activation reads as a manifest change, not as drift. nullopt when the user has no
// record that states "active" (nothing to keep up to date). The degraded record when the one
// with "active": false would take the metadata beyond k_metadata_limit.
std::optional<nlohmann::json> deactivated_record(const LiveUser& user);

// The serialized size of METADATA, as the API counts its limit.
std::size_t metadata_size(const nlohmann::json& metadata);

// A bound metadata_size(VALUE) never exceeds, found without writing anything out: every
// string byte counted as the six of an escape, every number as the longest one written. The
// planner sums it over the parts of a write's metadata and writes the whole out only when the
// sum comes near the limit (docs/design.md §9.6).
std::size_t metadata_size_bound(const nlohmann::json& value);

// The cause of CHANGE (before = live, after = desired) against RECORD: `unknown` without a
// record or when the record does not hold the field.
Cause classify_change(const FieldChange& change, const std::optional<nlohmann::json>& record);

// Why RECORD's shape is not one a plan can write, or empty: version, known keys, value types,
// an email only in a create. `action` is the action holding it.
std::string record_shape_problem(const Action& action, const nlohmann::json& record);

// Why RECORD is not what ACTION derives, or empty: its shape, and that it states every managed
// field the action changes with the value the change writes (unless degraded), and in a create
// nothing the create does not write.
std::string record_problem(const Action& action, const nlohmann::json& record);

// Why RECORD is not what the action derives against USER (as read at apply time), or empty:
// every field the record states without a change must be the user's current value.
std::string record_live_problem(const Action& action, const nlohmann::json& record,
                                const LiveUser& user, const WriteContext& context);

} // namespace ra
