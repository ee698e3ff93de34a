#pragma once
// `validate --format json`: the manifests' diagnostics as one JSON document for editors and
// other tools (schemas/validate.schema.json).

#include "rossum_accounts/core/diagnostic.hpp"

#include <cstddef>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace ra {

inline constexpr int k_validate_format_version = 1;

struct ValidateOutcome {
    std::vector<std::string> files;      // as given on the command line
    Diagnostics diagnostics;             // every problem of every file; empty when valid
    std::optional<std::size_t> accounts; // the merged accounts, when valid
};

// {"format_version": 1, "valid", "files", "accounts", "diagnostics": [{"severity", "file",
// "line", "column", "path", "message"}]}; an unknown place is null. Newline-terminated.
void render_validate_json(const ValidateOutcome& outcome, std::ostream& out);

} // namespace ra
