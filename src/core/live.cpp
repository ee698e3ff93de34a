#include "rossum_accounts/core/live.hpp"

#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <cstdio>
#include <fmt/format.h>

namespace ra {
namespace {

using nlohmann::json;

Error protocol_error(const char* what, const std::string& problem) {
    return make_error(ErrorKind::protocol,
                      fmt::format("unexpected {} from the API: {}", what, problem));
}

// Optional string fields: absent or null mean "".
bool read_string(const json& j, const char* key, std::string& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return true;
    if (!it->is_string())
        return false;
    out = it->get<std::string>();
    return true;
}

bool read_bool(const json& j, const char* key, bool& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return true;
    if (!it->is_boolean())
        return false;
    out = it->get<bool>();
    return true;
}

bool read_url_list(const json& j, const char* key, std::vector<std::string>& out) {
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return true;
    if (!it->is_array())
        return false;
    for (const auto& item : *it) {
        if (!item.is_string())
            return false;
        out.push_back(item.get<std::string>());
    }
    return true;
}

bool read_id(const json& j, std::int64_t& out) {
    auto it = j.find("id");
    if (it == j.end() || !it->is_number_integer())
        return false;
    out = it->get<std::int64_t>();
    return true;
}

// The fields every API object has: an integer id and a string url.
std::optional<Error> read_identity(const json& j, const char* what, std::int64_t& id,
                                   std::string& url) {
    if (!j.is_object())
        return protocol_error(what, "not a JSON object");
    if (!read_id(j, id))
        return protocol_error(what, "\"id\" is missing or not an integer");
    auto it = j.find("url");
    if (it == j.end() || !it->is_string())
        return protocol_error(what, "\"url\" is missing or not a string");
    url = it->get<std::string>();
    return std::nullopt;
}

template <class T>
Result<T> parse_named(const json& j, const char* what) {
    T out;
    if (auto e = read_identity(j, what, out.id, out.url))
        return *e;
    if (!read_string(j, "name", out.name))
        return protocol_error(what, "\"name\" is not a string");
    return out;
}

template <class T, class Parse>
Result<Page<T>> parse_page(const json& j, const char* what, Parse parse_item) {
    const std::string page_of = fmt::format("page of {}", what);
    if (!j.is_object())
        return protocol_error(page_of.c_str(), "not a JSON object");
    auto results = j.find("results");
    if (results == j.end() || !results->is_array())
        return protocol_error(page_of.c_str(), "\"results\" is missing or not a list");
    auto pagination = j.find("pagination");
    if (pagination == j.end() || !pagination->is_object())
        return protocol_error(page_of.c_str(), "\"pagination\" is missing or not an object");
    Page<T> page;
    auto total = pagination->find("total");
    auto total_pages = pagination->find("total_pages");
    if (total == pagination->end() || !total->is_number_integer() || total->get<std::int64_t>() < 0)
        return protocol_error(page_of.c_str(), "\"pagination.total\" is not a count");
    if (total_pages == pagination->end() || !total_pages->is_number_integer() ||
        total_pages->get<std::int64_t>() < 0)
        return protocol_error(page_of.c_str(), "\"pagination.total_pages\" is not a count");
    page.total = total->get<std::int64_t>();
    page.total_pages = total_pages->get<std::int64_t>();
    auto next = pagination->find("next");
    if (next != pagination->end() && !next->is_null()) {
        if (!next->is_string())
            return protocol_error(page_of.c_str(), "\"pagination.next\" is not a URL");
        page.next = next->get<std::string>();
    }
    for (const auto& item : *results) {
        auto parsed = parse_item(item);
        if (!parsed)
            return parsed.error();
        page.results.push_back(std::move(parsed).value());
    }
    return page;
}

std::uint64_t fnv1a64(std::string_view text) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : text) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace

Result<LiveUser> parse_user(const json& j) {
    LiveUser u;
    if (auto e = read_identity(j, "user", u.id, u.url))
        return *e;
    auto username = j.find("username");
    if (username == j.end() || !username->is_string())
        return protocol_error("user", "\"username\" is missing or not a string");
    u.username = username->get<std::string>();
    const char* what = "user";
    if (!read_string(j, "first_name", u.first_name))
        return protocol_error(what, "\"first_name\" is not a string");
    if (!read_string(j, "last_name", u.last_name))
        return protocol_error(what, "\"last_name\" is not a string");
    if (!read_string(j, "email", u.email))
        return protocol_error(what, "\"email\" is not a string");
    if (!read_string(j, "organization", u.organization))
        return protocol_error(what, "\"organization\" is not a URL");
    if (!read_url_list(j, "groups", u.groups))
        return protocol_error(what, "\"groups\" is not a list of URLs");
    if (!read_url_list(j, "queues", u.queues))
        return protocol_error(what, "\"queues\" is not a list of URLs");
    if (!read_bool(j, "is_active", u.is_active))
        return protocol_error(what, "\"is_active\" is not a boolean");
    if (!read_bool(j, "deleted", u.deleted))
        return protocol_error(what, "\"deleted\" is not a boolean");
    auto metadata = j.find("metadata");
    if (metadata != j.end() && !metadata->is_null()) {
        if (!metadata->is_object())
            return protocol_error(what, "\"metadata\" is not an object");
        u.metadata = *metadata;
    }
    return u;
}

Result<Group> parse_group(const json& j) {
    return parse_named<Group>(j, "group");
}

Result<Queue> parse_queue(const json& j) {
    return parse_named<Queue>(j, "queue");
}

Result<Organization> parse_organization(const json& j) {
    return parse_named<Organization>(j, "organization");
}

Result<Page<LiveUser>> parse_user_page(const json& j) {
    return parse_page<LiveUser>(j, "users", parse_user);
}

Result<Page<Group>> parse_group_page(const json& j) {
    return parse_page<Group>(j, "groups", parse_group);
}

Result<Page<Queue>> parse_queue_page(const json& j) {
    return parse_page<Queue>(j, "queues", parse_queue);
}

Result<Page<Organization>> parse_organization_page(const json& j) {
    return parse_page<Organization>(j, "organizations", parse_organization);
}

std::optional<std::int64_t> id_from_url(const std::string& url) {
    std::string_view path = url;
    path = path.substr(0, std::min(path.find('?'), path.find('#')));
    if (!path.empty() && path.back() == '/')
        path.remove_suffix(1);
    auto slash = path.rfind('/');
    std::string_view digits = slash == std::string_view::npos ? path : path.substr(slash + 1);
    if (digits.empty() || digits.size() > 18)
        return std::nullopt;
    std::int64_t id = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        id = id * 10 + (c - '0');
    }
    return id;
}

namespace {

// Appends `s` as nlohmann's compact dump writes it (error_handler_t::replace): printable ASCII
// without quote or backslash as it is, anything else through nlohmann's escaping.
void append_json_string(std::string& out, const std::string& s) {
    const bool plain = std::all_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f && c != '"' && c != '\\';
    });
    if (!plain) {
        out += json(s).dump(-1, ' ', false, json::error_handler_t::replace);
        return;
    }
    out += '"';
    out += s;
    out += '"';
}

void append_json_strings(std::string& out, std::vector<std::string> items) {
    std::sort(items.begin(), items.end());
    out += '[';
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0)
            out += ',';
        append_json_string(out, items[i]);
    }
    out += ']';
}

} // namespace

std::string fingerprint(const LiveUser& user) {
    // The compact dump of {"id", "url", "username", "first_name", "last_name", "email", "groups"
    // and "queues" sorted, "is_active", "deleted", "metadata", "organization"} with its keys in
    // nlohmann's (sorted) order: canonical. Written directly, not built as a document and
    // dumped, which cost more than reading the user (a unit test holds it to the dump). The id
    // and URL are part of it, so a saved plan whose user_id was edited to name another user is
    // stale.
    std::string canonical;
    canonical.reserve(256);
    canonical += "{\"deleted\":";
    canonical += user.deleted ? "true" : "false";
    canonical += ",\"email\":";
    append_json_string(canonical, user.email);
    canonical += ",\"first_name\":";
    append_json_string(canonical, user.first_name);
    canonical += ",\"groups\":";
    append_json_strings(canonical, user.groups);
    canonical += ",\"id\":";
    canonical += std::to_string(user.id);
    canonical += ",\"is_active\":";
    canonical += user.is_active ? "true" : "false";
    canonical += ",\"last_name\":";
    append_json_string(canonical, user.last_name);
    canonical += ",\"metadata\":";
    canonical += user.metadata.dump(-1, ' ', false, json::error_handler_t::replace);
    canonical += ",\"organization\":";
    append_json_string(canonical, user.organization);
    canonical += ",\"queues\":";
    append_json_strings(canonical, user.queues);
    canonical += ",\"url\":";
    append_json_string(canonical, user.url);
    canonical += ",\"username\":";
    append_json_string(canonical, user.username);
    canonical += '}';
    return fmt::format("{:016x}", fnv1a64(canonical));
}

UserSieve::UserSieve(const std::vector<std::string>& usernames) {
    folded_.reserve(usernames.size());
    for (const auto& username : usernames)
        folded_.insert(fold_username(username));
}

bool UserSieve::keeps(std::string_view username) const {
    std::string scratch;
    return keeps(username, scratch);
}

bool UserSieve::keeps(std::string_view username, std::string& scratch) const {
    fold_username(username, scratch);
    return folded_.count(scratch) != 0;
}

} // namespace ra
