#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/cli/session.hpp"
#include "rossum_accounts/core/export.hpp"
#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/io/files.hpp"
#include "rossum_accounts/io/manifest_writer.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace ra::cli {

CLI::App* add_export_command(CLI::App& app, ExportArgs& args) {
    auto* exp = app.add_subcommand(
        "export", "Write a manifest of the organization's existing users (for adoption)");
    exp->add_option("--match", args.match,
                    "Only usernames matching GLOB (case-insensitive; repeatable)");
    exp->add_option("--output", args.output, "Write to FILE instead of stdout");
    return exp;
}

int run_export(const GlobalOptions& global, const ExportArgs& args, Context& ctx) {
    Console& console = ctx.console;
    auto connected = open_session_without_manifest(global, ctx);
    if (!connected)
        return report_error(connected.error(), console);
    const std::string& api_url = connected->api_url;
    DesiredState everything; // prune reads the whole users list, which export needs
    everything.prune = true;
    Session& session = *connected->session;
    auto live = fetch_live_state(session.api(), everything, api_url, session.runner());
    connected->session.reset(); // export reads nothing more: end the connection before the output
    if (!live)
        return report_error(live.error(), console);
    ExportResult exported = export_accounts(*live, args.match);
    for (const auto& w : exported.warnings)
        console.warning(w);
    std::string yaml = write_manifest_yaml(
        exported.accounts,
        {fmt::format("Exported by rossum-accounts from {} (organization {}).", api_url,
                     live->organization.id),
         "Add a password source (password.env or password.file) to any account that may need "
         "to be created again."});
    if (args.output.empty()) {
        // A truncated manifest would be committed and planned as it is: say it now.
        if (!console.print_checked(yaml))
            return report_error(stdout_error("manifest"), console);
    } else {
        if (auto st = write_file_atomic(args.output, yaml, 0644); !st)
            return report_error(st.error(), console);
        console.info(fmt::format("Exported {} account{} to {}", exported.accounts.size(),
                                 exported.accounts.size() == 1 ? "" : "s", args.output));
    }
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
