#include "rossum_accounts/cli/session.hpp"

#include "rossum_accounts/core/clock.hpp"
#include "rossum_accounts/io/api_url.hpp"
#include "rossum_accounts/io/auth.hpp"
#include "rossum_accounts/io/curl_transport.hpp"
#include "rossum_accounts/io/rossum_client.hpp"
#include "rossum_accounts/io/system_environment.hpp"
#include "rossum_accounts/io/token_cache.hpp"

#include <cmath>
#include <fmt/format.h>

namespace ra::cli {
namespace {

void print_warnings(const std::vector<std::string>& warnings, Console& console) {
    for (const auto& w : warnings)
        console.warning(w);
}

class CurlSession : public Session {
public:
    CurlSession(std::string api_url, std::unique_ptr<CurlTransport> transport, Console& console)
        : api_url_(std::move(api_url)), transport_(std::move(transport)), console_(console) {}

    void connect(ClientConfig config, Credentials credentials, SecretMasker& masker) {
        config.clock = &clock_;
        client_ = std::make_unique<RossumClient>(*transport_, std::move(config),
                                                 std::move(credentials), masker);
    }
    RossumApi& api() override { return *client_; }
    const std::string& api_url() const override { return api_url_; }
    void finish() override {
        if (!finished_ && client_) {
            client_->finish();
            print_warnings(client_->take_warnings(), console_);
        }
        finished_ = true;
    }

private:
    std::string api_url_;
    SystemClock clock_;
    std::unique_ptr<CurlTransport> transport_;
    Console& console_;
    std::unique_ptr<RossumClient> client_;
    bool finished_ = false;
};

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

Result<std::unique_ptr<Session>> open_session(const GlobalOptions& global,
                                              const std::string& api_url, Console& console,
                                              SecretMasker& masker) {
    SystemEnvironment env;
    auto credentials = credentials_from(env, masker);
    if (!credentials)
        return credentials.error();
    auto transport = make_transport(global, masker);
    if (!transport)
        return transport.error();
    auto session = std::make_unique<CurlSession>(api_url, std::move(*transport), console);
    ClientConfig config;
    config.api_url = api_url;
    config.max_rps = global.max_rps;
    config.token_cache = global.no_token_cache ? TokenCacheMode::disabled : TokenCacheMode::enabled;
    config.cache_dir = default_token_cache_dir(env);
    config.log = [&console](std::string_view line) { console.log(line); };
    session->connect(std::move(config), std::move(*credentials), masker);
    return std::unique_ptr<Session>(std::move(session));
}

Result<std::string> service_account_token(const GlobalOptions& global, const std::string& api_url,
                                          const std::string& username, const std::string& password,
                                          std::int64_t lifetime_s, SecretMasker& masker,
                                          std::function<Status(const std::string&)> deliver) {
    auto transport = make_transport(global, masker);
    if (!transport)
        return transport.error();
    SystemClock clock;
    return ra::service_account_token(**transport, clock, masker,
                                     {api_url, username, password, lifetime_s, std::move(deliver)});
}

} // namespace ra::cli
