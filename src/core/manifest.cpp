#include "rossum_accounts/core/manifest.hpp"

#include "rossum_accounts/core/username.hpp"

#include <map>
#include <string>

namespace ra {

const std::vector<std::string>& known_roles() {
    static const std::vector<std::string> roles = {"viewer",
                                                   "annotator",
                                                   "admin",
                                                   "manager",
                                                   "annotator_limited",
                                                   "annotator_embedded",
                                                   "organization_group_admin",
                                                   "approver"};
    return roles;
}

std::string describe(const PasswordSource& source) {
    return (source.kind == PasswordSourceKind::env ? "env " : "file ") + source.name;
}

std::string sensitive_label(const std::optional<PasswordSource>& source) {
    return source ? "(sensitive: " + describe(*source) + ")" : "(sensitive: no password source)";
}

namespace {

// Settings that may appear in several files must agree wherever they are set.
template <class T, class Show>
void merge_setting(std::optional<T>& merged, std::string& merged_file,
                   const std::optional<T>& value, const std::string& file, const char* key,
                   Show show, Diagnostics& diagnostics) {
    if (!value)
        return;
    if (!merged) {
        merged = value;
        merged_file = file;
        return;
    }
    if (*merged == *value)
        return;
    diagnostics.push_back(Diagnostic{SourceLocation{file, 0, 0}, key,
                                     std::string(key) + " " + show(*value) + " disagrees with " +
                                         show(*merged) + " in " + merged_file});
}

} // namespace

DesiredState merge_manifests(std::vector<Manifest> manifests, Diagnostics& diagnostics) {
    DesiredState state;
    std::size_t total = 0;
    for (const Manifest& m : manifests)
        total += m.accounts.size();
    state.accounts.reserve(total);
    // One file's usernames are distinct (the loader reports a repeat at its lines); only
    // across files can one be declared twice.
    const bool across_files = manifests.size() > 1;
    std::string api_url_file;
    std::string organization_file;
    std::optional<bool> prune;
    std::string prune_file;
    std::string max_deactivations_file;
    std::map<std::string, SourceLocation> seen; // folded username → first declaration
    for (Manifest& m : manifests) {
        state.files.push_back(m.file);
        merge_setting(
            state.api_url, api_url_file, m.api_url, m.file, "api_url",
            [](const std::string& s) { return "\"" + s + "\""; }, diagnostics);
        merge_setting(
            state.organization, organization_file, m.organization, m.file, "organization",
            [](std::int64_t id) { return std::to_string(id); }, diagnostics);
        const std::optional<bool> declared_prune =
            m.prune_declared ? std::optional<bool>(m.prune) : std::nullopt;
        merge_setting(
            prune, prune_file, declared_prune, m.file, "prune",
            [](bool b) { return std::string(b ? "true" : "false"); }, diagnostics);
        merge_setting(
            state.max_deactivations, max_deactivations_file, m.max_deactivations, m.file,
            "max_deactivations", [](std::int64_t n) { return std::to_string(n); }, diagnostics);
        for (Account& account : m.accounts) {
            if (across_files) {
                auto [it, inserted] = seen.emplace(fold_username(account.username), account.where);
                if (!inserted) {
                    diagnostics.push_back(Diagnostic{account.where, "",
                                                     "username \"" + account.username +
                                                         "\" is also declared at " +
                                                         format_source(it->second)});
                    continue;
                }
            }
            state.accounts.push_back(std::move(account));
        }
    }
    state.prune = prune.value_or(false);
    return state;
}

} // namespace ra
