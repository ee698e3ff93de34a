#pragma once
// Writes accounts as a manifest (YAML, format version 1) that the loader reads back unchanged.

#include "rossum_accounts/core/manifest.hpp"

#include <string>
#include <vector>

namespace ra {

// `comment` lines go first, each prefixed with "# ".
std::string write_manifest_yaml(const std::vector<Account>& accounts,
                                const std::vector<std::string>& comment);

} // namespace ra
