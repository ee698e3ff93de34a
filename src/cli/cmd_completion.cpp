#include "rossum_accounts/cli/completion.hpp"
#include "rossum_accounts/cli/console.hpp"
#include "rossum_accounts/clidoc/clidoc.hpp"
#include "rossum_accounts/version.hpp"

#include <CLI/CLI.hpp>

namespace ra::cli {
namespace {
constexpr const char* k_program = "rossum-accounts";
} // namespace

CLI::App* add_completion_command(CLI::App& app, CompletionArgs& args) {
    auto* completion = app.add_subcommand(
        "completion", "Print the shell completion script for bash, zsh or fish (see README)");
    completion->add_option("SHELL", args.shell, "Shell: bash, zsh or fish")
        ->required()
        ->check(CLI::IsMember({"bash", "zsh", "fish"}));
    return completion;
}

CLI::App* add_man_command(CLI::App& app) {
    return app.add_subcommand("__man", "Print the man page rossum-accounts(1)")->group("");
}

int run_completion(const CLI::App& app, const CompletionArgs& args, Console& console) {
    const clidoc::CommandDoc doc = clidoc::describe(app);
    if (args.shell == "zsh")
        console.print(clidoc::zsh_completion(doc, k_program));
    else if (args.shell == "fish")
        console.print(clidoc::fish_completion(doc, k_program));
    else
        console.print(clidoc::bash_completion(doc, k_program));
    return 0;
}

int run_man(const CLI::App& app, Console& console) {
    const clidoc::ManPageInfo info{k_program,
                                   "manage Rossum service accounts declaratively",
                                   std::string(k_program) + " " + k_version,
                                   {"rossum-sandbox(1)"}};
    console.print(clidoc::man_page(clidoc::describe(app), info));
    return 0;
}

} // namespace ra::cli
