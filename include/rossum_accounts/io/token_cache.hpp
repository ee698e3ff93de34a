#pragma once
// The long-lived token cache (docs/design.md §11.2): a JSON file per (API URL, username) in a 0700
// directory, mode 0600, replaced atomically. Problems are returned as Errors that the caller
// shows as warnings: the run goes on without the cache.

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

    // The cache file for this URL and user: DIR/<hex digest>.json.
    std::string path_for(const std::string& api_url, const std::string& username) const;

private:
    std::string dir_;
};

} // namespace ra
