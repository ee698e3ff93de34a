#pragma once
// The plan for a terminal, Terraform-like: a header, one block per change, a summary line.
// Every value from the manifest or the API is shown as it is, control characters escaped.

#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/render/options.hpp"

#include <ostream>

namespace ra {

void render_plan_text(const Plan& plan, std::ostream& out, const TextOptions& options);

// "Plan: 1 to create, 2 to update, 0 to deactivate, 3 unchanged." or
// "No changes. 4 accounts are in sync." (no newline).
std::string plan_summary_line(const Plan& plan);

// "Partial plan: only usernames matching …" for a plan limited by --target/--exclude; empty
// for a whole plan. Values are as given (the caller escapes them for its format).
std::string plan_selection_line(const Plan& plan);
// What applying the plan costs: "Applying it sends N write requests and M read requests of the
// users it patches: at least T at --max-rps R."; empty when the plan changes nothing.
std::string plan_cost_line(const Plan& plan);

// "Based on a snapshot taken … (3 h 12 min ago); apply re-reads the live users." for a plan made
// by plan --snapshot; empty for a plan of the live state.
std::string plan_snapshot_line(const Plan& plan);

} // namespace ra
