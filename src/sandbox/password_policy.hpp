#pragma once
// Rossum's documented password policy (12-64 characters, not numeric only, not similar to the
// username, names or email, not common), answered with Django's validator messages. The rules
// are the client's own (core/password_policy.hpp), so the two cannot disagree.

#include "rossum_accounts/core/password_policy.hpp"

#include <string>
#include <vector>

namespace ra::sandbox {

// Every rule the password breaks, as the messages of a 400 `{"password": [...]}`; empty = ok.
std::vector<std::string> password_problems(const std::string& password,
                                           const PasswordAttributes& user);

} // namespace ra::sandbox
