#pragma once
// Apply output: a progress line per completed action, the final summary, and the text, quiet,
// markdown and JSON reports. Pure functions of the report: an error message arrives with its
// server text already masked (request_sender.hpp).

#include "rossum_accounts/core/report.hpp"
#include "rossum_accounts/render/options.hpp"

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>

namespace ra {

// "  + created NAME", "  ~ updated NAME (groups, first_name)", "  ! failed NAME: ERROR", ...
// without a newline; empty for an unchanged account (nothing happened worth a line).
std::string progress_line(const ActionResult& result, const Action& action);

// "Apply complete: 1 created, 2 updated, 0 deactivated, 3 unchanged, 1 failed, 0 not attempted."
// ("Apply stopped early (throttled): …" / "Apply interrupted: …" when so); no newline.
std::string report_summary_line(const Report& report);

// The accounts that were not applied and what to do about them, then the summary line.
void render_report_text(const Report& report, std::ostream& out, const TextOptions& options);

// -q: every failed or unknown action and every action not attempted for a stated reason, one
// line each with its reason, then the summary line.
void render_report_quiet(const Report& report, std::ostream& out);

// The report as a pull-request comment: the summary table, then a table of the actions not
// applied (with their reasons) and one of those applied. Under k_markdown_limit bytes; rows that
// do not fit are counted, not shown.
void render_report_markdown(const Report& report, std::ostream& out);

// {"format_version": 1, "summary": {...}, "results": [{"username", "action", "status", "error"}]}
nlohmann::json report_to_json(const Report& report);

// report_to_json indented by 2, newline-terminated.
void render_report_json(const Report& report, std::ostream& out);

} // namespace ra
