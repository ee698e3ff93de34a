#include "rossum_accounts/core/password_policy.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
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

bool similar(const std::u32string& lowered_password, const std::string& attribute) {
    if (attribute.empty())
        return false;
    // An attribute that is not UTF-8 cannot come from a manifest or a plan; compare its bytes as
    // Latin-1 rather than skip it.
    auto decoded = decode(attribute);
    const std::u32string value =
        decoded ? lower(*decoded) : std::u32string(attribute.begin(), attribute.end());
    for (const std::u32string& part : value_parts(value)) {
        if (exceeds_maximum_length_ratio(lowered_password.size(), part.size()))
            continue;
        if (password_policy_detail::quick_ratio(lowered_password, part) >= k_max_similarity)
            return true;
    }
    return false;
}

std::optional<std::string> too_similar_to(const std::u32string& password,
                                          const PasswordAttributes& who) {
    const std::u32string lowered = lower(password);
    const std::pair<const std::optional<std::string>*, const char*> attributes[] = {
        {&who.username, "username"},
        {&who.first_name, "first name"},
        {&who.last_name, "last name"},
        {&who.email, "email"},
    };
    for (const auto& [value, name] : attributes) {
        if (*value && similar(lowered, **value))
            return name;
    }
    return std::nullopt;
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
    std::map<char32_t, long> available;
    for (char32_t c : b)
        ++available[c];
    std::size_t matches = 0;
    for (char32_t c : a) {
        auto it = available.find(c);
        if (it != available.end() && it->second-- > 0)
            ++matches;
    }
    const std::size_t length = a.size() + b.size();
    if (length == 0)
        return 1.0;
    return 2.0 * static_cast<double>(matches) / static_cast<double>(length);
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

std::vector<PasswordViolation> password_violations(std::string_view password,
                                                   const PasswordAttributes& who) {
    auto decoded = decode(password);
    if (!decoded)
        return {PasswordViolation{PasswordRule::invalid_utf8, {}}};
    std::vector<PasswordViolation> violations;
    if (decoded->size() < k_min_password_chars)
        violations.push_back({PasswordRule::too_short, {}});
    if (decoded->size() > k_max_password_chars)
        violations.push_back({PasswordRule::too_long, {}});
    if (auto attribute = too_similar_to(*decoded, who))
        violations.push_back({PasswordRule::too_similar, *attribute});
    if (password_policy_detail::is_common(password))
        violations.push_back({PasswordRule::too_common, {}});
    if (entirely_numeric(*decoded))
        violations.push_back({PasswordRule::entirely_numeric, {}});
    return violations;
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
    const auto violations = password_violations(password, who);
    if (violations.empty())
        return std::nullopt;
    std::string message;
    for (const auto& violation : violations) {
        if (!message.empty())
            message += "; ";
        message += describe(violation);
    }
    return message;
}

} // namespace ra
