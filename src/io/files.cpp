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

std::variant<std::string, ReadProblem>
read_small_file(const std::string& path, std::size_t max_bytes,
                const std::function<bool(const struct stat&)>& accept) {
    int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return ReadProblem{ReadFailure::open, errno, 0};
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0)
        return ReadProblem{ReadFailure::stat, errno, 0};
    if (!S_ISREG(st.st_mode))
        return ReadProblem{ReadFailure::not_regular, 0, st.st_mode};
    if (accept && !accept(st))
        return ReadProblem{ReadFailure::refused, 0, st.st_mode};
    if (static_cast<std::uintmax_t>(st.st_size) > max_bytes)
        return ReadProblem{ReadFailure::too_large, 0, st.st_mode};
    std::string content;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return ReadProblem{ReadFailure::read, errno, st.st_mode};
        if (n == 0)
            break;
        content.append(buf, static_cast<std::size_t>(n));
        if (content.size() > max_bytes) // the file grew after fstat
            return ReadProblem{ReadFailure::too_large, 0, st.st_mode};
    }
    return content;
}

Result<std::string> read_regular_file(const std::string& path, std::size_t max_bytes) {
    auto read = read_small_file(path, max_bytes);
    if (auto* content = std::get_if<std::string>(&read))
        return std::move(*content);
    const ReadProblem& p = std::get<ReadProblem>(read);
    switch (p.failure) {
    case ReadFailure::open:
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: cannot open: {}", path, lowered_strerror(p.errnum)));
    case ReadFailure::not_regular:
    case ReadFailure::refused:
        return make_error(ErrorKind::invalid_input, fmt::format("{}: not a regular file", path));
    case ReadFailure::too_large:
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: larger than {} bytes", path, max_bytes));
    case ReadFailure::stat:
    case ReadFailure::read:
        break;
    }
    return make_error(ErrorKind::io,
                      fmt::format("{}: cannot read: {}", path, lowered_strerror(p.errnum)));
}

} // namespace ra
