#include "rossum_accounts/core/diagnostic.hpp"

#include <string>

namespace ra {

std::string format_diagnostic(const Diagnostic& d) {
    std::string out;
    if (!d.where.file.empty())
        out += d.where.file + ":";
    if (d.where.line > 0) {
        out += std::to_string(d.where.line) + ":";
        if (d.where.column > 0)
            out += std::to_string(d.where.column) + ":";
    }
    if (!out.empty())
        out += " ";
    if (!d.path.empty())
        out += d.path + ": ";
    out += d.message;
    return out;
}

std::string format_source(const SourceLocation& where) {
    if (where.line <= 0)
        return where.file;
    return where.file + ":" + std::to_string(where.line);
}

} // namespace ra
