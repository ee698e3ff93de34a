#pragma once
// Loading the manifests a command names: every diagnostic of every file is printed together.

#include "rossum_accounts/cli/console.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ra::cli {

struct ManifestChecks {
    // Also check each manifest's api_url with the rule plan applies (validate_api_url), as a
    // manifest diagnostic. For `validate`, which is offline: plan checks whichever URL wins the
    // precedence (--api-url, ROSSUM_API_URL, the manifest) and reports it as a usage error.
    bool api_url = false;
};

struct ManifestCheck {
    std::optional<DesiredState> desired; // set when there is no diagnostic
    Diagnostics diagnostics;             // every problem of every file
};

// Loads and merges the manifests, printing nothing (validate renders the outcome itself).
ManifestCheck check_manifests(const std::vector<std::string>& paths, ManifestChecks checks = {});

// The merged desired state, or nullopt after printing every diagnostic (the caller exits 65).
std::optional<DesiredState> load_desired_state(const std::vector<std::string>& paths,
                                               Console& console, ManifestChecks checks = {});

} // namespace ra::cli
