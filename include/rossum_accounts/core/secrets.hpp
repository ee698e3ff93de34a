#pragma once
// Password sources (the local password policy is password_policy.hpp; masking secrets in free
// text is secret_masker.hpp).

#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ra {

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
