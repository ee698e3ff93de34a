#pragma once
// Rossum's password policy, which is Django's validators: 12–64 characters, not entirely numeric,
// not on Django's list of common passwords, not similar to the username, first name, last name
// or email (UserAttributeSimilarityValidator). The client checks it before the first write and
// the sandbox answers with it, so the two never disagree.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ra {

inline constexpr std::size_t k_min_password_chars = 12;
inline constexpr std::size_t k_max_password_chars = 64;

// The user attributes Django compares the password with; absent or empty ones are skipped.
struct PasswordAttributes {
    std::optional<std::string> username;
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> email;
};

enum class PasswordRule {
    invalid_utf8, // not text: it could not be sent as the JSON string it is
    too_short,
    too_long,
    too_similar,
    too_common,
    entirely_numeric,
};

struct PasswordViolation {
    PasswordRule rule = PasswordRule::too_short;
    // too_similar: which attribute, as "username", "first name", "last name" or "email".
    std::string attribute;

    bool operator==(const PasswordViolation&) const = default;
};

// One password checked against the rules that depend on it alone (decoded, lower-cased and
// looked up once); the similarity rule is then checked per user. One value is often the
// password of thousands of accounts (one environment variable for every create). Holds a
// derived form of the password: keep it in memory only, as the password itself.
class PasswordCheck {
public:
    explicit PasswordCheck(std::string_view password);
    // password_violations(password, who).
    std::vector<PasswordViolation> violations(const PasswordAttributes& who) const;
    // check_password_policy(password, who).
    std::optional<std::string> check(const PasswordAttributes& who) const;

private:
    std::optional<std::string> too_similar_to(const PasswordAttributes& who) const;

    bool valid_utf8_ = true;
    std::size_t length_ = 0;        // code points
    std::u32string sorted_lowered_; // lower-cased code points, sorted
    bool common_ = false;
    bool numeric_ = false;
};

// Every rule the password breaks, in the order above; a password that is not valid UTF-8 gets
// invalid_utf8 alone. Similarity names the first similar attribute in Django's order (username,
// first name, last name, email), as Django does.
std::vector<PasswordViolation> password_violations(std::string_view password,
                                                   const PasswordAttributes& who);

// "password is too similar to the first name": the violation in our words, never the password.
std::string describe(const PasswordViolation& violation);

// All violations joined with "; ", or nullopt when the password passes.
std::optional<std::string> check_password_policy(std::string_view password,
                                                 const PasswordAttributes& who);

namespace password_policy_detail {

// Django's difflib.SequenceMatcher(a=a, b=b).quick_ratio() over code points.
double quick_ratio(std::u32string_view a, std::u32string_view b);

// password.lower().strip() is on Django's list (the password must be valid UTF-8).
bool is_common(std::string_view password);

// The embedded list, sorted (data/django-common-passwords.txt without its header).
const std::vector<std::string_view>& common_passwords();

} // namespace password_policy_detail

} // namespace ra
