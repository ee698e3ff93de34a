#pragma once
// Runs the command line (cli::run) against fakes: the in-memory FakeApi behind a counting
// SessionFactory, a scripted terminal, a fixed environment, and string streams for the output.

#include "rossum_accounts/cli/app.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/io/secret_lookup.hpp"
#include "support/fake_api.hpp"
#include "support/fake_clock.hpp"
#include "support/map_environment.hpp"
#include "support/temp_dir.hpp"

#include <deque>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace ra::test {

class FakeTerminal : public cli::Terminal {
public:
    bool stdin_is_terminal() const override { return stdin_terminal; }
    bool stdout_is_terminal() const override { return stdout_terminal; }
    bool stderr_is_terminal() const override { return stderr_terminal; }
    std::optional<std::string> read_line() override {
        ++reads;
        if (lines.empty())
            return std::nullopt;
        std::string line = lines.front();
        lines.pop_front();
        return line;
    }

    bool stdin_terminal = false;
    bool stdout_terminal = false;
    bool stderr_terminal = false;
    std::deque<std::string> lines; // the answers typed, in order
    int reads = 0;
};

// Sessions over one FakeApi; counts how many were opened and how many have ended.
class FakeSessionFactory : public cli::SessionFactory {
public:
    explicit FakeSessionFactory(FakeApi& api) : api_(api) {}

    Result<std::unique_ptr<cli::Session>> open(const cli::GlobalOptions& /*global*/,
                                               const std::string& api_url,
                                               Credentials credentials) override {
        ++opened;
        api_urls.push_back(api_url);
        credentials_seen.push_back(std::move(credentials));
        if (open_error)
            return *open_error;
        return std::unique_ptr<cli::Session>(std::make_unique<FakeSession>(api_, ended));
    }

    Result<std::string> service_account_token(const cli::GlobalOptions& /*global*/,
                                              const ServiceTokenRequest& request) override {
        token_requests.push_back(request);
        const std::string token = "svc-token-of-" + request.username;
        if (request.deliver) {
            if (auto st = request.deliver(token); !st)
                return st.error();
        }
        return token;
    }

    int opened = 0;
    int ended = 0;
    std::optional<Error> open_error;
    std::vector<std::string> api_urls;
    std::vector<Credentials> credentials_seen;
    std::vector<ServiceTokenRequest> token_requests;

private:
    class FakeSession : public cli::Session {
    public:
        FakeSession(FakeApi& api, int& ended) : api_(api), ended_(ended) {}
        FakeSession(const FakeSession&) = delete;
        FakeSession& operator=(const FakeSession&) = delete;
        ~FakeSession() override { ++ended_; }
        RossumApi& api() override { return api_; }

    private:
        FakeApi& api_;
        int& ended_;
    };

    FakeApi& api_;
};

struct CliResult {
    int exit_code = -1;
    std::string out; // stdout
    std::string err; // stderr
};

// One organization (FakeApi's), admin credentials in the environment, files in a temp dir.
class CliFixture {
public:
    CliFixture() {
        vars["ROSSUM_USERNAME"] = "admin@acme";
        vars["ROSSUM_PASSWORD"] = "admin-secret-Password-1";
    }

    // A manifest for FakeApi's organization with `accounts` (YAML list items) appended.
    std::string manifest(const std::string& accounts, const std::string& name = "accounts.yaml",
                         const std::string& extra = "") {
        return dir.write(name,
                         "version: 1\napi_url: " + k_api + "\n" + extra + "accounts:\n" + accounts);
    }

    CliResult run(std::vector<std::string> args) {
        MapEnvironment env(vars);
        SystemSecretLookup secrets(env);
        SecretMasker masker;
        std::ostringstream out;
        std::ostringstream err;
        cli::Console console(out, err, cli::ColorMode::never, cli::Verbosity::normal);
        cli::Context ctx{env, secrets, console, masker, sessions, terminal, clock};
        args.insert(args.begin(), "rossum-accounts");
        std::vector<const char*> argv;
        for (const auto& a : args)
            argv.push_back(a.c_str());
        CliResult result;
        result.exit_code = cli::run(static_cast<int>(argv.size()), argv.data(), ctx);
        result.out = out.str();
        result.err = err.str();
        return result;
    }

    int writes() const { return api.calls("create_user") + api.calls("patch_user"); }

    TempDir dir;
    FakeApi api;
    std::map<std::string, std::string> vars;
    FakeTerminal terminal;
    FakeClock clock;
    FakeSessionFactory sessions{api};
};

} // namespace ra::test
