#include "rossum_accounts/cli/session.hpp"

#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/io/api_url.hpp"
#include "rossum_accounts/io/curl_transport.hpp"
#include "rossum_accounts/io/thread_runner.hpp"
#include "rossum_accounts/io/token_cache.hpp"

#include <cmath>

namespace ra::cli {
namespace {

class CurlSession : public Session {
public:
    CurlSession(std::unique_ptr<CurlTransport> transport, Console& console, int parallelism)
        : transport_(std::move(transport)), console_(console),
          runner_(static_cast<std::size_t>(parallelism)) {}
    CurlSession(const CurlSession&) = delete;
    CurlSession& operator=(const CurlSession&) = delete;
    ~CurlSession() override {
        // The end of the run's connection, on every path out of a command: a logout that
        // fails, or anything else here, is a warning, never an exception out of a destructor.
        if (!client_)
            return;
        try {
            client_->finish();
            for (const auto& w : client_->take_warnings())
                console_.warning(w);
        } catch (const std::exception& e) {
            console_.warning(std::string("ending the session: ") + e.what());
        } catch (...) { // NOLINT(bugprone-empty-catch): nothing else can be done here
        }
    }

    void connect(ClientConfig config, Credentials credentials, SecretMasker& masker) {
        config.runner = &runner_;
        client_ = std::make_unique<RossumClient>(*transport_, std::move(config),
                                                 std::move(credentials), masker);
    }
    RossumApi& api() override { return *client_; }
    TaskRunner& runner() override { return runner_; }

private:
    std::unique_ptr<CurlTransport> transport_;
    Console& console_;
    ThreadRunner runner_;
    std::unique_ptr<RossumClient> client_;
};

std::chrono::milliseconds millis(double seconds) {
    return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(seconds * 1000.0)));
}

Result<std::unique_ptr<CurlTransport>> make_transport(const GlobalOptions& global,
                                                      const SecretMasker& masker) {
    CurlOptions options;
    if (!global.ca_bundle.empty())
        options.ca_bundle = global.ca_bundle;
    options.timeout = millis(global.timeout_s);
    options.connect_timeout = std::min(options.connect_timeout, options.timeout);
    return CurlTransport::create(options, masker);
}

} // namespace

std::string requested_api_url(const GlobalOptions& global, const Environment& env,
                              const std::optional<std::string>& manifest_url) {
    if (!global.api_url.empty())
        return global.api_url;
    std::string url = env.get("ROSSUM_API_URL").value_or("");
    if (url.empty() && manifest_url)
        url = *manifest_url;
    return url;
}

Result<std::string> resolve_api_url(const GlobalOptions& global, const Environment& env,
                                    const std::optional<std::string>& manifest_url) {
    const std::string url = requested_api_url(global, env, manifest_url);
    if (url.empty())
        return make_error(ErrorKind::usage, "no API URL: pass --api-url, set ROSSUM_API_URL, or "
                                            "set api_url in the manifest");
    return validate_api_url(url);
}

Result<Credentials> credentials_from(const Environment& env, SecretMasker& masker) {
    Credentials c;
    auto token = env.get("ROSSUM_TOKEN");
    if (token && !token->empty()) {
        masker.add(*token);
        c.token = *token;
        return c;
    }
    auto username = env.get("ROSSUM_USERNAME");
    auto password = env.get("ROSSUM_PASSWORD");
    if (!username || username->empty() || !password || password->empty())
        return make_error(ErrorKind::usage,
                          "missing credentials: set ROSSUM_TOKEN, or ROSSUM_USERNAME and "
                          "ROSSUM_PASSWORD, in the environment");
    masker.add(*password);
    c.username = *username;
    c.password = *password;
    return c;
}

Result<std::unique_ptr<Session>> open_session(const GlobalOptions& global,
                                              const std::string& api_url, Context& ctx) {
    auto credentials = credentials_from(ctx.env, ctx.masker);
    if (!credentials)
        return credentials.error();
    return ctx.sessions.open(global, api_url, std::move(*credentials));
}

Result<ApiSession> open_session_without_manifest(const GlobalOptions& global, Context& ctx) {
    auto api_url = resolve_api_url(global, ctx.env, std::nullopt);
    if (!api_url)
        return api_url.error();
    auto session = open_session(global, *api_url, ctx);
    if (!session)
        return session.error();
    return ApiSession{std::move(*api_url), std::move(*session)};
}

CurlSessionFactory::CurlSessionFactory(const Environment& env, Clock& clock, Console& console,
                                       SecretMasker& masker)
    : env_(env), clock_(clock), console_(console), masker_(masker) {}

Result<std::unique_ptr<Session>> CurlSessionFactory::open(const GlobalOptions& global,
                                                          const std::string& api_url,
                                                          Credentials credentials) {
    auto transport = make_transport(global, masker_);
    if (!transport)
        return transport.error();
    auto session =
        std::make_unique<CurlSession>(std::move(*transport), console_, global.parallelism);
    ClientConfig config;
    config.api_url = api_url;
    config.max_rps = global.max_rps;
    config.token_cache = global.no_token_cache ? TokenCacheMode::disabled : TokenCacheMode::enabled;
    config.cache_dir = default_token_cache_dir(env_);
    config.clock = &clock_;
    config.log = [this](std::string_view line) { console_.log(line); };
    config.stop_writes = [] { return stop_requested(); };
    config.hold_new_writes = [] { return run_stopped(); };
    session->connect(std::move(config), std::move(credentials), masker_);
    return std::unique_ptr<Session>(std::move(session));
}

Result<std::string> CurlSessionFactory::service_account_token(const GlobalOptions& global,
                                                              const ServiceTokenRequest& request) {
    auto transport = make_transport(global, masker_);
    if (!transport)
        return transport.error();
    ServiceTokenRequest configured = request;
    configured.max_rps = global.max_rps;
    configured.log = [this](std::string_view line) { console_.log(line); };
    return ra::service_account_token(**transport, clock_, masker_, configured);
}

} // namespace ra::cli
