#pragma once
// Exit codes are part of the interface (docs/design.md §8); this is their only definition.

#include "rossum_accounts/core/result.hpp"

namespace ra {

enum class ExitCode : int {
    ok = 0,
    error = 1,
    changes = 2,    // plan --detailed-exitcode: changes present
    partial = 3,    // apply finished, some actions failed for lasting reasons
    usage = 64,     // EX_USAGE
    invalid = 65,   // EX_DATAERR: manifest, plan file, password source
    temporary = 75, // EX_TEMPFAIL: throttled or unavailable after bounded retries
    auth = 77,      // EX_NOPERM: authentication or permission failure
};

ExitCode exit_code_for(ErrorKind kind);

inline int to_int(ExitCode c) {
    return static_cast<int>(c);
}

} // namespace ra
