#include "markdown.hpp"

#include "format.hpp"

#include <algorithm>

namespace ra::render {

std::string md_text(std::string_view text) {
    static constexpr std::string_view k_punctuation = "\\`*_[]!|~@:";
    std::string out;
    for (const char c : printable(text)) {
        if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (c == '&') {
            out += "&amp;";
        } else {
            if (k_punctuation.find(c) != std::string_view::npos) {
                out += '\\';
            }
            out += c;
        }
    }
    return out;
}

std::string clip(const std::string& text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0U) == 0x80U) {
        --end;
    }
    return text.substr(0, end) + "…";
}

std::string md_code(std::string_view text) {
    const std::string content = printable(text);
    std::size_t longest = 0;
    std::size_t run = 0;
    for (const char c : content) {
        run = c == '`' ? run + 1 : 0;
        longest = std::max(longest, run);
    }
    const std::string fence(longest + 1, '`');
    // A space on both sides keeps a leading or trailing backtick off the fence (CommonMark strips
    // exactly one space from each side).
    const bool pad = content.empty() || content.front() == '`' || content.back() == '`' ||
                     (content.front() == ' ' && content.back() == ' ');
    const std::string space = pad ? " " : "";
    return fence + space + content + space + fence;
}

std::string md_cell_code(std::string_view text) {
    std::string out;
    for (const char c : md_code(text)) {
        if (c == '|') {
            out += '\\';
        }
        out += c;
    }
    return out;
}

} // namespace ra::render
