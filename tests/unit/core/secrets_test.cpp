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

TEST_CASE("redactor: a secret and its JSON, URL and base64 forms become ***", "[secrets]") {
    ra::Redactor r;
    CHECK(r.empty());
    r.add("p@ss \"wörd\"/1");
    CHECK_FALSE(r.empty());
    CHECK(r.redact("raw p@ss \"wörd\"/1 end") == "raw *** end");
    CHECK(r.redact(R"({"password":"p@ss \"wörd\"/1"})") == R"({"password":"***"})");
    CHECK(r.redact(R"({"password":"p@ss \"w\u00f6rd\"/1"})") == R"({"password":"***"})");
    CHECK(r.redact("password=p%40ss%20%22w%C3%B6rd%22%2F1&x") == "password=***&x");
    CHECK(r.redact("password=p%40ss+%22w%C3%B6rd%22%2F1&x") == "password=***&x");
    CHECK(r.redact("b64 cEBzcyAid8O2cmQiLzE= .") == "b64 *** .");
}

TEST_CASE("redactor: a secret inside base64 of user:password is caught at any alignment",
          "[secrets]") {
    ra::Redactor r;
    r.add("Correct-Horse-9");
    // base64("bot:Correct-Horse-9"), base64("b:Correct-Horse-9"), base64("bo:Correct-Horse-9")
    for (const char* encoded :
         {"Ym90OkNvcnJlY3QtSG9yc2UtOQ==", "YjpDb3JyZWN0LUhvcnNlLTk=", "Ym86Q29ycmVjdC1Ib3JzZS05"}) {
        CAPTURE(encoded);
        CHECK(r.redact(encoded).find("***") != std::string::npos);
        CHECK(r.redact(encoded).size() < std::string(encoded).size());
    }
}

TEST_CASE("redactor: secrets under 4 characters are ignored, longer ones win", "[secrets]") {
    ra::Redactor r;
    r.add("abc");
    CHECK(r.empty());
    CHECK(r.redact("abc") == "abc");
    r.add("Horse-9");
    r.add("Correct-Horse-9");
    CHECK(r.redact("x Correct-Horse-9 y Horse-9") == "x *** y ***");
}

TEST_CASE("redactor: the process redactor is one shared instance", "[secrets]") {
    CHECK(&ra::process_redactor() == &ra::process_redactor());
}
