#pragma once
// The planner: a pure function of desired state, live state and options. It never touches the
// network, the clock, the environment or a file.

#include "rossum_accounts/core/diagnostic.hpp"
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/plan.hpp"

#include <map>
#include <optional>
#include <string>

namespace ra {

struct PlanOptions {
    // Username as declared → why its password source is not usable where the plan runs. Such a
    // create gets a warning; plan itself never needs passwords.
    std::map<std::string, std::string> password_warnings;
    // --target / --exclude (docs/design.md §5.8): only usernames matching a target (any, when
    // none is given) and no exclude are planned.
    std::vector<std::string> targets;
    std::vector<std::string> excludes;
};

struct PlanOutcome {
    std::optional<Plan> plan; // absent when diagnostics exist
    Diagnostics diagnostics;  // manifest problems only the live state reveals (roles, queues)
};

PlanOutcome make_plan(const DesiredState& desired, const LiveState& live,
                      const PlanOptions& options = {});

// The deactivation cap (docs/design.md §5.5): `flag` (--max-deactivations), else the plan's
// max_deactivations (the manifest's), else the larger of 3 and 10 % of the managed accounts
// the plan covers (its actions other than creates).
std::int64_t deactivation_limit(const Plan& plan, std::optional<std::int64_t> flag);

// ErrorKind::guard_rail naming the accounts when the plan deactivates more than the limit.
Status check_deactivation_cap(const Plan& plan, std::optional<std::int64_t> flag);

} // namespace ra
