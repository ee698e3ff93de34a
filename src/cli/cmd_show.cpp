#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/planning.hpp"

#include <CLI/CLI.hpp>

namespace ra::cli {

CLI::App* add_show_command(CLI::App& app, ShowArgs& args) {
    auto* show = app.add_subcommand(
        "show", "Render a plan saved by plan --out, offline (no network, no credentials)");
    show->add_option("PLANFILE", args.plan_file, "The plan file (plan --out)")->required();
    add_format_option(show, args.format, {"text", "json", "markdown", "github"},
                      "Output format: text, json, markdown or github (text and annotations)");
    show->add_flag("--detailed-exitcode", args.detailed_exitcode,
                   "Exit 0 when the plan has no changes, 2 when it has");
    return show;
}

// The saved plan is loaded exactly as apply --plan loads it (so a file show accepts is one
// apply --plan parses) and rendered by plan's own renderers: the output is what plan printed
// when it saved the file. Nothing here opens a session or reads a credential.
int run_show(const GlobalOptions& /*global*/, const ShowArgs& args, Context& ctx) {
    Console& console = ctx.console;
    if (args.format == "github")
        console.set_style(MessageStyle::github);
    auto plan = load_saved_plan(args.plan_file);
    if (!plan)
        return report_error(plan.error(), console);
    if (!show_plan(*plan, args.format, console))
        return report_error(stdout_error("plan"), console);
    if (args.detailed_exitcode && plan->summary().has_changes())
        return to_int(ExitCode::changes);
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
