#include "unit/io/client_fixture.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

using namespace ra;
using namespace ra::test;
using namespace std::chrono_literals;

namespace {

HttpResponse key(const std::string& k) {
    return json_response(200, {{"key", k}, {"domain", nullptr}});
}

HttpResponse me() {
    return json_response(200, user_json(1, "admin@example.com"));
}

HttpResponse logged_out() {
    return json_response(200, {{"detail", "Successfully logged out."}});
}

// A login and its exchange, as the transport sees them (a run that caches its token).
void push_login(FakeTransport& transport, const std::string& login, const std::string& exchanged) {
    transport.push(key(login));
    transport.push(key(exchanged));
}

bool is_logout(const HttpRequest& r, const std::string& token) {
    return r.url == "http://127.0.0.1:9/api/v1/auth/logout" &&
           header_of(r, "Authorization") == "Bearer " + token;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ra-auth-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

// A fake clock that runs `on_sleep` once, at the first wait: another run finishing meanwhile.
class HandOverClock : public FakeClock {
public:
    std::function<void()> on_sleep;
    void sleep_for(Duration d) override {
        if (auto hand_over = std::exchange(on_sleep, nullptr))
            hand_over();
        FakeClock::sleep_for(d);
    }
};

// The cache lock of admin@example.com, as another run holds it.
std::optional<TokenCacheLock> hold_lock(const std::string& dir, Clock& clock) {
    auto lock = TokenCache(dir).lock(k_api, "admin@example.com", clock, 0s);
    REQUIRE(lock);
    return std::move(*lock);
}

} // namespace

TEST_CASE("auth: a login is followed at once by an exchange for a 162 h token", "[auth]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    push_login(f.transport, "login-token-1", "long-token-1");
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    REQUIRE(f.transport.requests.size() == 3);
    const auto& login = f.transport.requests[0];
    CHECK(login.url == "http://127.0.0.1:9/api/v1/auth/login");
    CHECK(nlohmann::json::parse(login.body) == nlohmann::json{{"username", "admin@example.com"},
                                                              {"password", "admin-password-123"},
                                                              {"max_token_lifetime_s", 300}});
    const auto& exchange = f.transport.requests[1];
    CHECK(exchange.url == "http://127.0.0.1:9/api/v1/auth/token");
    CHECK(header_of(exchange, "Authorization") == "Bearer login-token-1");
    CHECK(nlohmann::json::parse(exchange.body) == nlohmann::json{{"max_token_lifetime_s", 583200}});
    CHECK(header_of(f.transport.requests[2], "Authorization") == "Bearer long-token-1");
    CHECK(client->logins() == 1);
}

TEST_CASE("auth: the login token that is exchanged expires in minutes, with no logout request",
          "[auth][logout]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    push_login(f.transport, "login-token-1", "long-token-1");
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    client->finish();
    REQUIRE(f.transport.requests.size() == 3);
    CHECK(nlohmann::json::parse(f.transport.requests[0].body)["max_token_lifetime_s"] ==
          k_login_token_lifetime_s);
    CHECK(k_login_token_lifetime_s <= 600);
    for (const auto& r : f.transport.requests)
        CHECK(r.url != "http://127.0.0.1:9/api/v1/auth/logout");
    CHECK(client->take_warnings().empty());
}

TEST_CASE("auth: a failed exchange is an auth error and nothing more is sent", "[auth]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    f.transport.push(key("login-token-1"));
    f.transport.push(json_response(400, {{"detail", "Invalid lifetime."}}));
    auto client = f.with_login(config);
    auto user = client->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::auth);
    CHECK(f.transport.requests.size() == 2);
}

TEST_CASE("auth: a 401 from login is final after exactly one attempt", "[auth]") {
    ClientFixture f;
    f.transport.push(json_response(401, {{"detail", "Invalid credentials"}}));
    auto client = f.with_login(f.config());
    auto user = client->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::auth);
    CHECK(user.error().message ==
          "login for user \"admin@example.com\" failed: the API rejected the credentials (401)");
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("auth: login answered 429 waits once, then gives up as throttled", "[auth]") {
    ClientFixture f;
    f.transport.push_times(3, status_response(429, {{"Retry-After", "3"}}));
    auto user = f.with_login(f.config())->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::throttled);
    CHECK(user.error().message ==
          "login for user \"admin@example.com\" is throttled (429); try again later");
    CHECK(f.transport.requests.size() == 2);
    CHECK(f.clock.total_slept() == 3s);
}

TEST_CASE("auth: login answered 429 once then 200 proceeds", "[auth]") {
    ClientFixture f;
    f.transport.push(status_response(429, {{"Retry-After", "1"}}));
    f.transport.push(key("login-token-1"));
    f.transport.push(me());
    REQUIRE(f.with_login(f.config())->current_user());
    CHECK(f.transport.requests.size() == 3);
}

TEST_CASE("auth: a login 5xx is not retried (logins are throttled)", "[auth]") {
    ClientFixture f;
    f.transport.push(status_response(503));
    auto user = f.with_login(f.config())->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::unavailable);
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("auth: a cached token answered 401 gets one fresh login, then the request repeats",
          "[auth][cache]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = (dir.path / "cache").string();
    REQUIRE(TokenCache(*config.cache_dir)
                .store(k_api, "admin@example.com", "cached-token-1", f.clock.wall_now() + 24h));
    f.transport.push(status_response(401));
    push_login(f.transport, "login-token-2", "long-token-2");
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    REQUIRE(f.transport.requests.size() == 4);
    CHECK(header_of(f.transport.requests[0], "Authorization") == "Bearer cached-token-1");
    CHECK(header_of(f.transport.requests[3], "Authorization") == "Bearer long-token-2");
    CHECK(client->logins() == 1);
    // The new token replaced the cached one, and is kept at the end of the run.
    auto cached =
        TokenCache(*config.cache_dir).load(k_api, "admin@example.com", f.clock.wall_now());
    REQUIRE(cached);
    CHECK(*cached == std::optional<std::string>("long-token-2"));
    client->finish();
    CHECK(f.transport.requests.size() == 4);
}

TEST_CASE("auth: a second 401 after the re-login is an auth error with no further login",
          "[auth][cache]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    REQUIRE(TokenCache(*config.cache_dir)
                .store(k_api, "admin@example.com", "cached-token-1", f.clock.wall_now() + 24h));
    f.transport.push(status_response(401));
    push_login(f.transport, "login-token-2", "long-token-2");
    f.transport.push(status_response(401));
    auto client = f.with_login(config);
    auto user = client->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::auth);
    CHECK(f.transport.requests.size() == 4);
    // Later requests may not log in again either.
    f.transport.push(status_response(401));
    auto again = client->user(3);
    REQUIRE_FALSE(again);
    CHECK(again.error().kind == ErrorKind::auth);
    CHECK(f.transport.requests.size() == 5);
    CHECK(client->logins() == 1);
}

TEST_CASE("auth: a fresh login's token answered 401 is final: one login per run", "[auth]") {
    ClientFixture f;
    f.transport.push(key("login-token-1"));
    f.transport.push(status_response(401));
    auto user = f.with_login(f.config())->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::auth);
    CHECK(user.error().message == "the API rejected the new token of user \"admin@example.com\" "
                                  "(401); not logging in again in this run");
    CHECK(f.transport.requests.size() == 2);
}

TEST_CASE("auth: ROSSUM_TOKEN is used as is: a 401 is final, no login, no logout", "[auth]") {
    ClientFixture f;
    f.transport.push(status_response(401));
    auto client = f.with_token("env-token-123");
    auto user = client->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::auth);
    CHECK(user.error().message == "the API rejected ROSSUM_TOKEN (401)");
    client->finish();
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("auth: a ROSSUM_TOKEN with a line break is refused before any request", "[auth]") {
    ClientFixture f;
    auto user = f.with_token("abc\r\nX-Evil: 1")->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::usage);
    CHECK(f.transport.requests.empty());
}

TEST_CASE("auth: without the cache the login token is the run's only token, of minutes, logged "
          "out at the end",
          "[auth][logout]") {
    ClientFixture f;
    f.transport.push(key("login-token-1"));
    f.transport.push(me());
    f.transport.push(logged_out());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    client->finish();
    REQUIRE(f.transport.requests.size() == 3);
    // Nothing is exchanged: a token that is not cached would only be one more to log out. Its
    // lifetime is short, so a run killed before its logout leaves no long-lived token.
    CHECK(nlohmann::json::parse(f.transport.requests[0].body) ==
          nlohmann::json{{"username", "admin@example.com"},
                         {"password", "admin-password-123"},
                         {"max_token_lifetime_s", k_run_token_lifetime_s}});
    CHECK(k_run_token_lifetime_s <= 3600);
    CHECK(header_of(f.transport.requests[1], "Authorization") == "Bearer login-token-1");
    CHECK(is_logout(f.transport.requests[2], "login-token-1"));
    CHECK(client->take_warnings().empty());
}

namespace {

constexpr auto k_until_renewal =
    std::chrono::seconds(k_run_token_lifetime_s - k_run_token_renew_margin_s);
constexpr auto k_lifetime = std::chrono::seconds(k_run_token_lifetime_s);

bool is_exchange(const HttpRequest& r, const std::string& token) {
    return r.url == "http://127.0.0.1:9/api/v1/auth/token" &&
           header_of(r, "Authorization") == "Bearer " + token &&
           nlohmann::json::parse(r.body) ==
               nlohmann::json{{"max_token_lifetime_s", k_run_token_lifetime_s}};
}

bool is_login(const HttpRequest& r) {
    return r.url == "http://127.0.0.1:9/api/v1/auth/login" &&
           nlohmann::json::parse(r.body)["max_token_lifetime_s"] == k_run_token_lifetime_s;
}

} // namespace

TEST_CASE("auth: a run token near its expiry is exchanged before the next request and its "
          "predecessor logged out",
          "[auth][renewal][logout]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(k_until_renewal - 1s);
    f.transport.push(me());
    REQUIRE(client->current_user()); // not due yet
    CHECK(f.transport.requests.size() == 3);
    f.clock.advance(1s);
    f.transport.push(key("run-token-2"));
    f.transport.push(logged_out());
    f.transport.push(me());
    REQUIRE(client->current_user());
    REQUIRE(f.transport.requests.size() == 6);
    CHECK(is_exchange(f.transport.requests[3], "run-token-1"));
    CHECK(is_logout(f.transport.requests[4], "run-token-1"));
    CHECK(header_of(f.transport.requests[5], "Authorization") == "Bearer run-token-2");
    // The renewed token is due a full lifetime after its exchange, and logged out at the end.
    f.clock.advance(k_until_renewal - 1s);
    f.transport.push(me());
    f.transport.push(logged_out());
    REQUIRE(client->current_user());
    client->finish();
    REQUIRE(f.transport.requests.size() == 8);
    CHECK(header_of(f.transport.requests[6], "Authorization") == "Bearer run-token-2");
    CHECK(is_logout(f.transport.requests[7], "run-token-2"));
    CHECK(client->logins() == 1);
    CHECK(client->take_warnings().empty());
    CHECK(f.masker.mask("run-token-2") == "***");
}

TEST_CASE("auth: a run token that expired while the run waited is replaced by a new login",
          "[auth][renewal]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(k_lifetime); // e.g. the question waited longer than the token's lifetime
    f.transport.push(key("run-token-2"));
    f.transport.push(me());
    f.transport.push(logged_out());
    REQUIRE(client->current_user());
    client->finish();
    // Nothing is sent with the expired token: no exchange, no logout of it.
    REQUIRE(f.transport.requests.size() == 5);
    CHECK(is_login(f.transport.requests[2]));
    CHECK(header_of(f.transport.requests[3], "Authorization") == "Bearer run-token-2");
    CHECK(is_logout(f.transport.requests[4], "run-token-2"));
    CHECK(client->logins() == 2);
}

TEST_CASE("auth: an exchange answered 401 near the expiry falls back to a new login",
          "[auth][renewal]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(k_until_renewal);
    f.transport.push(status_response(401)); // the server's clock is ahead of ours
    f.transport.push(key("run-token-2"));
    f.transport.push(me());
    REQUIRE(client->current_user());
    REQUIRE(f.transport.requests.size() == 5);
    CHECK(is_exchange(f.transport.requests[2], "run-token-1"));
    CHECK(is_login(f.transport.requests[3]));
    CHECK(header_of(f.transport.requests[4], "Authorization") == "Bearer run-token-2");
}

TEST_CASE("auth: a failed exchange keeps the run token until it expires, with one warning",
          "[auth][renewal]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(k_until_renewal);
    f.transport.push(status_response(503));
    f.transport.push(me());
    f.transport.push(me());
    REQUIRE(client->current_user());
    REQUIRE(client->current_user()); // no second exchange
    REQUIRE(f.transport.requests.size() == 5);
    CHECK(header_of(f.transport.requests[4], "Authorization") == "Bearer run-token-1");
    const auto warnings = client->take_warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].rfind("renewing the token of user \"admin@example.com\" failed: ", 0) == 0);
    f.clock.advance(std::chrono::seconds(k_run_token_renew_margin_s));
    f.transport.push(key("run-token-2"));
    f.transport.push(me());
    REQUIRE(client->current_user());
    REQUIRE(f.transport.requests.size() == 7);
    CHECK(is_login(f.transport.requests[5]));
}

TEST_CASE("auth: a create answered 401 once the run token expired is sent again after a new "
          "login, once",
          "[auth][renewal][create]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(k_until_renewal - 10s);
    int posts = 0;
    f.transport.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
        if (r.url.ends_with("/auth/login"))
            return key("run-token-2");
        REQUIRE(r.url == "http://127.0.0.1:9/api/v1/users");
        if (++posts == 1) {
            // The POST waited (rate limit, a 429) past the renewal point: refused, so the API
            // did not process it.
            f.clock.advance(20s);
            return json_response(401, {{"detail", "Invalid token."}});
        }
        return json_response(201, user_json(7, "new@example.com"));
    });
    nlohmann::json body = {{"username", "new@example.com"}};
    auto created = client->create_user(body);
    REQUIRE(created);
    CHECK(posts == 2);
    REQUIRE(f.transport.requests.size() == 5);
    CHECK(header_of(f.transport.requests[2], "Authorization") == "Bearer run-token-1");
    CHECK(is_login(f.transport.requests[3]));
    CHECK(header_of(f.transport.requests[4], "Authorization") == "Bearer run-token-2");
}

TEST_CASE("auth: a run token answered 401 long before its expiry is final", "[auth][renewal]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(60s);
    f.transport.push(status_response(401)); // revoked, not expired: no second login
    auto user = client->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::auth);
    CHECK(f.transport.requests.size() == 3);
    CHECK(client->logins() == 1);
}

TEST_CASE("auth: a run token that expired before the end of the run is not logged out",
          "[auth][renewal][logout]") {
    ClientFixture f;
    f.transport.push(key("run-token-1"));
    f.transport.push(me());
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    f.clock.advance(k_lifetime); // the question was answered "no" after a long wait
    client->finish();
    CHECK(f.transport.requests.size() == 2);
    CHECK(client->take_warnings().empty());
}

TEST_CASE("auth: a failed logout at the end of the run is a warning naming the user",
          "[auth][logout]") {
    ClientFixture f;
    f.transport.push(key("login-token-1"));
    f.transport.push(me());
    f.transport.push(json_response(401, {{"detail", "Invalid token."}}));
    auto client = f.with_login(f.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    client->finish();
    CHECK(client->take_warnings() ==
          std::vector<std::string>{"logging out the token of user \"admin@example.com\" failed: "
                                   "POST http://127.0.0.1:9/api/v1/auth/logout: the API rejected "
                                   "the credentials (401): Invalid token."});
}

TEST_CASE("auth: with the cache nothing is logged out", "[auth][cache][logout]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    push_login(f.transport, "login-token-1", "long-token-1");
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    client->finish();
    CHECK(f.transport.requests.size() == 3);
}

TEST_CASE("auth: a token the cache could not store is logged out at the end",
          "[auth][cache][logout]") {
    TempDir dir;
    // A regular file where the cache directory's parent should be: nothing can be written
    // (also as root, which ignores permission bits).
    { std::ofstream(dir.path / "file") << "x"; }
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = (dir.path / "file" / "rossum-accounts").string();
    push_login(f.transport, "login-token-1", "long-token-1");
    f.transport.push(me());
    f.transport.push(logged_out());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    const auto warnings = client->take_warnings();
    REQUIRE(warnings.size() == 3); // locking and reading it failed too
    CHECK(warnings[0].rfind("token cache: cannot create " + (dir.path / "file").string(), 0) == 0);
    CHECK(warnings[0].ends_with("; going on without the lock"));
    CHECK(warnings[1].rfind("token cache: cannot read ", 0) == 0);
    CHECK(warnings[2].rfind("token cache: cannot create " + (dir.path / "file").string(), 0) == 0);
    client->finish();
    REQUIRE(f.transport.requests.size() == 4);
    CHECK(is_logout(f.transport.requests[3], "long-token-1"));
}

TEST_CASE("auth: cache problems are warnings without a \"warning:\" prefix", "[auth][cache]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    const auto path = TokenCache(dir.path.string()).path_for(k_api, "admin@example.com");
    { std::ofstream(path) << "{not json"; }
    ::chmod(path.c_str(), 0600);
    push_login(f.transport, "login-token-1", "long-token-1");
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    const auto warnings = client->take_warnings();
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0] == "token cache: ignoring " + path + ": not a token cache file");
}

TEST_CASE("auth: no cache directory is one warning, and the token is logged out at the end",
          "[auth][cache][logout]") {
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled); // cache_dir unset: no HOME, no XDG
    f.transport.push(key("login-token-1"));
    f.transport.push(me());
    f.transport.push(logged_out());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    client->finish();
    CHECK(client->take_warnings() ==
          std::vector<std::string>{"token cache: no cache directory (XDG_CACHE_HOME and HOME are "
                                   "unset); logging in without a cache"});
    REQUIRE(f.transport.requests.size() == 3);
    CHECK(is_logout(f.transport.requests[2], "login-token-1"));
}

TEST_CASE("auth: a valid cached token means no login at all", "[auth][cache]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    REQUIRE(TokenCache(dir.path.string())
                .store(k_api, "admin@example.com", "cached-token-1", f.clock.wall_now() + 24h));
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    client->finish(); // the cached token is what the user asked for: never logged out
    CHECK(f.transport.requests.size() == 1);
    CHECK(client->logins() == 0);
}

TEST_CASE("auth: service_account_token does one login of minutes and one exchange with the "
          "lifetime",
          "[auth][token]") {
    FakeTransport transport;
    FakeClock clock;
    SecretMasker masker;
    push_login(transport, "svc-login-token", "svc-long-token");
    auto token = service_account_token(transport, clock, masker,
                                       {k_api, "svc@example.com", "svc-password-123", 3600});
    REQUIRE(token);
    CHECK(*token == "svc-long-token");
    REQUIRE(transport.requests.size() == 2);
    CHECK(nlohmann::json::parse(transport.requests[0].body)["max_token_lifetime_s"] == 300);
    CHECK(nlohmann::json::parse(transport.requests[1].body) ==
          nlohmann::json{{"max_token_lifetime_s", 3600}});
    // Both tokens and the password are known to the run's masker.
    CHECK(masker.mask("svc-login-token svc-long-token svc-password-123") == "*** *** ***");
}

TEST_CASE("auth: tokens and passwords never appear in log lines or errors", "[auth][secrets]") {
    ClientFixture f;
    f.transport.push(key("long-token-1"));
    f.transport.push(json_response(500, {{"detail", "echo long-token-1 admin-password-123"}}));
    f.transport.push_times(4, json_response(500, {{"detail", "echo long-token-1"}}));
    auto user = f.with_login(f.config())->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().message.find("long-token-1") == std::string::npos);
    for (const auto& line : f.log) {
        CHECK(line.find("long-token-1") == std::string::npos);
        CHECK(line.find("admin-password-123") == std::string::npos);
    }
}

TEST_CASE("auth: a run that waits for the cache lock uses the token the other run cached",
          "[auth][cache][lock]") {
    TempDir dir;
    ClientFixture f;
    HandOverClock clock;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    config.clock = &clock;
    // Another run started first: it holds the lock while it logs in, then caches its token.
    auto held = hold_lock(dir.path.string(), clock);
    clock.on_sleep = [&] {
        REQUIRE(TokenCache(dir.path.string())
                    .store(k_api, "admin@example.com", "other-runs-token", clock.wall_now() + 24h));
        held.reset();
    };
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    CHECK(client->logins() == 0);
    REQUIRE(f.transport.requests.size() == 1); // no login, no exchange
    CHECK(header_of(f.transport.requests[0], "Authorization") == "Bearer other-runs-token");
    client->finish(); // the cached token is never logged out
    CHECK(f.transport.requests.size() == 1);
    CHECK(client->take_warnings().empty());
}

TEST_CASE("auth: the cache lock is held from the read of the cache to the store",
          "[auth][cache][lock]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    bool locked_during_login = false;
    f.transport.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
        if (r.url == std::string(k_api) + "/v1/auth/login") {
            locked_during_login =
                !TokenCache(dir.path.string()).lock(k_api, "admin@example.com", f.clock, 0s).ok();
            return key("login-token-1");
        }
        if (r.url == std::string(k_api) + "/v1/auth/token")
            return key("long-token-1");
        return me();
    });
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    CHECK(locked_during_login);
    // Released once the token is stored: the next run takes the lock at once.
    FakeClock clock;
    CHECK(TokenCache(dir.path.string()).lock(k_api, "admin@example.com", clock, 0s));
    CHECK(client->take_warnings().empty());
}

TEST_CASE("auth: a cache lock held for the whole wait is a warning, and the run logs in",
          "[auth][cache][lock]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    auto held = hold_lock(dir.path.string(), f.clock);
    push_login(f.transport, "login-token-1", "long-token-1");
    f.transport.push(me());
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    CHECK(client->logins() == 1);
    CHECK(f.clock.total_slept() >= k_token_cache_lock_wait);
    const auto path = TokenCache(dir.path.string()).lock_path_for(k_api, "admin@example.com");
    CHECK(client->take_warnings() ==
          std::vector<std::string>{"token cache: " + path +
                                   " is still locked by another run after 30 s; going on "
                                   "without the lock"});
    auto cached =
        TokenCache(dir.path.string()).load(k_api, "admin@example.com", f.clock.wall_now());
    REQUIRE(cached);
    CHECK(*cached == std::optional<std::string>("long-token-1"));
}

TEST_CASE("auth: a cached token answered 401 takes the token another run cached meanwhile",
          "[auth][cache][lock]") {
    TempDir dir;
    ClientFixture f;
    auto config = f.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    TokenCache cache(dir.path.string());
    REQUIRE(cache.store(k_api, "admin@example.com", "cached-token-1", f.clock.wall_now() + 24h));
    f.transport.set_handler([&](const HttpRequest& r) -> Result<HttpResponse> {
        if (header_of(r, "Authorization") == "Bearer cached-token-1") {
            // Revoked; another run met the same 401 and has cached a new token already.
            REQUIRE(cache.store(k_api, "admin@example.com", "other-runs-token",
                                f.clock.wall_now() + 24h));
            return status_response(401);
        }
        return me();
    });
    auto client = f.with_login(config);
    REQUIRE(client->current_user());
    REQUIRE(f.transport.requests.size() == 2);
    CHECK(header_of(f.transport.requests[1], "Authorization") == "Bearer other-runs-token");
    CHECK(client->logins() == 0);
    client->finish();
    CHECK(f.transport.requests.size() == 2);
}

namespace {

// Two tasks at a time, run one after the other in reverse index order: the early read reaches
// the transport before the exchange, as it may when both run side by side.
class ReversingRunner : public TaskRunner {
public:
    std::size_t runs = 0;
    std::size_t width() const override { return 2; }
    void run(std::size_t n, const std::function<void(std::size_t)>& task) override {
        ++runs;
        for (std::size_t i = n; i > 0; --i)
            task(i - 1);
    }
};

// Answers by URL, whatever the order: the login, the exchange, the caller (through `caller`,
// which sees the request), a create, and the logout.
void answer_by_url(FakeTransport& transport,
                   std::function<HttpResponse(const HttpRequest&)> caller = {}) {
    transport.set_handler([caller](const HttpRequest& r) -> Result<HttpResponse> {
        const std::string api = k_api;
        if (r.url == api + "/v1/auth/login")
            return key("login-token-1");
        if (r.url == api + "/v1/auth/token")
            return key("long-token-1");
        if (r.url == api + "/v1/auth/user")
            return caller ? caller(r) : me();
        if (r.url == api + "/v1/users" && r.method == HttpMethod::post)
            return json_response(201, user_json(7, "new@example.com"));
        if (r.url == api + "/v1/auth/logout")
            return logged_out();
        return status_response(404);
    });
}

std::vector<std::string> urls_and_tokens(const FakeTransport& transport) {
    std::vector<std::string> seen;
    for (const auto& r : transport.requests)
        seen.push_back(r.url.substr(std::string(k_api).size()) + " " +
                       header_of(r, "Authorization"));
    return seen;
}

// A run with the token cache on, a parallel runner, and nothing cached yet.
struct EarlyReadRun {
    TempDir dir;
    ClientFixture f;
    ReversingRunner runner;
    ClientConfig config = cached_config();

    ClientConfig cached_config() {
        auto c = f.config(TokenCacheMode::enabled);
        c.cache_dir = dir.path.string();
        c.runner = &runner;
        return c;
    }
    std::optional<std::string> cached() {
        auto token =
            TokenCache(dir.path.string()).load(k_api, "admin@example.com", f.clock.wall_now());
        REQUIRE(token);
        return *token;
    }
};

} // namespace

TEST_CASE("auth: with a parallel runner the first read goes with the login token beside the "
          "exchange, and the exchanged token is the one cached and used after",
          "[auth][cache][parallel]") {
    EarlyReadRun run;
    auto& f = run.f;
    answer_by_url(f.transport);
    auto client = f.with_login(run.config);
    auto caller = client->current_user();
    REQUIRE(caller);
    CHECK(caller->username == "admin@example.com");
    REQUIRE(client->current_user());
    client->finish();
    CHECK(run.runner.runs == 1);
    CHECK(urls_and_tokens(f.transport) ==
          std::vector<std::string>{"/v1/auth/login ", "/v1/auth/user Bearer login-token-1",
                                   "/v1/auth/token Bearer login-token-1",
                                   "/v1/auth/user Bearer long-token-1"});
    CHECK(run.cached() == std::optional<std::string>("long-token-1"));
    CHECK(client->logins() == 1);
}

TEST_CASE("auth: a first read refused with the login token is sent again with the exchanged "
          "one, and a 401 to that is final",
          "[auth][cache][parallel]") {
    for (const bool exchanged_refused : {false, true}) {
        CAPTURE(exchanged_refused);
        EarlyReadRun run;
        auto& f = run.f;
        answer_by_url(f.transport, [exchanged_refused](const HttpRequest& r) {
            const bool refused =
                exchanged_refused || header_of(r, "Authorization") == "Bearer login-token-1";
            return refused ? status_response(401) : me();
        });
        auto client = f.with_login(run.config);
        auto caller = client->current_user();
        CHECK(static_cast<bool>(caller) == !exchanged_refused);
        if (!caller)
            CHECK(caller.error().kind == ErrorKind::auth);
        CHECK(urls_and_tokens(f.transport) ==
              std::vector<std::string>{"/v1/auth/login ", "/v1/auth/user Bearer login-token-1",
                                       "/v1/auth/token Bearer login-token-1",
                                       "/v1/auth/user Bearer long-token-1"});
        CHECK(client->logins() == 1);
    }
}

TEST_CASE("auth: a first read the login token got a 404 for is that error, not sent again",
          "[auth][cache][parallel]") {
    EarlyReadRun run;
    auto& f = run.f;
    answer_by_url(f.transport, [](const HttpRequest& r) {
        return header_of(r, "Authorization") == "Bearer login-token-1" ? status_response(404)
                                                                       : me();
    });
    auto client = f.with_login(run.config);
    auto caller = client->current_user();
    REQUIRE_FALSE(caller);
    CHECK(caller.error().http_status == 404);
    CHECK_THAT(caller.error().message,
               Catch::StartsWith("GET " + std::string(k_api) + "/v1/auth/user: not found (404)"));
    CHECK(urls_and_tokens(f.transport) ==
          std::vector<std::string>{"/v1/auth/login ", "/v1/auth/user Bearer login-token-1",
                                   "/v1/auth/token Bearer login-token-1"});
}

TEST_CASE("auth: a failed exchange fails the first read even when the login token answered it",
          "[auth][cache][parallel]") {
    EarlyReadRun run;
    auto& f = run.f;
    f.transport.set_handler([](const HttpRequest& r) -> Result<HttpResponse> {
        if (r.url == std::string(k_api) + "/v1/auth/token")
            return json_response(400, {{"detail", "Invalid lifetime."}});
        return r.url == std::string(k_api) + "/v1/auth/login" ? key("login-token-1") : me();
    });
    auto client = f.with_login(run.config);
    auto caller = client->current_user();
    REQUIRE_FALSE(caller);
    CHECK(caller.error().kind == ErrorKind::auth);
    CHECK_FALSE(run.cached().has_value());
}

TEST_CASE("auth: a write never goes with the login token, nor does anything when nothing is "
          "exchanged or the runner is one wide",
          "[auth][parallel]") {
    EarlyReadRun run;
    auto& f = run.f;
    SequentialRunner one;
    answer_by_url(f.transport);
    std::vector<std::string> expected;
    SECTION("a create as the first request") {
        auto client = f.with_login(run.config);
        REQUIRE(client->create_user({{"username", "new@example.com"}}));
        expected = {"/v1/auth/login ", "/v1/auth/token Bearer login-token-1",
                    "/v1/users Bearer long-token-1"};
    }
    SECTION("no cache: the run's login token is its only token") {
        auto config = f.config(TokenCacheMode::disabled);
        config.runner = &run.runner;
        auto client = f.with_login(config);
        REQUIRE(client->current_user());
        expected = {"/v1/auth/login ", "/v1/auth/user Bearer login-token-1"};
    }
    SECTION("a runner one wide") {
        run.config.runner = &one;
        auto client = f.with_login(run.config);
        REQUIRE(client->current_user());
        expected = {"/v1/auth/login ", "/v1/auth/token Bearer login-token-1",
                    "/v1/auth/user Bearer long-token-1"};
    }
    CHECK(run.runner.runs == 0);
    CHECK(urls_and_tokens(f.transport) == expected);
}
