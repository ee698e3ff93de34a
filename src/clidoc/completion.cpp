// The completion scripts: each is a table of the commands, their options and what each value
// completes to, written in the shell's own language from the CommandDoc (describe.cpp).
#include "rossum_accounts/clidoc/clidoc.hpp"

#include <algorithm>
#include <sstream>

namespace ra::clidoc {
namespace {

// Names and choices become shell words unquoted: only these characters are kept safe that way.
bool is_shell_word(const std::string& word) {
    return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.' || c == '+';
    });
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const std::string& word : words) {
        if (!is_shell_word(word))
            continue;
        if (!out.empty())
            out += ' ';
        out += word;
    }
    return out;
}

std::string function_name(const std::string& program) {
    std::string name = "_";
    for (char c : program)
        name += (is_shell_word(std::string(1, c)) && c != '-' && c != '.' && c != '+') ? c : '_';
    return name;
}

// A single-quoted shell string (fish and zsh read '\'' the same way as sh).
std::string single_quoted(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else if (c == '\n')
            out += ' ';
        else
            out += c;
    }
    return out + "'";
}

// The first line of a description: what a completion menu has room for.
std::string short_description(const std::string& text) {
    return text.substr(0, text.find('\n'));
}

std::string bash_kind(const OptionDoc& option) {
    switch (option.kind) {
    case ValueKind::file:
        return "file";
    case ValueKind::choice:
        return "choice " + join_words(option.choices);
    case ValueKind::other:
        return "other";
    case ValueKind::none:
        break;
    }
    return "flag";
}

std::vector<std::string> option_names(const CommandDoc& command) {
    std::vector<std::string> names;
    for (const OptionDoc& option : command.options)
        if (!option.positional)
            names.insert(names.end(), option.names.begin(), option.names.end());
    return names;
}

std::vector<const OptionDoc*> positionals(const CommandDoc& command) {
    std::vector<const OptionDoc*> out;
    for (const OptionDoc& option : command.options)
        if (option.positional)
            out.push_back(&option);
    return out;
}

std::vector<std::string> command_names(const CommandDoc& root) {
    std::vector<std::string> names;
    for (const CommandDoc& command : root.commands)
        names.push_back(command.name);
    return names;
}

// Options accepted after a command: its own and the program's (CLI11 fallthrough), once each.
std::vector<std::string> options_after(const CommandDoc& root, const CommandDoc& command) {
    std::vector<std::string> names = option_names(command);
    for (const std::string& name : option_names(root))
        if (std::find(names.begin(), names.end(), name) == names.end() && name != "--version")
            names.push_back(name);
    return names;
}

void bash_option_kinds(std::ostream& out, const CommandDoc& root, const std::string& fn) {
    out << "# The value OPTION takes after COMMAND (\"\" before any): flag, file, other or\n"
           "# \"choice WORD...\".\n"
        << fn << "_option() {\n    case \"$1 $2\" in\n";
    for (const CommandDoc& command : root.commands)
        for (const OptionDoc& option : command.options)
            if (!option.positional && option.kind != ValueKind::none)
                for (const std::string& name : option.names)
                    out << "    \"" << command.name << ' ' << name << "\") echo \""
                        << bash_kind(option) << "\" ;;\n";
    for (const OptionDoc& option : root.options)
        if (!option.positional && option.kind != ValueKind::none)
            for (const std::string& name : option.names)
                out << "    *\" " << name << "\") echo \"" << bash_kind(option) << "\" ;;\n";
    out << "    *) echo flag ;;\n    esac\n}\n\n";
}

void bash_positional_kinds(std::ostream& out, const CommandDoc& root, const std::string& fn) {
    out << "# The value the INDEXth (from 0) argument of COMMAND takes.\n"
        << fn << "_positional() {\n    case \"$1\" in\n";
    for (const CommandDoc& command : root.commands) {
        const std::vector<const OptionDoc*> args = positionals(command);
        if (args.empty())
            continue;
        out << "    " << command.name << ")\n        case \"$2\" in\n";
        for (std::size_t i = 0; i < args.size(); ++i)
            out << "        " << (i + 1 == args.size() ? "*" : std::to_string(i)) << ") "
                << (i + 1 == args.size() && !args[i]->repeatable
                        ? "[ \"$2\" -eq " + std::to_string(i) + " ] && "
                        : std::string())
                << "echo \"" << bash_kind(*args[i]) << "\" ;;\n";
        out << "        esac ;;\n";
    }
    out << "    esac\n}\n\n";
}

void bash_option_lists(std::ostream& out, const CommandDoc& root, const std::string& fn) {
    out << "# The options accepted after COMMAND (\"\" before any).\n"
        << fn << "_options() {\n    case \"$1\" in\n"
        << "    \"\") echo \"" << join_words(option_names(root)) << "\" ;;\n";
    for (const CommandDoc& command : root.commands)
        out << "    " << command.name << ") echo \"" << join_words(options_after(root, command))
            << "\" ;;\n";
    out << "    esac\n}\n\n";
}

// The part of the bash script that is the same for every program: @FN@ is the function name,
// @COMMANDS@ the command names.
constexpr const char* k_bash_body =
    R"sh(# Fills COMPREPLY with the candidates of KIND that start with WORD.
@FN@_reply() {
    case "$1" in
    file)
        compopt -o filenames 2>/dev/null
        mapfile -t COMPREPLY < <(compgen -f -- "$2") ;;
    choice\ *)
        mapfile -t COMPREPLY < <(compgen -W "${1#choice }" -- "$2") ;;
    esac
}

@FN@() {
    local cur="${COMP_WORDS[COMP_CWORD]}" prev="" option="" command="" kind word i
    local -i positional=0
    COMPREPLY=()
    [ "$COMP_CWORD" -gt 0 ] && prev="${COMP_WORDS[COMP_CWORD-1]}"
    # The command is the first word that is neither an option nor an option's value; bash splits
    # --format=json into "--format" "=" "json".
    for ((i = 1; i < COMP_CWORD; i++)); do
        word="${COMP_WORDS[i]}"
        case "$word" in
        -?*)
            kind=$(@FN@_option "$command" "$word")
            if [ "$kind" != flag ]; then
                [ "${COMP_WORDS[i+1]:-}" = "=" ] && ((i++))
                ((i++))
            fi ;;
        *)
            if [ -z "$command" ]; then command="$word"; else positional+=1; fi ;;
        esac
    done
    if [ "$cur" = "=" ]; then
        option="$prev" cur=""
    elif [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then
        option="${COMP_WORDS[COMP_CWORD-2]}"
    elif [[ "$prev" == -?* ]] && [ "$COMP_CWORD" -gt 1 ]; then
        option="$prev"
    fi
    if [ -n "$option" ]; then
        kind=$(@FN@_option "$command" "$option")
        if [ "$kind" != flag ]; then
            @FN@_reply "$kind" "$cur"
            return 0
        fi
    fi
    if [[ "$cur" == -* ]]; then
        @FN@_reply "choice $(@FN@_options "$command")" "$cur"
    elif [ -z "$command" ]; then
        @FN@_reply "choice @COMMANDS@" "$cur"
    else
        @FN@_reply "$(@FN@_positional "$command" "$positional")" "$cur"
    fi
    return 0
}
)sh";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos;
         at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

} // namespace

std::string bash_completion(const CommandDoc& root, const std::string& program) {
    const std::string fn = function_name(program);
    std::ostringstream out;
    out << "# bash completion for " << program << ", generated by `" << program
        << " completion bash` from its command-line definitions.\n"
        << "# Load it with: source <(" << program << " completion bash)\n\n";
    bash_option_kinds(out, root, fn);
    bash_positional_kinds(out, root, fn);
    bash_option_lists(out, root, fn);
    out << replace_all(replace_all(k_bash_body, "@FN@", fn), "@COMMANDS@",
                       join_words(command_names(root)))
        << "\ncomplete -F " << fn << ' ' << program << '\n';
    return out.str();
}

std::string zsh_completion(const CommandDoc& root, const std::string& program) {
    const std::string fn = function_name(program);
    auto spec = [](const OptionDoc& option, const std::string& name) {
        std::string description = short_description(option.description);
        std::string escaped;
        for (char c : description) {
            if (c == '[' || c == ']' || c == ':' || c == '\\')
                escaped += '\\';
            escaped += c;
        }
        std::string text = (option.repeatable ? "*" : "") + name + "[" + escaped + "]";
        if (option.kind == ValueKind::file)
            text += ":file:_files";
        else if (option.kind == ValueKind::choice)
            text += ":value:(" + join_words(option.choices) + ")";
        else if (option.kind == ValueKind::other)
            text += ":" + option.value_name + ": ";
        return single_quoted(text);
    };
    auto positional_spec = [](const OptionDoc& option, std::size_t index) {
        std::string text = option.repeatable ? "*:" : std::to_string(index + 1) + ":";
        text += option.names.front() + ":";
        if (option.kind == ValueKind::file)
            text += "_files";
        else if (option.kind == ValueKind::choice)
            text += "(" + join_words(option.choices) + ")";
        else
            text += " ";
        return single_quoted(text);
    };
    std::ostringstream out;
    out << "#compdef " << program << "\n# zsh completion for " << program << ", generated by `"
        << program << " completion zsh` from its command-line definitions.\n\n"
        << fn << "() {\n    local -a global_options commands\n    global_options=(\n";
    for (const OptionDoc& option : root.options)
        if (!option.positional)
            for (const std::string& name : option.names)
                out << "        " << spec(option, name) << '\n';
    out << "    )\n    commands=(\n";
    for (const CommandDoc& command : root.commands)
        out << "        "
            << single_quoted(command.name + ":" + short_description(command.description)) << '\n';
    out << "    )\n    local curcontext=\"$curcontext\" state line\n"
        << "    _arguments -C $global_options '1: :->command' '*:: :->arguments'\n"
        << "    case $state in\n    command) _describe command commands ;;\n"
        << "    arguments)\n        case $words[1] in\n";
    for (const CommandDoc& command : root.commands) {
        // The command's options, then the program's it does not redefine (_arguments refuses
        // an option given twice).
        const std::vector<std::string> own = option_names(command);
        out << "        " << command.name << ")\n            _arguments";
        std::size_t index = 0;
        for (const OptionDoc& option : command.options) {
            if (option.positional)
                out << " \\\n                " << positional_spec(option, index++);
            else
                for (const std::string& name : option.names)
                    out << " \\\n                " << spec(option, name);
        }
        for (const OptionDoc& option : root.options)
            for (const std::string& name : option.names)
                if (!option.positional && name != "--version" &&
                    std::find(own.begin(), own.end(), name) == own.end())
                    out << " \\\n                " << spec(option, name);
        out << " ;;\n";
    }
    out << "        esac ;;\n    esac\n}\n\n"
        << "if [ \"$funcstack[1]\" = \"" << fn << "\" ]; then\n    " << fn
        << " \"$@\"\nelse\n    compdef " << fn << ' ' << program << "\nfi\n";
    return out.str();
}

std::string fish_completion(const CommandDoc& root, const std::string& program) {
    auto line = [&program](const std::string& condition, const OptionDoc& option) {
        std::string text = "complete -c " + program;
        if (!condition.empty())
            text += " -n " + single_quoted(condition);
        for (const std::string& name : option.names)
            text += (name.rfind("--", 0) == 0 ? " -l " + name.substr(2) : " -s " + name.substr(1));
        if (option.kind == ValueKind::file)
            text += " -r -F";
        else if (option.kind == ValueKind::choice)
            text += " -x -a " + single_quoted(join_words(option.choices));
        else if (option.kind == ValueKind::other)
            text += " -x";
        return text + " -d " + single_quoted(short_description(option.description)) + '\n';
    };
    std::ostringstream out;
    out << "# fish completion for " << program << ", generated by `" << program
        << " completion fish` from its command-line definitions.\n\n"
        << "# No file names unless an argument takes one.\ncomplete -c " << program << " -f\n";
    for (const OptionDoc& option : root.options)
        if (!option.positional)
            out << line("", option);
    for (const CommandDoc& command : root.commands) {
        out << "complete -c " << program << " -n '__fish_use_subcommand' -a " << command.name
            << " -d " << single_quoted(short_description(command.description)) << '\n';
        const std::string condition = "__fish_seen_subcommand_from " + command.name;
        for (const OptionDoc& option : command.options) {
            if (!option.positional) {
                out << line(condition, option);
            } else if (option.kind == ValueKind::file) {
                out << "complete -c " << program << " -n " << single_quoted(condition) << " -F\n";
            } else if (option.kind == ValueKind::choice) {
                out << "complete -c " << program << " -n " << single_quoted(condition) << " -a "
                    << single_quoted(join_words(option.choices)) << '\n';
            }
        }
    }
    return out.str();
}

} // namespace ra::clidoc
