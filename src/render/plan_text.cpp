#include "rossum_accounts/render/plan_text.hpp"

#include "format.hpp"
#include "rossum_accounts/core/last_applied.hpp"
#include "rossum_accounts/core/snapshot.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sstream>

namespace ra {

namespace {

using render::paint;
using render::printable;

struct Heading {
    char symbol;
    const char* verb;
};

Heading heading(ActionKind kind) {
    switch (kind) {
    case ActionKind::create:
        return {'+', "create"};
    case ActionKind::update:
        return {'~', "update"};
    case ActionKind::deactivate:
        return {'-', "deactivate"};
    case ActionKind::skip:
        break;
    }
    return {'=', "unchanged"};
}

std::string change_line(const FieldChange& c, std::size_t width, bool color,
                        const std::map<std::int64_t, std::string>& queue_names) {
    const char symbol = render::change_symbol(c);
    std::string field = printable(c.field);
    field.resize(std::max(width, field.size()), ' ');
    std::string value;
    if (symbol == '+') {
        value = render::show_change_side(c, c.after);
    } else if (symbol == '-') {
        value = render::show_change_side(c, c.before);
    } else {
        value =
            render::show_change_side(c, c.before) + " -> " + render::show_change_side(c, c.after);
    }
    value += render::queue_names_note(c, queue_names);
    std::string mark;
    if (const char* cause = render::alert_cause(c))
        mark = "   " + paint(fmt::format("[{}]", cause),
                             c.cause == Cause::conflict ? render::k_red : render::k_yellow, color);
    return fmt::format("      {} {} = {}{}\n",
                       paint(std::string(1, symbol), render::symbol_color(symbol), color), field,
                       value, mark);
}

void render_action(const Action& a, std::ostream& out, bool color,
                   const std::map<std::int64_t, std::string>& queue_names) {
    const Heading h = heading(a.kind);
    const std::string title = fmt::format("{} {}", h.symbol, h.verb);
    const std::string source = a.source.empty() ? std::string("not in the manifest") : a.source;
    out << "  " << paint(title, render::symbol_color(h.symbol), color) << ' '
        << printable(a.username) << "   (" << printable(source) << ")\n";
    // The last-applied record's long name would push every value right: it is not aligned.
    std::size_t width = 0;
    for (const FieldChange& c : a.changes) {
        if (c.field != k_record_key) {
            width = std::max(width, printable(c.field).size());
        }
    }
    for (const FieldChange& c : a.changes) {
        out << change_line(c, width, color, queue_names);
    }
    for (const std::string& w : a.warnings) {
        out << "      " << paint("!", render::k_yellow, color) << ' ' << printable(w) << '\n';
    }
}

bool listed(const Action& a) {
    return a.kind != ActionKind::skip || !a.warnings.empty();
}

} // namespace

std::string plan_summary_line(const Plan& plan) {
    const PlanSummary s = plan.summary();
    if (!s.has_changes()) {
        return fmt::format("No changes. {} in sync.", s.skip == 1
                                                          ? std::string("1 account is")
                                                          : fmt::format("{} accounts are", s.skip));
    }
    return fmt::format("Plan: {} to create, {} to update, {} to deactivate, {} unchanged.",
                       s.create, s.update, s.deactivate, s.skip);
}

std::string plan_cost_line(const Plan& plan) {
    const ApplyCost cost = plan.apply_cost();
    if (cost.writes == 0)
        return {};
    const auto requests = [](std::int64_t n, const char* what) {
        return fmt::format("{} {} request{}", n, what, n == 1 ? "" : "s");
    };
    std::string line = "Applying it sends " + requests(cost.writes, "write");
    if (cost.reads > 0)
        line += fmt::format(" and {}", requests(cost.reads, "read")) +
                (cost.reads == 1 ? " of the user it patches" : " of the users it patches");
    if (cost.max_rps <= 0)
        return line + ".";
    const std::int64_t total = cost.writes + cost.reads;
    const std::string rate = fmt::format("--max-rps {}", cost.max_rps);
    if (cost.seconds <= 0)
        return line + fmt::format(" ({} in all: within the first second at {}).", total, rate);
    const auto whole = static_cast<long long>(cost.seconds);
    const std::string time = cost.seconds < 60 ? fmt::format("{:.1f} s", cost.seconds)
                                               : fmt::format("{} min {} s", whole / 60, whole % 60);
    return line + fmt::format(" ({} in all: at least {} at {}).", total, time, rate);
}

std::string plan_selection_line(const Plan& plan) {
    if (!plan.partial())
        return {};
    auto quoted = [](const std::vector<std::string>& globs) {
        std::vector<std::string> out;
        for (const auto& g : globs)
            out.push_back("\"" + g + "\"");
        return fmt::format("{}", fmt::join(out, ", "));
    };
    std::string line = "Partial plan: only usernames";
    if (!plan.targets.empty())
        line += " matching " + quoted(plan.targets);
    if (!plan.excludes.empty())
        line += std::string(plan.targets.empty() ? "" : " and") + " not matching " +
                quoted(plan.excludes);
    return line + "; other accounts are neither compared nor changed.";
}

std::string plan_snapshot_line(const Plan& plan) {
    if (!plan.snapshot)
        return {};
    return fmt::format("Based on a snapshot taken {} ({} ago); apply re-reads the live users.",
                       plan.snapshot->taken_at, describe_age(plan.snapshot->age_s));
}

void render_plan_text(const Plan& plan, std::ostream& out, const TextOptions& options) {
    const bool color = options.color;
    std::ostringstream text;
    // The name is unknown when the plan skipped reading the caller's own organization (budget).
    const std::string organization =
        plan.organization.name.empty()
            ? std::to_string(plan.organization.id)
            : fmt::format("{} (id {})", printable(render::show_value(plan.organization.name)),
                          plan.organization.id);
    text << paint(fmt::format("Plan for organization {} at {}", organization,
                              printable(plan.api_url)),
                  render::k_bold, color)
         << "\n";
    if (plan.snapshot)
        text << paint(printable(plan_snapshot_line(plan)), render::k_yellow, color) << "\n";
    if (plan.partial())
        text << paint(printable(plan_selection_line(plan)), render::k_yellow, color) << "\n";
    for (const Action& a : plan.actions) {
        if (listed(a)) {
            text << "\n";
            render_action(a, text, color, plan.queue_names);
        }
    }
    if (!plan.warnings.empty()) {
        text << "\n";
    }
    for (const std::string& w : plan.warnings) {
        text << paint("Warning:", render::k_yellow, color) << ' ' << printable(w) << "\n";
    }
    const render::AlertCount alerts = render::count_alerts(plan);
    if (alerts.total() > 0)
        text << "\n"
             << fmt::format("[drift]: {}; [conflict]: {}.\n", render::k_drift_meaning,
                            render::k_conflict_meaning);
    text << "\n" << paint(plan_summary_line(plan), render::k_bold, color) << "\n";
    if (const std::string cost = plan_cost_line(plan); !cost.empty())
        text << cost << "\n";
    out << text.str();
}

} // namespace ra
