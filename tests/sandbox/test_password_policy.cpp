#include "sandbox/password_policy.hpp"

#include <catch2/catch.hpp>

using ra::PasswordAttributes;
using ra::sandbox::password_problems;

namespace {

PasswordAttributes named(std::string username) {
    return PasswordAttributes{std::move(username), std::nullopt, std::nullopt, std::nullopt};
}

} // namespace

TEST_CASE("password policy: a long mixed password passes", "[sandbox][password]") {
    CHECK(password_problems("Correct-Horse-Battery-1", named("svc.ingest@demo.example")).empty());
}

TEST_CASE("password policy: 12 and 64 characters are the bounds", "[sandbox][password]") {
    CHECK(password_problems("Abcdefghij1!", named("user")).empty());
    CHECK(password_problems(std::string(60, 'q') + "W1e!", named("user")).empty());
    CHECK(password_problems("Abcdefghij1", named("user")) ==
          std::vector<std::string>{
              "This password is too short. It must contain at least 12 characters."});
    CHECK(password_problems(std::string(61, 'q') + "W1e!", named("user")) ==
          std::vector<std::string>{
              "This password is too long. It must contain at most 64 characters."});
    // Characters, not bytes: 12 two-byte characters are enough.
    CHECK(password_problems("éàüöñçøåßðþæ", named("user")).empty());
}

TEST_CASE("password policy: similarity is checked against parts of the username",
          "[sandbox][password]") {
    // "ingestion" alone is 0.78 similar to the password; the whole username only 0.65.
    CHECK(password_problems("svc.ingestion1", named("svc.ingestion@demo.example")) ==
          std::vector<std::string>{"The password is too similar to the username."});
    CHECK(password_problems("Unrelated-Phrase-42", named("svc.ingestion@demo.example")).empty());
}

TEST_CASE("password policy: names and email are compared with Django's verbose names",
          "[sandbox][password]") {
    const PasswordAttributes recipe{"svc@demo", "SYSTEM USER", "(DO NOT DELETE)",
                                    "ops@example.com"};
    CHECK(password_problems("System-User-42", recipe) ==
          std::vector<std::string>{"The password is too similar to the first name."});
    CHECK(password_problems("(do-not-delete)", recipe) ==
          std::vector<std::string>{"The password is too similar to the last name."});
    CHECK(password_problems("Example-Com1", recipe) ==
          std::vector<std::string>{"The password is too similar to the email address."});
}

TEST_CASE("password policy: Django's whole common-password list applies", "[sandbox][password]") {
    CHECK(password_problems("password1234", named("bot@demo")) ==
          std::vector<std::string>{"This password is too common."});
    CHECK(password_problems("Qwertyuiop12", named("bot@demo")) ==
          std::vector<std::string>{"This password is too common."});
    CHECK(password_problems("123456789012", named("bot@demo")) ==
          std::vector<std::string>{"This password is entirely numeric."});
}

TEST_CASE("password policy: a short username with several parts is split safely",
          "[sandbox][password]") {
    // A short username sits in the string's inline buffer; splitting it while the parts vector
    // grew read freed memory (caught by ASan).
    CHECK(password_problems("Unrelated-Phrase-42", named("a.b@c")).empty());
    CHECK(password_problems("alpha@demo1", named("alpha@demo")).size() == 2);
}
