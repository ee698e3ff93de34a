#pragma once
// What a command needs from the world, built once in main and passed down (docs/design.md §3):
// cli unit tests build one from fakes (tests/unit/cli/cli_fixture.hpp).

#include "rossum_accounts/cli/console.hpp"
#include "rossum_accounts/cli/session.hpp"
#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/core/secrets.hpp"

#include <optional>
#include <string>

namespace ra::cli {

// The terminal the run talks to: whether each standard stream is one, and the answer typed to a
// question.
class Terminal {
public:
    virtual ~Terminal() = default;
    virtual bool stdin_is_terminal() const = 0;
    virtual bool stdout_is_terminal() const = 0;
    virtual bool stderr_is_terminal() const = 0;
    // One line of standard input without its newline; nullopt at its end.
    virtual std::optional<std::string> read_line() = 0;
};

struct Context {
    const Environment& env;
    const SecretLookup& secrets; // password sources (password.env, password.file)
    Console& console;
    // The run's secrets, registered as they become known and masked in free text.
    SecretMasker& masker;
    SessionFactory& sessions;
    Terminal& terminal;
    const Clock& clock; // the wall time a snapshot is taken at, and its age in a plan
};

// A session as the admin credentials of `ctx.env`: the one way commands connect.
Result<std::unique_ptr<Session>> open_session(const GlobalOptions& global,
                                              const std::string& api_url, Context& ctx);

// The API URL of a command that reads no manifest (export, snapshot): --api-url, else
// ROSSUM_API_URL; and an open_session to it.
struct ApiSession {
    std::string api_url;
    std::unique_ptr<Session> session;
};
Result<ApiSession> open_session_without_manifest(const GlobalOptions& global, Context& ctx);

} // namespace ra::cli
