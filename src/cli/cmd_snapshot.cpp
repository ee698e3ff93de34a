#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/cli/session.hpp"
#include "rossum_accounts/core/snapshot.hpp"
#include "rossum_accounts/io/files.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace ra::cli {

CLI::App* add_snapshot_command(CLI::App& app, SnapshotArgs& args) {
    auto* snapshot = app.add_subcommand(
        "snapshot", "Write the organization's live state (no secrets) for plan --snapshot "
                    "(GET requests only)");
    snapshot->add_option("--output", args.output, "Write to FILE instead of stdout");
    return snapshot;
}

int run_snapshot(const GlobalOptions& global, const SnapshotArgs& args, Context& ctx) {
    Console& console = ctx.console;
    auto connected = open_session_without_manifest(global, ctx);
    if (!connected)
        return report_error(connected.error(), console);
    // Taken before the first read: the state is at least as fresh as the time it claims.
    const auto taken_at = ctx.clock.wall_now();
    auto live = fetch_snapshot_state(connected->session->api(), connected->api_url);
    connected->session.reset(); // snapshot reads nothing more: end the connection before the output
    if (!live)
        return report_error(live.error(), console);
    const std::string text = snapshot_to_json(*live, taken_at).dump(2) + "\n";
    if (args.output.empty()) {
        // A truncated snapshot would be refused later, far from here: say it now.
        if (!console.print_checked(text))
            return report_error(stdout_error("snapshot"), console);
        return to_int(ExitCode::ok);
    }
    if (auto st = write_file_atomic(args.output, text, 0644); !st)
        return report_error(st.error(), console);
    const std::size_t users = live->users.size() + live->deleted_users.size();
    console.info(fmt::format("Saved a snapshot of {} user{} of organization {} to {}; plan against "
                             "it with: rossum-accounts plan --snapshot {} MANIFEST",
                             users, users == 1 ? "" : "s", live->organization.id, args.output,
                             args.output));
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
