#pragma once
// The one definition of "same username" (docs/design.md, matching): two usernames are the same
// when their Unicode full case foldings (CaseFolding.txt, status C and F, no Turkic mappings)
// are equal, so "Äpi@demo" = "äpi@demo" and "STRASSE@x" = "straße@x". Everything that compares
// usernames (manifest duplicates, matching live users, prune, export --match, token, the plan's
// order) goes through this header. No normalization: "Ä" and "A" + U+0308 stay different, as
// they do for the API.
//
// Total on any bytes: a username read from the API may be invalid UTF-8 (the manifest loader
// rejects it); ill-formed bytes are kept as they are and only the valid text around them folds.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ra {

// Every byte is ASCII: such a username folds by A-Z → a-z alone.
bool is_ascii(std::string_view s);

// The case-folded form: the key under which usernames are compared.
std::string fold_username(std::string_view username);
// The same into `out` (replacing what it held), which keeps its capacity: for a loop over many
// usernames.
void fold_username(std::string_view username, std::string& out);

// fold_username(a) == fold_username(b).
bool same_username(std::string_view a, std::string_view b);

// Orders by folded form, then by the exact bytes, so case variants sit together and the order
// is total and stable.
bool username_less(std::string_view a, std::string_view b);

// Case-insensitive glob on code points, not bytes: `*` any run, `?` one character, `[abc]`,
// `[a-z]`, `[!a]` / `[^a]` one character of (not of) a set, `\x` a literal x; an unclosed `[`
// is literal. Both sides are folded first; `*` also matches `/` and a leading `.`.
bool username_matches(std::string_view glob, std::string_view username);

// How a declared username matches the usernames of some live users (product rule, see
// docs/design.md): the exact one wins; otherwise a single case variant is the same user;
// several case variants and no exact one are ambiguous. Candidates that are not the same
// username are ignored.
struct UsernameMatch {
    std::optional<std::size_t> matched; // index into the candidates
    bool exact = false;                 // matched byte for byte
    std::vector<std::size_t> ambiguous; // every case variant, when there are several
};

UsernameMatch match_username(std::string_view wanted,
                             const std::vector<std::string_view>& candidates);

// Whether a manifest can declare this username: valid UTF-8 with no invisible character of any
// kind (invisible.hpp: whitespace, control and format characters, line and paragraph
// separators, default-ignorable, unassigned and private-use code points). The loader, export
// and the saved-plan checks share this rule.
bool declarable_username(std::string_view username);

// The first character declarable_username() refuses: its code point (none for a byte that is
// not UTF-8) and its 1-based position in characters.
struct UndeclarableCharacter {
    std::optional<std::uint32_t> code_point;
    std::size_t character = 0;
};
std::optional<UndeclarableCharacter> first_undeclarable(std::string_view username);
// That character for a message, "U+200B at character 4"; empty when there is none.
std::string describe_undeclarable(std::string_view username);

// A non-ASCII character that declarable_username() refuses, found at a byte offset of a text.
struct InvisibleCharacter {
    std::uint32_t code_point = 0;
    std::size_t length = 0; // in bytes
};

// The invisible character that starts at byte `i` of `text` (any character above U+007F that a
// declarable username may not hold), so that the renderers can show it as an escape; nullopt
// for ASCII, a visible character or ill-formed UTF-8.
std::optional<InvisibleCharacter> invisible_character_at(std::string_view text, std::size_t i);

// `"A", "a"`: the candidates a match found ambiguous, quoted, for messages.
std::string quote_usernames(const std::vector<std::string_view>& usernames);

} // namespace ra
