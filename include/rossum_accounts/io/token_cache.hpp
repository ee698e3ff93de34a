#pragma once
// The long-lived token cache (docs/design.md §11.2): a JSON file per (API URL, username) in a 0700
// directory, mode 0600, replaced atomically. Problems are returned as Errors that the caller
// shows as warnings: the run goes on without the cache.

#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/core/result.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ra {

// $XDG_CACHE_HOME/rossum-accounts, else $HOME/.cache/rossum-accounts; nullopt when neither is
// set (or not absolute).
std::optional<std::string> default_token_cache_dir(const Environment& env);

// How long a run waits for another run's "read the cache, log in, exchange, store" of the same
// API URL and username (TokenCache::lock) before it goes on without the lock.
inline constexpr std::chrono::seconds k_token_cache_lock_wait{30};

// An exclusive advisory lock (flock) on a cache entry's lock file, held until destroyed. flock
// locks belong to the open file: a crashed run releases its lock with its descriptors.
class TokenCacheLock {
public:
    explicit TokenCacheLock(int fd) : fd_(fd) {}
    TokenCacheLock(TokenCacheLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    TokenCacheLock& operator=(TokenCacheLock&& other) noexcept;
    TokenCacheLock(const TokenCacheLock&) = delete;
    TokenCacheLock& operator=(const TokenCacheLock&) = delete;
    ~TokenCacheLock();

private:
    int fd_ = -1;
};

class TokenCache {
public:
    explicit TokenCache(std::string dir);

    // The cached token for this URL and user when valid beyond `now` + a margin; nullopt when
    // there is none. An Error (ErrorKind::io, naming the file, never the token) when a file
    // exists but cannot be used.
    Result<std::optional<std::string>> load(const std::string& api_url, const std::string& username,
                                            std::chrono::system_clock::time_point now) const;
    // Writes the token (temporary file + fsync + rename); an Error says why it was not written.
    Status store(const std::string& api_url, const std::string& username, const std::string& token,
                 std::chrono::system_clock::time_point expires_at) const;

    // Serializes the runs that use this URL and user (docs/design.md §11.2): DIR/<hex
    // digest>.lock (created 0600 in the private directory), locked exclusively, polled on
    // `clock` for up to `wait`. An Error (ErrorKind::io) says why there is no lock: the file
    // cannot be created or locked, or another run held it for all of `wait`.
    Result<TokenCacheLock> lock(const std::string& api_url, const std::string& username,
                                Clock& clock, Clock::Duration wait = k_token_cache_lock_wait) const;

    // The cache file for this URL and user: DIR/<hex digest>.json.
    std::string path_for(const std::string& api_url, const std::string& username) const;
    // Its lock file: DIR/<hex digest>.lock.
    std::string lock_path_for(const std::string& api_url, const std::string& username) const;

private:
    std::string dir_;
};

} // namespace ra
