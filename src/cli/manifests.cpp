#include "rossum_accounts/cli/manifests.hpp"

#include "rossum_accounts/io/manifest_loader.hpp"

namespace ra::cli {

std::optional<DesiredState> load_desired_state(const std::vector<std::string>& paths,
                                               Console& console) {
    std::vector<Manifest> manifests;
    Diagnostics diagnostics;
    for (const auto& path : paths) {
        LoadResult loaded = load_manifest_file(path);
        diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
        if (loaded.manifest)
            manifests.push_back(std::move(*loaded.manifest));
    }
    DesiredState desired;
    if (diagnostics.empty())
        desired = merge_manifests(manifests, diagnostics);
    for (const auto& d : diagnostics)
        console.error(format_diagnostic(d));
    if (!diagnostics.empty())
        return std::nullopt;
    return desired;
}

} // namespace ra::cli
