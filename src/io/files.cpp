#include "rossum_accounts/io/files.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <random>
#include <sys/stat.h>
#include <unistd.h>

namespace ra {
namespace {

std::string errno_text() {
    return lowered_strerror(errno);
}

bool write_all(int fd, const std::string& content) {
    std::size_t done = 0;
    while (done < content.size()) {
        ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

std::string lowered_strerror(int errnum) {
    std::string s = std::strerror(errnum); // NOLINT(concurrency-mt-unsafe): single-threaded use
    if (!s.empty())
        s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
}

Status write_file_atomic(const std::string& path, const std::string& content, mode_t mode) {
    std::random_device rd;
    std::string tmp = fmt::format("{}.tmp-{}-{:x}", path, ::getpid(), rd());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0)
        return make_error(ErrorKind::io, fmt::format("cannot write {}: {}", path, errno_text()));
    bool ok = ::fchmod(fd, mode) == 0 && write_all(fd, content) && ::fsync(fd) == 0;
    std::string why = ok ? "" : errno_text();
    ok = (::close(fd) == 0) && ok;
    if (ok && ::rename(tmp.c_str(), path.c_str()) != 0) {
        ok = false;
        why = errno_text();
    }
    if (!ok) {
        ::unlink(tmp.c_str());
        return make_error(ErrorKind::io, fmt::format("cannot write {}: {}", path, why));
    }
    return ok_status();
}

Result<std::string> read_regular_file(const std::string& path, std::size_t max_bytes) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: cannot open: {}", path, errno_text()));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return make_error(ErrorKind::invalid_input, fmt::format("{}: not a regular file", path));
    }
    if (static_cast<std::size_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: larger than {} bytes", path, max_bytes));
    }
    std::string content;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            std::string why = errno_text();
            ::close(fd);
            return make_error(ErrorKind::io, fmt::format("{}: cannot read: {}", path, why));
        }
        if (n == 0)
            break;
        content.append(buf, static_cast<std::size_t>(n));
        if (content.size() > max_bytes) {
            ::close(fd);
            return make_error(ErrorKind::invalid_input,
                              fmt::format("{}: larger than {} bytes", path, max_bytes));
        }
    }
    ::close(fd);
    return content;
}

} // namespace ra
