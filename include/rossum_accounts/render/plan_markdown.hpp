#pragma once
// The plan as a pull-request comment: summary table first, then one section per change. The
// output stays under k_markdown_limit bytes; sections that do not fit are counted, not shown.

#include "rossum_accounts/core/plan.hpp"

#include <cstddef>
#include <ostream>

namespace ra {

inline constexpr std::size_t k_markdown_limit = 60000;

void render_plan_markdown(const Plan& plan, std::ostream& out);

} // namespace ra
