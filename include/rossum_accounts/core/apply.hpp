#pragma once
// The executor: follows a plan against the API; it does not re-decide. A create whose outcome is
// unknown is settled by a username look-up, never by a blind re-POST.

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/parallel.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/report.hpp"
#include "rossum_accounts/core/write.hpp"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ra {

struct ApplyHooks {
    // Called as each action completes (skips included), for progress output.
    std::function<void(const ActionResult&, const Action&)> on_result;
    // Polled before each action and between the re-read of a user and its PATCH; true stops
    // the run (SIGINT/SIGTERM): nothing more is written. Both are called from the runner's
    // threads; on_result calls come one at a time, in plan order.
    std::function<bool()> cancelled;
    // Called once when an action stops the run by itself (retries exhausted, credentials or
    // permission refused; not a signal): the writes that other workers wait to send (for the
    // rate limiter) must then not be sent (RossumClient's hold_new_writes).
    std::function<void()> stopped;
};

// `passwords` maps each create's username, exactly as planned, to its password (resolved and
// policy-checked by the caller before the first write). Every body is derived from the action's
// changes with `context` (write.hpp), for fresh and saved plans alike; the plan must have passed
// check_plan_against_live (plan_check.hpp) against the state `context` comes from.
// Actions run side by side on `runner` (at most its width at once); the report is in plan order.
Report apply_plan(const Plan& plan, const WriteContext& context, RossumApi& api,
                  const std::map<std::string, std::string>& passwords, const ApplyHooks& hooks,
                  TaskRunner& runner = sequential_runner());

struct PlanRecheck {
    std::vector<std::string> drift; // why the plan is stale; empty when it still holds
    // Read only when `drift` is empty: the caller (GET /v1/auth/user), the organization, its
    // roles, its queues when a change names queues, and the users the plan names, as they are
    // now. The context of the writes and of check_plan_against_live.
    LiveState live;
};

// `apply --plan`: re-reads every user the plan depends on (skips included) and looks up every
// planned create, and the username of every action that is only a case variant of its user's
// (a user holding it exactly goes into `live.users`, for check_plan_against_live to refuse);
// then, when nothing changed, the live state the writes resolve against. An Error when the API
// cannot be read.
Result<PlanRecheck> recheck_saved_plan(const Plan& plan, RossumApi& api,
                                       TaskRunner& runner = sequential_runner());

} // namespace ra
