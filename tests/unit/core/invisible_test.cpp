#include "rossum_accounts/core/invisible.hpp"
#include "rossum_accounts/core/username.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <unicode/utf8.h>
#include <utility>

using namespace ra;

namespace {

// The UTF-8 of one code point, to ask declarable_username about it.
std::string utf8(char32_t c) {
    std::uint8_t buffer[U8_MAX_LENGTH];
    std::int32_t n = 0;
    U8_APPEND_UNSAFE(buffer, n, static_cast<UChar32>(c));
    return std::string(reinterpret_cast<const char*>(buffer), static_cast<std::size_t>(n));
}

} // namespace

TEST_CASE("invisible: the boundary code points get their kind, and usernames follow it",
          "[invisible][username]") {
    const std::pair<char32_t, InvisibleKind> cases[] = {
        {U'\n', InvisibleKind::line_break},  {U'\r', InvisibleKind::line_break},
        {0x0085, InvisibleKind::line_break}, {0x2028, InvisibleKind::line_break},
        {0x2029, InvisibleKind::line_break}, {U'\t', InvisibleKind::control},
        {0x000B, InvisibleKind::control},    {0x0001, InvisibleKind::control},
        {0x007F, InvisibleKind::control},    {0x0080, InvisibleKind::control},
        {0x009F, InvisibleKind::control},    {U' ', InvisibleKind::space},
        {0x00A0, InvisibleKind::space},      {0x3000, InvisibleKind::space},
        {0x200B, InvisibleKind::format},     {0x202E, InvisibleKind::format},
        {0xFEFF, InvisibleKind::format},     {U'a', InvisibleKind::visible},
        {U'~', InvisibleKind::visible},      {0x00A1, InvisibleKind::visible},
        {0x00E4, InvisibleKind::visible},    {0x3164, InvisibleKind::blank},
        {0xFE0F, InvisibleKind::blank},      {0x034F, InvisibleKind::blank},
        {0xE000, InvisibleKind::blank},      {0x0378, InvisibleKind::blank},
        {0xFDD0, InvisibleKind::blank},      {0x2800, InvisibleKind::blank},
    };
    for (const auto& [code_point, kind] : cases) {
        CAPTURE(static_cast<unsigned>(code_point));
        CHECK(invisible_kind(code_point) == kind);
        CHECK(declarable_username("bot" + utf8(code_point) + "x@demo") ==
              (kind == InvisibleKind::visible));
    }
}
