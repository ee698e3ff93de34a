#pragma once
// The plan: a closed set of actions with before/after values and the manifest source of each.
// Its JSON form (plan_json.hpp) is both `plan --format json` and the saved-plan file.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ra {

inline constexpr int k_plan_format_version = 1;

enum class ActionKind { create, update, skip, deactivate };
const char* to_string(ActionKind kind);

// Why a field differs, from the user's last-applied record (last_applied.hpp): the manifest
// changed (`manifest`), the user was changed outside the tool (`drift`), both (`conflict`), or
// there is no record to tell (`unknown`). Information only: no write depends on it.
enum class Cause { manifest, drift, conflict, unknown };
const char* to_string(Cause cause);
std::optional<Cause> cause_from_string(std::string_view name);

struct FieldChange {
    std::string field;     // first_name, last_name, email, groups, queues, active, metadata.KEY,
                           // password, managed_by (adoption), rossum_accounts_applied (the record)
    nlohmann::json before; // null for a create
    nlohmann::json after;  // the password shows as "(sensitive: env NAME)"
    std::optional<Cause> cause = std::nullopt; // absent only on the last-applied record's line
};

struct Action {
    ActionKind kind = ActionKind::skip;
    std::string username;
    std::string source; // manifest "FILE:LINE"; empty for a deactivate (the user is not declared)
    std::optional<std::int64_t> user_id; // the live user, when there is one
    std::string user_url;
    std::vector<FieldChange> changes;
    std::vector<std::string> warnings;
    std::optional<PasswordSource> password_source; // creates only
    // No request body: the write is derived from `changes` at apply time (write.hpp).
    std::string fingerprint; // of the live user at plan time; empty for a create
};

struct PlanSummary {
    int create = 0;
    int update = 0;
    int skip = 0;
    int deactivate = 0;
    bool has_changes() const { return create + update + deactivate > 0; }
};

// What applying a plan will cost, said before it is paid (docs/design.md §9.1): one POST per
// create, one PATCH per update or deactivation, and the GET that reads each user just before its
// PATCH. `apply MANIFEST` reads the live state again first, as the plan did; that is not counted.
// The rates --max-rps accepts. A saved plan's rate is one of them, or 0 (none known): any other
// value would make its estimate meaningless (a rate near 0 takes it past what a double holds).
constexpr double k_least_max_rps = 0.1;
constexpr double k_most_max_rps = 1000;

struct ApplyCost {
    std::int64_t writes = 0;
    std::int64_t reads = 0;
    double max_rps = 0; // the rate of the estimate; 0: none
    double seconds = 0; // the requests at max_rps after the first second's burst; a lower bound
};

// What a plan made by `plan --snapshot` was based on: when the snapshot was taken and how old it
// was when the plan was made.
struct SnapshotBasis {
    std::string taken_at; // UTC, RFC 3339
    std::int64_t age_s = 0;
};

struct Plan {
    std::string api_url;
    Organization organization;
    std::vector<Action> actions; // ordered by username (case-insensitive), stable
    std::vector<std::string> warnings;
    // --target / --exclude globs the plan was limited to (docs/design.md §5.8): only matching
    // usernames were compared, created or deactivated. Empty: the whole manifest.
    std::vector<std::string> targets;
    std::vector<std::string> excludes;
    // Names of the queues the changes mention, shown next to their ids (information only: the
    // writes use the ids).
    std::map<std::int64_t, std::string> queue_names;
    // The manifest's max_deactivations, kept so that apply --plan applies the same cap.
    std::optional<std::int64_t> max_deactivations;
    // Set when the plan was made from a snapshot rather than the live state.
    std::optional<SnapshotBasis> snapshot;
    // The --max-rps the plan was made with: its apply cost is estimated at this rate (0: no
    // limit known, the estimate names no time).
    double max_rps = 0;

    PlanSummary summary() const;
    ApplyCost apply_cost() const;
    bool partial() const { return !targets.empty() || !excludes.empty(); }
};

} // namespace ra
