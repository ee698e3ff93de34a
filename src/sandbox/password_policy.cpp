#include "sandbox/password_policy.hpp"

#include "sandbox/world.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

namespace ra::sandbox {

namespace {

constexpr std::size_t k_min_length = 12;
constexpr std::size_t k_max_length = 64;
constexpr double k_max_similarity = 0.7; // Django's UserAttributeSimilarityValidator default

constexpr std::array<std::string_view, 24> k_common_passwords = {
    "password",     "password1",     "password123",   "password1234",    "passwordpassword",
    "123456789012", "1234567890123", "qwertyuiop",    "qwertyuiop123",   "qwerty123456",
    "iloveyou123",  "letmein12345",  "administrator", "administrator1",  "welcome12345",
    "changeme1234", "abc123456789",  "aaaaaaaaaaaa",  "111111111111",    "000000000000",
    "monkey123456", "football1234",  "superman1234",  "trustno1trustno1"};

// Python's SequenceMatcher.quick_ratio, which Django's UserAttributeSimilarityValidator uses:
// twice the size of the multiset intersection of the characters over the total length.
double quick_ratio(const std::string& a, const std::string& b) {
    if (a.empty() && b.empty()) {
        return 1.0;
    }
    std::array<int, 256> available{};
    for (char c : b) {
        ++available[static_cast<unsigned char>(c)];
    }
    std::size_t matches = 0;
    for (char c : a) {
        if (available[static_cast<unsigned char>(c)]-- > 0) {
            ++matches;
        }
    }
    return 2.0 * static_cast<double>(matches) / static_cast<double>(a.size() + b.size());
}

// Django skips parts so short against the password that they cannot be similar.
bool exceeds_length_ratio(const std::string& password, const std::string& part) {
    const double bound = k_max_similarity / 2 * static_cast<double>(password.size());
    return password.size() >= 10 * part.size() && static_cast<double>(part.size()) < bound;
}

// The username and its parts split at non-word characters, as Django compares them.
std::vector<std::string> username_parts(const std::string& username) {
    const std::string lowered = ascii_lower(username);
    std::vector<std::string> parts = {lowered};
    std::string current;
    for (char c : lowered) { // not parts.front(): push_back below may reallocate it
        if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_') { // \\w
            current += c;
        } else if (!current.empty()) {
            parts.push_back(current);
            current.clear();
        }
    }
    if (!current.empty()) {
        parts.push_back(current);
    }
    return parts;
}

bool similar_to_username(const std::string& password, const std::string& username) {
    if (username.empty()) {
        return false;
    }
    const std::string lowered = ascii_lower(password);
    auto parts = username_parts(username);
    return std::any_of(parts.begin(), parts.end(), [&lowered](const std::string& part) {
        return !exceeds_length_ratio(lowered, part) &&
               quick_ratio(lowered, part) >= k_max_similarity;
    });
}

bool entirely_numeric(const std::string& password) {
    return !password.empty() && std::all_of(password.begin(), password.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) != 0;
    });
}

bool common(const std::string& password) {
    const std::string lowered = ascii_lower(password);
    return std::find(k_common_passwords.begin(), k_common_passwords.end(), lowered) !=
           k_common_passwords.end();
}

} // namespace

std::vector<std::string> password_problems(const std::string& password,
                                           const std::string& username) {
    std::vector<std::string> problems;
    if (password.size() < k_min_length) {
        problems.emplace_back(
            "This password is too short. It must contain at least 12 characters.");
    }
    if (password.size() > k_max_length) {
        problems.emplace_back("This password is too long. It must contain at most 64 characters.");
    }
    if (similar_to_username(password, username)) {
        problems.emplace_back("The password is too similar to the username.");
    }
    if (common(password)) {
        problems.emplace_back("This password is too common.");
    }
    if (entirely_numeric(password)) {
        problems.emplace_back("This password is entirely numeric.");
    }
    return problems;
}

} // namespace ra::sandbox
