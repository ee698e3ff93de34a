#pragma once
// Loading the manifests a command names: every diagnostic of every file is printed together.

#include "rossum_accounts/cli/console.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ra::cli {

// The merged desired state, or nullopt after printing every diagnostic (the caller exits 65).
std::optional<DesiredState> load_desired_state(const std::vector<std::string>& paths,
                                               Console& console);

} // namespace ra::cli
