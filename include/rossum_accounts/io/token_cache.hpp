#pragma once
// The long-lived token cache (product.md §2): one JSON file per (API URL, username) in a 0700
// directory, mode 0600, replaced atomically. Failures are warnings, never errors.

#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/io/log_sink.hpp"

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
    // `warn` receives one line per cache problem (may be empty).
    TokenCache(std::string dir, LogSink warn);

    // The cached token when present, for this URL and user, and valid beyond `now` + a margin.
    std::optional<std::string> load(const std::string& api_url, const std::string& username,
                                    std::chrono::system_clock::time_point now) const;
    // Writes the token (temporary file + fsync + rename); returns false after warning.
    bool store(const std::string& api_url, const std::string& username, const std::string& token,
               std::chrono::system_clock::time_point expires_at) const;

    // The cache file for this URL and user: DIR/<hex digest>.json.
    std::string path_for(const std::string& api_url, const std::string& username) const;

private:
    void warn(const std::string& message) const;

    std::string dir_;
    LogSink warn_;
};

} // namespace ra
