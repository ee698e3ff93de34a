#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/render/drift.hpp"

#include <CLI/CLI.hpp>
#include <sstream>

namespace ra::cli {

CLI::App* add_drift_command(CLI::App& app, DriftArgs& args) {
    auto* drift = app.add_subcommand(
        "drift", "Report managed users changed outside the tool (GET requests only); exit 2 "
                 "when found");
    drift->add_option("MANIFEST", args.manifests, "Manifest files")->required();
    add_format_option(drift, args.format);
    add_selection_options(drift, args.selection, /*cap=*/false);
    return drift;
}

// The plan's reading, classified by cause (docs/design.md §5.8): the same GETs as plan, no
// write. Pending manifest changes are information; only drift and conflicts make exit 2.
int run_drift(const GlobalOptions& global, const DriftArgs& args, Context& ctx) {
    Console& console = ctx.console;
    PlanRun run = prepare_plan(global, args.manifests, args.selection, ctx);
    run.session.reset(); // drift reads nothing more: end the connection before the output
    if (run.exit_code)
        return *run.exit_code;
    const DriftReport report = drift_report(run.plan);
    std::ostringstream out;
    if (args.format == "json")
        render_drift_json(run.plan, report, out);
    else if (args.format == "markdown")
        render_drift_markdown(run.plan, report, out);
    else if (console.quiet())
        out << drift_summary_line(report) << '\n';
    else
        render_drift_text(run.plan, report, out, TextOptions{console.color()});
    // A scheduled check whose report was lost must not pass as "no drift".
    if (!console.print_checked(out.str()))
        return report_error(stdout_error("drift report"), console);
    return to_int(report.has_alerts() ? ExitCode::changes : ExitCode::ok);
}

} // namespace ra::cli
