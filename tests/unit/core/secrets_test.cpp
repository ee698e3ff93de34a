#include "rossum_accounts/core/secrets.hpp"

#include <catch2/catch.hpp>

TEST_CASE("password policy: 12 to 64 characters, not all digits, not the username",
          "[secrets][policy]") {
    CHECK(ra::check_password_policy("short-pw", "bot") ==
          std::optional<std::string>("password is shorter than 12 characters"));
    CHECK(ra::check_password_policy(std::string(65, 'a'), "bot") ==
          std::optional<std::string>("password is longer than 64 characters"));
    CHECK(ra::check_password_policy("123456789012", "bot") ==
          std::optional<std::string>("password consists only of digits"));
    CHECK(ra::check_password_policy("Robot@Example", "robot@example") ==
          std::optional<std::string>("password is the same as the username"));
    CHECK(ra::check_password_policy("Correct-Horse-9", "bot") == std::nullopt);
    CHECK(ra::check_password_policy(std::string(64, 'a'), "bot") == std::nullopt);
}

TEST_CASE("password policy: length counts characters, not bytes", "[secrets][policy]") {
    // 11 characters, 22 bytes
    CHECK(ra::check_password_policy("ééééééééééé", "bot") ==
          std::optional<std::string>("password is shorter than 12 characters"));
}

TEST_CASE("password file contents: one trailing newline is stripped", "[secrets]") {
    CHECK(*ra::password_from_file_contents("Correct-Horse-9\n") == "Correct-Horse-9");
    CHECK(*ra::password_from_file_contents("Correct-Horse-9\r\n") == "Correct-Horse-9");
    CHECK(*ra::password_from_file_contents("Correct-Horse-9") == "Correct-Horse-9");
}

TEST_CASE("password file contents: empty or control characters are errors", "[secrets]") {
    for (const std::string& bad :
         {std::string(""), std::string("\n"), std::string("a\n\n"), std::string("a\rb"),
          std::string("a\0b", 3), std::string("a\tb")}) {
        auto r = ra::password_from_file_contents(bad);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().kind == ra::ErrorKind::invalid_input);
    }
    CHECK(ra::password_from_file_contents("").error().message == "password file is empty");
    CHECK(ra::password_from_file_contents("a\rb").error().message ==
          "password file contains a control character (only one trailing newline is allowed)");
}
