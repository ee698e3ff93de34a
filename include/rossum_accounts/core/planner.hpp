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
};

struct PlanOutcome {
    std::optional<Plan> plan; // absent when diagnostics exist
    Diagnostics diagnostics;  // manifest problems only the live state reveals (roles, queues)
};

PlanOutcome make_plan(const DesiredState& desired, const LiveState& live,
                      const PlanOptions& options = {});

} // namespace ra
