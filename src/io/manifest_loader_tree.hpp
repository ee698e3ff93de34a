#pragma once
// The manifest loader's private pieces: a plain YAML tree built from parser events (no aliases
// are ever resolved, so nothing can blow up when walked) and the schema walk over it.

#include "rossum_accounts/core/diagnostic.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ra::manifest_detail {

// Our own nesting limit; the schema needs 5 levels.
inline constexpr int k_max_depth = 32;

struct YamlNode {
    enum class Kind { null, scalar, sequence, mapping };
    Kind kind = Kind::null;
    std::string value; // scalars only
    bool plain = true; // unquoted: typed by the core schema; quoted scalars are strings
    bool anchored = false;
    bool tagged = false; // an explicit tag (`!x`, `!!binary`); quoting is not a tag
    bool alias = false;  // stands for an alias, which is never resolved
    int line = 0;        // 1-based
    int column = 0;
    std::vector<YamlNode> items; // sequence items; mappings: key, value, key, value, ...
};

struct YamlParse {
    std::optional<YamlNode> root;
    Diagnostics diagnostics;
};

// Exactly one document; syntax errors, excess depth and extra documents become diagnostics.
YamlParse parse_yaml(const std::string& text, const std::string& file_label);

// Anchors, aliases, tags, merge keys and non-scalar keys anywhere in the tree.
void check_yaml_features(const YamlNode& root, const std::string& file_label,
                         Diagnostics& diagnostics);

// The schema of docs/design.md §4 over the tree.
Manifest build_manifest(const YamlNode& root, const std::string& file_label,
                        const std::string& base_dir, Diagnostics& diagnostics);

} // namespace ra::manifest_detail
