#pragma once
// nlohmann::json keeps integers of up to 64 bits; a longer integer literal silently becomes a
// double, so sending the value back would change it.

#include <string_view>

namespace ra {

// Whether the JSON TEXT holds an integer literal beyond 64 bits (-9223372036854775808 to
// 18446744073709551615). False for text that is not valid JSON (the parser reports that).
bool json_has_oversized_integer(std::string_view text);

} // namespace ra
