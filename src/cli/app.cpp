#include "rossum_accounts/cli/app.hpp"

#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/completion.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/curl_transport.hpp"
#include "rossum_accounts/io/secret_lookup.hpp"
#include "rossum_accounts/io/system_clock.hpp"
#include "rossum_accounts/io/system_environment.hpp"
#include "rossum_accounts/version.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>
#include <iostream>
#include <sstream>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

namespace ra::cli {
namespace {

constexpr const char* k_footer = R"(Credentials come from the environment only:
  ROSSUM_TOKEN                          an API token, used as is
  ROSSUM_USERNAME, ROSSUM_PASSWORD      admin login; the token is exchanged for a long-lived
                                        one and cached in $XDG_CACHE_HOME/rossum-accounts/
  ROSSUM_API_URL                        API URL when --api-url is not given
  NO_COLOR                              disables colour

Exit codes:
  0   success (plan/show --detailed-exitcode: no changes; drift: none found)
  1   error not covered below (stale saved plan, redirect, invisible organization, TLS,
      a plan over the deactivation cap)
  2   plan/show --detailed-exitcode: changes present; drift: drift or conflicts found
  3   apply finished but some actions failed (the rest were applied)
  64  usage error (bad flags or API URL, missing credentials, apply without a terminal,
      plan --snapshot for another API or organization)
  65  invalid manifest, plan file, snapshot file or password source
  75  temporary failure: throttled or API unavailable after bounded retries
  77  authentication or permission failure

Run 'rossum-accounts help COMMAND' for a command's options.)";

// CLI::Range lets NaN through (every comparison with it is false): this one does not.
CLI::Validator finite_range(double low, double high) {
    return CLI::Validator(
        [low, high](std::string& text) -> std::string {
            double value = 0;
            if (!CLI::detail::lexical_cast(text, value) || !(value >= low && value <= high))
                return fmt::format("value {} not in range [{} - {}]", text, low, high);
            return {};
        },
        fmt::format("FLOAT in [{} - {}]", low, high));
}

void add_global_options(CLI::App& app, GlobalOptions& g) {
    app.add_option("--api-url", g.api_url,
                   "Rossum API URL, e.g. https://mycompany.rossum.app/api (https required; http "
                   "only for loopback hosts)");
    app.add_option("--ca-bundle", g.ca_bundle,
                   "PEM file of CA certificates replacing the system store");
    app.add_option("--timeout", g.timeout_s, "Per-request timeout in seconds (default 30)")
        ->check(finite_range(1.0, 3600.0));
    app.add_option("--max-rps", g.max_rps, "Maximum requests per second (default 10)")
        ->check(finite_range(k_least_max_rps, k_most_max_rps));
    app.add_option("--parallelism", g.parallelism,
                   "API requests in flight at once, within --max-rps (default 10; 1 sends one "
                   "request at a time)")
        ->check(CLI::Range(1, 64));
    app.add_flag("--no-token-cache", g.no_token_cache,
                 "Do not read or write the token cache; log out every token of the run at the end");
    app.add_flag("-v,--verbose", g.verbose, "Log every request (method, URL, status, timing)");
    app.add_flag("-q,--quiet", g.quiet,
                 "Print only errors and the final summary line (apply: and each failed "
                 "action with its reason)");
    app.add_flag("--no-color", g.no_color, "Never use colour (also: NO_COLOR)");
}

// Core dumps could hold passwords and tokens.
void harden_process() {
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    rlimit no_core{0, 0};
    setrlimit(RLIMIT_CORE, &no_core);
}

// libcurl writes the TLS session keys to $SSLKEYLOGFILE: whoever reads that file can decrypt
// the captured traffic, Authorization headers and passwords included.
void warn_about_key_log(const Environment& env, Console& console) {
    if (!env.get("SSLKEYLOGFILE").value_or("").empty())
        console.warning("SSLKEYLOGFILE is set: libcurl writes this run's TLS session keys to that "
                        "file, which makes the recorded traffic (credentials included) "
                        "decryptable; unset it unless you are debugging TLS");
}

// Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
// neighbours ("plna" is 1 from "plan") each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

// 'unknown command "plna"; did you mean "plan"?' — the suggestion only when one command is
// close (at most 2 edits, fewer than its length), as git and kubectl do.
std::string unknown_command(const CLI::App& app, const std::string& word) {
    std::string message = "unknown command \"" + word + "\"";
    std::string best;
    std::size_t best_distance = 3;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        const std::size_t distance = edit_distance(word, sub->get_name());
        if (distance < best_distance && distance < sub->get_name().size()) {
            best = sub->get_name();
            best_distance = distance;
        }
    }
    if (!best.empty())
        message += "; did you mean \"" + best + "\"?";
    return message;
}

// "validate, plan, … or help": the commands --help lists (a hidden one has no group; an option
// group has no name), in the order they were added, so that a new command is named too.
std::string command_names(const CLI::App& app) {
    const auto commands = app.get_subcommands(
        [](const CLI::App* sub) { return !sub->get_name().empty() && !sub->get_group().empty(); });
    std::string out;
    for (std::size_t i = 0; i < commands.size(); ++i) {
        if (i > 0)
            out += i + 1 == commands.size() ? " or " : ", ";
        out += commands[i]->get_name();
    }
    return out;
}

// Why CLI11 found no command, in the user's terms: the first word that is neither an option nor
// an option's value is an unknown command; else the first option it does not know; else no
// command was given. Options are the main program's (a command's own cannot come before it).
std::string missing_command(const CLI::App& app, int argc, const char* const* argv) {
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--")
            break;
        if (arg.size() < 2 || arg[0] != '-')
            return unknown_command(app, arg);
        const std::string name = arg.substr(0, arg.find('='));
        const CLI::Option* option = app.get_option_no_throw(name);
        if (option == nullptr && name[1] != '-') { // -qv: several short flags at once
            for (std::size_t k = 1; k < name.size(); ++k)
                if (app.get_option_no_throw(std::string{'-', name[k]}) == nullptr)
                    return "unknown option \"" + name + "\"";
            continue;
        }
        if (option == nullptr)
            return "unknown option \"" + name + "\"";
        if (option->get_items_expected_min() > 0 && name.size() == arg.size())
            ++i; // its value is the next argument
    }
    return "a command is required: " + command_names(app);
}

// The real terminal: the process's standard streams.
class SystemTerminal : public Terminal {
public:
    bool stdin_is_terminal() const override { return isatty(STDIN_FILENO) != 0; }
    bool stdout_is_terminal() const override { return isatty(STDOUT_FILENO) != 0; }
    bool stderr_is_terminal() const override { return isatty(STDERR_FILENO) != 0; }
    std::optional<std::string> read_line() override {
        std::string line;
        if (!std::getline(std::cin, line))
            return std::nullopt;
        return line;
    }
};

} // namespace

int run(int argc, const char* const* argv, Context& ctx) {
    Console& console = ctx.console;
    CLI::App app{"Manages Rossum service accounts declaratively: a YAML manifest says which "
                 "technical users an organization must have; plan shows what would change, apply "
                 "makes it so.",
                 "rossum-accounts"};
    app.fallthrough();
    app.require_subcommand(1);
    app.set_version_flag("--version", version_line("rossum-accounts"));
    app.footer(k_footer);
    GlobalOptions global;
    add_global_options(app, global);

    // Each command registers its own arguments and options (cmd_*.cpp).
    ValidateArgs validate_args;
    CLI::App* validate = add_validate_command(app, validate_args);
    PlanArgs plan_args;
    CLI::App* plan = add_plan_command(app, plan_args);
    ShowArgs show_args;
    CLI::App* show = add_show_command(app, show_args);
    ApplyArgs apply_args;
    CLI::App* apply = add_apply_command(app, apply_args);
    DriftArgs drift_args;
    CLI::App* drift = add_drift_command(app, drift_args);
    ExportArgs export_args;
    CLI::App* exp = add_export_command(app, export_args);
    SnapshotArgs snapshot_args;
    CLI::App* snapshot = add_snapshot_command(app, snapshot_args);
    TokenArgs token_args;
    CLI::App* token = add_token_command(app, token_args);
    (void)token; // the command left when no other one was parsed
    CompletionArgs completion_args;
    CLI::App* completion = add_completion_command(app, completion_args);
    CLI::App* man = add_man_command(app);

    std::string help_topic;
    auto* help = app.add_subcommand("help", "Show help for a command");
    help->add_option("COMMAND", help_topic, "Command name");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) { // --help, --version
            std::ostringstream out;
            std::ostringstream err;
            const int code = app.exit(e, out, err);
            console.print(out.str());
            return code;
        }
        if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr &&
            app.get_subcommands().empty()) {
            // CLI11 says "A subcommand is required" even for a misspelt one.
            console.error(missing_command(app, argc, argv));
            console.note("Run 'rossum-accounts --help' for usage.");
            return to_int(ExitCode::usage);
        }
        console.error(e.what());
        console.note("Run 'rossum-accounts --help' for usage.");
        return to_int(ExitCode::usage);
    }

    console.configure(decide_color(global.no_color, ctx.env, ctx.terminal.stdout_is_terminal()),
                      global.quiet     ? Verbosity::quiet
                      : global.verbose ? Verbosity::verbose
                                       : Verbosity::normal);
    if (help->parsed()) {
        if (help_topic.empty()) {
            console.print(app.help());
            return 0;
        }
        try {
            console.print(app.get_subcommand(help_topic)->help("rossum-accounts"));
            return 0;
        } catch (const CLI::OptionNotFound&) {
            console.error(unknown_command(app, help_topic));
            return to_int(ExitCode::usage);
        }
    }
    if (completion->parsed())
        return run_completion(app, completion_args, console);
    if (man->parsed())
        return run_man(app, console);
    if (validate->parsed())
        return run_validate(global, validate_args, ctx);
    if (show->parsed()) // offline, like validate
        return run_show(global, show_args, ctx);
    warn_about_key_log(ctx.env, console);
    if (plan->parsed())
        return run_plan(global, plan_args, ctx);
    if (apply->parsed())
        return run_apply(global, apply_args, ctx);
    if (drift->parsed())
        return run_drift(global, drift_args, ctx);
    if (exp->parsed())
        return run_export(global, export_args, ctx);
    if (snapshot->parsed())
        return run_snapshot(global, snapshot_args, ctx);
    return run_token(global, token_args, ctx);
}

CLI::Option* add_format_option(CLI::App* cmd, std::string& format) {
    return cmd->add_option("--format", format, "Output format: text, json or markdown")
        ->check(CLI::IsMember({"text", "json", "markdown"}));
}

int main(int argc, char** argv) {
    harden_process();
    // The run's secrets, registered as they become known (credentials, tokens, passwords) and
    // masked in the free text that can echo them; it outlives everything that uses it.
    SecretMasker masker;
    Console console(std::cout, std::cerr, ColorMode::never, Verbosity::normal);
    if (auto st = curl_global_setup(); !st) {
        console.error(st.error().message);
        return to_int(ExitCode::error);
    }
    SystemEnvironment env;
    SystemSecretLookup secrets(env);
    SystemClock clock;
    SystemTerminal terminal;
    CurlSessionFactory sessions(env, clock, console, masker);
    Context ctx{env, secrets, console, masker, sessions, terminal, clock};
    try {
        return run(argc, argv, ctx);
    } catch (const std::exception& e) {
        // A bug: expected failures travel as Result values. The text may come from a library
        // and quote a secret; written directly, as the console itself may have failed.
        std::cerr << "rossum-accounts: internal error: " << escape_controls(masker.mask(e.what()))
                  << '\n';
        return to_int(ExitCode::error);
    }
}

} // namespace ra::cli
