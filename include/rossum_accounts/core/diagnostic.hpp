#pragma once
// A manifest problem with its place: "FILE:LINE:COL: path: message". Lines and columns are 1-based.

#include <string>
#include <vector>

namespace ra {

struct SourceLocation {
    std::string file;
    int line = 0;
    int column = 0;
};

struct Diagnostic {
    SourceLocation where;
    std::string path; // e.g. "accounts[1].groups"; empty for whole-file problems
    std::string message;
};

// "FILE:LINE:COL: path: message" (parts that are unknown are left out).
std::string format_diagnostic(const Diagnostic& d);

// "FILE:LINE", the short form used in plans.
std::string format_source(const SourceLocation& where);

using Diagnostics = std::vector<Diagnostic>;

} // namespace ra
