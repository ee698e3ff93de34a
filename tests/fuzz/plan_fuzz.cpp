// libFuzzer harness for the saved-plan parser (an untrusted file). Beyond "no crash", whatever
// it accepts must round-trip through plan_to_json and render without throwing.

#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ra::Result<ra::Plan> plan = ra::plan_from_json(text);
    if (!plan) {
        return 0;
    }
    const nlohmann::json j = ra::plan_to_json(*plan);
    const ra::Result<ra::Plan> again =
        ra::plan_from_json(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    if (!again || ra::plan_to_json(*again) != j) {
        std::abort(); // an accepted plan must survive its own round trip
    }
    std::ostringstream out;
    ra::render_plan_text(*plan, out, ra::TextOptions{true});
    ra::render_plan_markdown(*plan, out);
    return 0;
}
