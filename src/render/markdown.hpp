#pragma once
// Markdown escaping for untrusted text (private to ra_render).

#include <cstddef>
#include <string>
#include <string_view>

namespace ra::render {

// Inline text that renders literally: markdown punctuation backslash-escaped, <, > and & as
// entities, control characters escaped, so a value cannot open a link, table cell, tag or
// mention.
std::string md_text(std::string_view text);

// At most `limit` bytes of `text`, cut on a UTF-8 character boundary, marked "…" when cut.
std::string clip(const std::string& text, std::size_t limit);

// A code span holding `text` literally, fenced with more backticks than `text` contains in a row.
std::string md_code(std::string_view text);

// A table cell holding `text` literally. GFM splits cells at "|" even inside code spans, unless
// it is escaped.
std::string md_cell_code(std::string_view text);

} // namespace ra::render
