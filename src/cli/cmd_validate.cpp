#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/manifests.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace ra::cli {

CLI::App* add_validate_command(CLI::App& app, ValidateArgs& args) {
    auto* validate = app.add_subcommand(
        "validate", "Parse and check manifests offline (no network); exit 65 on any problem");
    validate->add_option("MANIFEST", args.manifests, "Manifest files")->required();
    return validate;
}

int run_validate(const GlobalOptions& /*global*/, const ValidateArgs& args, Context& ctx) {
    Console& console = ctx.console;
    auto desired = load_desired_state(args.manifests, console, {.api_url = true});
    if (!desired)
        return to_int(ExitCode::invalid);
    std::size_t n = desired->accounts.size();
    console.info(fmt::format("{}: valid ({} account{})", fmt::join(args.manifests, ", "), n,
                             n == 1 ? "" : "s"));
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
