#include "rossum_accounts/render/plan_json.hpp"

#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/core/secrets.hpp"

namespace ra {

void render_plan_json(const Plan& plan, std::ostream& out) {
    const std::string text =
        plan_to_json(plan).dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
    out << process_redactor().redact(text) << '\n';
}

} // namespace ra
