#include "rossum_accounts/core/secrets.hpp"

#include <catch2/catch.hpp>

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
