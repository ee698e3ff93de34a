#include "rossum_accounts/core/password_policy.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

using ra::check_password_policy;
using ra::password_violations;
using ra::PasswordAttributes;
using ra::PasswordRule;
using ra::PasswordViolation;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

PasswordRule rule_named(const std::string& name) {
    if (name == "too_short")
        return PasswordRule::too_short;
    if (name == "too_long")
        return PasswordRule::too_long;
    if (name == "too_similar")
        return PasswordRule::too_similar;
    if (name == "too_common")
        return PasswordRule::too_common;
    if (name == "entirely_numeric")
        return PasswordRule::entirely_numeric;
    FAIL("unknown rule " << name);
    return PasswordRule::invalid_utf8;
}

std::optional<std::string> attribute(const nlohmann::json& attributes, const char* key) {
    if (!attributes.contains(key))
        return std::nullopt;
    return attributes.at(key).get<std::string>();
}

const PasswordAttributes k_bot{"bot@demo", std::nullopt, std::nullopt, std::nullopt};

} // namespace

TEST_CASE("password policy: every vector computed by Python's difflib agrees",
          "[password_policy]") {
    // tests/unit/core/password_policy_vectors.py writes them; ctest checks they are current.
    const auto doc = nlohmann::json::parse(
        read_file(std::string(RA_TEST_FIXTURES) + "/password_policy_vectors.json"));
    REQUIRE(doc.at("vectors").size() >= 50);
    for (const auto& vector : doc.at("vectors")) {
        const auto& a = vector.at("attributes");
        const PasswordAttributes who{attribute(a, "username"), attribute(a, "first_name"),
                                     attribute(a, "last_name"), attribute(a, "email")};
        std::vector<PasswordViolation> expected;
        for (const auto& v : vector.at("violations"))
            expected.push_back({rule_named(v.at("rule")), v.value("attribute", "")});
        INFO(vector.at("why").get<std::string>());
        CHECK(password_violations(vector.at("password").get<std::string>(), who) == expected);
    }
}

TEST_CASE("password policy: the messages name the rule and the attribute, never the password",
          "[password_policy]") {
    CHECK(check_password_policy("Xk7#mQ2$vL9", k_bot) == "password is shorter than 12 characters");
    CHECK(check_password_policy(std::string(65, 'q'), k_bot) ==
          "password is longer than 64 characters");
    CHECK(check_password_policy("918273645546", k_bot) == "password consists only of digits");
    CHECK(check_password_policy("password1234", k_bot) ==
          "password is too common (it is on Django's list of common passwords)");
    CHECK(check_password_policy("Robot@Example", {"robot@example", {}, {}, {}}) ==
          "password is too similar to the username");
    CHECK(check_password_policy("System-User-42", {"bot@demo", "SYSTEM USER", {}, {}}) ==
          "password is too similar to the first name");
    CHECK(check_password_policy("(do-not-delete)", {"bot@demo", {}, "(DO NOT DELETE)", {}}) ==
          "password is too similar to the last name");
    CHECK(check_password_policy("Example-Com1", {"bot@demo", {}, {}, "ops@example.com"}) ==
          "password is too similar to the email");
    CHECK(check_password_policy("12345", k_bot) ==
          "password is shorter than 12 characters; password is too common (it is on Django's "
          "list of common passwords); password consists only of digits");
    CHECK(check_password_policy("Quiet-Harbour-Lantern-93", k_bot) == std::nullopt);
}

TEST_CASE("password policy: a password that is not UTF-8 is refused alone", "[password_policy]") {
    const PasswordViolation invalid{PasswordRule::invalid_utf8, ""};
    CHECK(password_violations("Quiet-Harbour-\xff-93", k_bot) == std::vector{invalid});
    CHECK(password_violations("Quiet-Harbour-\xc3", k_bot) == std::vector{invalid}); // truncated
    CHECK(password_violations("Quiet-\xed\xa0\x80-Harbour", k_bot) ==
          std::vector{invalid}); // surrogate
    CHECK(password_violations("Quiet-\xc0\xaf-Harbour1", k_bot) ==
          std::vector{invalid}); // overlong
    CHECK(check_password_policy("\xff", k_bot) == "password is not valid UTF-8");
}

TEST_CASE("password policy: quick_ratio is difflib's on code points", "[password_policy]") {
    using ra::password_policy_detail::quick_ratio;
    // Values from python3: SequenceMatcher(a=..., b=...).quick_ratio()
    CHECK(quick_ratio(U"abcdefgxyzuv", U"abcdefgh") == 0.7);
    CHECK(quick_ratio(U"abcdefxyzuvw", U"abcdefgh") == 0.6);
    CHECK(quick_ratio(U"aab", U"abb") == Approx(2.0 * 2 / 6));
    CHECK(quick_ratio(U"", U"") == 1.0);
    CHECK(quick_ratio(U"abc", U"") == 0.0);
    CHECK(quick_ratio(U"\U0001F600\U0001F600x", U"\U0001F600") == 0.5);
}

TEST_CASE("password policy: the embedded list is data/django-common-passwords.txt",
          "[password_policy]") {
    const std::string text =
        read_file(std::string(RA_SOURCE_DIR) + "/data/django-common-passwords.txt");
    const std::string header_end = "--- end of header ---\n";
    const auto start = text.find(header_end);
    REQUIRE(start != std::string::npos);
    std::vector<std::string> lines;
    std::istringstream body(text.substr(start + header_end.size()));
    for (std::string line; std::getline(body, line);)
        lines.push_back(line);
    std::sort(lines.begin(), lines.end());
    const auto& embedded = ra::password_policy_detail::common_passwords();
    CHECK(embedded.size() == 19640);
    CHECK(std::equal(embedded.begin(), embedded.end(), lines.begin(), lines.end()));
}

TEST_CASE("password policy: one check of a password gives each user their own verdict",
          "[password_policy]") {
    // The planner checks one password value once and reuses the check for every account that
    // uses it: what depends on the user must still be decided per user, in any order.
    const ra::PasswordCheck check("Robot@Example");
    const PasswordAttributes robot{"robot@example", {}, {}, {}};
    const PasswordAttributes bot = k_bot;
    for (int round = 0; round < 2; ++round) {
        CHECK(check.check(robot) == "password is too similar to the username");
        CHECK(check.check(bot) == std::nullopt);
        CHECK(check.violations(robot) == password_violations("Robot@Example", robot));
    }
    const ra::PasswordCheck short_common("12345");
    CHECK(short_common.check(robot) == check_password_policy("12345", robot));
    CHECK(ra::PasswordCheck("\xff").check(bot) == "password is not valid UTF-8");
}
