#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/core/apply.hpp"
#include "rossum_accounts/core/plan_check.hpp"
#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/io/api_url.hpp"
#include "rossum_accounts/io/files.hpp"
#include "rossum_accounts/render/plan_text.hpp"
#include "rossum_accounts/render/report.hpp"

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <fmt/format.h>
#include <sstream>
#include <unistd.h>

namespace ra::cli {
namespace {

std::atomic<bool> g_stop_requested{false};
std::atomic<bool> g_run_stopped{false};

} // namespace

bool stop_requested() {
    return g_stop_requested.load();
}

bool run_stopped() {
    return g_run_stopped.load();
}

namespace {

extern "C" void request_stop(int /*signal*/) {
    g_stop_requested.store(true);
    // Only async-signal-safe calls here. The default actions come back, so a second signal
    // stops the process at once (without a report), as in Terraform.
    struct sigaction default_action {};
    default_action.sa_handler = SIG_DFL;
    sigaction(SIGINT, &default_action, nullptr);
    sigaction(SIGTERM, &default_action, nullptr);
    static const char k_message[] =
        "\nrossum-accounts: stopping after the requests in flight; nothing more will be written. "
        "Signal again to stop at once (no report).\n";
    ssize_t ignored = ::write(STDERR_FILENO, k_message, sizeof k_message - 1);
    (void)ignored;
}

// SIGINT/SIGTERM during apply: finish the request in flight, attempt nothing more, report.
class StopSignals {
public:
    StopSignals() {
        struct sigaction sa {};
        sa.sa_handler = request_stop;
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int_);
        sigaction(SIGTERM, &sa, &old_term_);
    }
    ~StopSignals() {
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
    }
    StopSignals(const StopSignals&) = delete;
    StopSignals& operator=(const StopSignals&) = delete;

private:
    struct sigaction old_int_ {};
    struct sigaction old_term_ {};
};

// The question goes to stderr (Console::prompt): stdout may be a file that must hold only the
// report, while the person answering still sees the question on the terminal.
bool confirmed(Context& ctx) {
    Console& console = ctx.console;
    console.prompt("\nDo you want to perform these actions?\n"
                   "  Only 'yes' will be accepted to approve.\n\n  Enter a value: ");
    const std::optional<std::string> answer = ctx.terminal.read_line();
    if (answer != "yes") {
        console.prompt("\nApply cancelled.\n");
        return false;
    }
    console.prompt("\n");
    return true;
}

// `live` is the state the plan was checked against; the writes resolve against it. The session
// ends (logs out what is not cached) once the writes are done, before the report.
int execute(const Plan& plan, const LiveState& live,
            const std::map<std::string, std::string>& passwords, std::unique_ptr<Session> session,
            const ApplyArgs& args, Console& console) {
    StopSignals signals;
    ApplyHooks hooks;
    // The text report streams its lines on stdout as actions complete; json and markdown are
    // documents, so their progress goes to stderr.
    hooks.on_result = [&](const ActionResult& result, const Action& action) {
        auto line = progress_line(result, action);
        if (line.empty())
            return;
        if (args.format == "text")
            console.info(line);
        else
            console.progress(line);
    };
    hooks.cancelled = [] { return g_stop_requested.load(); };
    hooks.stopped = [] { g_run_stopped.store(true); };
    Report report =
        apply_plan(plan, write_context(live), session->api(), passwords, hooks, session->runner());
    session.reset();
    std::ostringstream out;
    if (args.format == "json")
        render_report_json(report, out);
    else if (args.format == "markdown")
        render_report_markdown(report, out);
    else if (console.quiet())
        render_report_quiet(report, out);
    else
        render_report_text(report, out, TextOptions{console.color()});
    // The writes are done: their exit code stands, and stderr says the report was lost.
    if (!console.print_checked(out.str()))
        console.note("rossum-accounts: warning: standard output did not take the report; the "
                     "exit code still says how the apply went");
    return to_int(exit_code_for(report));
}

bool needs_confirmation(const ApplyArgs& args) {
    return !args.auto_approve;
}

// Nothing to change, nothing to ask.
bool asks_for_confirmation(const Plan& plan, const ApplyArgs& args) {
    return needs_confirmation(args) && plan.summary().has_changes();
}

// stdout carries only the requested output. The plan shown before the question belongs to the
// question: it goes to stderr as text, in every format (-q: its summary line). Otherwise only
// the text format shows the plan, on stdout before its report; -q shows the plan's summary line
// only when there is nothing to apply (then it is the final line). json and markdown print only
// their report.
void show_plan_before_apply(const Plan& plan, const ApplyArgs& args, Context& ctx) {
    Console& console = ctx.console;
    if (asks_for_confirmation(plan, args)) {
        std::ostringstream out;
        if (console.quiet())
            out << plan_summary_line(plan) << '\n';
        else
            render_plan_text(plan, out,
                             TextOptions{console.color() && ctx.terminal.stderr_is_terminal()});
        console.prompt(out.str());
        return;
    }
    if (args.format != "text" || (console.quiet() && plan.summary().has_changes()))
        return;
    // A plan stdout did not take is no reason not to apply what was approved: the report that
    // follows fails the same way and says so on stderr, and the exit code tells the outcome.
    (void)show_plan(plan, args.format, console);
}

// The saved plan's API URL is used; a different --api-url / ROSSUM_API_URL is a usage error.
Result<std::string> saved_plan_api_url(const GlobalOptions& global, const Environment& env,
                                       const Plan& plan) {
    auto planned = validate_api_url(plan.api_url);
    if (!planned)
        return make_error(
            ErrorKind::invalid_input,
            fmt::format("the saved plan's api_url is not acceptable: {}", planned.error().message));
    const std::string requested = requested_api_url(global, env, std::nullopt);
    if (requested.empty())
        return planned;
    auto other = validate_api_url(requested);
    if (!other)
        return other.error();
    if (*other != *planned)
        return make_error(ErrorKind::usage,
                          fmt::format("the plan was made for {} but {} was requested; a saved plan "
                                      "applies only to its own API",
                                      *planned, *other));
    return planned;
}

int apply_saved_plan(const GlobalOptions& global, const ApplyArgs& args, Context& ctx) {
    Console& console = ctx.console;
    auto plan = load_saved_plan(args.plan_file); // as show reads it
    if (!plan)
        return report_error(plan.error(), console);
    if (auto refused = refuse_over_cap(*plan, args.selection, console))
        return *refused;
    auto api_url = saved_plan_api_url(global, ctx.env, *plan);
    if (!api_url)
        return report_error(api_url.error(), console);
    auto passwords = resolve_create_passwords(*plan, ctx);
    if (!passwords)
        return to_int(ExitCode::invalid);
    auto session = open_session(global, *api_url, ctx);
    if (!session)
        return report_error(session.error(), console);
    auto recheck = recheck_saved_plan(*plan, (*session)->api(), (*session)->runner());
    if (!recheck)
        return report_error(recheck.error(), console);
    if (!recheck->drift.empty()) {
        console.error(
            fmt::format("the saved plan {} is stale; nothing was applied:", args.plan_file));
        for (const auto& line : recheck->drift)
            console.note("  " + line);
        console.note("Run plan again to see the current changes.");
        return to_int(ExitCode::error);
    }
    // The file is untrusted: it must hold what a fresh plan of these users would (ids, values
    // shown as "before", the caller's safety), or it is malformed.
    if (auto checked = check_plan_against_live(*plan, recheck->live); !checked) {
        console.error(fmt::format("{}: {}", args.plan_file, checked.error().message));
        return to_int(ExitCode::invalid);
    }
    show_plan_before_apply(*plan, args, ctx);
    if (!plan->summary().has_changes() && args.format == "text")
        return to_int(ExitCode::ok);
    if (asks_for_confirmation(*plan, args) && !confirmed(ctx))
        return to_int(ExitCode::error);
    return execute(*plan, recheck->live, *passwords, std::move(*session), args, console);
}

} // namespace

CLI::App* add_apply_command(CLI::App& app, ApplyArgs& args) {
    auto* apply = app.add_subcommand(
        "apply", "Plan and apply (asks for 'yes' on a terminal), or apply a saved plan");
    auto* manifests = apply->add_option("MANIFEST", args.manifests, "Manifest files");
    apply
        ->add_option("--plan", args.plan_file,
                     "Apply exactly this saved plan (refused if any affected user changed since)")
        ->type_name("FILE")
        ->excludes(manifests);
    apply->add_flag("--auto-approve", args.auto_approve,
                    "Do not ask for confirmation (required without a terminal)");
    add_format_option(apply, args.format);
    for (CLI::Option* selecting : add_selection_options(apply, args.selection))
        selecting->excludes(apply->get_option("--plan"));
    return apply;
}

int run_apply(const GlobalOptions& global, const ApplyArgs& args, Context& ctx) {
    Console& console = ctx.console;
    if (args.plan_file.empty() && args.manifests.empty()) {
        console.error("apply needs MANIFEST... or --plan FILE");
        return to_int(ExitCode::usage);
    }
    if (needs_confirmation(args) && !ctx.terminal.stdin_is_terminal()) {
        console.error("apply asks for confirmation, but standard input is not a terminal; "
                      "use --auto-approve to apply without asking");
        return to_int(ExitCode::usage);
    }
    if (!args.plan_file.empty())
        return apply_saved_plan(global, args, ctx);
    PlanRun run = prepare_plan(global, args.manifests, args.selection, ctx);
    if (run.exit_code)
        return *run.exit_code;
    // The same checks as a saved plan's; a fresh plan always passes them.
    if (auto checked = check_plan_against_live(run.plan, run.live); !checked) {
        console.error(fmt::format("internal error: the plan breaks its own rules: {}",
                                  checked.error().message));
        return to_int(ExitCode::error);
    }
    if (auto refused = refuse_over_cap(run.plan, args.selection, console))
        return *refused;
    auto passwords = resolve_create_passwords(run.plan, ctx);
    if (!passwords)
        return to_int(ExitCode::invalid);
    show_plan_before_apply(run.plan, args, ctx);
    if (!run.plan.summary().has_changes() && args.format == "text")
        return to_int(ExitCode::ok);
    if (asks_for_confirmation(run.plan, args) && !confirmed(ctx))
        return to_int(ExitCode::error);
    return execute(run.plan, run.live, *passwords, std::move(run.session), args, console);
}

} // namespace ra::cli
