#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace ra;

TEST_CASE("username: ASCII usernames fold to lower case and nothing else changes", "[username]") {
    CHECK(fold_username("Api_User+Bot@Example.COM") == "api_user+bot@example.com");
    CHECK(same_username("Dup@demo", "dup@DEMO"));
    CHECK_FALSE(same_username("dup@demo", "dup@demo2"));
    CHECK_FALSE(same_username("a-b", "a_b"));
}

TEST_CASE("username: non-ASCII letters fold too, not only ASCII", "[username]") {
    CHECK(same_username("\xC3\x84pi@demo", "\xC3\xA4pi@demo")); // Äpi / äpi
    CHECK(fold_username("\xC3\x84pi@demo") == "\xC3\xA4pi@demo");
    CHECK(same_username("\xCE\xA3\xCE\x91@x", "\xCF\x83\xCE\xB1@x")); // ΣΑ / σα
    CHECK(same_username("\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD", "\xD0\xB8\xD0\xB2\xD0\xB0\xD0\xBD"));
    CHECK_FALSE(same_username("\xC3\xA4pi@demo", "api@demo")); // no accent stripping
}

TEST_CASE("username: folding is full, so sharp s equals SS", "[username]") {
    CHECK(fold_username("Stra\xC3\x9F"
                        "e@x") == "strasse@x");
    CHECK(same_username("STRASSE@x", "stra\xC3\x9F"
                                     "e@x"));
    CHECK(same_username("\xE1\xBA\x9E@x", "ss@x")); // capital sharp s
}

TEST_CASE("username: the Turkish dotted and dotless i fold by the default, non-Turkic rules",
          "[username]") {
    // I → i; dotless ı stays itself; dotted İ → i + U+0307. So none of them equals "i" but "I".
    CHECK(same_username("I@x", "i@x"));
    CHECK_FALSE(same_username("\xC4\xB1@x", "i@x"));
    CHECK_FALSE(same_username("\xC4\xB0@x", "i@x"));
    CHECK(fold_username("\xC4\xB0@x") == "i\xCC\x87@x");
}

TEST_CASE("username: composed and decomposed forms stay different (no normalization)",
          "[username]") {
    CHECK_FALSE(same_username("\xC3\x84", "A\xCC\x88"));
    CHECK(same_username("A\xCC\x88", "a\xCC\x88"));
}

TEST_CASE("username: invalid UTF-8 is folded around, its bytes kept as they are", "[username]") {
    CHECK(fold_username("AB\xFF"
                        "C") == "ab\xFF"
                                "c");
    CHECK(fold_username("\xC3\x84\xC3") == "\xC3\xA4\xC3"); // truncated sequence at the end
    CHECK(fold_username("\xE2\x82X") == "\xE2\x82x");
    CHECK(fold_username(std::string("a\0B", 3)) == std::string("a\0b", 3));
    // Different ill-formed bytes stay different (ICU alone would make both U+FFFD).
    CHECK_FALSE(same_username("x\xFF", "x\xFE"));
    CHECK(fold_username("") == "");
}

TEST_CASE("username: the order puts case variants together, then orders them by bytes",
          "[username]") {
    std::vector<std::string> names = {"b@x", "dup@x", "A@x", "Dup@x", "\xC3\x84@x", "c@x"};
    std::sort(names.begin(), names.end(),
              [](const std::string& a, const std::string& b) { return username_less(a, b); });
    CHECK(names == std::vector<std::string>{"A@x", "b@x", "c@x", "Dup@x", "dup@x", "\xC3\x84@x"});
    CHECK_FALSE(username_less("a", "a"));
}

TEST_CASE("username: globs match case-insensitively", "[username][glob]") {
    CHECK(username_matches("JANE.*", "jane.doe@demo"));
    CHECK(username_matches("*@DEMO.example", "Jane.Doe@demo.EXAMPLE"));
    CHECK(username_matches("\xC3\x84*", "\xC3\xA4pi@demo"));
    CHECK(username_matches("*stra\xC3\x9F"
                           "e*",
                           "ops.STRASSE@x"));
    CHECK_FALSE(username_matches("jane.*", "john.doe@demo"));
    CHECK_FALSE(username_matches("jane", "jane.doe"));
}

TEST_CASE("username: glob wildcards work on characters, not bytes", "[username][glob]") {
    CHECK(username_matches("?pi@demo", "\xC3\x84pi@demo")); // one character, two bytes
    CHECK_FALSE(username_matches("??pi@demo", "\xC3\x84pi@demo"));
    CHECK(username_matches("[\xC3\xA4\xC3\xB6]pi@demo", "\xC3\x96pi@demo"));
    CHECK(username_matches("*", ""));
    CHECK(username_matches("a*b*c", "aXbYbZc"));
    CHECK_FALSE(username_matches("a*b*c", "aXbYbZ"));
    CHECK(username_matches("*/*", "a/b")); // no pathname rule
}

TEST_CASE("username: glob sets, ranges, negation, escapes and unclosed brackets",
          "[username][glob]") {
    CHECK(username_matches("bot[0-9]@x", "BOT7@x"));
    CHECK_FALSE(username_matches("bot[0-9]@x", "botx@x"));
    CHECK(username_matches("bot[!0-9]@x", "botx@x"));
    CHECK(username_matches("bot[^0-9]@x", "botx@x"));
    CHECK_FALSE(username_matches("bot[!0-9]@x", "bot1@x"));
    CHECK(username_matches("[A-C]*", "bob"));
    CHECK(username_matches("[]]x", "]x"));
    CHECK(username_matches("a\\*b", "a*b"));
    CHECK_FALSE(username_matches("a\\*b", "aXb"));
    CHECK(username_matches("a[b", "A[B"));
    CHECK(username_matches("x\xFF*", "X\xFFyz")); // an ill-formed byte matches itself
}

TEST_CASE("username: a glob of many stars on a long name does not blow up", "[username][glob]") {
    std::string glob(60, '*');
    glob += "b";
    CHECK_FALSE(username_matches(glob, std::string(5000, 'a')));
}

TEST_CASE("username: the exact username wins over case variants", "[username][match]") {
    std::vector<std::string_view> live = {"Dup@demo", "dup@demo", "other@demo"};
    auto m = match_username("dup@demo", live);
    REQUIRE(m.matched);
    CHECK(*m.matched == 1);
    CHECK(m.exact);
    CHECK(m.ambiguous.empty());
}

TEST_CASE("username: a single case variant is the same user", "[username][match]") {
    std::vector<std::string_view> live = {"other@demo", "Svc@Demo"};
    auto m = match_username("svc@demo", live);
    REQUIRE(m.matched);
    CHECK(*m.matched == 1);
    CHECK_FALSE(m.exact);
}

TEST_CASE("username: several case variants and no exact one are ambiguous", "[username][match]") {
    std::vector<std::string_view> live = {"Dup@demo", "x@demo", "dup@demo"};
    auto m = match_username("dup@Demo", live);
    CHECK_FALSE(m.matched);
    CHECK(m.ambiguous == std::vector<std::size_t>{0, 2});
    CHECK(quote_usernames({live[2], live[0]}) == "\"Dup@demo\", \"dup@demo\"");
    CHECK_FALSE(match_username("nobody", live).matched);
    CHECK(match_username("nobody", live).ambiguous.empty());
}

TEST_CASE("username: a declarable username holds no invisible character, ASCII or Unicode",
          "[username]") {
    CHECK(declarable_username("svc.bot+1@example.com"));
    CHECK(declarable_username("Äpi@x"));
    CHECK(declarable_username("ボット@例え.jp"));
    CHECK_FALSE(declarable_username(""));
    CHECK_FALSE(declarable_username("a b"));
    CHECK_FALSE(declarable_username("a\tb"));
    CHECK_FALSE(declarable_username("a\x7f"));
    // Each of these could make one username pass for another in a review.
    for (const char* invisible : {"\u202e",      // right-to-left override
                                  "\u200b",      // zero-width space
                                  "\u200d",      // zero-width joiner
                                  "\u2028",      // line separator
                                  "\u2029",      // paragraph separator
                                  "\u00a0",      // no-break space
                                  "\u3000",      // ideographic space
                                  "\u2066",      // left-to-right isolate
                                  "\ufeff",      // byte-order mark
                                  "\u00ad",      // soft hyphen
                                  "\xc2\x85"}) { // NEL, a C1 control
        INFO(invisible);
        CHECK_FALSE(declarable_username(std::string("bot") + invisible + "x@demo"));
    }
    CHECK_FALSE(declarable_username("bot\xff@demo")); // not UTF-8
}

TEST_CASE("username: a character a renderer shows as nothing cannot be declared, whatever its "
          "category",
          "[username][hostile]") {
    // Default-ignorable code points that are letters or marks rather than format characters,
    // and code points with no agreed glyph: each passed the category check and the loader.
    for (const char* invisible : {"\u3164",       // Hangul filler (Lo)
                                  "\u115f",       // Hangul choseong filler (Lo)
                                  "\uffa0",       // halfwidth Hangul filler (Lo)
                                  "\u034f",       // combining grapheme joiner (Mn)
                                  "\ufe0f",       // variation selector 16 (Mn)
                                  "\U000e0100",   // variation selector 17 (Mn)
                                  "\u17b4",       // Khmer vowel inherent aq (Mn)
                                  "\u2800",       // braille pattern blank (So)
                                  "\xcd\xb8",     // U+0378, unassigned
                                  "\xef\xbf\xbe", // U+FFFE, a noncharacter
                                  "\ue000"}) {    // private use
        INFO(invisible);
        CHECK_FALSE(declarable_username(std::string("bot") + invisible + "x@demo"));
    }
    CHECK(declarable_username("한국어@x"));          // ordinary Hangul stays declarable
    CHECK(declarable_username("caf\u00e9\u0301@x")); // and so do visible combining marks
}

TEST_CASE("username: the invisible character at a byte offset is found with its length",
          "[username][hostile]") {
    const std::string text = "a\u202eb\U000e0100c\u00e9";
    CHECK_FALSE(invisible_character_at(text, 0));
    const auto rlo = invisible_character_at(text, 1);
    REQUIRE(rlo);
    CHECK(rlo->code_point == 0x202e);
    CHECK(rlo->length == 3);
    const auto selector = invisible_character_at(text, 5);
    REQUIRE(selector);
    CHECK(selector->code_point == 0xe0100);
    CHECK(selector->length == 4);
    CHECK_FALSE(invisible_character_at(text, 10));  // é is visible
    CHECK_FALSE(invisible_character_at("\xff", 0)); // ill-formed is not a character
    CHECK_FALSE(invisible_character_at("a", 5));    // beyond the end
}

TEST_CASE("username: the first undeclarable character is named by code point and position",
          "[username][invisible]") {
    CHECK(describe_undeclarable("ok@demo").empty());
    CHECK(describe_undeclarable("\xC3\xA4pi\xE2\x80\x8B@demo") == "U+200B at character 4");
    CHECK(describe_undeclarable("a b\tc") == "U+0020 at character 2");
    CHECK(describe_undeclarable("\xF0\x9F\x98\x80x\x7F") == "U+007F at character 3");
    CHECK(describe_undeclarable("ab\xFF") == "a byte that is not UTF-8 at character 3");
    CHECK(describe_undeclarable("filler\xE3\x85\xA4") == "U+3164 at character 7");
    // Whatever it names, declarable_username refuses, and the other way round.
    for (const char* name : {"ok@demo", "a b", "x\xE2\x80\xAE", "ab\xFF", "\xC3\xA4"})
        CHECK(declarable_username(name) == describe_undeclarable(name).empty());
}
