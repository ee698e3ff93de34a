#pragma once
// `plan --format json` and `plan --out`: plan_to_json indented by 2, newline-terminated.

#include "rossum_accounts/core/plan.hpp"

#include <ostream>

namespace ra {

void render_plan_json(const Plan& plan, std::ostream& out);

} // namespace ra
