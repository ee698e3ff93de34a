// libFuzzer harness: the manifest loader must never crash, hang or leak on any input, and a
// manifest comes back exactly when there is no diagnostic.
#include "rossum_accounts/io/manifest_loader.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const ra::LoadResult result = ra::load_manifest_text(text, "fuzz.yaml", ".");
    if (result.manifest.has_value() == !result.diagnostics.empty())
        std::abort();
    for (const ra::Diagnostic& d : result.diagnostics) {
        if (ra::format_diagnostic(d).empty())
            std::abort();
    }
    return 0;
}
