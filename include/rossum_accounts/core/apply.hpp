#pragma once
// The executor: follows a plan against the API; it does not re-decide. A create whose outcome is
// unknown is settled by a username look-up, never by a blind re-POST.

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/report.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ra {

struct ApplyHooks {
    // Called as each action completes (skips included), for progress output.
    std::function<void(const ActionResult&, const Action&)> on_result;
    // Polled before each action; true stops the run (SIGINT/SIGTERM).
    std::function<bool()> cancelled;
};

// `passwords` maps each create's username, exactly as planned, to its password (resolved and
// policy-checked by the caller before the first write).
Report apply_plan(const Plan& plan, RossumApi& api,
                  const std::map<std::string, std::string>& passwords, const ApplyHooks& hooks);

// `apply --plan`: re-reads every user the plan depends on. Returns the differences (empty when
// the plan is still valid); an Error when the API cannot be read.
Result<std::vector<std::string>> find_plan_drift(const Plan& plan, RossumApi& api);

} // namespace ra
