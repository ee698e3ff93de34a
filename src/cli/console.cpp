#include "rossum_accounts/cli/console.hpp"

#include "rossum_accounts/core/username.hpp"
#include "rossum_accounts/render/github.hpp"

#include <fmt/format.h>
#include <ostream>
#include <string>

namespace ra::cli {

// Messages can carry server text (error bodies, Location headers) and values from manifests and
// saved plans: C0 controls, DEL and the C1 controls U+0080..U+009F (U+009B is CSI on some
// terminals) become "\u001b"-style escapes, so a hostile API or file cannot move the cursor or
// forge lines.
std::string escape_controls(std::string_view message) {
    constexpr const char* k_hex = "0123456789abcdef";
    auto escape = [&](std::string& out, unsigned char code) {
        out += "\\u00";
        out += k_hex[code >> 4];
        out += k_hex[code & 0xf];
    };
    std::string out;
    out.reserve(message.size());
    for (std::size_t i = 0; i < message.size(); ++i) {
        const auto byte = static_cast<unsigned char>(message[i]);
        const auto next = i + 1 < message.size() ? static_cast<unsigned char>(message[i + 1]) : 0U;
        if (byte < 0x20 || byte == 0x7f) {
            escape(out, byte);
        } else if (byte == 0xc2 && next >= 0x80 && next <= 0x9f) {
            escape(out, static_cast<unsigned char>(next));
            ++i;
        } else if (const auto invisible = invisible_character_at(message, i)) {
            // A right-to-left override in a username would reorder the rest of the line.
            out += invisible->code_point > 0xffff ? fmt::format("\\U{:08x}", invisible->code_point)
                                                  : fmt::format("\\u{:04x}", invisible->code_point);
            i += invisible->length - 1;
        } else {
            out += message[i];
        }
    }
    return out;
}

Console::Console(std::ostream& out, std::ostream& err, ColorMode color, Verbosity verbosity)
    : out_(out), err_(err), color_(color), verbosity_(verbosity) {}

void Console::configure(ColorMode color, Verbosity verbosity) {
    color_ = color;
    verbosity_ = verbosity;
}

void Console::print(std::string_view text) {
    std::lock_guard lock(mutex_);
    out_ << text;
    out_.flush();
}

bool Console::print_checked(std::string_view text) {
    print(text);
    return out_.good();
}

void Console::info(std::string_view line) {
    std::lock_guard lock(mutex_);
    if (quiet())
        return;
    out_ << escape_controls(line) << '\n';
    out_.flush();
}

// A workflow command on stdout; false when stdout did not take it (closed, a full disk), and the
// message then goes to stderr as a text line: `plan --format github >&-` must still say why it
// failed.
bool Console::annotate(const Annotation& annotation) {
    print(github_annotation(annotation));
    return out_.good();
}

void Console::error(std::string_view message) {
    std::lock_guard lock(mutex_);
    if (style_ == MessageStyle::github &&
        annotate({AnnotationLevel::error, {}, "rossum-accounts", std::string(message)}))
        return;
    err_ << "rossum-accounts: error: " << escape_controls(message) << '\n';
    err_.flush();
}

void Console::diagnostic(const Diagnostic& d) {
    if (style_ == MessageStyle::github && annotate(diagnostic_annotation(d)))
        return;
    std::lock_guard lock(mutex_);
    err_ << "rossum-accounts: error: " << escape_controls(format_diagnostic(d)) << '\n';
    err_.flush();
}

void Console::note(std::string_view line) {
    std::lock_guard lock(mutex_);
    err_ << escape_controls(line) << '\n';
    err_.flush();
}

void Console::warning(std::string_view message) {
    std::lock_guard lock(mutex_);
    if (quiet())
        return;
    if (style_ == MessageStyle::github &&
        annotate({AnnotationLevel::warning, {}, "rossum-accounts", std::string(message)}))
        return;
    err_ << "rossum-accounts: warning: " << escape_controls(message) << '\n';
    err_.flush();
}

void Console::log(std::string_view line) {
    std::lock_guard lock(mutex_);
    if (!verbose())
        return;
    err_ << escape_controls(line) << '\n';
    err_.flush();
}

// A question and the text it asks about go to stderr, so a redirected stdout holds only the
// requested output and the person at the terminal still sees what they are asked (like rm -i).
void Console::prompt(std::string_view text) {
    std::lock_guard lock(mutex_);
    err_ << text;
    err_.flush();
}

void Console::progress(std::string_view line) {
    std::lock_guard lock(mutex_);
    if (quiet())
        return;
    err_ << line << '\n'; // rendered by render/, which escapes the values it shows
    err_.flush();
}

ColorMode decide_color(bool no_color_flag, const Environment& env, bool is_terminal) {
    if (no_color_flag || !env.get("NO_COLOR").value_or("").empty() ||
        env.get("TERM").value_or("") == "dumb")
        return ColorMode::never;
    return is_terminal ? ColorMode::always : ColorMode::never;
}

} // namespace ra::cli
