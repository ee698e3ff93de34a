#include "rossum_accounts/render/drift.hpp"

#include "format.hpp"
#include "markdown.hpp"
#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"

#include <fmt/format.h>
#include <sstream>

namespace ra {
namespace {

using nlohmann::json;
using render::paint;
using render::printable;

bool is_alert(Cause cause) {
    return cause == Cause::drift || cause == Cause::conflict;
}

void count(DriftReport& report, Cause cause) {
    switch (cause) {
    case Cause::drift:
        ++report.drift;
        break;
    case Cause::conflict:
        ++report.conflict;
        break;
    case Cause::manifest:
        ++report.manifest;
        break;
    case Cause::unknown:
        ++report.unknown;
        break;
    }
}

std::string organization_title(const Plan& plan) {
    if (plan.organization.name.empty())
        return std::to_string(plan.organization.id);
    return fmt::format("{} (id {})", render::show_value(plan.organization.name),
                       plan.organization.id);
}

std::string source_of(const Action& a) {
    return a.source.empty() ? std::string("not in the manifest") : a.source;
}

std::string value_pair(const FieldChange& c) {
    return fmt::format("live {}, manifest {}", render::show_change_side(c, c.before),
                       render::show_change_side(c, c.after));
}

void text_entries(const std::vector<DriftEntry>& entries, std::ostream& out, bool color) {
    for (const DriftEntry& e : entries) {
        out << "\n  " << to_string(e.action->kind) << ' ' << printable(e.action->username) << "   ("
            << printable(source_of(*e.action)) << ")\n";
        for (const FieldChange* c : e.changes) {
            const Cause cause = c->cause.value_or(Cause::unknown);
            const std::string label = fmt::format("[{}]", to_string(cause));
            const char* code = cause == Cause::conflict ? render::k_red
                               : cause == Cause::drift  ? render::k_yellow
                                                        : render::k_bold;
            out << "      " << paint(label, code, color && is_alert(cause)) << ' '
                << printable(c->field) << ": " << printable(value_pair(*c)) << '\n';
        }
    }
}

// Room for the cut notice, whose count is at most a few digits.
constexpr std::size_t k_notice_room = 256;

// One table per side; rows that would take the text past the markdown cap are counted in CUT.
void md_table(const std::vector<DriftEntry>& entries, std::string& text, int& cut) {
    text += "| Account | Action | Field | Live | Manifest | Cause |\n"
            "| --- | --- | --- | --- | --- | --- |\n";
    for (const DriftEntry& e : entries)
        for (const FieldChange* c : e.changes) {
            const std::string row = fmt::format(
                "| {} | {} | {} | {} | {} | {} |\n", render::md_cell_code(e.action->username),
                to_string(e.action->kind), render::md_cell_code(c->field),
                render::md_cell_code(render::clip(render::show_change_side(*c, c->before), 200)),
                render::md_cell_code(render::clip(render::show_change_side(*c, c->after), 200)),
                to_string(c->cause.value_or(Cause::unknown)));
            if (cut > 0 || text.size() + row.size() + k_notice_room >= k_markdown_limit)
                ++cut;
            else
                text += row;
        }
    text += "\n";
}

json json_entries(const std::vector<DriftEntry>& entries) {
    json out = json::array();
    for (const DriftEntry& e : entries) {
        json changes = json::array();
        for (const FieldChange* c : e.changes)
            changes.push_back({{"field", c->field},
                               {"live", c->before},
                               {"manifest", c->after},
                               {"cause", to_string(c->cause.value_or(Cause::unknown))}});
        out.push_back({{"username", e.action->username},
                       {"action", to_string(e.action->kind)},
                       {"source", e.action->source},
                       {"user_id", e.action->user_id ? json(*e.action->user_id) : json(nullptr)},
                       {"changes", std::move(changes)}});
    }
    return out;
}

} // namespace

DriftReport drift_report(const Plan& plan) {
    DriftReport report;
    for (const Action& a : plan.actions) {
        DriftEntry alerts{&a, {}};
        DriftEntry pending{&a, {}};
        for (const FieldChange& c : a.changes) {
            if (!c.cause)
                continue; // the record's own line: bookkeeping
            count(report, *c.cause);
            (is_alert(*c.cause) ? alerts : pending).changes.push_back(&c);
        }
        if (!alerts.changes.empty())
            report.alerts.push_back(std::move(alerts));
        if (!pending.changes.empty())
            report.pending.push_back(std::move(pending));
    }
    return report;
}

std::string drift_summary_line(const DriftReport& report) {
    const int pending = report.manifest + report.unknown;
    const std::string pending_text =
        render::count_noun(pending, "pending manifest change", "pending manifest changes");
    if (!report.has_alerts())
        return fmt::format("No drift. {}.", pending_text);
    return fmt::format(
        "Drift: {}, {}; {}.",
        render::count_noun(report.drift, "change outside the tool", "changes outside the tool"),
        render::count_noun(report.conflict, "conflict", "conflicts"), pending_text);
}

void render_drift_text(const Plan& plan, const DriftReport& report, std::ostream& out,
                       const TextOptions& options) {
    const bool color = options.color;
    std::ostringstream text;
    text << paint(fmt::format("Drift for organization {} at {}",
                              printable(organization_title(plan)), printable(plan.api_url)),
                  render::k_bold, color)
         << "\n";
    if (plan.partial())
        text << paint(printable(plan_selection_line(plan)), render::k_yellow, color) << "\n";
    if (!report.alerts.empty()) {
        text << "\nChanged outside the tool (drift: " << render::k_drift_meaning
             << "; conflict: " << render::k_conflict_meaning << "):\n";
        text_entries(report.alerts, text, color);
    }
    if (!report.pending.empty()) {
        text << "\nPending manifest changes (information: apply makes them):\n";
        text_entries(report.pending, text, color);
    }
    if (!plan.warnings.empty())
        text << "\n";
    for (const std::string& w : plan.warnings)
        text << paint("Warning:", render::k_yellow, color) << ' ' << printable(w) << "\n";
    text << "\n" << paint(drift_summary_line(report), render::k_bold, color) << "\n";
    out << text.str();
}

void render_drift_markdown(const Plan& plan, const DriftReport& report, std::ostream& out) {
    std::string text = "## rossum-accounts drift\n\n";
    text += fmt::format("Organization {} at {}\n\n",
                        render::md_text(render::clip(organization_title(plan), 200)),
                        render::md_code(render::clip(plan.api_url, 200)));
    if (plan.partial())
        text += "> **" + render::md_text(render::clip(plan_selection_line(plan), 800)) + "**\n\n";
    text += "| Drift | Conflict | Pending (manifest) | Pending (unknown) |\n";
    text += "| ---: | ---: | ---: | ---: |\n";
    text += fmt::format("| {} | {} | {} | {} |\n\n", report.drift, report.conflict, report.manifest,
                        report.unknown);
    // Alerts come first, so a cut drops pending information before any of them.
    int cut = 0;
    if (!report.alerts.empty()) {
        text += fmt::format("### 🟠 Changed outside the tool\n\nDrift: {}. Conflict: {}.\n\n",
                            render::k_drift_meaning, render::k_conflict_meaning);
        md_table(report.alerts, text, cut);
    }
    if (!report.pending.empty()) {
        text += "### Pending manifest changes (information)\n\n";
        md_table(report.pending, text, cut);
    }
    if (cut > 0)
        text += fmt::format("… {} not shown (output capped at {} characters); run "
                            "`rossum-accounts drift` for the full report\n\n",
                            render::count_noun(cut, "more row", "more rows"), k_markdown_limit);
    if (!plan.warnings.empty()) {
        text += "### Warnings\n\n";
        for (const std::string& w : plan.warnings)
            text += fmt::format("- ⚠️ {}\n", render::md_text(w));
        text += "\n";
    }
    text += render::md_text(drift_summary_line(report)) + "\n";
    out << text;
}

void render_drift_json(const Plan& plan, const DriftReport& report, std::ostream& out) {
    json j = {
        {"format_version", k_drift_format_version},
        {"api_url", plan.api_url},
        {"organization", organization_to_json(plan.organization)},
        {"summary",
         {{"drift", report.drift},
          {"conflict", report.conflict},
          {"manifest", report.manifest},
          {"unknown", report.unknown}}},
        {"drift_found", report.has_alerts()},
        {"alerts", json_entries(report.alerts)},
        {"pending", json_entries(report.pending)},
        {"warnings", plan.warnings},
    };
    if (plan.partial())
        j["selection"] = {{"target", plan.targets}, {"exclude", plan.excludes}};
    // Escapes C1 controls and invisible characters as the plan and the report do: same data.
    out << render::json_document(j);
}

} // namespace ra
