#include "rossum_accounts/clidoc/clidoc.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>

namespace ra::clidoc {
namespace {

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> parts;
    std::string part;
    for (char c : text) {
        if (c == separator) {
            parts.push_back(part);
            part.clear();
        } else {
            part += c;
        }
    }
    parts.push_back(part);
    return parts;
}

bool mentions_file(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text.find("file") != std::string::npos;
}

// CLI11's full type name is the value type followed by each check's description, ':'-separated:
// "TEXT:{text,json,markdown}" (CLI::IsMember), "TEXT:FILE" (CLI::ExistingFile), "FLOAT".
void classify_value(const CLI::Option& opt, OptionDoc& doc) {
    const std::vector<std::string> parts = split(opt.get_type_name(), ':');
    const std::string& type = parts.front();
    for (const std::string& part : parts) {
        if (part.size() >= 2 && part.front() == '{' && part.back() == '}') {
            doc.kind = ValueKind::choice;
            doc.choices = split(part.substr(1, part.size() - 2), ',');
            doc.value_name = CLI::detail::join(doc.choices, "|");
            return;
        }
    }
    const bool file_type = std::any_of(parts.begin(), parts.end(), [](const std::string& part) {
        return part == "FILE" || part == "PATH(existing)";
    });
    const bool numeric = type == "INT" || type == "UINT" || type == "FLOAT" || type == "NUMBER";
    // An argument named or described as a file ("PLANFILE", "Write to FILE") takes a file name.
    if (file_type ||
        (!numeric && (mentions_file(opt.get_name(true)) || mentions_file(opt.get_description())))) {
        doc.kind = ValueKind::file;
        doc.value_name = "FILE";
        return;
    }
    doc.kind = ValueKind::other;
    doc.value_name = type.empty() ? "VALUE" : type;
}

OptionDoc describe_option(const CLI::Option& opt) {
    OptionDoc doc;
    doc.positional = opt.nonpositional() ? false : true;
    if (doc.positional) {
        doc.names.push_back(opt.get_name(true));
    } else {
        for (const std::string& name : opt.get_snames())
            doc.names.push_back("-" + name);
        for (const std::string& name : opt.get_lnames())
            doc.names.push_back("--" + name);
    }
    doc.required = opt.get_required();
    doc.repeatable = opt.get_items_expected_max() > 1;
    doc.default_value = opt.get_default_str();
    doc.description = opt.get_description();
    if (opt.get_items_expected_max() > 0)
        classify_value(opt, doc);
    return doc;
}

// `help COMMAND`: the value of a positional named COMMAND is one of the commands.
void complete_command_names(CommandDoc& root) {
    std::vector<std::string> names;
    for (const CommandDoc& command : root.commands)
        names.push_back(command.name);
    for (CommandDoc& command : root.commands) {
        for (OptionDoc& option : command.options) {
            if (option.positional && option.names.front() == "COMMAND" &&
                option.kind == ValueKind::other) {
                option.kind = ValueKind::choice;
                option.choices = names;
            }
        }
    }
}

CommandDoc describe_app(const CLI::App& app) {
    CommandDoc doc;
    doc.name = app.get_name();
    doc.description = app.get_description();
    doc.footer = app.get_footer();
    for (const CLI::Option* opt : app.get_options()) {
        if (!opt->get_group().empty())
            doc.options.push_back(describe_option(*opt));
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        if (!sub->get_group().empty() && !sub->get_disabled())
            doc.commands.push_back(describe_app(*sub));
    }
    return doc;
}

} // namespace

CommandDoc describe(const CLI::App& app) {
    CommandDoc doc = describe_app(app);
    complete_command_names(doc);
    return doc;
}

} // namespace ra::clidoc
