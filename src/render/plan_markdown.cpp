#include "rossum_accounts/render/plan_markdown.hpp"

#include "format.hpp"
#include "markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"

#include <fmt/format.h>

namespace ra {

namespace {

using render::clip;
using render::md_code;
using render::md_text;

const char* heading(ActionKind kind) {
    switch (kind) {
    case ActionKind::create:
        return "+ create";
    case ActionKind::update:
        return "~ update";
    case ActionKind::deactivate:
        return "- deactivate";
    case ActionKind::skip:
        break;
    }
    return "= unchanged";
}

// Diff lines: an added value is "+", a removed one "-", a change both.
std::string diff_lines(const FieldChange& c,
                       const std::map<std::int64_t, std::string>& queue_names) {
    const std::string field = render::printable(c.field);
    const std::string names = render::queue_names_note(c, queue_names);
    std::string out;
    if (!c.before.is_null()) {
        out += fmt::format("- {} = {}\n", field, render::show_change_side(c, c.before));
    }
    if (!c.after.is_null()) {
        out += fmt::format("+ {} = {}{}\n", field, render::show_change_side(c, c.after), names);
    }
    return out;
}

std::string action_section(const Action& a,
                           const std::map<std::int64_t, std::string>& queue_names) {
    std::string out = fmt::format("### {} {}\n\n", heading(a.kind), md_code(a.username));
    out += a.source.empty() ? std::string("Not in the manifest (pruned).\n\n")
                            : fmt::format("Source: {}\n\n", md_code(a.source));
    if (!a.changes.empty()) {
        out += "```diff\n";
        for (const FieldChange& c : a.changes) {
            out += diff_lines(c, queue_names);
        }
        out += "```\n\n";
    }
    bool alerted = false;
    for (const FieldChange& c : a.changes) {
        if (const char* cause = render::alert_cause(c)) {
            out += fmt::format("- {} **{}** {}: {}\n", c.cause == Cause::conflict ? "🔴" : "🟠",
                               cause, md_code(c.field),
                               c.cause == Cause::conflict ? render::k_conflict_meaning
                                                          : render::k_drift_meaning);
            alerted = true;
        }
    }
    if (alerted) {
        out += "\n";
    }
    for (const std::string& w : a.warnings) {
        out += fmt::format("- ⚠️ {}\n", md_text(w));
    }
    if (!a.warnings.empty()) {
        out += "\n";
    }
    return out;
}

std::string header(const Plan& plan) {
    static constexpr std::size_t k_max_name = 200;
    const PlanSummary s = plan.summary();
    std::string out = "## rossum-accounts plan\n\n";
    // The name is unknown when the plan skipped reading the caller's own organization (budget).
    const std::string organization =
        plan.organization.name.empty()
            ? std::to_string(plan.organization.id)
            : fmt::format("{} (id {})", md_text(clip(plan.organization.name, k_max_name)),
                          plan.organization.id);
    out += fmt::format("Organization {} at {}\n\n", organization,
                       md_code(clip(plan.api_url, k_max_name)));
    if (plan.snapshot)
        out += "> " + md_text(clip(plan_snapshot_line(plan), 4 * k_max_name)) + "\n\n";
    if (plan.partial())
        out += "> **" + md_text(clip(plan_selection_line(plan), 4 * k_max_name)) + "**\n\n";
    out += "| Create | Update | Deactivate | Unchanged |\n";
    out += "| ---: | ---: | ---: | ---: |\n";
    out += fmt::format("| {} | {} | {} | {} |\n\n", s.create, s.update, s.deactivate, s.skip);
    if (const std::string cost = plan_cost_line(plan); !cost.empty())
        out += md_text(cost) + "\n\n";
    const render::AlertCount alerts = render::count_alerts(plan);
    if (alerts.total() > 0) {
        out += fmt::format("**Changed outside the tool:** {}, {} (marked below).\n\n",
                           render::count_noun(alerts.drift, "drift", "drifts"),
                           render::count_noun(alerts.conflict, "conflict", "conflicts"));
    }
    if (!s.has_changes()) {
        out += plan_summary_line(plan) + "\n\n";
    }
    return out;
}

struct Piece {
    std::string text;
    bool is_action = false;
};

std::vector<Piece> pieces(const Plan& plan) {
    std::vector<Piece> out;
    for (const Action& a : plan.actions) {
        if (a.kind != ActionKind::skip || !a.warnings.empty()) {
            out.push_back({action_section(a, plan.queue_names), true});
        }
    }
    for (std::size_t i = 0; i < plan.warnings.size(); ++i) {
        std::string text = i == 0 ? "### Warnings\n\n" : "";
        text += fmt::format("- ⚠️ {}\n", md_text(plan.warnings[i]));
        out.push_back({text, false});
    }
    return out;
}

std::string cut_notice(int actions, int warnings) {
    std::string what;
    if (actions > 0) {
        what = render::count_noun(actions, "more action", "more actions");
    }
    if (warnings > 0) {
        what += (what.empty() ? "" : " and ") + render::count_noun(warnings, "warning", "warnings");
    }
    return fmt::format("… {} not shown (output capped at {} characters); run `rossum-accounts "
                       "plan` for the full plan\n",
                       what, k_markdown_limit);
}

} // namespace

void render_plan_markdown(const Plan& plan, std::ostream& out) {
    // Room for the cut notice, whose counts are at most a few digits each.
    static constexpr std::size_t k_notice_room = 256;
    std::string text = header(plan);
    const std::vector<Piece> all = pieces(plan);
    std::size_t shown = 0;
    while (shown < all.size() &&
           text.size() + all[shown].text.size() + k_notice_room < k_markdown_limit) {
        text += all[shown++].text;
    }
    if (shown < all.size()) {
        int actions = 0;
        int warnings = 0;
        for (std::size_t i = shown; i < all.size(); ++i) {
            (all[i].is_action ? actions : warnings) += 1;
        }
        text += cut_notice(actions, warnings);
    }
    out << text;
}

} // namespace ra
