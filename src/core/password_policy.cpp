#include "rossum_accounts/core/password_policy.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

namespace ra {

namespace password_policy_detail {
// Generated from data/django-common-passwords.txt (cmake/embed_file.cmake).
extern const unsigned char k_django_common_passwords[];
extern const std::size_t k_django_common_passwords_size;
} // namespace password_policy_detail

namespace {

// Django's UserAttributeSimilarityValidator default.
constexpr double k_max_similarity = 0.7;
constexpr std::string_view k_list_header_end = "--- end of header ---\n";

// Strict UTF-8 → code points; nullopt for ill-formed input (overlong, surrogate, truncated).
std::optional<std::u32string> decode(std::string_view text) {
    std::u32string out;
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
    const auto length = static_cast<std::int32_t>(text.size());
    for (std::int32_t i = 0; i < length;) {
        UChar32 c = 0;
        U8_NEXT(bytes, i, length, c);
        if (c < 0)
            return std::nullopt;
        out.push_back(static_cast<char32_t>(c));
    }
    return out;
}

std::string encode(std::u32string_view text) {
    std::string out;
    for (char32_t c : text) {
        std::uint8_t buffer[U8_MAX_LENGTH];
        std::int32_t n = 0;
        U8_APPEND_UNSAFE(buffer, n, static_cast<UChar32>(c)); // c came from decode(): valid
        out.append(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
    }
    return out;
}

// Python's str.lower(): full Unicode lower-casing, locale-independent (ICU's root locale also
// applies the unconditional special casings, e.g. "İ" → "i̇", and the final sigma).
std::u32string lower(std::u32string_view text) {
    // ASCII lower-cases to ASCII by A-Z alone, in Python as in ICU; usernames and most passwords
    // are ASCII, and ICU's full casing costs a conversion each way.
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; })) {
        std::u32string out(text);
        for (char32_t& c : out)
            if (c >= U'A' && c <= U'Z')
                c += U'a' - U'A';
        return out;
    }
    std::u16string utf16;
    for (char32_t c : text) {
        if (U_IS_BMP(c)) {
            utf16.push_back(static_cast<char16_t>(c));
        } else {
            utf16.push_back(static_cast<char16_t>(U16_LEAD(c)));
            utf16.push_back(static_cast<char16_t>(U16_TRAIL(c)));
        }
    }
    // Lower-casing grows a string by at most three times (SpecialCasing).
    std::u16string lowered(utf16.size() * 3 + 1, u'\0');
    UErrorCode status = U_ZERO_ERROR;
    const std::int32_t n =
        u_strToLower(lowered.data(), static_cast<std::int32_t>(lowered.size()), utf16.data(),
                     static_cast<std::int32_t>(utf16.size()), "", &status);
    if (U_FAILURE(status))
        return std::u32string(text); // cannot happen with this capacity; never weaker than input
    std::u32string out;
    for (std::int32_t i = 0; i < n;) {
        UChar32 c = 0;
        U16_NEXT(lowered.data(), i, n, c);
        out.push_back(static_cast<char32_t>(c));
    }
    return out;
}

// Python's str.isspace() (what strip() removes): bidirectional class WS, B or S, or Zs.
bool is_space(char32_t c) {
    const auto uc = static_cast<UChar32>(c);
    const UCharDirection direction = u_charDirection(uc);
    return direction == U_WHITE_SPACE_NEUTRAL || direction == U_BLOCK_SEPARATOR ||
           direction == U_SEGMENT_SEPARATOR || u_charType(uc) == U_SPACE_SEPARATOR;
}

// Python's re `\w` on str: letters (L*), anything with a numeric value (N*, ...), and "_".
// Combining marks are not word characters, as in Python.
bool is_word(char32_t c) {
    // In ASCII \w is exactly [0-9A-Za-z_]; ICU's lookups cost more than the rest of a check.
    if (c < 0x80)
        return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z') ||
               c == U'_';
    const auto uc = static_cast<UChar32>(c);
    switch (u_charType(uc)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
        return true;
    default:
        break;
    }
    return c == U'_' || u_getIntPropertyValue(uc, UCHAR_NUMERIC_TYPE) != U_NT_NONE;
}

// Python's str.isdigit(): every character has Numeric_Type Decimal or Digit; "" is not.
bool entirely_numeric(std::u32string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char32_t c) {
        const auto type = u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NUMERIC_TYPE);
        return type == U_NT_DECIMAL || type == U_NT_DIGIT;
    });
}

std::u32string_view strip(std::u32string_view text) {
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

// re.split(r"\W+", value) + [value].
std::vector<std::u32string> value_parts(const std::u32string& value) {
    std::vector<std::u32string> parts;
    std::u32string current;
    bool in_separator = false;
    for (char32_t c : value) {
        if (is_word(c)) {
            if (in_separator) {
                parts.push_back(std::move(current));
                current.clear();
                in_separator = false;
            }
            current.push_back(c);
        } else {
            in_separator = true;
        }
    }
    // A trailing separator leaves an empty last part, as re.split does.
    if (in_separator) {
        parts.push_back(std::move(current));
        current.clear();
    }
    parts.push_back(std::move(current));
    parts.push_back(value);
    return parts;
}

// Django skips parts too short against the password to be similar (exceeds_maximum_length_ratio).
bool exceeds_maximum_length_ratio(std::size_t password_length, std::size_t part_length) {
    const double length_bound_similarity =
        k_max_similarity / 2 * static_cast<double>(password_length);
    return password_length >= 10 * part_length &&
           static_cast<double>(part_length) < length_bound_similarity;
}

// The number of code points a and b have in common, counted with multiplicity: difflib's
// quick_ratio matches. Both sorted.
std::size_t common_count(std::u32string_view a, std::u32string_view b) {
    std::size_t matches = 0;
    auto i = a.begin();
    auto j = b.begin();
    while (i != a.end() && j != b.end()) {
        if (*i < *j) {
            ++i;
        } else if (*j < *i) {
            ++j;
        } else {
            ++matches;
            ++i;
            ++j;
        }
    }
    return matches;
}

double ratio_of(std::size_t matches, std::size_t length) {
    if (length == 0)
        return 1.0;
    return 2.0 * static_cast<double>(matches) / static_cast<double>(length);
}

std::u32string sorted(std::u32string_view text) {
    std::u32string out(text);
    std::sort(out.begin(), out.end());
    return out;
}

// sorted_password: the lower-cased password's code points, sorted (quick_ratio ignores order).
bool similar(const std::u32string& sorted_password, const std::string& attribute) {
    if (attribute.empty())
        return false;
    // An attribute that is not UTF-8 cannot come from a manifest or a plan; compare its bytes as
    // Latin-1 rather than skip it.
    auto decoded = decode(attribute);
    const std::u32string value =
        decoded ? lower(*decoded) : std::u32string(attribute.begin(), attribute.end());
    for (const std::u32string& part : value_parts(value)) {
        if (exceeds_maximum_length_ratio(sorted_password.size(), part.size()))
            continue;
        const std::size_t matches = common_count(sorted_password, sorted(part));
        if (ratio_of(matches, sorted_password.size() + part.size()) >= k_max_similarity)
            return true;
    }
    return false;
}

std::vector<std::string_view> parse_common_passwords() {
    using namespace password_policy_detail;
    std::string_view text(reinterpret_cast<const char*>(k_django_common_passwords),
                          k_django_common_passwords_size);
    const auto header_end = text.find(k_list_header_end);
    if (header_end != std::string_view::npos)
        text.remove_prefix(header_end + k_list_header_end.size());
    std::vector<std::string_view> entries;
    while (!text.empty()) {
        const auto end = text.find('\n');
        std::string_view line = text.substr(0, end);
        // Django strips each line; the list has no surrounding spaces, and no entry is "".
        if (!line.empty())
            entries.push_back(line);
        if (end == std::string_view::npos)
            break;
        text.remove_prefix(end + 1);
    }
    std::sort(entries.begin(), entries.end());
    entries.erase(std::unique(entries.begin(), entries.end()), entries.end());
    return entries;
}

} // namespace

namespace password_policy_detail {

double quick_ratio(std::u32string_view a, std::u32string_view b) {
    return ratio_of(common_count(sorted(a), sorted(b)), a.size() + b.size());
}

const std::vector<std::string_view>& common_passwords() {
    static const std::vector<std::string_view> entries = parse_common_passwords();
    return entries;
}

bool is_common(std::string_view password) {
    auto decoded = decode(password);
    if (!decoded)
        return false;
    const std::string candidate = encode(strip(lower(*decoded)));
    const auto& entries = common_passwords();
    return std::binary_search(entries.begin(), entries.end(), std::string_view(candidate));
}

} // namespace password_policy_detail

PasswordCheck::PasswordCheck(std::string_view password) {
    auto decoded = decode(password);
    if (!decoded) {
        valid_utf8_ = false;
        return;
    }
    length_ = decoded->size();
    sorted_lowered_ = sorted(lower(*decoded));
    common_ = password_policy_detail::is_common(password);
    numeric_ = entirely_numeric(*decoded);
}

std::vector<PasswordViolation> PasswordCheck::violations(const PasswordAttributes& who) const {
    if (!valid_utf8_)
        return {PasswordViolation{PasswordRule::invalid_utf8, {}}};
    std::vector<PasswordViolation> violations;
    if (length_ < k_min_password_chars)
        violations.push_back({PasswordRule::too_short, {}});
    if (length_ > k_max_password_chars)
        violations.push_back({PasswordRule::too_long, {}});
    if (auto attribute = too_similar_to(who))
        violations.push_back({PasswordRule::too_similar, *attribute});
    if (common_)
        violations.push_back({PasswordRule::too_common, {}});
    if (numeric_)
        violations.push_back({PasswordRule::entirely_numeric, {}});
    return violations;
}

std::optional<std::string> PasswordCheck::too_similar_to(const PasswordAttributes& who) const {
    const std::pair<const std::optional<std::string>*, const char*> attributes[] = {
        {&who.username, "username"},
        {&who.first_name, "first name"},
        {&who.last_name, "last name"},
        {&who.email, "email"},
    };
    for (const auto& [value, name] : attributes) {
        if (*value && similar(sorted_lowered_, **value))
            return name;
    }
    return std::nullopt;
}

std::optional<std::string> PasswordCheck::check(const PasswordAttributes& who) const {
    const auto found = violations(who);
    if (found.empty())
        return std::nullopt;
    std::string message;
    for (const auto& violation : found) {
        if (!message.empty())
            message += "; ";
        message += describe(violation);
    }
    return message;
}

std::vector<PasswordViolation> password_violations(std::string_view password,
                                                   const PasswordAttributes& who) {
    return PasswordCheck(password).violations(who);
}

std::string describe(const PasswordViolation& violation) {
    switch (violation.rule) {
    case PasswordRule::invalid_utf8:
        return "password is not valid UTF-8";
    case PasswordRule::too_short:
        return fmt::format("password is shorter than {} characters", k_min_password_chars);
    case PasswordRule::too_long:
        return fmt::format("password is longer than {} characters", k_max_password_chars);
    case PasswordRule::too_similar:
        return "password is too similar to the " + violation.attribute;
    case PasswordRule::too_common:
        return "password is too common (it is on Django's list of common passwords)";
    case PasswordRule::entirely_numeric:
        return "password consists only of digits";
    }
    return "password violates the password policy";
}

std::optional<std::string> check_password_policy(std::string_view password,
                                                 const PasswordAttributes& who) {
    return PasswordCheck(password).check(who);
}

} // namespace ra
