#pragma once
// The desired state: what manifests declare, after validation and defaults. Pure data.

#include "rossum_accounts/core/diagnostic.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ra {

inline constexpr int k_manifest_format_version = 1;

// Role names the manifest accepts (docs/design.md §4.1, docs/rossum-api.md §4).
const std::vector<std::string>& known_roles();

enum class PasswordSourceKind { env, file };

// Where a password comes from; never the value.
struct PasswordSource {
    PasswordSourceKind kind = PasswordSourceKind::env;
    std::string name;     // variable name, or the file path as written in the manifest
    std::string base_dir; // directory of the manifest; relative file paths start here
    SourceLocation where;
};

// "env API_USER_PASSWORD" / "file secrets/api_user.txt"
std::string describe(const PasswordSource& source);
// What a plan shows for the password of a create: "(sensitive: env NAME)", never a value.
std::string sensitive_label(const std::optional<PasswordSource>& source);

struct Account {
    std::string username; // identity key, matched case-insensitively
    SourceLocation where; // of the list entry
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> email;
    std::vector<std::string> groups;                 // role names, non-empty after defaults
    std::optional<std::vector<std::int64_t>> queues; // unmanaged when absent
    // Queues given by name (docs/design.md §5.10), resolved through the API by the planner; set
    // only together with `queues` (which then holds the ids given as numbers).
    std::vector<std::string> queue_names;
    bool active = true;
    std::optional<PasswordSource> password;
    nlohmann::json metadata = nlohmann::json::object(); // declared keys only (defaults merged)
};

// One manifest file.
struct Manifest {
    std::string file;
    std::optional<std::string> api_url;
    SourceLocation api_url_where; // of the api_url value, when set
    std::optional<std::int64_t> organization;
    bool prune = false;
    bool prune_declared = false; // "prune" is written in the file (merging needs to know)
    // The deactivation cap (docs/design.md §5.5): at most this many deactivations per plan.
    std::optional<std::int64_t> max_deactivations;
    std::vector<Account> accounts;
};

// Several manifests merged (plan/apply take MANIFEST...).
struct DesiredState {
    std::vector<std::string> files;
    std::optional<std::string> api_url;
    std::optional<std::int64_t> organization;
    bool prune = false;
    std::optional<std::int64_t> max_deactivations;
    std::vector<Account> accounts;
};

// Merges manifests (their accounts are moved into the state); disagreeing
// api_url/organization/prune/max_deactivations and usernames repeated across files become
// diagnostics. A username repeated within one file is the loader's to report.
DesiredState merge_manifests(std::vector<Manifest> manifests, Diagnostics& diagnostics);

} // namespace ra
