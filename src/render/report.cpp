#include "rossum_accounts/render/report.hpp"

#include "format.hpp"
#include "markdown.hpp"
#include "rossum_accounts/core/last_applied.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"

#include <fmt/format.h>
#include <optional>
#include <sstream>
#include <vector>

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

// The last-applied record is bookkeeping written with every update: not a field to report.
std::string changed_fields(const Action& action) {
    std::string out;
    for (const FieldChange& c : action.changes) {
        if (c.field != k_record_key) {
            out += (out.empty() ? "" : ", ") + c.field;
        }
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

// Shown with its reason even under -q: a failure, an unknown outcome, or a deliberate stop.
bool has_reason_to_show(const ActionResult& r) {
    return r.status == ResultStatus::failed || r.status == ResultStatus::unknown ||
           (r.status == ResultStatus::not_attempted && !r.error.empty());
}

// What the text report lists under "Not applied".
bool not_applied(const ActionResult& r) {
    return r.status != ResultStatus::done &&
           !(r.action == ActionKind::skip && r.status == ResultStatus::not_attempted);
}

// ---- markdown --------------------------------------------------------------------------------

// Server error texts can be long (a whole response body); a table cell keeps their start.
constexpr std::size_t k_max_reason = 1000;

const char* md_done(ActionKind kind) {
    switch (kind) {
    case ActionKind::create:
        return "created";
    case ActionKind::update:
        return "updated";
    case ActionKind::deactivate:
        return "deactivated";
    case ActionKind::skip:
        break;
    }
    return "unchanged";
}

// The report's status words, with a space instead of the JSON form's underscore.
const char* md_status(ResultStatus status) {
    return status == ResultStatus::not_attempted ? "not attempted" : to_string(status);
}

std::string md_reason(const ActionResult& r) {
    std::string reason = render::clip(r.error, k_max_reason);
    if (!r.note.empty()) {
        reason += (reason.empty() ? "" : " ") + ("(" + r.note + ")");
    }
    return render::md_text(reason);
}

struct MarkdownRow {
    bool applied = false; // else "not applied"
    std::string text;
};

std::vector<MarkdownRow> markdown_rows(const Report& report) {
    std::vector<MarkdownRow> rows;
    for (const ActionResult& r : report.results) {
        if (not_applied(r)) {
            rows.push_back({false, fmt::format("| {} | {} | {} | {} |\n", md_status(r.status),
                                               render::md_cell_code(r.username),
                                               to_string(r.action), md_reason(r))});
        }
    }
    for (const ActionResult& r : report.results) {
        const bool worth_a_row = r.action != ActionKind::skip || !r.note.empty();
        if (r.status == ResultStatus::done && worth_a_row) {
            rows.push_back(
                {true, fmt::format("| {} | {} | {} |\n", md_done(r.action),
                                   render::md_cell_code(r.username), render::md_text(r.note))});
        }
    }
    return rows;
}

std::string markdown_header(const Report& report) {
    const ReportSummary s = report.summary();
    std::string out = "## rossum-accounts apply\n\n";
    out += summary_prefix(report) + ".\n\n";
    out += "| Created | Updated | Deactivated | Unchanged | Failed | Not attempted |\n";
    out += "| ---: | ---: | ---: | ---: | ---: | ---: |\n";
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n\n", s.created, s.updated, s.deactivated,
                       s.skipped, s.failed, s.not_attempted);
    return out;
}

std::string markdown_section(bool applied) {
    return applied ? "### Applied\n\n| Result | Account | Note |\n| --- | --- | --- |\n"
                   : "### Not applied\n\n| Status | Account | Action | Reason |\n"
                     "| --- | --- | --- | --- |\n";
}

std::string markdown_advice(const Report& report) {
    bool retry_helps = false;
    bool failed = false;
    for (const ActionResult& r : report.results) {
        if (not_applied(r)) {
            (r.status == ResultStatus::failed ? failed : retry_helps) = true;
        }
    }
    std::string out;
    if (retry_helps) {
        out += "Run the same apply again; it will converge.\n";
    }
    if (failed) {
        out += (out.empty() ? "" : "\n") + std::string("Fix the failed accounts above, then run "
                                                       "apply again.\n");
    }
    return out;
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

void render_report_quiet(const Report& report, std::ostream& out) {
    std::ostringstream text;
    for (const ActionResult& r : report.results) {
        if (has_reason_to_show(r)) {
            text << result_line(r, {}, false) << '\n';
        }
    }
    text << report_summary_line(report) << '\n';
    out << text.str();
}

void render_report_markdown(const Report& report, std::ostream& out) {
    // Room for the advice and the cut notice, whose count is at most a few digits.
    static constexpr std::size_t k_tail_room = 512;
    std::string text = markdown_header(report);
    const std::vector<MarkdownRow> rows = markdown_rows(report);
    std::optional<bool> open; // the section whose table is being written
    std::size_t shown = 0;
    for (; shown < rows.size(); ++shown) {
        std::string piece;
        if (open != rows[shown].applied) {
            piece = (open ? "\n" : "") + markdown_section(rows[shown].applied);
        }
        piece += rows[shown].text;
        if (text.size() + piece.size() + k_tail_room >= k_markdown_limit) {
            break;
        }
        text += piece;
        open = rows[shown].applied;
    }
    // A table ends only at a blank line: without it the next paragraph would become a row.
    if (open) {
        text += "\n";
    }
    if (shown < rows.size()) {
        text += fmt::format("… {} not shown (output capped at {} characters); `rossum-accounts "
                            "apply --format json` reports every result\n\n",
                            render::count_noun(static_cast<int>(rows.size() - shown), "more result",
                                               "more results"),
                            k_markdown_limit);
    }
    text += markdown_advice(report);
    out << text;
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
    out << render::json_document(report_to_json(report));
}

} // namespace ra
