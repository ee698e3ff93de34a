#pragma once
// Documents a CLI11 command line from its own definitions: the shell completion scripts and the
// man pages are generated from the same CLI::App that parses the arguments and prints --help, so
// a command, option or --format value added there appears in them with no second list to edit.

#include <string>
#include <vector>

namespace CLI {
class App;
} // namespace CLI

namespace ra::clidoc {

// What the value of an option or positional argument completes to.
enum class ValueKind {
    none,   // a flag: takes no value
    file,   // a file name
    choice, // one of `choices` (a CLI::IsMember check)
    other,  // free text or a number: nothing to suggest
};

struct OptionDoc {
    std::vector<std::string> names; // "-v", "--verbose"; a positional: its name ("MANIFEST")
    bool positional = false;
    bool required = false;
    bool repeatable = false;
    ValueKind kind = ValueKind::none;
    std::vector<std::string> choices;
    std::string value_name; // "FILE", "FLOAT", "text|json|markdown"...
    std::string default_value;
    std::string description;
};

struct CommandDoc {
    std::string name;
    std::string description;
    std::string footer;
    std::vector<OptionDoc> options; // positionals included, in their order
    std::vector<CommandDoc> commands;
};

// The visible commands and options of `app` (those in the "" group, CLI11's hidden ones, left out).
CommandDoc describe(const CLI::App& app);

// Scripts for `complete -F`, zsh's compsys and fish; `program` is the executable's name.
std::string bash_completion(const CommandDoc& root, const std::string& program);
std::string zsh_completion(const CommandDoc& root, const std::string& program);
std::string fish_completion(const CommandDoc& root, const std::string& program);

struct ManPageInfo {
    std::string program;               // "rossum-accounts"
    std::string summary;               // the NAME line after the dash
    std::string version;               // footer of every page, e.g. "rossum-accounts 0.1.0"
    std::vector<std::string> see_also; // "rossum-sandbox(1)"
};

// A man(7) page, section 1.
std::string man_page(const CommandDoc& root, const ManPageInfo& info);

} // namespace ra::clidoc
