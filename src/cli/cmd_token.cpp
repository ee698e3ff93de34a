#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/manifests.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/cli/session.hpp"
#include "rossum_accounts/core/username.hpp"
#include "rossum_accounts/io/files.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace ra::cli {
namespace {

// The loader refuses two accounts that are the same username, so at most one can match; the
// login then uses the username as declared.
const Account* find_account(const DesiredState& desired, const std::string& username) {
    for (const auto& a : desired.accounts)
        if (same_username(a.username, username))
            return &a;
    return nullptr;
}

} // namespace

CLI::App* add_token_command(CLI::App& app, TokenArgs& args) {
    auto* token = app.add_subcommand(
        "token", "Log in as a managed service account and print a long-lived token");
    token->add_option("USERNAME", args.username, "A username declared in the manifest")->required();
    token
        ->add_option("--manifest", args.manifest,
                     "Manifest declaring the account and its password source")
        ->type_name("FILE")
        ->required();
    token->add_option("--lifetime", args.lifetime_s,
                      "Token lifetime in seconds, 1..583200 (default 583200 = 162 h)");
    token->add_option("--output", args.output,
                      "Write the token to FILE (mode 0600); without it the token goes to stdout, "
                      "which must not be a terminal");
    return token;
}

int run_token(const GlobalOptions& global, const TokenArgs& args, Context& ctx) {
    Console& console = ctx.console;
    if (args.lifetime_s < 1 || args.lifetime_s > k_max_token_lifetime_s) {
        console.error(fmt::format("--lifetime must be between 1 and {} seconds (162 h)",
                                  k_max_token_lifetime_s));
        return to_int(ExitCode::usage);
    }
    if (args.output.empty() && ctx.terminal.stdout_is_terminal()) {
        console.error("refusing to print a token to a terminal; use --output FILE or redirect "
                      "standard output");
        return to_int(ExitCode::usage);
    }
    auto desired = load_desired_state({args.manifest}, console);
    if (!desired)
        return to_int(ExitCode::invalid);
    auto api_url = resolve_api_url(global, ctx.env, desired->api_url);
    if (!api_url)
        return report_error(api_url.error(), console);
    const Account* account = find_account(*desired, args.username);
    if (account == nullptr) {
        console.error(
            fmt::format("account \"{}\" is not declared in {}", args.username, args.manifest));
        return to_int(ExitCode::invalid);
    }
    if (!account->password) {
        console.error(fmt::format("account \"{}\" declares no password source", args.username));
        return to_int(ExitCode::invalid);
    }
    auto password = resolve_password(*account->password, ctx.secrets, ctx.masker);
    if (!password) {
        console.error(fmt::format("account \"{}\": {}", args.username, password.error().message));
        return to_int(ExitCode::invalid);
    }
    // A token that cannot be written is logged out rather than left valid in nobody's hands.
    // stdout is not a terminal (checked above); a failed write there counts as for a file.
    auto write = [&](const std::string& token) -> Status {
        if (!args.output.empty())
            return write_file_atomic(args.output, token + "\n", 0600);
        if (!console.print_checked(token + "\n"))
            return stdout_error("token");
        return ok_status();
    };
    auto token = ctx.sessions.service_account_token(
        global, {*api_url, account->username, *password, args.lifetime_s, write});
    if (!token)
        return report_error(token.error(), console);
    if (args.output.empty())
        return to_int(ExitCode::ok);
    console.info(fmt::format("Wrote a token for {} (valid {} s) to {}", account->username,
                             args.lifetime_s, args.output));
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
