// rossum-sandbox: serves the in-memory Rossum API on 127.0.0.1 until SIGTERM/SIGINT.
#include "rossum_accounts/clidoc/clidoc.hpp"
#include "rossum_accounts/version.hpp"
#include "sandbox/sandbox.hpp"
#include "sandbox/seed.hpp"

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

namespace {

// "off" (no limit) or a positive number. A struct rather than optional<optional<T>>, which
// g++ 12 -O2 flags as maybe-uninitialized.
template <class T>
struct Limit {
    bool valid = false;
    std::optional<T> value;
};

template <class T>
Limit<T> parse_limit(const std::string& text) {
    Limit<T> limit;
    if (text == "off") {
        limit.valid = true;
        return limit;
    }
    try {
        std::size_t used = 0;
        double value = std::stod(text, &used);
        if (used != text.size() || value <= 0) {
            return limit;
        }
        limit.valid = true;
        limit.value = static_cast<T>(value);
    } catch (const std::exception&) {
    }
    return limit;
}

} // namespace

int main(int argc, char** argv) {
    ra::sandbox::Options options;
    std::string rate_limit = "10";
    std::string login_limit = "20";
    CLI::App app{
        "rossum-sandbox: a local, in-memory Rossum API on 127.0.0.1 for trying "
        "rossum-accounts and for tests.\nPrints `listening on http://127.0.0.1:PORT/api` "
        "and, without --seed, `admin: USERNAME PASSWORD` (throwaway demo credentials).\n"
        "Control API (no auth) under /_sandbox; see docs/sandbox.md. SIGTERM/SIGINT stop it."};
    app.add_option("--port", options.port, "TCP port on 127.0.0.1; 0 picks a free one")
        ->capture_default_str()
        ->check(CLI::Range(0, 65535));
    app.add_option("--seed", options.seed_file, "JSON seed file (format: docs/sandbox.md)")
        ->check(CLI::ExistingFile);
    app.add_option("--latency-ms", options.latency_ms, "delay added to every /api response")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    app.add_option("--rate-limit", rate_limit,
                   "max /api requests in any 1 s window, or off (429 + Retry-After beyond)")
        ->capture_default_str();
    app.add_option("--login-limit", login_limit,
                   "max /auth/login calls per 60 s, or off (429 + Retry-After beyond)")
        ->capture_default_str();
    app.add_option("--token-lifetime", options.max_token_lifetime_s,
                   "maximum (and default) token lifetime in seconds")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--log", options.log_file,
                   "append one line per /api request (method, path?query, status, ms)");
    app.set_version_flag("--version", ra::version_line("rossum-sandbox"));
    bool man_page = false; // hidden: the build writes rossum-sandbox(1) with it
    app.add_flag("--man-page", man_page, "print the man page")->group("");
    CLI11_PARSE(app, argc, argv);
    if (man_page) {
        std::cout << ra::clidoc::man_page(
            ra::clidoc::describe(app), {"rossum-sandbox",
                                        "a local in-memory Rossum API for trying rossum-accounts",
                                        std::string("rossum-sandbox ") + ra::k_version,
                                        {"rossum-accounts(1)"}});
        return 0;
    }

    auto rate = parse_limit<double>(rate_limit);
    auto logins = parse_limit<int>(login_limit);
    if (!rate.valid || !logins.valid) {
        std::cerr << "rossum-sandbox: error: --rate-limit and --login-limit take a positive "
                     "number or off\n";
        return 1;
    }
    options.rate_limit = rate.value;
    options.login_limit = logins.value;
    if (!options.seed_file.empty()) {
        auto seed = ra::sandbox::load_seed_file(options.seed_file, options.admin_password);
        if (!seed.world) {
            std::cerr << "rossum-sandbox: error: " << seed.error << "\n";
            return 1;
        }
    }

    // Block the stop signals before any thread exists, so only sigwait below receives them.
    // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded
    // even while blocked: restore the default first.
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    ra::sandbox::Sandbox sandbox(options);
    if (sandbox.start() < 0) {
        std::cerr << "rossum-sandbox: error: cannot listen on 127.0.0.1:" << options.port
                  << (options.log_file.empty() ? "" : " or open the --log file") << "\n";
        return 1;
    }
    std::cout << "listening on " << sandbox.base_url() << std::endl;
    if (options.seed_file.empty()) {
        std::cout << "admin: " << sandbox.admin_username() << " " << sandbox.admin_password()
                  << std::endl;
    }
    int received = 0;
    sigwait(&stop_signals, &received);
    sandbox.stop();
    return 0;
}
