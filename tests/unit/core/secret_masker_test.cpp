#include "rossum_accounts/core/secret_masker.hpp"

#include <catch2/catch.hpp>

TEST_CASE("secret masker: a secret and its JSON, URL and base64 forms become ***", "[secrets]") {
    ra::SecretMasker m;
    CHECK(m.empty());
    m.add("p@ss \"wörd\"/1");
    CHECK_FALSE(m.empty());
    CHECK(m.mask("raw p@ss \"wörd\"/1 end") == "raw *** end");
    CHECK(m.mask(R"({"password":"p@ss \"wörd\"/1"})") == R"({"password":"***"})");
    CHECK(m.mask(R"({"password":"p@ss \"w\u00f6rd\"/1"})") == R"({"password":"***"})");
    CHECK(m.mask("password=p%40ss%20%22w%C3%B6rd%22%2F1&x") == "password=***&x");
    CHECK(m.mask("password=p%40ss+%22w%C3%B6rd%22%2F1&x") == "password=***&x");
    CHECK(m.mask("b64 cEBzcyAid8O2cmQiLzE= .") == "b64 *** .");
}

TEST_CASE("secret masker: a secret inside base64 of user:password is caught at any alignment",
          "[secrets]") {
    ra::SecretMasker m;
    m.add("Correct-Horse-9");
    // base64("bot:Correct-Horse-9"), base64("b:Correct-Horse-9"), base64("bo:Correct-Horse-9")
    for (const char* encoded :
         {"Ym90OkNvcnJlY3QtSG9yc2UtOQ==", "YjpDb3JyZWN0LUhvcnNlLTk=", "Ym86Q29ycmVjdC1Ib3JzZS05"}) {
        CAPTURE(encoded);
        CHECK(m.mask(encoded).find("***") != std::string::npos);
        CHECK(m.mask(encoded).size() < std::string(encoded).size());
    }
}

TEST_CASE("secret masker: secrets under 4 characters are ignored, longer ones win", "[secrets]") {
    ra::SecretMasker m;
    m.add("abc");
    CHECK(m.empty());
    CHECK(m.mask("abc") == "abc");
    m.add("Horse-9");
    m.add("Correct-Horse-9");
    CHECK(m.mask("x Correct-Horse-9 y Horse-9") == "x *** y ***");
}

TEST_CASE("secret masker: two runs' maskers are independent", "[secrets]") {
    ra::SecretMasker first;
    ra::SecretMasker second;
    first.add("Correct-Horse-9");
    CHECK(first.mask("Correct-Horse-9") == "***");
    CHECK(second.mask("Correct-Horse-9") == "Correct-Horse-9");
    CHECK(second.empty());
}

TEST_CASE("secret masker: a secret added twice, or equal to another's form, keeps all its forms",
          "[secrets]") {
    // add() skips a secret it already has (one password for thousands of accounts), but a secret
    // that only equals a form of an earlier one still brings its own forms.
    ra::SecretMasker m;
    m.add("p@ss word1");
    m.add("p@ss word1");
    CHECK(m.mask("a p@ss word1 b p%40ss%20word1") == "a *** b ***");
    m.add("p%40ss%20word1");
    CHECK(m.mask("c p%2540ss%2520word1 d") == "c *** d");
}
