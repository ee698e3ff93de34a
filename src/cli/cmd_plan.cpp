#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/io/files.hpp"
#include "rossum_accounts/render/github.hpp"
#include "rossum_accounts/render/plan_json.hpp"
#include "rossum_accounts/render/plan_markdown.hpp"
#include "rossum_accounts/render/plan_text.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sstream>

namespace ra::cli {

// Renders the plan in the chosen format (quiet text: only the summary line). github is for a
// job's log: the text plan to read there, then its warnings as annotations at the manifest lines
// they are about, shown in the pull request's diff, and a notice with the summary line.
bool show_plan(const Plan& plan, const std::string& format, Console& console) {
    if (format == "json")
        return console.print_checked(plan_json_text(plan));
    std::ostringstream out;
    if (format == "markdown")
        render_plan_markdown(plan, out);
    else if (console.quiet())
        out << plan_summary_line(plan) << '\n';
    else
        render_plan_text(plan, out, TextOptions{console.color()});
    if (format == "github")
        render_plan_annotations(plan, out);
    return console.print_checked(out.str());
}

Error stdout_error(std::string_view what) {
    return make_error(ErrorKind::io, fmt::format("cannot write the {} to standard output", what));
}

CLI::App* add_plan_command(CLI::App& app, PlanArgs& args) {
    auto* plan = app.add_subcommand(
        "plan", "Show what apply would change (GET requests only; passwords not needed)");
    plan->add_option("MANIFEST", args.manifests, "Manifest files")->required();
    plan->add_option("--out", args.out, "Also write the JSON plan to FILE (for apply --plan)");
    add_format_option(plan, args.format, {"text", "json", "markdown", "github"},
                      "Output format: text, json, markdown or github (text, with manifest "
                      "problems and plan warnings as workflow-command annotations)");
    plan->add_flag("--detailed-exitcode", args.detailed_exitcode,
                   "Exit 0 when there are no changes, 2 when there are");
    add_selection_options(plan, args.selection);
    plan->add_option("--snapshot", args.snapshot,
                     "Plan against this file written by the snapshot command: no network, no "
                     "credentials (apply --plan still re-reads the live users)");
    return plan;
}

int run_plan(const GlobalOptions& global, const PlanArgs& args, Context& ctx) {
    Console& console = ctx.console;
    if (args.format == "github") // from the first manifest diagnostic on
        console.set_style(MessageStyle::github);
    PlanRun run = prepare_plan(global, args.manifests, args.selection, ctx, args.snapshot);
    run.session.reset(); // plan reads nothing more: end the connection before the output
    if (run.exit_code)
        return *run.exit_code;
    if (!show_plan(run.plan, args.format, console))
        return report_error(stdout_error("plan"), console);
    // Shown, so that the review sees what would be deactivated, but neither saved nor passed.
    if (auto refused = refuse_over_cap(run.plan, args.selection, console))
        return *refused;
    if (!args.out.empty()) {
        const std::string saved = plan_json_text(run.plan);
        // A file apply --plan and show would refuse (load_saved_plan) is not written.
        if (saved.size() > k_max_plan_bytes)
            return report_error(
                make_error(ErrorKind::io,
                           fmt::format("the plan is {} bytes as JSON, more than the {} that apply "
                                       "--plan and show read; {} was not written (plan fewer "
                                       "accounts at once with --target/--exclude)",
                                       saved.size(), k_max_plan_bytes, args.out)),
                console);
        if (auto st = write_file_atomic(args.out, saved, 0644); !st)
            return report_error(st.error(), console);
        if (args.format == "text" || args.format == "github")
            console.info("Saved the plan to " + args.out +
                         "; apply it with: rossum-accounts apply --plan " + args.out);
    }
    if (args.detailed_exitcode && run.plan.summary().has_changes())
        return to_int(ExitCode::changes);
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
