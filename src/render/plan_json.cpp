#include "rossum_accounts/render/plan_json.hpp"

#include "format.hpp"
#include "rossum_accounts/core/plan_json.hpp"

namespace ra {

void render_plan_json(const Plan& plan, std::ostream& out) {
    out << render::json_document(plan_to_json(plan));
}

} // namespace ra
