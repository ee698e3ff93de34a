#include "rossum_accounts/core/invisible.hpp"

#include <unicode/uchar.h>

namespace ra {

InvisibleKind invisible_kind(char32_t code_point) {
    if (code_point > 0x20 && code_point < 0x7F)
        return InvisibleKind::visible; // most of a manifest: no ICU look-up
    const auto c = static_cast<UChar32>(code_point);
    if (c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029)
        return InvisibleKind::line_break;
    const auto type = static_cast<UCharCategory>(u_charType(c));
    if (type == U_CONTROL_CHAR)
        return InvisibleKind::control;
    if (u_isUWhiteSpace(c))
        return InvisibleKind::space;
    if (type == U_FORMAT_CHAR)
        return InvisibleKind::format;
    if (type == U_UNASSIGNED || type == U_PRIVATE_USE_CHAR ||
        u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) || c == 0x2800)
        return InvisibleKind::blank;
    return InvisibleKind::visible;
}

} // namespace ra
