#include "rossum_accounts/cli/console.hpp"

#include "rossum_accounts/core/secrets.hpp"

#include <cstdlib>
#include <ostream>
#include <unistd.h>

namespace ra::cli {

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
    err_ << "rossum-accounts: error: " << process_redactor().redact(message) << '\n';
    err_.flush();
}

void Console::warning(std::string_view message) {
    if (quiet())
        return;
    err_ << "rossum-accounts: warning: " << process_redactor().redact(message) << '\n';
    err_.flush();
}

void Console::log(std::string_view line) {
    if (!verbose())
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
