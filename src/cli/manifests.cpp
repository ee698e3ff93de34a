#include "rossum_accounts/cli/manifests.hpp"

#include "rossum_accounts/io/api_url.hpp"
#include "rossum_accounts/io/manifest_loader.hpp"

namespace ra::cli {

namespace {

// A file with other problems is not checked: the loader returns no manifest for it.
Diagnostics api_url_problems(const std::vector<Manifest>& manifests) {
    Diagnostics out;
    for (const Manifest& m : manifests)
        if (m.api_url)
            if (auto valid = validate_api_url(*m.api_url); !valid)
                out.push_back(Diagnostic{m.api_url_where, "api_url", valid.error().message});
    return out;
}

} // namespace

ManifestCheck check_manifests(const std::vector<std::string>& paths, ManifestChecks checks) {
    std::vector<Manifest> manifests;
    ManifestCheck out;
    Diagnostics& diagnostics = out.diagnostics;
    for (const auto& path : paths) {
        LoadResult loaded = load_manifest_file(path);
        diagnostics.insert(diagnostics.end(), loaded.diagnostics.begin(), loaded.diagnostics.end());
        if (loaded.manifest)
            manifests.push_back(std::move(*loaded.manifest));
    }
    Diagnostics urls;
    if (checks.api_url)
        urls = api_url_problems(manifests);
    DesiredState desired;
    if (diagnostics.empty())
        desired = merge_manifests(std::move(manifests), diagnostics);
    diagnostics.insert(diagnostics.end(), urls.begin(), urls.end());
    if (diagnostics.empty())
        out.desired = std::move(desired);
    return out;
}

std::optional<DesiredState> load_desired_state(const std::vector<std::string>& paths,
                                               Console& console, ManifestChecks checks) {
    ManifestCheck checked = check_manifests(paths, checks);
    for (const auto& d : checked.diagnostics)
        console.diagnostic(d);
    return std::move(checked.desired);
}

} // namespace ra::cli
