#include "rossum_accounts/io/api_url.hpp"

#include <catch2/catch.hpp>

using namespace ra;

namespace {

std::string message_for(const char* url) {
    auto r = validate_api_url(url);
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::usage);
    return r.error().message;
}

} // namespace

TEST_CASE("api url: https is accepted and normalized without a trailing slash", "[url]") {
    CHECK(validate_api_url("https://MyCompany.Rossum.app/api/").value() ==
          "https://mycompany.rossum.app/api");
    CHECK(validate_api_url("HTTPS://elis.rossum.ai/api").value() == "https://elis.rossum.ai/api");
    CHECK(validate_api_url("https://acme.rossum.app:8443").value() ==
          "https://acme.rossum.app:8443");
}

TEST_CASE("api url: plain http is accepted for loopback hosts only", "[url]") {
    CHECK(validate_api_url("http://127.0.0.1:8080/api").value() == "http://127.0.0.1:8080/api");
    CHECK(validate_api_url("http://127.3.4.5/api").value() == "http://127.3.4.5/api");
    CHECK(validate_api_url("http://LOCALHOST:1/api").value() == "http://localhost:1/api");
    CHECK(validate_api_url("http://[::1]:9/api").value() == "http://[::1]:9/api");
    CHECK(message_for("http://example.com/api") ==
          "invalid api url \"http://example.com/api\": plain http:// is allowed only for "
          "loopback hosts (127.0.0.0/8, localhost, ::1); use https://");
    CHECK(message_for("http://127.0.0.1.evil.com/api").find("plain http://") != std::string::npos);
    CHECK(message_for("http://128.0.0.1/api").find("plain http://") != std::string::npos);
    CHECK(message_for("http://0177.0.0.1/api").find("plain http://") != std::string::npos);
}

TEST_CASE("api url: a URL that goes on into /v1 is refused, saying where it ends", "[url]") {
    CHECK(message_for("http://127.0.0.1:8080/api/v1") ==
          "invalid api url \"http://127.0.0.1:8080/api/v1\": the API URL ends before /v1: use "
          "http://127.0.0.1:8080/api");
    CHECK(message_for("https://Acme.rossum.app/api/v1/") ==
          "invalid api url \"https://Acme.rossum.app/api/v1/\": the API URL ends before /v1: use "
          "https://acme.rossum.app/api");
    CHECK(message_for("https://acme.rossum.app/api/V1/users") ==
          "invalid api url \"https://acme.rossum.app/api/V1/users\": the API URL ends before /v1: "
          "use https://acme.rossum.app/api");
    CHECK(message_for("https://gw.example/rossum/v1") ==
          "invalid api url \"https://gw.example/rossum/v1\": the API URL ends before /v1: use "
          "https://gw.example/rossum");
    // A v1 segment elsewhere is a prefix of the caller's own, not the API version.
    CHECK(validate_api_url("https://gw.example/v1/rossum/api").value() ==
          "https://gw.example/v1/rossum/api");
    CHECK(validate_api_url("https://acme.rossum.app/api/v10").value() ==
          "https://acme.rossum.app/api/v10");
}

TEST_CASE("api url: credentials in the URL are refused without echoing them", "[url]") {
    auto message = message_for("https://admin:hunter2hunter2@acme.rossum.app/api");
    CHECK(message == "invalid api url: credentials in the URL are not allowed; use "
                     "ROSSUM_USERNAME and ROSSUM_PASSWORD or ROSSUM_TOKEN");
}

TEST_CASE("api url: a refused URL is quoted without its query, which may hold a token", "[url]") {
    auto message = message_for("http://rossum.example/api?token=tok3n-in-query");
    CHECK(message == "invalid api url \"http://rossum.example/api?...\": a query or fragment "
                     "is not allowed");
}

TEST_CASE("api url: query, fragment, other schemes and junk are refused", "[url]") {
    CHECK(message_for("https://acme.rossum.app/api?x=1") ==
          "invalid api url \"https://acme.rossum.app/api?...\": a query or fragment is not "
          "allowed");
    CHECK(message_for("https://acme.rossum.app/api#top").find("a query or fragment") !=
          std::string::npos);
    CHECK(message_for("ftp://acme.rossum.app/api") ==
          "invalid api url \"ftp://acme.rossum.app/api\": it must start with https://");
    CHECK(message_for("acme.rossum.app/api") ==
          "invalid api url \"acme.rossum.app/api\": it must start with https://");
    CHECK(message_for("") == "invalid api url: it is empty");
    CHECK(message_for("https://acme rossum.app/api") ==
          "invalid api url: it contains spaces, backslashes or control characters");
    CHECK(message_for("http://127.0.0.1:8080\\@evil.com/api") ==
          "invalid api url: credentials in the URL are not allowed; use ROSSUM_USERNAME and "
          "ROSSUM_PASSWORD or ROSSUM_TOKEN");
    CHECK(message_for("https://acme.rossum.app:99999/api") ==
          "invalid api url \"https://acme.rossum.app:99999/api\": the host or port is not valid");
    CHECK(message_for("https:///api") ==
          "invalid api url \"https:///api\": the host or port is not valid");
    CHECK(message_for("https://acme.rossum.app/api/../x").find("dot segments") !=
          std::string::npos);
}

TEST_CASE("api url: links are within the API only on the same origin and under its path",
          "[url][pagination]") {
    const std::string api = "https://acme.rossum.app/api";
    CHECK(is_within_api(api, "https://acme.rossum.app/api/v1/users?page=2&page_size=100"));
    CHECK(is_within_api(api, "https://ACME.rossum.app:443/api/v1/users?page=2"));
    CHECK_FALSE(is_within_api(api, "https://evil.example/api/v1/users?page=2"));
    CHECK_FALSE(is_within_api(api, "http://acme.rossum.app/api/v1/users?page=2"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app:8443/api/v1/users?page=2"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app/other/v1/users"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app/api2/v1/users"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app/api/../admin"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app/api/%2e%2e/admin"));
    CHECK_FALSE(is_within_api(api, "https://user:pw@acme.rossum.app/api/v1/users"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app@evil.example/api/v1/users"));
    CHECK_FALSE(is_within_api(api, "https://acme.rossum.app\\@evil.example/api/v1/users"));
    CHECK_FALSE(is_within_api(api, "/api/v1/users?page=2"));
}
