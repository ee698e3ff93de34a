#pragma once
// Rossum's documented password policy (12-64 characters, not numeric only, not similar to the
// username, not common), answered with Django's validator messages.

#include <string>
#include <vector>

namespace ra::sandbox {

// Every rule the password breaks, as the messages of a 400 `{"password": [...]}`; empty = ok.
std::vector<std::string> password_problems(const std::string& password,
                                           const std::string& username);

} // namespace ra::sandbox
