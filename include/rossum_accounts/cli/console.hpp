#pragma once
// The one writer of the process: every byte for stdout or stderr goes through it (stdout for
// results; stderr for errors, warnings, logs, prompts and progress). Rendered
// documents (plan, report, export, token) are printed as they are; messages have their control
// characters escaped, so text from a manifest, a saved plan or the API cannot move the cursor
// or forge lines. Nothing here masks secrets: free text is masked where a secret can enter it
// (core/secret_masker.hpp), data never is.

#include "rossum_accounts/core/diagnostic.hpp"
#include "rossum_accounts/core/environment.hpp"

#include <iosfwd>
#include <mutex>
#include <string>
#include <string_view>

namespace ra {
struct Annotation; // render/github.hpp
}

namespace ra::cli {

enum class ColorMode { never, always };
enum class Verbosity { quiet, normal, verbose };
// How errors, warnings and manifest diagnostics are written: as "rossum-accounts: error: ..."
// lines on stderr, or (`--format github`) as GitHub workflow commands on stdout, which the
// runner shows as annotations (render/github.hpp).
enum class MessageStyle { text, github };

class Console {
public:
    Console(std::ostream& out, std::ostream& err, ColorMode color, Verbosity verbosity);

    // Set once the flags are parsed (before that: no colour, normal verbosity).
    void configure(ColorMode color, Verbosity verbosity);
    void set_style(MessageStyle style) { style_ = style; }

    void print(std::string_view text); // stdout, as is: a rendered document
    // print, telling whether stdout took it all (a full disk or a closed pipe does not).
    [[nodiscard]] bool print_checked(std::string_view text);
    void info(std::string_view line);       // stdout unless quiet, escaped
    void error(std::string_view message);   // "rossum-accounts: error: MESSAGE" (or github style)
    void diagnostic(const Diagnostic& d);   // error(format_diagnostic(d)), or at its place
    void note(std::string_view line);       // stderr, escaped: a line that belongs to an error
    void warning(std::string_view message); // "rossum-accounts: warning: MESSAGE" unless quiet
    void log(std::string_view line);        // stderr, only with --verbose
    void prompt(std::string_view text);     // stderr, as is: questions, what they ask about, hints
    void progress(std::string_view line);   // stderr unless quiet: one line per completed step

    bool color() const { return color_ == ColorMode::always; }
    bool quiet() const { return verbosity_ == Verbosity::quiet; }
    bool verbose() const { return verbosity_ == Verbosity::verbose; }

private:
    bool annotate(const Annotation& annotation);

    // Workers of one run write whole lines, never interleaved; recursive because a message in
    // github style is printed through print().
    std::recursive_mutex mutex_;
    std::ostream& out_;
    std::ostream& err_;
    ColorMode color_;
    Verbosity verbosity_;
    MessageStyle style_ = MessageStyle::text;
};

// Control characters (C0, DEL) of one message as "\u001b"-style escapes.
std::string escape_controls(std::string_view message);

// Colour only on a terminal, never with NO_COLOR or --no-color.
ColorMode decide_color(bool no_color_flag, const Environment& env, bool is_terminal);

} // namespace ra::cli
