#include "rossum_accounts/core/live.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>

using namespace ra;
using nlohmann::json;

namespace {

json full_user() {
    return json::parse(R"json({
      "id": 10775, "url": "https://x.rossum.app/api/v1/users/10775",
      "username": "svc@acme", "first_name": "SYSTEM USER", "last_name": "(DO NOT DELETE)",
      "email": null, "phone_number": null, "email_verified": false,
      "groups": ["https://x.rossum.app/api/v1/groups/3"],
      "queues": ["https://x.rossum.app/api/v1/queues/812"],
      "organization": "https://x.rossum.app/api/v1/organizations/4201",
      "is_active": false, "deleted": false, "last_login": null,
      "metadata": {"managed_by": "rossum-accounts"}, "ui_settings": {}, "brand_new_field": [1]
    })json");
}

} // namespace

TEST_CASE("live: a user is parsed with unknown fields ignored", "[live]") {
    auto u = parse_user(full_user());
    REQUIRE(u);
    CHECK(u->id == 10775);
    CHECK(u->username == "svc@acme");
    CHECK(u->first_name == "SYSTEM USER");
    CHECK(u->email.empty());
    CHECK(u->groups == std::vector<std::string>{"https://x.rossum.app/api/v1/groups/3"});
    CHECK(u->queues == std::vector<std::string>{"https://x.rossum.app/api/v1/queues/812"});
    CHECK_FALSE(u->is_active);
    CHECK(u->organization == "https://x.rossum.app/api/v1/organizations/4201");
    CHECK(u->metadata == json{{"managed_by", "rossum-accounts"}});
}

TEST_CASE("live: a minimal user takes the API defaults", "[live]") {
    auto u = parse_user({{"id", 1}, {"url", "u"}, {"username", "a"}});
    REQUIRE(u);
    CHECK(u->is_active);
    CHECK_FALSE(u->deleted);
    CHECK(u->groups.empty());
    CHECK(u->metadata == json::object());
}

TEST_CASE("live: missing or mistyped required fields are protocol errors", "[live]") {
    auto j = full_user();
    j.erase("username");
    auto u = parse_user(j);
    REQUIRE_FALSE(u);
    CHECK(u.error().kind == ErrorKind::protocol);
    CHECK(u.error().message ==
          "unexpected user from the API: \"username\" is missing or not a string");
    j = full_user();
    j["id"] = "10775";
    CHECK(parse_user(j).error().message ==
          "unexpected user from the API: \"id\" is missing or not an integer");
    j = full_user();
    j["groups"] = {1, 2};
    CHECK(parse_user(j).error().message ==
          "unexpected user from the API: \"groups\" is not a list of URLs");
    CHECK(parse_user(json::array()).error().message ==
          "unexpected user from the API: not a JSON object");
}

TEST_CASE("live: groups, queues and organizations need id and url", "[live]") {
    auto g = parse_group({{"id", 3}, {"url", "https://x/api/v1/groups/3"}, {"name", "admin"}});
    REQUIRE(g);
    CHECK(g->name == "admin");
    CHECK(parse_queue({{"id", 812}}).error().message ==
          "unexpected queue from the API: \"url\" is missing or not a string");
    CHECK(parse_organization({{"id", 1}, {"url", "u"}, {"name", 5}}).error().message ==
          "unexpected organization from the API: \"name\" is not a string");
}

TEST_CASE("live: a page envelope is parsed and checked", "[live][pagination]") {
    json page = {{"pagination",
                  {{"total", 1}, {"total_pages", 1}, {"next", nullptr}, {"previous", nullptr}}},
                 {"results", {full_user()}}};
    auto p = parse_user_page(page);
    REQUIRE(p);
    CHECK(p->total == 1);
    CHECK(p->total_pages == 1);
    CHECK_FALSE(p->next);
    CHECK(p->results.size() == 1);
    page["pagination"]["next"] = "https://x/api/v1/users?page=2";
    CHECK(parse_user_page(page)->next == "https://x/api/v1/users?page=2");
    page.erase("pagination");
    CHECK(parse_user_page(page).error().message ==
          "unexpected page of users from the API: \"pagination\" is missing or not an object");
    CHECK(parse_group_page({{"results", 1}}).error().message ==
          "unexpected page of groups from the API: \"results\" is missing or not a list");
    json bad_item = {{"pagination", {{"total", 1}, {"total_pages", 1}}},
                     {"results", {{{"id", 1}}}}};
    CHECK(parse_queue_page(bad_item).error().message ==
          "unexpected queue from the API: \"url\" is missing or not a string");
    json negative = {{"pagination", {{"total", -1}, {"total_pages", 1}}},
                     {"results", json::array()}};
    CHECK(parse_organization_page(negative).error().message ==
          "unexpected page of organizations from the API: \"pagination.total\" is not a count");
}

TEST_CASE("live: id_from_url takes the trailing integer", "[live]") {
    CHECK(id_from_url("https://x/api/v1/queues/812") == 812);
    CHECK(id_from_url("https://x/api/v1/queues/812/") == 812);
    CHECK(id_from_url("https://x/api/v1/queues/812?x=1") == 812);
    CHECK(id_from_url("https://x/api/v1/queues/abc") == std::nullopt);
    CHECK(id_from_url("https://x/api/v1/queues/") == std::nullopt);
    CHECK(id_from_url("") == std::nullopt);
    CHECK(id_from_url("https://x/api/v1/queues/99999999999999999999") == std::nullopt);
}

TEST_CASE("live: the fingerprint is stable and sees every planned field", "[live]") {
    auto a = parse_user(full_user()).value();
    auto b = a;
    std::reverse(b.groups.begin(), b.groups.end());
    b.groups.push_back("https://x.rossum.app/api/v1/groups/7");
    a.groups.insert(a.groups.begin(), "https://x.rossum.app/api/v1/groups/7");
    CHECK(fingerprint(a) == fingerprint(b)); // order of groups does not matter
    CHECK(fingerprint(a).size() == 16);
    auto c = a;
    c.is_active = true;
    CHECK(fingerprint(a) != fingerprint(c));
    c = a;
    c.metadata["k"] = 1;
    CHECK(fingerprint(a) != fingerprint(c));
    c = a;
    c.first_name = a.first_name;
    CHECK(fingerprint(a) == fingerprint(c));
}

TEST_CASE("live: the fingerprint names the user, so an edited user id is another fingerprint",
          "[live][stale]") {
    auto a = parse_user(full_user()).value();
    auto c = a;
    c.id = 999;
    CHECK(fingerprint(a) != fingerprint(c));
    c = a;
    c.url = "https://x.rossum.app/api/v1/users/999";
    CHECK(fingerprint(a) != fingerprint(c));
}

namespace {

void check_same_user(const LiveUser& got, const LiveUser& want) {
    CHECK(got.id == want.id);
    CHECK(got.url == want.url);
    CHECK(got.username == want.username);
    CHECK(got.first_name == want.first_name);
    CHECK(got.last_name == want.last_name);
    CHECK(got.email == want.email);
    CHECK(got.groups == want.groups);
    CHECK(got.queues == want.queues);
    CHECK(got.is_active == want.is_active);
    CHECK(got.deleted == want.deleted);
    CHECK(got.organization == want.organization);
    CHECK(got.metadata == want.metadata);
    CHECK(got.metadata.dump() == want.metadata.dump());
    CHECK(got.metadata_inexact == want.metadata_inexact);
    CHECK(fingerprint(got) == fingerprint(want));
}

// read_user_page must judge a body exactly as parse_user_page judges its JSON document, less
// the users the sieve drops.
void check_read_as_document(const std::string& body, const UserSieve* sieve) {
    INFO(body);
    INFO("sieve " << (sieve != nullptr));
    auto streamed = read_user_page(body, sieve);
    auto document = json::parse(body, nullptr, false);
    REQUIRE(streamed.has_value() == !document.is_discarded());
    if (!streamed)
        return;
    auto expected = parse_user_page(document);
    REQUIRE(streamed->ok() == expected.ok());
    if (!expected) {
        CHECK(streamed->error().kind == expected.error().kind);
        CHECK(streamed->error().message == expected.error().message);
        return;
    }
    if (sieve != nullptr)
        std::erase_if(expected->results,
                      [&](const LiveUser& u) { return !sieve->keeps(u.username); });
    const auto& got = **streamed;
    CHECK(got.total == expected->total);
    CHECK(got.total_pages == expected->total_pages);
    CHECK(got.next == expected->next);
    REQUIRE(got.results.size() == expected->results.size());
    for (std::size_t i = 0; i < got.results.size(); ++i)
        check_same_user(got.results[i], expected->results[i]);
}

// Whole, and through a sieve that keeps some of the usernames the tests use.
void check_same_as_document(const std::string& body) {
    check_read_as_document(body, nullptr);
    const UserSieve sieve({"A", "b", "x", "SVC@acme", "caf\xc3\x89\xe2\x82\xac\xf0\x9f\x98\x80"});
    check_read_as_document(body, &sieve);
}

std::string page_of(const std::string& results,
                    const std::string& pagination = R"({"total": 2, "total_pages": 1})") {
    return R"({"pagination": )" + pagination + R"(, "results": )" + results + "}";
}

} // namespace

TEST_CASE("live: a user page read from text equals the page parsed from its document",
          "[live][pagination]") {
    const std::string user = full_user().dump();
    check_same_as_document(page_of("[" + user + ", " + user + "]"));
    check_same_as_document(page_of("[]", R"({"total": 0, "total_pages": 0, "next": null})"));
    check_same_as_document(page_of(
        "[" + user + "]",
        R"({"total": 300, "total_pages": 3, "next": "https://x/api/v1/users?page=2", "x": [1]})"));
    // Metadata is kept whole: nesting, every number kind, unicode escapes, repeated keys.
    check_same_as_document(page_of(
        R"([{"id": 1, "url": "u", "username": "a", "metadata": {"managed_by": "rossum-accounts",
        "n": [1, -2, 18446744073709551615, 2.5, 1e3, true, null, {"deep": [[{}], []]}],
        "s": "caf\u00e9 \"q\"", "dup": 1, "dup": 2}}])"));
    // Tolerance: unknown fields of any shape, nulls for optional fields.
    check_same_as_document(page_of(
        R"([{"extra": {"id": "x", "groups": 5}, "id": 1, "url": "u", "username": "a",
        "first_name": null, "email": null, "groups": null, "queues": null, "is_active": null,
        "deleted": null, "metadata": null, "organization": null, "ui_settings": [[], {}]}])"));
}

TEST_CASE("live: a user page read from text fails as the document parser fails",
          "[live][pagination]") {
    for (const char* body : {
             "",
             "nul",
             "[1",
             R"({"results": [], "pagination": {"total": 1, "total_pages": 1}} x)",
             "[]",
             "5",
             "null",
             R"({})",
             R"({"results": {}})",
             R"({"results": []})",
             R"({"results": [], "pagination": []})",
             R"({"results": [], "pagination": {"total": -1, "total_pages": 1}})",
             R"({"results": [], "pagination": {"total": 1.0, "total_pages": 1}})",
             R"({"results": [], "pagination": {"total": 9223372036854775808, "total_pages": 1}})",
             R"({"results": [], "pagination": {"total": 1}})",
             R"({"results": [], "pagination": {"total": 1, "total_pages": "1"}})",
             R"({"results": [], "pagination": {"total": 1, "total_pages": 1, "next": 5}})",
             R"({"results": [], "pagination": {"total": 1, "total_pages": 1, "next": {}}})",
             R"({"results": [5], "pagination": {"total": 1, "total_pages": 1}})",
             R"({"results": [[]], "pagination": {"total": 1, "total_pages": 1}})",
             R"({"results": [{}], "pagination": []})",
         })
        check_same_as_document(body);
    // Every field of a user, each mistyped in turn, and the first of several problems.
    const std::string good = R"("id": 1, "url": "u", "username": "a")";
    for (const char* field : {R"("id": "1")",
                              R"("id": 1.5)",
                              R"("id": 123456789012345678901234)",
                              R"("id": null)",
                              R"("url": 5)",
                              R"("username": ["a"])",
                              R"("first_name": 1)",
                              R"("last_name": {})",
                              R"("email": true)",
                              R"("organization": [])",
                              R"("groups": ["u", 1])",
                              R"("groups": [["u"]])",
                              R"("groups": "u")",
                              R"("queues": [{}])",
                              R"("queues": {})",
                              R"("is_active": "yes")",
                              R"("is_active": 1)",
                              R"("deleted": [])",
                              R"("metadata": [])",
                              R"("metadata": "m")",
                              R"("deleted": 0, "email": 1, "url": null)"}) {
        check_same_as_document(page_of("[{" + good + ", " + field + "}]"));
        check_same_as_document(page_of("[{" + std::string(field) + "}]"));
        check_same_as_document(page_of("[{" + good + "}, {" + good + ", " + field + "}, 7]"));
    }
}

TEST_CASE("live: a repeated key in a user page counts by its last value, as in the document",
          "[live][pagination]") {
    const std::string good = R"("id": 1, "url": "u", "username": "a")";
    // Valid JSON each, or the test would only compare two rejections.
    auto check = [](const std::string& body) {
        REQUIRE_FALSE(json::parse(body, nullptr, false).is_discarded());
        check_same_as_document(body);
    };
    check(page_of("[{" + good + R"(, "id": "x", "id": 2}])"));
    check(page_of("[{" + good + R"(, "id": 2, "id": "x"}])"));
    check(page_of("[{" + good + R"(, "groups": [1], "groups": ["g"]}])"));
    check(page_of("[{" + good + R"(, "groups": ["g"], "groups": null}])"));
    // A shorter list after a longer one: the second is the user's, with nothing of the first.
    check(page_of("[{" + good + R"(, "groups": ["g1", "g2"], "groups": ["g3"]}])"));
    check(page_of("[{" + good + R"(, "queues": ["q1", "q2"], "queues": []}])"));
    check(page_of("[{" + good + R"(, "is_active": false, "is_active": null}])"));
    check(page_of("[{" + good + R"(, "metadata": {"a": 1}, "metadata": null}])"));
    check(page_of("[{" + good + R"(, "metadata": 1, "metadata": {"b": 2}}])"));
    check(page_of("[{" + good + R"(, "email": 1, "email": "e"}])"));
    check(R"({"results": [5], "pagination": {"total": 1, "total_pages": 1},
        "results": []})");
    check(R"({"results": [{}], "results": [], "pagination": {"total": 1,
        "total_pages": 1}, "pagination": {"total": 2, "total_pages": 1, "next": "n",
        "next": null}})");
    check(R"({"pagination": {"total": 1, "total_pages": 1}, "pagination": 3,
        "results": []})");
}

TEST_CASE("live: a user page in the common shape reads as its document, escapes and UTF-8 too",
          "[live][pagination]") {
    // No fraction, no exponent, no \u escape, no long integer: the fast scanner reads these.
    check_same_as_document(page_of(
        "[{\"id\": 1, \"url\": \"u\", \"username\": \"caf\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
        " \"first_name\": \"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\", \"groups\": [], \"metadata\": "
        "{\"managed_by\": \"rossum-accounts\", \"n\": [0, -0, -12, 123456789012345678, true, "
        "false, null, [[], {}], {\"a\": {\"b\": [1, [2, [3]]]}}], \"k\": 1, \"k\": [2]}},\n\t"
        "{\"id\": 2, \"url\": \"v\", \"username\": \"b\", \"is_active\": false}]"));
    // What the scanner gives up on is read again by nlohmann, with nlohmann's verdict.
    for (const char* body : {
             "\xef\xbb\xbf{\"results\": [], \"pagination\": {\"total\": 0, \"total_pages\": 0}}",
             "{\"results\": [{\"id\": 1, \"url\": \"u\", \"username\": \"\\u00e9\\ud83d\\ude00\"}],"
             " \"pagination\": {\"total\": 1, \"total_pages\": 1}}",
             "{\"results\": [{\"id\": 1, \"url\": \"u\", \"username\": \"\\ud800\"}],"
             " \"pagination\": {\"total\": 1, \"total_pages\": 1}}",
             "{\"results\": [{\"id\": 1, \"url\": \"u\", \"username\": \"a\xc3\"}],"
             " \"pagination\": {\"total\": 1, \"total_pages\": 1}}",
             "{\"results\": [{\"id\": 1, \"url\": \"u\", \"username\": \"a\xed\xa0\x80\"}],"
             " \"pagination\": {\"total\": 1, \"total_pages\": 1}}",
             "{\"results\": [{\"id\": 1, \"url\": \"u\", \"username\": \"a\x01\"}],"
             " \"pagination\": {\"total\": 1, \"total_pages\": 1}}",
             "{\"results\": [], \"pagination\": {\"total\": 01, \"total_pages\": 1}}",
             "{\"results\": [], \"pagination\": {\"total\": 1, \"total_pages\": 1e0}}",
             "{\"results\": [], \"pagination\": {\"total\": -, \"total_pages\": 1}}",
             "{\"results\": [], \"pagination\": {\"total\": 1, \"total_pages\": 1},}",
             "{\"results\": [1,], \"pagination\": {\"total\": 1, \"total_pages\": 1}}",
             "{\"results\": [], \"pagination\": {\"total\": 1 \"total_pages\": 1}}",
             "{\"results\": tru, \"pagination\": {}}",
             "{\"results\": [], \"pagination\": {\"total\": 1, \"total_pages\": 1}} // c",
             "{\"results\": [], \"pagination\": {\"total\": 1, \"total_pages\": 1}}\n \t\r",
         })
        check_same_as_document(body);
    std::string deep = R"([{"id": 1, "url": "u", "username": "a", "metadata": {"x": )";
    for (int i = 0; i < 200; ++i)
        deep += "[";
    for (int i = 0; i < 200; ++i)
        deep += "]";
    check_same_as_document(page_of(deep + "}}]"));
}

TEST_CASE("live: a sieve keeps exactly its usernames, however many, and an empty one none",
          "[live][sieve]") {
    CHECK_FALSE(UserSieve({}).keeps("a"));
    CHECK_FALSE(UserSieve({}).keeps(""));
    // Enough names to fill a table of thousands of slots, with runs of neighbouring hashes;
    // every other name is kept, and near misses (a character more, a case variant) are found.
    std::vector<std::string> names;
    for (int i = 0; i < 5000; i += 2)
        names.push_back("svc" + std::to_string(i) + "@acme");
    const UserSieve sieve(names);
    for (int i = 0; i < 5000; ++i) {
        const std::string name = "svc" + std::to_string(i) + "@acme";
        INFO(name);
        CHECK(sieve.keeps(name) == (i % 2 == 0));
        CHECK(sieve.keeps("SVC" + std::to_string(i) + "@ACME") == (i % 2 == 0));
        CHECK_FALSE(sieve.keeps(name + "x"));
    }
}

TEST_CASE("live: a sieve keeps the users that may match, with every field of each",
          "[live][sieve]") {
    const UserSieve sieve({"Kept@x", "STRASSE@x"});
    CHECK(sieve.keeps("kept@X"));
    CHECK(sieve.keeps("stra\xc3\x9f"
                      "e@x")); // full case folding: ß is ss
    CHECK_FALSE(sieve.keeps("kept@x.y"));
    CHECK_FALSE(sieve.keeps(""));
    // Dropped users between kept ones, fields in any order and some absent, so that a field
    // left over from the user before would show.
    const std::string full = full_user().dump();
    check_same_as_document(page_of("[" + full + R"(, {"id": 2, "url": "v", "username": "b"},
        {"username": "dropped", "id": 3, "url": "w", "first_name": "f", "last_name": "l",
         "email": "e@x", "organization": "o", "groups": ["g1", "g2"], "queues": ["q"],
         "is_active": false, "deleted": true, "metadata": {"k": [1]}},
        {"id": 5, "url": "z", "username": "A"},
        {"groups": ["g3"], "metadata": {"m": 1}, "email": "f@x", "id": 4, "url": "y",
         "username": "x"}])"));
    // Only the sieve's users are built, but every user is checked as before.
    check_same_as_document(page_of(R"([{"id": 1, "url": "u", "username": "dropped",
        "groups": [1]}])"));
    check_same_as_document(page_of(R"([{"id": 1, "url": "u", "username": "dropped",
        "metadata": []}])"));
    // A repeated username counts by its last value, even after fields were skipped for the first.
    for (const char* body : {
             R"([{"id": 1, "url": "u", "username": "dropped", "groups": ["g"],
                 "metadata": {"k": 1}, "queues": ["q"], "username": "x"}])",
             R"([{"id": 1, "url": "u", "username": "x", "groups": ["g"], "username": "dropped"}])",
             R"([{"id": 1, "url": "u", "username": "dropped", "username": "x", "groups": ["g"]}])",
             R"([{"username": "x", "id": 1, "url": "u", "username": 5}])",
         }) {
        check_same_as_document(page_of(body));
    }
    const UserSieve keeps_x({"x"});
    auto page = read_user_page(page_of(R"([{"id": 1, "url": "u", "username": "dropped",
        "groups": ["g"], "metadata": {"k": 1}, "username": "x"}, {"id": 2, "url": "v",
        "username": "y"}])"),
                               &keeps_x);
    REQUIRE(page);
    REQUIRE(page->ok());
    REQUIRE((*page)->results.size() == 1);
    CHECK((*page)->results[0].groups == std::vector<std::string>{"g"});
    CHECK((*page)->results[0].metadata == json{{"k", 1}});
}

TEST_CASE("live: a special byte is found at every place of a string, as the document parser "
          "finds it",
          "[live][pagination]") {
    // The scanner skips plain bytes sixteen (SSE2) or eight at a time: put each kind of byte
    // that ends a run at every offset of strings past two blocks' length, in a kept field and
    // in a skipped one.
    for (const std::string& special :
         std::vector<std::string>{"\\\"", "\\\\", "\\n", "\xc3\xa9", "\xf0\x9f\x98\x80", "\x7f",
                                  std::string(1, '\x01'), "\xff", "\x80", "\xc3", "\""}) {
        for (std::size_t length = 0; length <= 40; ++length) {
            for (std::size_t at = 0; at <= length; ++at) {
                const std::string text =
                    std::string(at, 'a') + special + std::string(length - at, 'b');
                check_same_as_document(page_of(R"([{"id": 1, "url": "u", "username": ")" + text +
                                               R"(", "phone_number": ")" + text + R"("}])"));
            }
        }
    }
}

TEST_CASE("live: an organization read from its id, url and name equals the whole document's",
          "[live]") {
    for (const char* body : {
             R"({"id": 4201, "url": "https://x/api/v1/organizations/4201", "name": "Acme",
                 "users": ["https://x/api/v1/users/1", "https://x/api/v1/users/2"],
                 "ui_settings": {"id": "x", "name": [1]}, "trial_expires_at": null})",
             R"({"id": 4201, "url": "u", "name": null, "id": "4201"})",
             R"({"id": 1, "url": {"href": "u"}, "name": "n"})",
             R"({"id": 1, "url": "u", "name": ["n"]})",
             R"({"url": "u"})",
             R"({"id": 1.5, "url": "u"})",
             "[]",
             "5",
             "null",
             R"({"id": 1, "url": "u\u00e9", "name": "caf\u00e9", "x": 1e400})",
             R"({"id": 1, "url": "u", "name": "n"} x)",
             "",
             "{\"id\": 1, \"url\": \"\xc3\"}",
         }) {
        INFO(body);
        auto fields = read_object_fields(body, {"id", "url", "name"});
        auto document = json::parse(body, nullptr, false);
        REQUIRE(fields.has_value() == !document.is_discarded());
        if (!fields)
            continue;
        auto expected = parse_organization(document);
        auto got = parse_organization(*fields);
        REQUIRE(got.ok() == expected.ok());
        if (!expected) {
            CHECK(got.error().message == expected.error().message);
            continue;
        }
        CHECK(got->id == expected->id);
        CHECK(got->url == expected->url);
        CHECK(got->name == expected->name);
    }
    auto fields = read_object_fields(R"({"id": 1, "users": ["a"], "name": "n"})", {"id", "name"});
    CHECK(*fields == json{{"id", 1}, {"name", "n"}}); // the other fields are never built
}

namespace {

// The fingerprint's definition: FNV-1a 64 of the compact dump of the user's planned fields as a
// nlohmann document (sorted keys), invalid UTF-8 replaced. Saved plans hold such fingerprints,
// so the value must not change with how it is computed.
std::string reference_fingerprint(const LiveUser& user) {
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    const json canonical = {{"id", user.id},
                            {"url", user.url},
                            {"username", user.username},
                            {"first_name", user.first_name},
                            {"last_name", user.last_name},
                            {"email", user.email},
                            {"groups", sorted(user.groups)},
                            {"queues", sorted(user.queues)},
                            {"is_active", user.is_active},
                            {"deleted", user.deleted},
                            {"metadata", user.metadata},
                            {"organization", user.organization}};
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (unsigned char c : canonical.dump(-1, ' ', false, json::error_handler_t::replace)) {
        hash ^= c;
        hash *= 0x100000001b3ULL;
    }
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
    return hex;
}

} // namespace

TEST_CASE("live: the fingerprint is the hash of the user's canonical dump, escapes included",
          "[live][stale]") {
    auto a = parse_user(full_user()).value();
    CHECK(fingerprint(a) == reference_fingerprint(a));
    LiveUser odd = a;
    odd.id = -7;
    odd.username = "q\"uo\\te\t\x01\x7f\xc2\x9b@x";
    odd.first_name = "\xc3\xb6\xe2\x82\xac\xf0\x9f\x98\x80";
    odd.last_name = "bad \xff utf-8";
    odd.email.clear();
    odd.organization.clear();
    odd.groups = {"b", "a\"", "\xc3\xa9"};
    odd.queues.clear();
    odd.deleted = true;
    odd.metadata = {{"z", {1, 2.5, nullptr}}, {"a\n", {{"k", "\xff"}}}, {"empty", json::object()}};
    CHECK(fingerprint(odd) == reference_fingerprint(odd));
    odd.metadata = nullptr;
    CHECK(fingerprint(odd) == reference_fingerprint(odd));
}
