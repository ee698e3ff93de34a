#pragma once
// Reads and validates one manifest file (docs/design.md §4). Every problem becomes a Diagnostic;
// a manifest is returned only when there is none. yaml-cpp stays inside the .cpp files.

#include "rossum_accounts/core/diagnostic.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ra {

inline constexpr std::size_t k_max_manifest_bytes = 1048576;

struct LoadResult {
    std::optional<Manifest> manifest; // set only when diagnostics is empty
    Diagnostics diagnostics;          // in file order
};

// `path` as the user gave it; it is the FILE of every diagnostic and the manifest's `file`.
// Relative password files resolve against the path's directory. Never blocks on a FIFO.
LoadResult load_manifest_file(const std::string& path);

// The same rules for text already in memory (tests, fuzzing). A UTF-8 BOM is accepted.
LoadResult load_manifest_text(std::string_view text, const std::string& file_label,
                              const std::string& base_dir);

} // namespace ra
