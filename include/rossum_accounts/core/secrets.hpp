#pragma once
// Password sources and the local password policy. Masking secrets in free text is
// secret_masker.hpp.

#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ra {

// Rossum's policy as far as it can be checked locally: 12–64 characters, not all digits, not the
// username. Returns the violation (without the password) or nullopt.
std::optional<std::string> check_password_policy(std::string_view password,
                                                 std::string_view username);

// Contents of a password file → the password: one trailing "\n" or "\r\n" stripped; NUL, CR, LF
// or other control characters elsewhere are an error; empty is an error.
Result<std::string> password_from_file_contents(std::string contents);

// Looks a password source up (environment or file). Implemented in io; faked in tests.
class SecretLookup {
public:
    virtual ~SecretLookup() = default;
    // Error kind invalid_input; the message names the variable or file, never a value.
    virtual Result<std::string> resolve(const PasswordSource& source) const = 0;
};

} // namespace ra
