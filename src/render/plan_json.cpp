#include "rossum_accounts/render/plan_json.hpp"

#include "rossum_accounts/core/plan_json.hpp"

namespace ra {

void render_plan_json(const Plan& plan, std::ostream& out) {
    out << plan_to_json(plan).dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
}

} // namespace ra
