#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/manifests.hpp"
#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/render/github.hpp"
#include "rossum_accounts/render/validate.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sstream>
#include <string>
#include <vector>

namespace ra::cli {

CLI::App* add_validate_command(CLI::App& app, ValidateArgs& args) {
    auto* validate = app.add_subcommand(
        "validate", "Parse and check manifests offline (no network); exit 65 on any problem");
    validate->add_option("MANIFEST", args.manifests, "Manifest files")->required();
    add_format_option(validate, args.format, {"text", "json", "github"},
                      "Output format: text, json (the diagnostics as a document) or github "
                      "(workflow-command annotations)");
    return validate;
}

int run_validate(const GlobalOptions& /*global*/, const ValidateArgs& args, Context& ctx) {
    Console& console = ctx.console;
    ManifestCheck checked = check_manifests(args.manifests, {.api_url = true});
    const int code = to_int(checked.desired ? ExitCode::ok : ExitCode::invalid);
    if (args.format == "json") {
        // The document is the whole output, valid or not: an editor reads only stdout.
        ValidateOutcome outcome{args.manifests, checked.diagnostics, std::nullopt};
        if (checked.desired)
            outcome.accounts = checked.desired->accounts.size();
        std::ostringstream out;
        render_validate_json(outcome, out);
        if (!console.print_checked(out.str()))
            return report_error(stdout_error("diagnostics"), console);
        return code;
    }
    if (args.format == "github")
        console.set_style(MessageStyle::github);
    for (const auto& d : checked.diagnostics)
        console.diagnostic(d);
    if (!checked.desired)
        return code;
    std::size_t n = checked.desired->accounts.size();
    // A GitHub runner takes any log line that starts with "::" (after spaces) for a workflow
    // command: a manifest named "::stop-commands::x.yaml" would silence every later annotation.
    // Its names are escaped as in a file= property, which a name without ':', ',' or '%' keeps.
    std::vector<std::string> names = args.manifests;
    if (args.format == "github")
        for (auto& name : names)
            name = github_escape_property(name);
    console.info(
        fmt::format("{}: valid ({} account{})", fmt::join(names, ", "), n, n == 1 ? "" : "s"));
    return code;
}

} // namespace ra::cli
