#include "sandbox/password_policy.hpp"

namespace ra::sandbox {

namespace {

// The verbose names of Django's User fields, which its similarity message quotes.
std::string verbose_name(const std::string& attribute) {
    return attribute == "email" ? "email address" : attribute;
}

std::string django_message(const PasswordViolation& violation) {
    switch (violation.rule) {
    case PasswordRule::too_short:
        return "This password is too short. It must contain at least 12 characters.";
    case PasswordRule::too_long:
        return "This password is too long. It must contain at most 64 characters.";
    case PasswordRule::too_similar:
        return "The password is too similar to the " + verbose_name(violation.attribute) + ".";
    case PasswordRule::too_common:
        return "This password is too common.";
    case PasswordRule::entirely_numeric:
        return "This password is entirely numeric.";
    case PasswordRule::invalid_utf8:
        break; // a parsed JSON string is always valid UTF-8
    }
    return "This password is invalid.";
}

} // namespace

std::vector<std::string> password_problems(const std::string& password,
                                           const PasswordAttributes& user) {
    std::vector<std::string> problems;
    for (const auto& violation : password_violations(password, user))
        problems.push_back(django_message(violation));
    return problems;
}

} // namespace ra::sandbox
