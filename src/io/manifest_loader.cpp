// Reading a manifest: a bounded, non-blocking read of a regular file, a byte-level pre-scan
// (NUL, UTF-8, tab indentation) and then the YAML and schema passes.
#include "rossum_accounts/io/manifest_loader.hpp"

#include "manifest_loader_tree.hpp"
#include "rossum_accounts/core/invisible.hpp"
#include "rossum_accounts/io/files.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <unicode/utf8.h>
#include <unistd.h>

namespace ra {

namespace {

// Enough to fix a file by; a hostile file could otherwise produce one per byte.
constexpr std::size_t k_max_diagnostics = 50;

LoadResult failure(const std::string& file, int line, int column, std::string message) {
    LoadResult result;
    result.diagnostics.push_back(
        Diagnostic{SourceLocation{file, line, column}, "", std::move(message)});
    return result;
}

// The character at `i`, decoded by ICU as the core's username and password checks decode.
struct Decoded {
    UChar32 code_point = 0; // negative for an ill-formed byte
    std::size_t length = 1; // in bytes
};

// An ill-formed byte is stepped over alone (ICU would skip its whole maximal subpart), so each
// such byte counts as one column of the places reported after it.
Decoded decode_at(std::string_view s, std::size_t i) {
    auto at = static_cast<std::int32_t>(i);
    Decoded d;
    U8_NEXT(reinterpret_cast<const std::uint8_t*>(s.data()), at,
            static_cast<std::int32_t>(s.size()), d.code_point);
    if (d.code_point >= 0)
        d.length = static_cast<std::size_t>(at) - i;
    return d;
}

// libyaml reads YAML 1.1, where a lone CR, NEL, LS and PS end a line; git, diff views and
// yaml-cpp (and YAML 1.2) do not, so "# note<CR>prune: true" would be a comment to a reviewer
// and a key to us. libyaml also refuses these control characters, but without a place.
std::optional<std::string> refused_character(std::string_view s, std::size_t i, char32_t cp) {
    const char c = s[i];
    if (c >= 0x20 && c < 0x7F)
        return std::nullopt; // most of a manifest
    if (c == '\r')
        return i + 1 < s.size() && s[i + 1] == '\n'
                   ? std::nullopt
                   : std::optional<std::string>("a carriage return must be followed by a line "
                                                "feed (only LF and CRLF line ends are allowed)");
    // Of the invisible characters, a file may hold LF, tab, spaces and format characters (in a
    // comment or a metadata value; a username may hold none). U+FFFE and U+FFFF are no
    // characters at all, and libyaml refuses them too.
    const InvisibleKind kind = invisible_kind(cp);
    const bool line_break = kind == InvisibleKind::line_break && cp != U'\n';
    const bool control =
        (kind == InvisibleKind::control && cp != U'\t') || cp == 0xFFFE || cp == 0xFFFF;
    if (!line_break && !control)
        return std::nullopt;
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(cp));
    if (line_break)
        return "manifest contains the line break " + std::string(hex) +
               " (only LF and CRLF line ends are allowed)";
    return "manifest contains the non-printable character " + std::string(hex);
}

// NUL bytes, invalid UTF-8, line breaks other than LF and CRLF, control characters and tabs in
// indentation, each kind reported once at its first place; yaml-cpp would accept the first two
// silently and word the third confusingly.
Diagnostics prescan(std::string_view text, const std::string& file) {
    Diagnostics found;
    int line = 1;
    int column = 1;
    bool indentation = true;
    bool nul = false;
    bool utf8 = false;
    bool tab = false;
    bool refused = false;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        const Decoded decoded = decode_at(text, i);
        if (c == '\0') {
            if (!nul)
                found.push_back(Diagnostic{SourceLocation{file, line, column}, "",
                                           "manifest contains a NUL byte"});
            nul = true;
        } else if (decoded.code_point < 0) {
            if (!utf8) {
                utf8 = true;
                found.push_back(Diagnostic{SourceLocation{file, line, column}, "",
                                           "invalid UTF-8 at byte offset " + std::to_string(i)});
            }
        } else if (c == '\t' && indentation && !tab) {
            tab = true;
            found.push_back(Diagnostic{SourceLocation{file, line, column}, "",
                                       "tabs are not allowed in indentation"});
        } else if (!refused) {
            if (auto why = refused_character(text, i, static_cast<char32_t>(decoded.code_point))) {
                refused = true;
                found.push_back(Diagnostic{SourceLocation{file, line, column}, "", *why});
            }
        }
        if (c == '\n') {
            ++line;
            column = 1;
            indentation = true;
        } else {
            ++column;
            if (c != ' ' && c != '\t')
                indentation = false;
        }
        i += decoded.length;
    }
    return found;
}

// Absolute and normalized, so a saved plan names the password file the manifest means from any
// working directory. Falls back to the relative directory if the working directory is unknown.
std::string base_dir_of(const std::string& path) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (parent.empty())
        parent = ".";
    std::error_code ec;
    const std::filesystem::path absolute = std::filesystem::absolute(parent, ec);
    std::filesystem::path normal = (ec ? parent : absolute).lexically_normal();
    if (!normal.has_filename() && normal != normal.root_path())
        normal = normal.parent_path(); // "/srv/gitops/." normalizes to "/srv/gitops/"
    return normal.string();
}

} // namespace

LoadResult load_manifest_text(std::string_view text, const std::string& file_label,
                              const std::string& base_dir) {
    if (text.size() > k_max_manifest_bytes)
        return failure(file_label, 0, 0,
                       "manifest is larger than " + std::to_string(k_max_manifest_bytes) +
                           " bytes");
    if (text.empty())
        return failure(file_label, 0, 0, "manifest is empty");
    LoadResult result;
    result.diagnostics = prescan(text, file_label);
    if (!result.diagnostics.empty())
        return result;
    auto parsed = manifest_detail::parse_yaml(std::string(text), file_label);
    result.diagnostics = std::move(parsed.diagnostics);
    if (parsed.root) {
        manifest_detail::check_yaml_features(*parsed.root, file_label, result.diagnostics);
        Manifest manifest =
            manifest_detail::build_manifest(*parsed.root, file_label, base_dir, result.diagnostics);
        if (result.diagnostics.empty())
            result.manifest = std::move(manifest);
    }
    std::stable_sort(result.diagnostics.begin(), result.diagnostics.end(),
                     [](const Diagnostic& a, const Diagnostic& b) {
                         return std::pair(a.where.line, a.where.column) <
                                std::pair(b.where.line, b.where.column);
                     });
    if (result.diagnostics.size() > k_max_diagnostics) {
        const std::size_t hidden = result.diagnostics.size() - k_max_diagnostics;
        result.diagnostics.resize(k_max_diagnostics);
        result.diagnostics.push_back(
            Diagnostic{SourceLocation{file_label, 0, 0}, "",
                       std::to_string(hidden) + " more problems not shown"});
    }
    return result;
}

LoadResult load_manifest_file(const std::string& path) {
    auto read = read_small_file(path, k_max_manifest_bytes);
    if (auto* text = std::get_if<std::string>(&read))
        return load_manifest_text(*text, path, base_dir_of(path));
    const ReadProblem& p = std::get<ReadProblem>(read);
    switch (p.failure) {
    case ReadFailure::open:
        return failure(path, 0, 0, "cannot open manifest: " + lowered_strerror(p.errnum));
    case ReadFailure::not_regular:
    case ReadFailure::refused:
        return failure(path, 0, 0, "manifest is not a regular file");
    case ReadFailure::too_large:
        return failure(path, 0, 0,
                       "manifest is larger than " + std::to_string(k_max_manifest_bytes) +
                           " bytes");
    case ReadFailure::stat:
    case ReadFailure::read:
        break;
    }
    return failure(path, 0, 0, "cannot read manifest: " + lowered_strerror(p.errnum));
}

} // namespace ra
