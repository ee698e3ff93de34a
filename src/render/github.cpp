#include "rossum_accounts/render/github.hpp"

#include "format.hpp"
#include "rossum_accounts/render/plan_text.hpp"

#include <charconv>
#include <fmt/format.h>
#include <vector>

namespace ra {
namespace {

// GitHub's escapes for the characters that would end the command (or a property); the rest goes
// through printable() in runs, so control characters are escaped as in every other output.
std::string github_escape(std::string_view text, bool property) {
    std::string out;
    std::size_t run_start = 0;
    auto flush = [&](std::size_t end) {
        out += render::printable(text.substr(run_start, end - run_start));
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char* escape = nullptr;
        switch (text[i]) {
        case '%':
            escape = "%25";
            break;
        case '\r':
            escape = "%0D";
            break;
        case '\n':
            escape = "%0A";
            break;
        case ':':
            escape = property ? "%3A" : nullptr;
            break;
        case ',':
            escape = property ? "%2C" : nullptr;
            break;
        default:
            break;
        }
        if (escape == nullptr)
            continue;
        flush(i);
        out += escape;
        run_start = i + 1;
    }
    flush(text.size());
    return out;
}

const char* command_name(AnnotationLevel level) {
    switch (level) {
    case AnnotationLevel::warning:
        return "warning";
    case AnnotationLevel::notice:
        return "notice";
    case AnnotationLevel::error:
        break;
    }
    return "error";
}

// An action's source is format_source()'s "FILE:LINE" (or "FILE", or empty for a deactivate).
SourceLocation parse_source(const std::string& source) {
    SourceLocation where;
    where.file = source;
    const auto colon = source.rfind(':');
    if (colon == std::string::npos || colon + 1 == source.size())
        return where;
    int line = 0;
    const char* begin = source.data() + colon + 1;
    const char* end = source.data() + source.size();
    const auto [ptr, ec] = std::from_chars(begin, end, line);
    if (ec != std::errc() || ptr != end || line <= 0)
        return where;
    where.file = source.substr(0, colon);
    where.line = line;
    return where;
}

constexpr const char* k_title = "rossum-accounts";

} // namespace

std::string github_escape_data(std::string_view text) {
    return github_escape(text, false);
}

std::string github_escape_property(std::string_view text) {
    return github_escape(text, true);
}

std::string github_annotation(const Annotation& annotation) {
    std::vector<std::string> properties;
    if (!annotation.where.file.empty())
        properties.push_back("file=" + github_escape_property(annotation.where.file));
    if (annotation.where.line > 0) {
        properties.push_back(fmt::format("line={}", annotation.where.line));
        if (annotation.where.column > 0)
            properties.push_back(fmt::format("col={}", annotation.where.column));
    }
    if (!annotation.title.empty())
        properties.push_back("title=" + github_escape_property(annotation.title));
    std::string out = "::";
    out += command_name(annotation.level);
    if (!properties.empty())
        out += " " + fmt::format("{}", fmt::join(properties, ","));
    out += "::" + github_escape_data(annotation.message) + "\n";
    return out;
}

Annotation diagnostic_annotation(const Diagnostic& diagnostic) {
    Annotation a;
    a.level = AnnotationLevel::error;
    a.where = diagnostic.where;
    a.title = k_title;
    a.message =
        diagnostic.path.empty() ? diagnostic.message : diagnostic.path + ": " + diagnostic.message;
    return a;
}

void render_plan_annotations(const Plan& plan, std::ostream& out) {
    for (const Action& action : plan.actions) {
        for (const std::string& warning : action.warnings) {
            Annotation a;
            a.level = AnnotationLevel::warning;
            a.where = parse_source(action.source);
            a.title = k_title;
            a.message = fmt::format("account \"{}\": {}", action.username, warning);
            out << github_annotation(a);
        }
    }
    for (const std::string& warning : plan.warnings)
        out << github_annotation({AnnotationLevel::warning, {}, k_title, warning});
    std::string summary = plan_summary_line(plan);
    for (const std::string& line : {plan_selection_line(plan), plan_snapshot_line(plan)})
        if (!line.empty())
            summary += "\n" + line;
    out << github_annotation({AnnotationLevel::notice, {}, "rossum-accounts plan", summary});
}

} // namespace ra
