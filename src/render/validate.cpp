#include "rossum_accounts/render/validate.hpp"

#include "format.hpp"

#include <nlohmann/json.hpp>

namespace ra {
namespace {

// An unknown part of the place is null rather than "" or 0, so a tool can tell it is unknown.
nlohmann::json diagnostic_to_json(const Diagnostic& d) {
    auto or_null = [](const auto& value, bool known) {
        return known ? nlohmann::json(value) : nlohmann::json(nullptr);
    };
    return {
        {"severity", "error"},
        {"file", or_null(d.where.file, !d.where.file.empty())},
        {"line", or_null(d.where.line, d.where.line > 0)},
        {"column", or_null(d.where.column, d.where.line > 0 && d.where.column > 0)},
        {"path", or_null(d.path, !d.path.empty())},
        {"message", d.message},
    };
}

} // namespace

void render_validate_json(const ValidateOutcome& outcome, std::ostream& out) {
    nlohmann::json diagnostics = nlohmann::json::array();
    for (const Diagnostic& d : outcome.diagnostics)
        diagnostics.push_back(diagnostic_to_json(d));
    const bool valid = outcome.diagnostics.empty();
    nlohmann::json doc = {
        {"format_version", k_validate_format_version},
        {"valid", valid},
        {"files", outcome.files},
        {"accounts",
         valid && outcome.accounts ? nlohmann::json(*outcome.accounts) : nlohmann::json(nullptr)},
        {"diagnostics", std::move(diagnostics)},
    };
    out << render::json_document(doc);
}

} // namespace ra
