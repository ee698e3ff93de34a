#pragma once
// `plan --format json` and `plan --out`: plan_to_json indented by 2, newline-terminated.

#include "rossum_accounts/core/plan.hpp"

#include <ostream>
#include <string>

namespace ra {

// The document as one string: a plan of 10,000 actions is about 15 MB, which a stream would
// hold a second time (and str() a third).
std::string plan_json_text(const Plan& plan);
void render_plan_json(const Plan& plan, std::ostream& out);

} // namespace ra
