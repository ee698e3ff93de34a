// The snapshot file: written by `snapshot`, read by `plan --snapshot`. The reader is the one
// saved plans use (json_reader.hpp): untrusted input, every key and type checked, the first
// problem reported with its JSON path, nlohmann exceptions kept inside.

#include "rossum_accounts/core/snapshot.hpp"

#include "json_reader.hpp"
#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/core/json_numbers.hpp"
#include "rossum_accounts/core/plan_json.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <limits>
#include <set>
#include <vector>

namespace ra {
namespace {

using Json = nlohmann::json;

using json_reader::index;
using json_reader::join;
using json_reader::nesting_within;
using json_reader::parse_strict;
using json_reader::Reader;
using json_reader::type_name;

Error invalid(const std::string& message) {
    return make_error(ErrorKind::invalid_input, "snapshot: " + message);
}

// Organizations, roles and queues share one shape.
template <class T>
T read_named(Reader& r, const Json& j, const std::string& path) {
    T out;
    if (r.expect_object(j, path, {"id", "url", "name"})) {
        out.id = r.integer(j["id"], join(path, "id"));
        out.url = r.non_empty_string(j["url"], join(path, "url"));
        out.name = r.string(j["name"], join(path, "name"));
    }
    return out;
}

template <class T>
std::vector<T> read_named_list(Reader& r, const Json& j, const std::string& path) {
    std::vector<T> out;
    if (!r.array(j, path))
        return out;
    for (std::size_t i = 0; i < j.size() && !r.failed(); ++i)
        out.push_back(read_named<T>(r, j[i], index(path, i)));
    return out;
}

LiveUser read_user(Reader& r, const Json& j, const std::string& path) {
    LiveUser u;
    if (!r.expect_object(j, path,
                         {"id", "url", "username", "first_name", "last_name", "email", "groups",
                          "queues", "is_active", "deleted", "metadata", "organization"}))
        return u;
    u.id = r.integer(j["id"], join(path, "id"));
    u.url = r.non_empty_string(j["url"], join(path, "url"));
    u.username = r.non_empty_string(j["username"], join(path, "username"));
    u.first_name = r.string(j["first_name"], join(path, "first_name"));
    u.last_name = r.string(j["last_name"], join(path, "last_name"));
    u.email = r.string(j["email"], join(path, "email"));
    u.groups = r.strings(j["groups"], join(path, "groups"));
    u.queues = r.strings(j["queues"], join(path, "queues"));
    u.is_active = r.boolean(j["is_active"], join(path, "is_active"));
    u.deleted = r.boolean(j["deleted"], join(path, "deleted"));
    u.organization = r.string(j["organization"], join(path, "organization"));
    if (j["metadata"].is_object())
        u.metadata = j["metadata"];
    else
        r.fail(join(path, "metadata"),
               fmt::format("expected an object, got {}", type_name(j["metadata"])));
    return u;
}

Json named_to_json(std::int64_t id, const std::string& url, const std::string& name) {
    return {{"id", id}, {"url", url}, {"name", name}};
}

Json user_to_json(const LiveUser& u) {
    return {
        {"id", u.id},
        {"url", u.url},
        {"username", u.username},
        {"first_name", u.first_name},
        {"last_name", u.last_name},
        {"email", u.email},
        {"groups", u.groups},
        {"queues", u.queues},
        {"is_active", u.is_active},
        {"deleted", u.deleted},
        {"metadata", u.metadata},
        {"organization", u.organization},
    };
}

Snapshot read_snapshot(Reader& r, const Json& j) {
    Snapshot s;
    if (!r.expect_object(j, "",
                         {"format_version", "api_url", "taken_at", "organization", "roles",
                          "queues", "users", "caller"}))
        return s;
    const std::int64_t version = r.integer(j["format_version"], "format_version");
    if (!r.failed() && version != k_snapshot_format_version)
        r.fail("format_version", fmt::format("unsupported version {} (this tool reads {})", version,
                                             k_snapshot_format_version));
    s.live.api_url = r.non_empty_string(j["api_url"], "api_url");
    s.taken_at = r.string(j["taken_at"], "taken_at");
    if (!r.failed()) {
        if (auto t = parse_utc_rfc3339(s.taken_at))
            s.taken_at_time = *t;
        else
            r.fail("taken_at", "expected a UTC time such as \"2026-12-01T10:00:00Z\"");
    }
    s.live.organization = read_named<Organization>(r, j["organization"], "organization");
    s.live.groups = read_named_list<Group>(r, j["roles"], "roles");
    s.live.queues = read_named_list<Queue>(r, j["queues"], "queues");
    s.live.caller = read_user(r, j["caller"], "caller");
    const Json& users = j["users"];
    std::set<std::int64_t> ids;
    if (r.array(users, "users")) {
        for (std::size_t i = 0; i < users.size() && !r.failed(); ++i) {
            LiveUser u = read_user(r, users[i], index("users", i));
            if (!r.failed() && !ids.insert(u.id).second)
                r.fail(index("users", i) + ".id", fmt::format("user {} is listed twice", u.id));
            (u.deleted ? s.live.deleted_users : s.live.users).push_back(std::move(u));
        }
    }
    s.live.complete_user_list = true;
    return s;
}

// Digits at text[pos, pos + n) as a number, or -1.
int digits(std::string_view text, std::size_t pos, std::size_t n) {
    if (pos + n > text.size())
        return -1;
    int value = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])))
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

bool at(std::string_view text, std::size_t pos, char c) {
    return pos < text.size() && std::tolower(static_cast<unsigned char>(text[pos])) ==
                                    std::tolower(static_cast<unsigned char>(c));
}

} // namespace

std::string format_utc_rfc3339(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto secs = floor<seconds>(t);
    const auto day = floor<days>(secs);
    const year_month_day ymd{day};
    const hh_mm_ss<seconds> hms{secs - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::optional<std::chrono::sys_seconds> parse_utc_rfc3339(std::string_view text) {
    using namespace std::chrono;
    const int y = digits(text, 0, 4);
    const int mo = digits(text, 5, 2);
    const int d = digits(text, 8, 2);
    const int h = digits(text, 11, 2);
    const int mi = digits(text, 14, 2);
    const int s = digits(text, 17, 2);
    if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || !at(text, 4, '-') ||
        !at(text, 7, '-') || !at(text, 10, 'T') || !at(text, 13, ':') || !at(text, 16, ':'))
        return std::nullopt;
    std::size_t pos = 19;
    if (at(text, pos, '.')) {
        ++pos;
        const std::size_t first = pos;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos])))
            ++pos;
        if (pos == first)
            return std::nullopt;
    }
    if (!at(text, pos, 'Z') || pos + 1 != text.size())
        return std::nullopt;
    const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)},
                             day{static_cast<unsigned>(d)}};
    if (!ymd.ok() || h > 23 || mi > 59 || s > 59)
        return std::nullopt;
    return sys_days{ymd} + hours{h} + minutes{mi} + seconds{s};
}

std::string describe_age(std::int64_t seconds) {
    constexpr std::int64_t minute = 60;
    constexpr std::int64_t hour = 60 * minute;
    constexpr std::int64_t day = 24 * hour;
    if (seconds < minute)
        return fmt::format("{} s", std::max<std::int64_t>(seconds, 0));
    if (seconds < hour)
        return fmt::format("{} min", seconds / minute);
    if (seconds < day)
        return fmt::format("{} h {} min", seconds / hour, seconds % hour / minute);
    return fmt::format("{} d {} h", seconds / day, seconds % day / hour);
}

Result<LiveState> fetch_snapshot_state(RossumApi& api, const std::string& api_url) {
    DesiredState everything; // prune reads the whole users list, which a snapshot holds
    everything.prune = true;
    auto live = fetch_live_state(api, everything, api_url);
    if (!live)
        return live.error();
    // fetch_live_state reads queues only for a manifest that names them; a snapshot serves any
    // manifest.
    auto queues = api.queues();
    if (!queues)
        return queues.error();
    live->queues = std::move(*queues);
    // The name, for the plan's header; one more request (docs/design.md §6.1).
    if (live->organization.name.empty()) {
        auto org = api.organization(live->organization.id);
        if (org)
            live->organization.name = org->name;
        else if (org.error().kind != ErrorKind::not_found &&
                 org.error().kind != ErrorKind::permission)
            return org.error();
    }
    return live;
}

nlohmann::json snapshot_to_json(const LiveState& live,
                                std::chrono::system_clock::time_point taken_at) {
    Json roles = Json::array();
    for (const auto& g : live.groups)
        roles.push_back(named_to_json(g.id, g.url, g.name));
    Json queues = Json::array();
    for (const auto& q : live.queues)
        queues.push_back(named_to_json(q.id, q.url, q.name));
    Json users = Json::array();
    for (const auto& u : live.users)
        users.push_back(user_to_json(u));
    for (const auto& u : live.deleted_users)
        users.push_back(user_to_json(u));
    return {
        {"format_version", k_snapshot_format_version},
        {"api_url", live.api_url},
        {"taken_at", format_utc_rfc3339(taken_at)},
        {"organization", organization_to_json(live.organization)},
        {"roles", std::move(roles)},
        {"queues", std::move(queues)},
        {"users", std::move(users)},
        {"caller", user_to_json(live.caller)},
    };
}

Result<Snapshot> snapshot_from_json(std::string_view text) {
    if (text.size() > k_max_snapshot_bytes)
        return invalid(fmt::format("larger than {} bytes", k_max_snapshot_bytes));
    if (!nesting_within(text, k_max_snapshot_depth))
        return invalid(fmt::format("nested deeper than {} levels", k_max_snapshot_depth));
    Result<Json> parsed = parse_strict(text, "snapshot: ");
    if (!parsed)
        return parsed.error();
    Reader reader("snapshot: ", "document");
    Snapshot snapshot = read_snapshot(reader, *parsed);
    if (reader.failed())
        return reader.error();
    return snapshot;
}

} // namespace ra
