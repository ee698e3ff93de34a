#pragma once
// Secret handling shared by every output path: password sources and the redactor that scrubs
// known secret values from anything printed or written (the policy: password_policy.hpp).

#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/result.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// Replaces every registered secret (and its JSON-escaped, URL-encoded and base64 forms) with
// "***". Thread-safe.
class Redactor {
public:
    void add(std::string_view secret);
    std::string redact(std::string_view text) const;
    bool empty() const;

private:
    mutable std::mutex mutex_;
    std::vector<std::string> needles_;
};

// The process-wide redactor every output path uses.
Redactor& process_redactor();

} // namespace ra
