#pragma once
// Where the CLI's output goes: stdout for results, stderr for errors, warnings, logs, prompts and
// progress. Every line passes through the process redactor first.

#include <iosfwd>
#include <string>
#include <string_view>

namespace ra::cli {

enum class ColorMode { never, always };
enum class Verbosity { quiet, normal, verbose };

class Console {
public:
    Console(std::ostream& out, std::ostream& err, ColorMode color, Verbosity verbosity);

    void print(std::string_view text);      // stdout, as is (after redaction)
    void info(std::string_view line);       // stdout unless quiet
    void error(std::string_view message);   // "rossum-accounts: error: MESSAGE"
    void warning(std::string_view message); // "rossum-accounts: warning: MESSAGE" unless quiet
    void log(std::string_view line);        // stderr, only with --verbose
    void prompt(std::string_view text);     // stderr, as is: questions, what they ask about, hints
    void progress(std::string_view line);   // stderr unless quiet: one line per completed step

    bool color() const { return color_ == ColorMode::always; }
    bool quiet() const { return verbosity_ == Verbosity::quiet; }
    bool verbose() const { return verbosity_ == Verbosity::verbose; }
    std::ostream& err() { return err_; }

private:
    std::ostream& out_;
    std::ostream& err_;
    ColorMode color_;
    Verbosity verbosity_;
};

// Colour only on a terminal, never with NO_COLOR or --no-color.
ColorMode decide_color(bool no_color_flag, int fd);

} // namespace ra::cli
