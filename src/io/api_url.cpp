#include "rossum_accounts/io/api_url.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace ra {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// Printable ASCII without space and backslash: what curl and we agree on.
bool plain_url_chars(std::string_view url) {
    return std::all_of(url.begin(), url.end(),
                       [](unsigned char c) { return c > 0x20 && c < 0x7f && c != '\\'; });
}

bool host_chars(std::string_view host) {
    return std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
}

std::optional<int> parse_port(std::string_view text) {
    if (text.empty() || text.size() > 5)
        return std::nullopt;
    int port = 0;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
        port = port * 10 + (c - '0');
    }
    if (port < 1 || port > 65535)
        return std::nullopt;
    return port;
}

bool split_host_port(std::string_view authority, UrlParts& parts) {
    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos)
            return false;
        host = authority.substr(0, close + 1);
        auto rest = authority.substr(close + 1);
        if (!rest.empty() && rest.front() != ':')
            return false;
        if (!rest.empty())
            port = rest.substr(1);
        auto inner = host.substr(1, host.size() - 2);
        if (inner.empty() || !std::all_of(inner.begin(), inner.end(), [](unsigned char c) {
                return std::isxdigit(c) || c == ':' || c == '.';
            }))
            return false;
    } else {
        auto colon = authority.find(':');
        if (colon != std::string_view::npos) {
            host = authority.substr(0, colon);
            port = authority.substr(colon + 1);
            if (port.empty())
                return false;
        }
        if (host.empty() || !host_chars(host))
            return false;
    }
    parts.host = lower(host);
    if (port.empty()) {
        parts.port = parts.scheme == "https" ? 443 : 80;
        return true;
    }
    auto number = parse_port(port);
    if (!number)
        return false;
    parts.port = *number;
    return true;
}

bool has_dot_segment(std::string_view path) {
    std::string lowered = lower(path);
    if (lowered.find("%2e") != std::string::npos || lowered.find("%2f") != std::string::npos)
        return true;
    std::size_t start = 0;
    while (start <= lowered.size()) {
        auto end = lowered.find('/', start);
        auto segment = std::string_view(lowered).substr(
            start, end == std::string::npos ? std::string::npos : end - start);
        if (segment == "." || segment == "..")
            return true;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return false;
}

// Where a path that goes on into the versioned API (".../api/v1", ".../api/v1/users", ".../v1")
// should have ended: the position of the "/v1" segment, or npos. The tool appends /v1/... itself,
// so such a URL would send every request to .../v1/v1/... and fail confusingly (a 404 or 401).
std::size_t versioned_api_segment(std::string_view path) {
    std::string_view previous;
    std::size_t start = 0;
    while (start < path.size()) {
        auto end = path.find('/', start + 1);
        auto segment = path.substr(start + 1, end == std::string_view::npos ? std::string_view::npos
                                                                            : end - start - 1);
        if (lower(segment) == "v1" && (end == std::string_view::npos || lower(previous) == "api"))
            return start;
        previous = segment;
        if (end == std::string_view::npos)
            break;
        start = end;
    }
    return std::string_view::npos;
}

// The URL is quoted without its query and fragment, which could carry a token.
Error url_error(std::string_view url, std::string_view problem) {
    auto cut = url.find_first_of("?#");
    std::string shown(url.substr(0, cut));
    if (cut != std::string_view::npos)
        shown += "?...";
    return make_error(ErrorKind::usage, fmt::format("invalid api url \"{}\": {}", shown, problem));
}

} // namespace

std::optional<UrlParts> parse_url(std::string_view url) {
    if (!plain_url_chars(url))
        return std::nullopt;
    auto sep = url.find("://");
    if (sep == std::string_view::npos)
        return std::nullopt;
    UrlParts parts;
    parts.scheme = lower(url.substr(0, sep));
    if (parts.scheme != "https" && parts.scheme != "http")
        return std::nullopt;
    auto rest = url.substr(sep + 3);
    auto authority_end = rest.find_first_of("/?#");
    auto authority = rest.substr(0, authority_end);
    auto tail =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
        parts.has_userinfo = true;
        authority = authority.substr(at + 1);
    }
    if (!split_host_port(authority, parts))
        return std::nullopt;
    auto fragment = tail.find('#');
    parts.has_fragment = fragment != std::string_view::npos;
    tail = tail.substr(0, fragment);
    auto query = tail.find('?');
    parts.has_query = query != std::string_view::npos;
    parts.path = std::string(tail.substr(0, query));
    return parts;
}

bool is_loopback_host(std::string_view host) {
    if (host == "localhost" || host == "[::1]")
        return true;
    // Strict dotted decimal 127.a.b.c; anything looser is simply not treated as loopback.
    int octets = 0;
    std::size_t start = 0;
    while (start <= host.size()) {
        auto end = host.find('.', start);
        auto part = host.substr(start, end == std::string_view::npos ? std::string_view::npos
                                                                     : end - start);
        if (part.empty() || part.size() > 3 || (part.size() > 1 && part.front() == '0') ||
            !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        int value = std::stoi(std::string(part));
        if (value > 255 || (octets == 0 && value != 127))
            return false;
        ++octets;
        if (end == std::string_view::npos)
            break;
        start = end + 1;
    }
    return octets == 4;
}

Result<std::string> validate_api_url(std::string_view url) {
    if (url.empty())
        return make_error(ErrorKind::usage, "invalid api url: it is empty");
    auto sep = url.find("://");
    if (sep != std::string_view::npos) {
        auto authority = url.substr(sep + 3, url.substr(sep + 3).find_first_of("/?#"));
        if (authority.find('@') != std::string_view::npos)
            return make_error(ErrorKind::usage,
                              "invalid api url: credentials in the URL are not allowed; use "
                              "ROSSUM_USERNAME and ROSSUM_PASSWORD or ROSSUM_TOKEN");
    }
    if (!plain_url_chars(url))
        return make_error(ErrorKind::usage,
                          "invalid api url: it contains spaces, backslashes or control characters");
    auto scheme = lower(url.substr(0, sep == std::string_view::npos ? 0 : sep));
    if (scheme != "https" && scheme != "http")
        return url_error(url, "it must start with https://");
    auto parts = parse_url(url);
    if (!parts)
        return url_error(url, "the host or port is not valid");
    if (parts->has_query || parts->has_fragment)
        return url_error(url, "a query or fragment is not allowed");
    if (parts->scheme == "http" && !is_loopback_host(parts->host))
        return url_error(url, "plain http:// is allowed only for loopback hosts (127.0.0.0/8, "
                              "localhost, ::1); use https://");
    if (has_dot_segment(parts->path))
        return url_error(url, "the path must not contain dot segments");
    std::string path = parts->path;
    while (!path.empty() && path.back() == '/')
        path.pop_back();
    auto authority_start = sep + 3;
    auto authority = url.substr(authority_start, url.substr(authority_start).find_first_of("/"));
    if (auto v1 = versioned_api_segment(path); v1 != std::string::npos)
        return url_error(url, fmt::format("the API URL ends before /v1: use {}://{}{}",
                                          parts->scheme, lower(authority), path.substr(0, v1)));
    return fmt::format("{}://{}{}", parts->scheme, lower(authority), path);
}

bool is_within_api(const std::string& api_url, const std::string& url) {
    auto base = parse_url(api_url);
    auto link = parse_url(url);
    if (!base || !link || link->has_userinfo || link->has_fragment)
        return false;
    if (base->scheme != link->scheme || base->host != link->host || base->port != link->port)
        return false;
    if (has_dot_segment(link->path))
        return false;
    std::string prefix = base->path;
    while (!prefix.empty() && prefix.back() == '/')
        prefix.pop_back();
    return link->path.rfind(prefix + "/", 0) == 0;
}

} // namespace ra
