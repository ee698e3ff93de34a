#include "rossum_accounts/io/secret_lookup.hpp"

#include "rossum_accounts/io/files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace ra {

namespace {

Error invalid(std::string message) {
    return make_error(ErrorKind::invalid_input, std::move(message));
}

std::string octal_mode(mode_t mode) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04o", static_cast<unsigned>(mode & 07777));
    return buffer;
}

std::string full_path(const PasswordSource& source) {
    const std::filesystem::path written(source.name);
    if (written.is_absolute() || source.base_dir.empty())
        return written.string();
    return (std::filesystem::path(source.base_dir) / written).string();
}

} // namespace

Result<std::string> SystemSecretLookup::resolve(const PasswordSource& source) const {
    return source.kind == PasswordSourceKind::env ? from_env(source) : from_file(source);
}

Result<std::string> SystemSecretLookup::from_env(const PasswordSource& source) const {
    const std::optional<std::string> value = environment_.get(source.name);
    if (!value)
        return invalid("password variable " + source.name + " is not set");
    if (value->empty())
        return invalid("password variable " + source.name + " is empty");
    return *value;
}

Result<std::string> SystemSecretLookup::from_file(const PasswordSource& source) {
    const std::string path = full_path(source);
    // Permission bits are judged on the stat, before a byte of the secret is read.
    auto read = read_small_file(path, k_max_password_file_bytes,
                                [](const struct stat& st) { return (st.st_mode & 077) == 0; });
    if (auto* contents = std::get_if<std::string>(&read)) {
        Result<std::string> password = password_from_file_contents(std::move(*contents));
        if (!password.ok())
            return invalid(path + ": " + password.error().message);
        return password;
    }
    const ReadProblem& p = std::get<ReadProblem>(read);
    switch (p.failure) {
    case ReadFailure::open:
        return invalid("cannot open password file " + path + ": " + lowered_strerror(p.errnum));
    case ReadFailure::not_regular:
        return invalid("password file " + path + " is not a regular file");
    case ReadFailure::refused:
        return invalid("password file " + path + " is accessible by group or others (mode " +
                       octal_mode(p.mode) + "); chmod 600 it");
    case ReadFailure::too_large:
        return invalid("password file " + path + " is larger than " +
                       std::to_string(k_max_password_file_bytes) + " bytes");
    case ReadFailure::stat:
    case ReadFailure::read:
        break;
    }
    return invalid("cannot read password file " + path + ": " + lowered_strerror(p.errnum));
}

} // namespace ra
