#pragma once
// The invariants every plan satisfies before it runs, fresh or read from a file. A saved plan is
// untrusted input, so it is held to exactly what the planner produces: writable fields only,
// never a rename, a deactivate that only deactivates, the ownership marker as it is, the record
// as derived (last_applied.hpp), user ids and values that match the users read at apply time,
// and the caller deactivated or demoted only by a plan that says so in a warning. Violations are
// ErrorKind::invalid_input naming the JSON path ("actions[2].changes[0].field: ..."): a malformed
// plan (exit 65).

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/result.hpp"

#include <string>
#include <vector>

namespace ra {

// The shape of the plan on its own (no live state): per action kind, which fields its changes
// may name and what their values must look like; creates consistent with their username; at
// most one action per user. plan_from_json runs it on every file it reads.
Status check_plan(const Plan& plan);

// The plan against the live state read at apply time (`live.users` holds at least the users
// the plan names and, for an action whose username is only a case variant of its user's, the
// user holding that username exactly, if any): each action's user id, URL and username are the
// user read, and no other user holds the action's username exactly; every `before` is the
// user's current value, roles and queues resolve, and the caller is never deactivated, and is
// demoted only with the warnings caller_warnings() gives.
Status check_plan_against_live(const Plan& plan, const LiveState& live);

// The warnings an action on the caller (`live.caller`) carries: it deactivates the caller, or
// removes roles the caller has. Empty for an action on any other user. The planner adds them;
// check_plan_against_live requires them.
std::vector<std::string> caller_warnings(const Action& action, const LiveState& live);

} // namespace ra
