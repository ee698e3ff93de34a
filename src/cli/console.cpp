#include "rossum_accounts/cli/console.hpp"

#include "rossum_accounts/core/secrets.hpp"

#include <cstdlib>
#include <ostream>
#include <string>
#include <unistd.h>

namespace ra::cli {
namespace {

// Messages can carry server text (error bodies, Location headers): control characters become
// "\u001b"-style escapes so a hostile API cannot move the cursor or forge lines.
std::string one_line(std::string_view message) {
    std::string redacted = process_redactor().redact(message);
    std::string out;
    out.reserve(redacted.size());
    for (char c : redacted) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f) {
            constexpr const char* k_hex = "0123456789abcdef";
            out += "\\u00";
            out += k_hex[byte >> 4];
            out += k_hex[byte & 0xf];
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

Console::Console(std::ostream& out, std::ostream& err, ColorMode color, Verbosity verbosity)
    : out_(out), err_(err), color_(color), verbosity_(verbosity) {}

void Console::print(std::string_view text) {
    out_ << process_redactor().redact(text);
    out_.flush();
}

void Console::info(std::string_view line) {
    if (quiet())
        return;
    out_ << process_redactor().redact(line) << '\n';
    out_.flush();
}

void Console::error(std::string_view message) {
    err_ << "rossum-accounts: error: " << one_line(message) << '\n';
    err_.flush();
}

void Console::warning(std::string_view message) {
    if (quiet())
        return;
    err_ << "rossum-accounts: warning: " << one_line(message) << '\n';
    err_.flush();
}

void Console::log(std::string_view line) {
    if (!verbose())
        return;
    err_ << one_line(line) << '\n';
    err_.flush();
}

// A question and the text it asks about go to stderr, so a redirected stdout holds only the
// requested output and the person at the terminal still sees what they are asked (like rm -i).
void Console::prompt(std::string_view text) {
    err_ << process_redactor().redact(text);
    err_.flush();
}

void Console::progress(std::string_view line) {
    if (quiet())
        return;
    err_ << process_redactor().redact(line) << '\n';
    err_.flush();
}

ColorMode decide_color(bool no_color_flag, int fd) {
    if (no_color_flag)
        return ColorMode::never;
    const char* no_color = std::getenv("NO_COLOR"); // NOLINT(concurrency-mt-unsafe)
    if (no_color != nullptr && *no_color != '\0')
        return ColorMode::never;
    const char* term = std::getenv("TERM"); // NOLINT(concurrency-mt-unsafe)
    if (term != nullptr && std::string_view(term) == "dumb")
        return ColorMode::never;
    return isatty(fd) != 0 ? ColorMode::always : ColorMode::never;
}

} // namespace ra::cli
