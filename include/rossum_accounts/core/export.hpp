#pragma once
// `export`: the organization's existing users as manifest accounts, so an organization can be
// adopted (docs/design.md §14). Pure: live state in, accounts and warnings out.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"

#include <string>
#include <vector>

namespace ra {

struct ExportResult {
    std::vector<Account> accounts; // sorted by username; no password sources, no metadata
    std::vector<std::string> warnings;
};

// Every non-deleted user except the caller whose username matches one of `globs`
// (case-insensitive; all users when empty). Users without a role are left out with a warning;
// so is a glob that matches no user (the manifest is still written, maybe with no account).
ExportResult export_accounts(const LiveState& live, const std::vector<std::string>& globs);

} // namespace ra
