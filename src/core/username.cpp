#include "rossum_accounts/core/username.hpp"

#include "rossum_accounts/core/invisible.hpp"

#include <algorithm>
#include <cstdint>
#include <fmt/format.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

namespace ra {

bool is_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x80; });
}

namespace {

// ASCII has no folding other than A-Z → a-z, so the common case needs no ICU round trip.
void fold_ascii(std::string_view s, std::string& out) {
    out.assign(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
}

void append_folded(std::string_view valid, std::string& out) {
    if (valid.empty())
        return;
    icu::UnicodeString text = icu::UnicodeString::fromUTF8(
        icu::StringPiece(valid.data(), static_cast<std::int32_t>(valid.size())));
    text.foldCase(U_FOLD_CASE_DEFAULT);
    text.toUTF8String(out);
}

// The length of the well-formed UTF-8 character at `i`, or 0 when the bytes there are not one.
std::size_t well_formed_at(std::string_view s, std::size_t i) {
    std::int32_t at = static_cast<std::int32_t>(i);
    UChar32 c = 0;
    U8_NEXT(reinterpret_cast<const std::uint8_t*>(s.data()), at,
            static_cast<std::int32_t>(s.size()), c);
    return c < 0 ? 0 : static_cast<std::size_t>(at) - i;
}

// One code point per element; an ill-formed byte becomes a value above U+10FFFF that equals
// only the same byte, so globs compare such bytes literally.
std::vector<std::int32_t> code_points(std::string_view s) {
    std::vector<std::int32_t> out;
    std::size_t i = 0;
    while (i < s.size()) {
        std::int32_t at = static_cast<std::int32_t>(i);
        UChar32 c = 0;
        U8_NEXT(reinterpret_cast<const std::uint8_t*>(s.data()), at,
                static_cast<std::int32_t>(s.size()), c);
        if (c < 0) {
            out.push_back(0x110000 + static_cast<unsigned char>(s[i]));
            ++i;
            continue;
        }
        out.push_back(c);
        i = static_cast<std::size_t>(at);
    }
    return out;
}

// A glob compiled to tokens: a literal, `?`, `*` or a bracket set.
struct GlobToken {
    enum class Kind { literal, any, star, set } kind = Kind::literal;
    std::int32_t value = 0;
    bool negated = false;
    std::vector<std::pair<std::int32_t, std::int32_t>> ranges;
};

// Parses the bracket expression that starts at `glob[i] == '['`; nullopt when it is not closed
// (the `[` is then a literal, as fnmatch does).
std::optional<GlobToken> parse_set(const std::vector<std::int32_t>& glob, std::size_t& i) {
    GlobToken set;
    set.kind = GlobToken::Kind::set;
    std::size_t j = i + 1;
    if (j < glob.size() && (glob[j] == '!' || glob[j] == '^')) {
        set.negated = true;
        ++j;
    }
    bool first = true;
    while (j < glob.size() && (glob[j] != ']' || first)) {
        first = false;
        std::int32_t low = glob[j];
        if (low == '\\' && j + 1 < glob.size())
            low = glob[++j];
        std::int32_t high = low;
        if (j + 2 < glob.size() && glob[j + 1] == '-' && glob[j + 2] != ']') {
            j += 2;
            high = glob[j];
            if (high == '\\' && j + 1 < glob.size())
                high = glob[++j];
        }
        set.ranges.emplace_back(low, high);
        ++j;
    }
    if (j >= glob.size())
        return std::nullopt;
    i = j + 1;
    return set;
}

std::vector<GlobToken> compile_glob(const std::vector<std::int32_t>& glob) {
    std::vector<GlobToken> tokens;
    std::size_t i = 0;
    while (i < glob.size()) {
        GlobToken t;
        std::int32_t c = glob[i];
        if (c == '*') {
            t.kind = GlobToken::Kind::star;
            ++i;
        } else if (c == '?') {
            t.kind = GlobToken::Kind::any;
            ++i;
        } else if (c == '[') {
            if (auto set = parse_set(glob, i)) {
                tokens.push_back(std::move(*set));
                continue;
            }
            t.value = c;
            ++i;
        } else if (c == '\\' && i + 1 < glob.size()) {
            t.value = glob[i + 1];
            i += 2;
        } else {
            t.value = c;
            ++i;
        }
        tokens.push_back(std::move(t));
    }
    return tokens;
}

bool token_matches(const GlobToken& t, std::int32_t c) {
    switch (t.kind) {
    case GlobToken::Kind::any:
        return true;
    case GlobToken::Kind::literal:
        return t.value == c;
    case GlobToken::Kind::set: {
        bool in = std::any_of(t.ranges.begin(), t.ranges.end(),
                              [c](const auto& r) { return r.first <= c && c <= r.second; });
        return in != t.negated;
    }
    case GlobToken::Kind::star:
        break;
    }
    return false;
}

// Greedy matching that backtracks only to the last `*`: linear in practice, never exponential.
bool glob_match(const std::vector<GlobToken>& glob, const std::vector<std::int32_t>& text) {
    std::size_t g = 0, t = 0;
    std::optional<std::size_t> star_g;
    std::size_t star_t = 0;
    while (t < text.size()) {
        if (g < glob.size() && glob[g].kind == GlobToken::Kind::star) {
            star_g = g++;
            star_t = t;
        } else if (g < glob.size() && token_matches(glob[g], text[t])) {
            ++g;
            ++t;
        } else if (star_g) {
            g = *star_g + 1;
            t = ++star_t;
        } else {
            return false;
        }
    }
    while (g < glob.size() && glob[g].kind == GlobToken::Kind::star)
        ++g;
    return g == glob.size();
}

} // namespace

std::string fold_username(std::string_view username) {
    std::string out;
    fold_username(username, out);
    return out;
}

void fold_username(std::string_view username, std::string& out) {
    if (is_ascii(username))
        return fold_ascii(username, out);
    out.clear();
    out.reserve(username.size());
    std::size_t run_start = 0;
    std::size_t i = 0;
    while (i < username.size()) {
        if (std::size_t n = well_formed_at(username, i); n > 0) {
            i += n;
            continue;
        }
        // Folding is context-free, so folding the valid runs one by one equals folding the
        // whole text; the ill-formed byte is kept as it is.
        append_folded(username.substr(run_start, i - run_start), out);
        out.push_back(username[i]);
        run_start = ++i;
    }
    append_folded(username.substr(run_start), out);
}

bool same_username(std::string_view a, std::string_view b) {
    return a == b || fold_username(a) == fold_username(b);
}

bool username_less(std::string_view a, std::string_view b) {
    const std::string fa = fold_username(a), fb = fold_username(b);
    return fa != fb ? fa < fb : a < b;
}

bool username_matches(std::string_view glob, std::string_view username) {
    return glob_match(compile_glob(code_points(fold_username(glob))),
                      code_points(fold_username(username)));
}

UsernameMatch match_username(std::string_view wanted,
                             const std::vector<std::string_view>& candidates) {
    UsernameMatch m;
    std::vector<std::size_t> variants;
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        if (candidates[i] == wanted) {
            m.matched = i;
            m.exact = true;
            return m;
        }
        if (same_username(candidates[i], wanted))
            variants.push_back(i);
    }
    if (variants.size() == 1)
        m.matched = variants.front();
    else if (variants.size() > 1)
        m.ambiguous = std::move(variants);
    return m;
}

// A username holding an invisible character could pass for another in a review (a right-to-left
// override, a zero-width space, a line separator, a no-break space).
std::optional<UndeclarableCharacter> first_undeclarable(std::string_view username) {
    const auto length = static_cast<std::int32_t>(username.size());
    std::size_t character = 1;
    for (std::int32_t i = 0; i < length; ++character) {
        UChar32 c = 0;
        U8_NEXT(reinterpret_cast<const std::uint8_t*>(username.data()), i, length, c);
        if (c < 0) // invalid UTF-8 cannot be declared either
            return UndeclarableCharacter{std::nullopt, character};
        if (invisible_kind(static_cast<char32_t>(c)) != InvisibleKind::visible)
            return UndeclarableCharacter{static_cast<std::uint32_t>(c), character};
    }
    return std::nullopt;
}

bool declarable_username(std::string_view username) {
    return !username.empty() && !first_undeclarable(username);
}

std::string describe_undeclarable(std::string_view username) {
    const auto found = first_undeclarable(username);
    if (!found)
        return "";
    if (!found->code_point)
        return fmt::format("a byte that is not UTF-8 at character {}", found->character);
    return fmt::format("U+{:04X} at character {}", *found->code_point, found->character);
}

std::optional<InvisibleCharacter> invisible_character_at(std::string_view text, std::size_t i) {
    if (i >= text.size() || static_cast<unsigned char>(text[i]) < 0x80)
        return std::nullopt;
    std::int32_t at = static_cast<std::int32_t>(i);
    UChar32 c = 0;
    U8_NEXT(reinterpret_cast<const std::uint8_t*>(text.data()), at,
            static_cast<std::int32_t>(text.size()), c);
    if (c < 0 || invisible_kind(static_cast<char32_t>(c)) == InvisibleKind::visible)
        return std::nullopt;
    return InvisibleCharacter{static_cast<std::uint32_t>(c), static_cast<std::size_t>(at) - i};
}

std::string quote_usernames(const std::vector<std::string_view>& usernames) {
    std::vector<std::string_view> sorted = usernames;
    std::sort(sorted.begin(), sorted.end(),
              [](std::string_view a, std::string_view b) { return username_less(a, b); });
    std::string out;
    for (std::string_view u : sorted) {
        if (!out.empty())
            out += ", ";
        out += '"';
        out += u;
        out += '"';
    }
    return out;
}

} // namespace ra
