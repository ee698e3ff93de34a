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
    Result<std::string> value =
        source.kind == PasswordSourceKind::env ? from_env(source) : from_file(source);
    if (value.ok())
        process_redactor().add(*value);
    return value;
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
    // O_NONBLOCK: a FIFO must not hang the run; fstat then rejects it without reading.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return invalid("cannot open password file " + path + ": " + lowered_strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return invalid("cannot read password file " + path + ": " + lowered_strerror(errno));
    if (!S_ISREG(st.st_mode))
        return invalid("password file " + path + " is not a regular file");
    if ((st.st_mode & 077) != 0)
        return invalid("password file " + path + " is accessible by group or others (mode " +
                       octal_mode(st.st_mode) + "); chmod 600 it");
    if (static_cast<std::uintmax_t>(st.st_size) > k_max_password_file_bytes)
        return invalid("password file " + path + " is larger than " +
                       std::to_string(k_max_password_file_bytes) + " bytes");
    std::string contents;
    char buffer[1024];
    for (;;) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return invalid("cannot read password file " + path + ": " + lowered_strerror(errno));
        if (n == 0)
            break;
        contents.append(buffer, static_cast<std::size_t>(n));
        if (contents.size() > k_max_password_file_bytes)
            return invalid("password file " + path + " is larger than " +
                           std::to_string(k_max_password_file_bytes) + " bytes");
    }
    Result<std::string> password = password_from_file_contents(std::move(contents));
    if (!password.ok())
        return invalid(path + ": " + password.error().message);
    return password;
}

} // namespace ra
