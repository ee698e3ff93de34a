#include "rossum_accounts/render/report.hpp"

#include "format.hpp"

#include <fmt/format.h>
#include <sstream>

namespace ra {

namespace {

using render::printable;

const char* done_verb(ActionKind kind) {
    switch (kind) {
    case ActionKind::create:
        return "+ created";
    case ActionKind::update:
        return "~ updated";
    case ActionKind::deactivate:
        return "- deactivated";
    case ActionKind::skip:
        break;
    }
    return "= unchanged";
}

const char* status_verb(const ActionResult& r) {
    switch (r.status) {
    case ResultStatus::done:
        return done_verb(r.created_elsewhere ? ActionKind::update : r.action);
    case ResultStatus::failed:
        return "! failed";
    case ResultStatus::unknown:
        return "? unknown";
    case ResultStatus::not_attempted:
        break;
    }
    return ". not attempted";
}

// "  ! failed NAME: ERROR (NOTE)"; `fields` lists what an update changed.
std::string result_line(const ActionResult& r, const std::string& fields, bool color) {
    const std::string verb = status_verb(r);
    std::string line = "  " + render::paint(verb, render::symbol_color(verb[0]), color) + ' ' +
                       printable(r.username);
    if (!fields.empty()) {
        line += " (" + printable(fields) + ")";
    }
    if (!r.error.empty()) {
        line += ": " + printable(r.error);
    }
    if (!r.note.empty()) {
        line += " (" + printable(r.note) + ")";
    }
    return line;
}

std::string changed_fields(const Action& action) {
    std::string out;
    for (const FieldChange& c : action.changes) {
        out += (out.empty() ? "" : ", ") + c.field;
    }
    return out;
}

std::string summary_prefix(const Report& report) {
    if (report.interrupted) {
        return "Apply interrupted";
    }
    if (report.stopped_early) {
        return fmt::format("Apply stopped early ({})", to_string(report.stop_reason));
    }
    return "Apply complete";
}

} // namespace

std::string progress_line(const ActionResult& result, const Action& action) {
    const bool quiet_skip = result.action == ActionKind::skip &&
                            result.status == ResultStatus::done && result.note.empty();
    if (quiet_skip) {
        return {};
    }
    const bool updated = result.status == ResultStatus::done && result.action == ActionKind::update;
    return result_line(result, updated ? changed_fields(action) : std::string(), false);
}

std::string report_summary_line(const Report& report) {
    const ReportSummary s = report.summary();
    return fmt::format("{}: {} created, {} updated, {} deactivated, {} unchanged, {} failed, {} "
                       "not attempted.",
                       summary_prefix(report), s.created, s.updated, s.deactivated, s.skipped,
                       s.failed, s.not_attempted);
}

void render_report_text(const Report& report, std::ostream& out, const TextOptions& options) {
    std::ostringstream text;
    bool retry_helps = false;
    bool failed = false;
    for (const ActionResult& r : report.results) {
        if (r.status == ResultStatus::done ||
            (r.action == ActionKind::skip && r.status == ResultStatus::not_attempted)) {
            continue;
        }
        if (!failed && !retry_helps) {
            text << "\nNot applied:\n";
        }
        (r.status == ResultStatus::failed ? failed : retry_helps) = true;
        text << result_line(r, {}, options.color) << '\n';
    }
    if (retry_helps) {
        text << "Run the same apply again; it will converge.\n";
    }
    if (failed) {
        text << "Fix the failed accounts above, then run apply again.\n";
    }
    text << '\n'
         << render::paint(report_summary_line(report), render::k_bold, options.color) << '\n';
    out << text.str();
}

nlohmann::json report_to_json(const Report& report) {
    const ReportSummary s = report.summary();
    nlohmann::json results = nlohmann::json::array();
    for (const ActionResult& r : report.results) {
        results.push_back({
            {"username", r.username},
            {"action", to_string(r.action)},
            {"status", to_string(r.status)},
            {"error", r.error.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.error)},
            {"note", r.note.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.note)},
        });
    }
    return {
        {"format_version", k_report_format_version},
        {"summary",
         {{"created", s.created},
          {"updated", s.updated},
          {"deactivated", s.deactivated},
          {"skipped", s.skipped},
          {"failed", s.failed},
          {"not_attempted", s.not_attempted}}},
        {"results", std::move(results)},
    };
}

void render_report_json(const Report& report, std::ostream& out) {
    out << report_to_json(report).dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
        << '\n';
}

} // namespace ra
