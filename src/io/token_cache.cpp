#include "rossum_accounts/io/token_cache.hpp"

#include "rossum_accounts/io/files.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace ra {
namespace {

// A token this close to expiry is not worth using: the run may outlast it.
constexpr std::chrono::minutes k_expiry_margin{10};
constexpr std::size_t k_max_cache_file = 64 * 1024;

std::uint64_t fnv1a64(std::string_view text, std::uint64_t hash = 0xcbf29ce484222325ULL) {
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

std::int64_t to_unix(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

bool ensure_private_dir(const std::string& dir, std::string& problem) {
    // Parents may be created with default permissions; the cache directory itself is 0700.
    std::string partial;
    std::size_t pos = 0;
    while ((pos = dir.find('/', pos + 1)) != std::string::npos) {
        partial = dir.substr(0, pos);
        if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
            problem = fmt::format("cannot create {}: {}", partial, std::strerror(errno));
            return false;
        }
    }
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
        problem = fmt::format("cannot create {}: {}", dir, std::strerror(errno));
        return false;
    }
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid()) {
        problem = fmt::format("{} is not a directory owned by this user", dir);
        return false;
    }
    if ((st.st_mode & 077) != 0 && ::chmod(dir.c_str(), 0700) != 0) {
        problem = fmt::format("cannot make {} private: {}", dir, std::strerror(errno));
        return false;
    }
    return true;
}

Error problem(std::string message) {
    return make_error(ErrorKind::io, std::move(message));
}

// How often a run waiting for the lock tries again: short next to a login and an exchange.
constexpr std::chrono::milliseconds k_lock_poll{50};

// The lock file, opened (created when missing) without following a link; only a private regular
// file of this user is locked, as only such a cache file is read.
Result<int> open_lock_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return problem(fmt::format("cannot create {}: {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::getuid() ||
        (st.st_mode & 077) != 0) {
        ::close(fd);
        return problem(fmt::format("{} is not a private regular file of this user", path));
    }
    return fd;
}

} // namespace

TokenCacheLock& TokenCacheLock::operator=(TokenCacheLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

TokenCacheLock::~TokenCacheLock() {
    if (fd_ >= 0)
        ::close(fd_); // releases the flock
}

std::optional<std::string> default_token_cache_dir(const Environment& env) {
    if (auto xdg = env.get("XDG_CACHE_HOME"); xdg && !xdg->empty() && xdg->front() == '/')
        return *xdg + "/rossum-accounts";
    if (auto home = env.get("HOME"); home && !home->empty() && home->front() == '/')
        return *home + "/.cache/rossum-accounts";
    return std::nullopt;
}

TokenCache::TokenCache(std::string dir) : dir_(std::move(dir)) {}

std::string TokenCache::path_for(const std::string& api_url, const std::string& username) const {
    // Two independent FNV passes give a 128-bit name; collisions only cost a fresh login.
    auto key = api_url + '\n' + username;
    return fmt::format("{}/{:016x}{:016x}.json", dir_, fnv1a64(key),
                       fnv1a64(key, 0x84222325cbf29ce4ULL));
}

std::string TokenCache::lock_path_for(const std::string& api_url,
                                      const std::string& username) const {
    std::string path = path_for(api_url, username);
    return path.substr(0, path.size() - std::string_view(".json").size()) + ".lock";
}

Result<TokenCacheLock> TokenCache::lock(const std::string& api_url, const std::string& username,
                                        Clock& clock, Clock::Duration wait) const {
    std::string why;
    if (!ensure_private_dir(dir_, why))
        return problem(why);
    const auto path = lock_path_for(api_url, username);
    auto fd = open_lock_file(path);
    if (!fd)
        return fd.error();
    TokenCacheLock held(*fd);
    // Polled rather than blocking: the wait stays bounded, and a test's clock need not sleep.
    const auto deadline = clock.now() + wait;
    while (::flock(*fd, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR)
            return problem(fmt::format("cannot lock {}: {}", path, std::strerror(errno)));
        if (clock.now() >= deadline)
            return problem(
                fmt::format("{} is still locked by another run after {} s", path,
                            std::chrono::duration_cast<std::chrono::seconds>(wait).count()));
        clock.sleep_for(k_lock_poll);
    }
    return held;
}

Result<std::optional<std::string>>
TokenCache::load(const std::string& api_url, const std::string& username,
                 std::chrono::system_clock::time_point now) const {
    const auto path = path_for(api_url, username);
    int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT)
            return problem(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
        return std::optional<std::string>();
    }
    struct stat st {};
    std::string text;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == ::getuid() &&
        (st.st_mode & 077) == 0 && static_cast<std::size_t>(st.st_size) <= k_max_cache_file) {
        text.resize(static_cast<std::size_t>(st.st_size));
        auto n = ::read(fd, text.data(), text.size());
        text.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    } else {
        ::close(fd);
        return problem(fmt::format("ignoring {}: not a private regular file of this user", path));
    }
    ::close(fd);
    auto j = nlohmann::json::parse(text, nullptr, false);
    // json::value() throws on a key of another type: a hand-edited file would end the run.
    auto string_at = [&](const char* key) { return j.contains(key) && j[key].is_string(); };
    if (j.is_discarded() || !j.is_object() || !string_at("token") || !string_at("api_url") ||
        !string_at("username") || !j.contains("expires_at") || !j["expires_at"].is_number_integer())
        return problem(fmt::format("ignoring {}: not a token cache file", path));
    if (j["api_url"] != api_url || j["username"] != username)
        return std::optional<std::string>();
    if (j["expires_at"].get<std::int64_t>() <= to_unix(now + k_expiry_margin))
        return std::optional<std::string>();
    return std::optional<std::string>(j["token"].get<std::string>());
}

Status TokenCache::store(const std::string& api_url, const std::string& username,
                         const std::string& token,
                         std::chrono::system_clock::time_point expires_at) const {
    std::string why;
    if (!ensure_private_dir(dir_, why))
        return problem(why);
    const auto path = path_for(api_url, username);
    nlohmann::json j = {{"api_url", api_url},
                        {"username", username},
                        {"token", token},
                        {"expires_at", to_unix(expires_at)}};
    auto written = write_file_atomic(
        path, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), 0600);
    if (!written)
        return problem(written.error().message);
    return ok_status();
}

} // namespace ra
