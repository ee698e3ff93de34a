#pragma once
// `completion bash|zsh|fish` and the hidden `__man`: documents generated from the command line's
// own CLI11 definitions (clidoc.hpp), so they list every command, option and value --help does.

#include <string>

namespace CLI {
class App;
} // namespace CLI

namespace ra::cli {

class Console;

struct CompletionArgs {
    std::string shell; // bash, zsh or fish
};

CLI::App* add_completion_command(CLI::App& app, CompletionArgs& args);
// Not shown in --help: the build runs it to write rossum-accounts(1).
CLI::App* add_man_command(CLI::App& app);

int run_completion(const CLI::App& app, const CompletionArgs& args, Console& console);
int run_man(const CLI::App& app, Console& console);

} // namespace ra::cli
