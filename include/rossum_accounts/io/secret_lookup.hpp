#pragma once
// Resolves password sources against the real environment and file system. The caller registers
// what it gets with the run's SecretMasker.

#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/core/secrets.hpp"

#include <cstddef>

namespace ra {

inline constexpr std::size_t k_max_password_file_bytes = 4096;

class SystemSecretLookup : public SecretLookup {
public:
    explicit SystemSecretLookup(const Environment& environment) : environment_(environment) {}

    // env: unset or empty is an error. file: relative to the source's base_dir, symlinks
    // followed, must be a regular file with mode & 077 == 0 and at most 4 KiB.
    Result<std::string> resolve(const PasswordSource& source) const override;

private:
    Result<std::string> from_env(const PasswordSource& source) const;
    static Result<std::string> from_file(const PasswordSource& source);

    const Environment& environment_;
};

} // namespace ra
