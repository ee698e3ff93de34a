#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/core/snapshot.hpp"
#include "support/fake_api.hpp"
#include "unit/render/golden.hpp"
#include "unit/render/sample_plan.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

const auto k_taken = std::chrono::sys_days{std::chrono::year{2026} / 12 / 1} + 10h + 0min + 7s;

ra::LiveUser user(std::int64_t id, const std::string& username, bool deleted = false) {
    ra::LiveUser u;
    u.id = id;
    u.url = ra::test::object_url("users", id);
    u.username = username;
    u.first_name = "First";
    u.last_name = "Last";
    u.email = username;
    u.groups = {ra::test::object_url("groups", 5101)};
    u.queues = {ra::test::object_url("queues", 812)};
    u.is_active = !deleted;
    u.deleted = deleted;
    u.organization = ra::test::object_url("organizations", 4201);
    u.metadata = {{"managed_by", "rossum-accounts"}, {"big", 18446744073709551615ULL}};
    return u;
}

ra::LiveState sample_state() {
    ra::LiveState live;
    live.api_url = ra::test::k_api;
    live.organization = {4201, ra::test::object_url("organizations", 4201), "Acme"};
    live.groups = {{5101, ra::test::object_url("groups", 5101), "viewer"}};
    live.queues = {{812, ra::test::object_url("queues", 812), "Invoices"}};
    live.caller = user(1, "admin@acme");
    live.users = {live.caller, user(2, "bot@acme")};
    live.deleted_users = {user(3, "gone@acme", true)};
    live.complete_user_list = true;
    return live;
}

// The error snapshot_from_json gives for the sample snapshot after `mutate`.
std::string error_after(const std::function<void(Json&)>& mutate) {
    Json j = ra::snapshot_to_json(sample_state(), k_taken);
    mutate(j);
    const auto parsed = ra::snapshot_from_json(j.dump());
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ra::ErrorKind::invalid_input);
    return parsed.error().message;
}

std::string error_of(std::string_view text) {
    const auto parsed = ra::snapshot_from_json(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().kind == ra::ErrorKind::invalid_input);
    return parsed.error().message;
}

void check_same(const ra::LiveUser& a, const ra::LiveUser& b) {
    CHECK(a.id == b.id);
    CHECK(a.url == b.url);
    CHECK(a.username == b.username);
    CHECK(a.first_name == b.first_name);
    CHECK(a.last_name == b.last_name);
    CHECK(a.email == b.email);
    CHECK(a.groups == b.groups);
    CHECK(a.queues == b.queues);
    CHECK(a.is_active == b.is_active);
    CHECK(a.deleted == b.deleted);
    CHECK(a.metadata == b.metadata);
    CHECK(a.organization == b.organization);
    CHECK(ra::fingerprint(a) == ra::fingerprint(b));
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

} // namespace

TEST_CASE("the sample snapshot is the valid fixture the schema test checks", "[snapshot]") {
    ra::test::check_golden_file("tests/fixtures/snapshots/valid/sample.json",
                                ra::snapshot_to_json(sample_state(), k_taken).dump(2) + "\n");
}

TEST_CASE("every valid snapshot fixture parses and every invalid one is refused",
          "[snapshot][fixtures]") {
    const std::filesystem::path root = std::filesystem::path(RA_TEST_FIXTURES) / "snapshots";
    int valid = 0;
    for (const auto& entry : std::filesystem::directory_iterator(root / "valid")) {
        INFO(entry.path());
        CHECK(ra::snapshot_from_json(read_file(entry.path())).ok());
        ++valid;
    }
    int invalid = 0;
    for (const auto& entry : std::filesystem::directory_iterator(root / "invalid")) {
        INFO(entry.path());
        CHECK_FALSE(ra::snapshot_from_json(read_file(entry.path())).ok());
        ++invalid;
    }
    CHECK(valid >= 1);
    CHECK(invalid >= 4);
}

TEST_CASE("snapshot json round-trips the live state a plan needs, exactly", "[snapshot]") {
    const ra::LiveState live = sample_state();
    const Json j = ra::snapshot_to_json(live, k_taken);
    CHECK(j["format_version"] == 1);
    CHECK(j["taken_at"] == "2026-12-01T10:00:07Z");
    CHECK(j["users"].size() == 3); // the deleted user too
    const auto parsed = ra::snapshot_from_json(j.dump(2));
    REQUIRE(parsed.ok());
    CHECK(parsed->taken_at == "2026-12-01T10:00:07Z");
    CHECK(parsed->taken_at_time == std::chrono::floor<std::chrono::seconds>(k_taken));
    const ra::LiveState& back = parsed->live;
    CHECK(back.api_url == live.api_url);
    CHECK(back.organization.id == 4201);
    CHECK(back.organization.name == "Acme");
    REQUIRE(back.groups.size() == 1);
    CHECK(back.groups[0].name == "viewer");
    REQUIRE(back.queues.size() == 1);
    CHECK(back.queues[0].name == "Invoices");
    CHECK(back.complete_user_list);
    check_same(back.caller, live.caller);
    REQUIRE(back.users.size() == 2);
    check_same(back.users[1], live.users[1]);
    REQUIRE(back.deleted_users.size() == 1);
    check_same(back.deleted_users[0], live.deleted_users[0]);
    CHECK(back.users[1].metadata["big"].get<std::uint64_t>() == 18446744073709551615ULL);
}

TEST_CASE("a snapshot holds no key beyond the documented ones", "[snapshot]") {
    const Json j = ra::snapshot_to_json(sample_state(), k_taken);
    std::vector<std::string> keys;
    for (const auto& [key, value] : j.items())
        keys.push_back(key);
    CHECK(keys == std::vector<std::string>{"api_url", "caller", "format_version", "organization",
                                           "queues", "roles", "taken_at", "users"});
    for (const auto& [key, value] : j["users"][0].items())
        CHECK_FALSE((key == "password" || key == "token"));
}

TEST_CASE("the snapshot reader refuses unknown keys, wrong types and bad values by path",
          "[snapshot]") {
    CHECK(error_after([](Json& j) { j["secrets"] = 1; }) == "snapshot: secrets: unknown key");
    CHECK(error_after([](Json& j) { j.erase("caller"); }) == "snapshot: caller: missing");
    CHECK(error_after([](Json& j) { j["users"][1]["password"] = "x"; }) ==
          "snapshot: users[1].password: unknown key");
    CHECK(error_after([](Json& j) { j["users"][1]["id"] = "2"; }) ==
          "snapshot: users[1].id: expected an integer, got a string");
    CHECK(error_after([](Json& j) { j["users"][0]["id"] = 1.5; }) ==
          "snapshot: users[0].id: expected an integer, got a fractional number");
    CHECK(error_after([](Json& j) { j["users"][2]["is_active"] = "yes"; }) ==
          "snapshot: users[2].is_active: expected a boolean, got a string");
    CHECK(error_after([](Json& j) { j["users"][0]["metadata"] = Json::array(); }) ==
          "snapshot: users[0].metadata: expected an object, got an array");
    CHECK(error_after([](Json& j) { j["roles"][0]["id"] = nullptr; }) ==
          "snapshot: roles[0].id: expected an integer, got null");
    CHECK(error_after([](Json& j) { j["queues"] = Json::object(); }) ==
          "snapshot: queues: expected an array, got an object");
    CHECK(error_after([](Json& j) { j["format_version"] = 2; }) ==
          "snapshot: format_version: unsupported version 2 (this tool reads 1)");
    CHECK(error_after([](Json& j) { j["taken_at"] = "2026-12-01T10:00:00+01:00"; }) ==
          "snapshot: taken_at: expected a UTC time such as \"2026-12-01T10:00:00Z\"");
    CHECK(error_after([](Json& j) { j["users"][1]["id"] = 1; }) ==
          "snapshot: users[1].id: user 1 is listed twice");
    CHECK(error_after([](Json& j) { j["users"][0]["id"] = 9223372036854775808ULL; }) ==
          "snapshot: users[0].id: integer out of range");
    CHECK(error_after([](Json& j) { j = Json::array(); }) ==
          "snapshot: document: expected an object, got an array");
}

TEST_CASE("the snapshot reader refuses bad JSON, duplicate keys, huge integers, depth and size",
          "[snapshot]") {
    CHECK(error_of("{") == "snapshot: not valid JSON (syntax error at byte 2)");
    CHECK(error_of(R"({"format_version": 1, "format_version": 1})") ==
          "snapshot: duplicate key \"format_version\"");
    CHECK(error_of(R"({"x": 123456789012345678901234567890})") ==
          "snapshot: integer beyond 64 bits");
    CHECK(error_of(R"({"x": 1e400})") == "snapshot: number out of range");
    CHECK(error_of(std::string(65, '[') + std::string(65, ']')) ==
          "snapshot: nested deeper than 64 levels");
    CHECK(error_of(std::string(ra::k_max_snapshot_bytes + 1, ' ')) ==
          "snapshot: larger than 67108864 bytes");
}

TEST_CASE("snapshot times are UTC RFC 3339 and nothing else", "[snapshot]") {
    CHECK(ra::format_utc_rfc3339(k_taken + 999ms) == "2026-12-01T10:00:07Z");
    CHECK(ra::parse_utc_rfc3339("2026-12-01T10:00:07Z") ==
          std::chrono::floor<std::chrono::seconds>(k_taken));
    CHECK(ra::parse_utc_rfc3339("2026-12-01t10:00:07.250z") ==
          std::chrono::floor<std::chrono::seconds>(k_taken));
    for (const char* bad : {"2026-12-01T10:00:07", "2026-12-01 10:00:07Z", "2026-02-30T10:00:00Z",
                            "2026-12-01T24:00:00Z", "2026-12-01T10:00:07.Z", "2026-12-01T10:00Z",
                            "2026-12-01T10:00:07Z ", ""})
        CHECK_FALSE(ra::parse_utc_rfc3339(bad).has_value());
}

TEST_CASE("a snapshot's age reads in the largest two units", "[snapshot]") {
    CHECK(ra::describe_age(0) == "0 s");
    CHECK(ra::describe_age(59) == "59 s");
    CHECK(ra::describe_age(12 * 60 + 5) == "12 min");
    CHECK(ra::describe_age(3 * 3600 + 12 * 60) == "3 h 12 min");
    CHECK(ra::describe_age(8 * 86400 + 2 * 3600 + 5) == "8 d 2 h");
}

TEST_CASE("taking a snapshot reads every user, every queue and the organization's name, and "
          "writes nothing",
          "[snapshot]") {
    ra::test::FakeApi api;
    api.add_user("bot@acme", {"viewer"});
    for (int i = 0; i < 150; ++i)
        api.add_user("user" + std::to_string(i) + "@acme", {"viewer"});
    const auto live = ra::fetch_snapshot_state(api, ra::test::k_api);
    REQUIRE(live.ok());
    CHECK(live->complete_user_list);
    CHECK(live->users.size() == 152); // the caller, bot and the 150 on two pages
    CHECK(live->queues.size() == 3);
    CHECK(live->organization.name == "Acme");
    CHECK(live->caller.username == "admin@acme");
    CHECK(api.calls("create_user") + api.calls("patch_user") == 0);
}

TEST_CASE("a saved plan keeps the snapshot it was made from and refuses a malformed one",
          "[snapshot][plan_json]") {
    ra::Plan plan = ra::test::sample_plan();
    CHECK_FALSE(ra::plan_to_json(plan).contains("snapshot"));
    plan.snapshot = ra::SnapshotBasis{"2026-12-01T10:00:00Z", 11520};
    Json j = ra::plan_to_json(plan);
    CHECK(j["snapshot"] == Json{{"taken_at", "2026-12-01T10:00:00Z"}, {"age_s", 11520}});
    const auto back = ra::plan_from_json(j.dump());
    REQUIRE(back.ok());
    REQUIRE(back->snapshot.has_value());
    CHECK(back->snapshot->taken_at == "2026-12-01T10:00:00Z");
    CHECK(back->snapshot->age_s == 11520);
    auto refused = [&](const std::function<void(Json&)>& mutate) {
        Json edited = j;
        mutate(edited);
        const auto parsed = ra::plan_from_json(edited.dump());
        REQUIRE_FALSE(parsed.ok());
        return parsed.error().message;
    };
    CHECK(refused([](Json& e) { e["snapshot"]["age_s"] = -1; }) ==
          "snapshot.age_s: must not be negative");
    CHECK(refused([](Json& e) { e["snapshot"]["file"] = "x"; }) == "snapshot.file: unknown key");
    CHECK(refused([](Json& e) { e["snapshot"].erase("taken_at"); }) ==
          "snapshot.taken_at: missing");
}
