#include "sandbox/password_policy.hpp"

#include <catch2/catch.hpp>

using ra::sandbox::password_problems;

TEST_CASE("password policy: a long mixed password passes", "[sandbox][password]") {
    CHECK(password_problems("Correct-Horse-Battery-1", "svc.ingest@demo.example").empty());
}

TEST_CASE("password policy: 12 and 64 characters are the bounds", "[sandbox][password]") {
    CHECK(password_problems("Abcdefghij1!", "user").empty());
    CHECK(password_problems(std::string(60, 'q') + "W1e!", "user").empty());
    CHECK(password_problems("Abcdefghij1", "user").size() == 1);
    CHECK(password_problems(std::string(61, 'q') + "W1e!", "user").size() == 1);
}

TEST_CASE("password policy: similarity is checked against parts of the username",
          "[sandbox][password]") {
    // "ingestion" alone is 0.78 similar to the password; the whole username only 0.65.
    CHECK(password_problems("svc.ingestion1", "svc.ingestion@demo.example") ==
          std::vector<std::string>{"The password is too similar to the username."});
    CHECK(password_problems("Unrelated-Phrase-42", "svc.ingestion@demo.example").empty());
}

TEST_CASE("password policy: a short username with several parts is split safely",
          "[sandbox][password]") {
    // A short username sits in the string's inline buffer; splitting it while the parts vector
    // grew read freed memory (caught by ASan).
    CHECK(password_problems("Unrelated-Phrase-42", "a.b@c").empty());
    CHECK(password_problems("alpha@demo1", "alpha@demo").size() == 2);
}
