#pragma once
// API URL rules (docs/design.md §10.1): https required, plain http only for loopback hosts, no
// credentials, query or fragment. Also the origin check that every followed link must pass.

#include "rossum_accounts/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace ra {

struct UrlParts {
    std::string scheme; // lower case: "https" or "http"
    std::string host;   // lower case; IPv6 literals keep their brackets
    int port = 0;       // explicit or the scheme's default
    std::string path;   // "" or starting with "/"
    bool has_userinfo = false;
    bool has_query = false;
    bool has_fragment = false;
};

// Strict split of an absolute http(s) URL; nullopt for anything unusual (other schemes, spaces,
// backslashes, control characters, percent-encoded hosts, bad ports).
std::optional<UrlParts> parse_url(std::string_view url);

// 127.0.0.0/8 in dotted-decimal form, "localhost" or "[::1]".
bool is_loopback_host(std::string_view host);

// The normalized API URL (lower-case scheme and host, no trailing slash) or ErrorKind::usage.
Result<std::string> validate_api_url(std::string_view url);

// True when `url` has the API's scheme, host and port and its path lies under the API's path;
// links that fail this never get our Authorization header.
bool is_within_api(const std::string& api_url, const std::string& url);

} // namespace ra
