// The real libcurl client against the in-process sandbox on 127.0.0.1: every operation, the
// retry and auth rules over real sockets, and the refusals (redirects, off-origin links, size).

#include "rossum_accounts/io/curl_transport.hpp"
#include "rossum_accounts/io/rossum_client.hpp"
#include "rossum_accounts/io/system_clock.hpp"
#include "sandbox/sandbox.hpp"
#include "support/fake_clock.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <httplib.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace ra;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

constexpr const char* k_admin_password = "Demo-Admin-Passphrase-7";

sandbox::Options quiet_options() {
    sandbox::Options o;
    o.rate_limit = std::nullopt;
    o.login_limit = std::nullopt;
    o.admin_password = k_admin_password;
    return o;
}

// A second listener that records every request, to prove nothing (no Authorization) reaches it.
class Recorder {
public:
    Recorder() {
        server_.Get(".*", [this](const httplib::Request& req, httplib::Response& res) {
            ++hits;
            if (req.has_header("Authorization"))
                ++with_authorization;
            res.set_content(R"({"detail":"recorder"})", "application/json");
        });
        port = server_.bind_to_any_port("127.0.0.1");
        thread_ = std::thread([this] { server_.listen_after_bind(); });
        while (!server_.is_running())
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ~Recorder() {
        server_.stop();
        thread_.join();
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port) + path;
    }
    int port = 0;
    std::atomic<int> hits{0};
    std::atomic<int> with_authorization{0};

private:
    httplib::Server server_;
    std::thread thread_;
};

// The live tokens that outlast the login token's few minutes (a login token that was only
// exchanged is asked for with k_login_token_lifetime_s and expires on its own).
json long_lived(const json& tokens) {
    json out = json::array();
    for (const auto& t : tokens)
        if (t["lifetime_s"].get<std::int64_t>() > k_login_token_lifetime_s)
            out.push_back(t);
    return out;
}

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "ra-int-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

struct World {
    sandbox::Sandbox sandbox;
    FakeClock clock; // our waits never really sleep; the sockets are real
    SecretMasker masker;
    std::unique_ptr<CurlTransport> transport;
    std::vector<std::string> log;

    explicit World(CurlOptions curl = {}, sandbox::Options options = quiet_options())
        : sandbox(std::move(options)) {
        REQUIRE(sandbox.start() > 0);
        auto t = CurlTransport::create(curl, masker);
        REQUIRE(t);
        transport = std::move(*t);
    }

    ClientConfig config(TokenCacheMode cache = TokenCacheMode::disabled) {
        ClientConfig c;
        c.api_url = sandbox.base_url();
        c.clock = &clock;
        c.token_cache = cache;
        c.log = [this](std::string_view line) { log.emplace_back(line); };
        c.retry.seed = 1;
        return c;
    }

    std::unique_ptr<RossumClient> client(ClientConfig c, std::string password = k_admin_password) {
        Credentials creds;
        creds.username = sandbox.admin_username();
        creds.password = std::move(password);
        return std::make_unique<RossumClient>(*transport, std::move(c), std::move(creds), masker);
    }

    int requests_to(const std::string& method, const std::string& path) const {
        int n = 0;
        const json entries = sandbox.request_log();
        for (const auto& entry : entries["requests"])
            if (entry.value("method", "") == method && entry.value("path", "") == path)
                ++n;
        return n;
    }

    json create_body(const std::string& username) const {
        return {{"organization", sandbox.base_url() + "/v1/organizations/4201"},
                {"username", username},
                {"password", "Quiet-Harbour-Lantern-93"},
                {"groups", {sandbox.base_url() + "/v1/groups/" + std::to_string(group_id())}},
                {"metadata", {{"managed_by", "rossum-accounts"}}}};
    }

    std::int64_t group_id() const { return group_id_; }
    std::int64_t group_id_ = 0;
};

void inject_users(World& w, int count) {
    httplib::Client control("127.0.0.1", w.sandbox.port());
    for (int i = 0; i < count; ++i) {
        json body = {{"organization", w.sandbox.base_url() + "/v1/organizations/4201"},
                     {"username", "bulk" + std::to_string(i) + "@demo.example"}};
        auto r = control.Post("/_sandbox/users", body.dump(), "application/json");
        REQUIRE(r);
        REQUIRE(r->status / 100 == 2);
    }
}

} // namespace

TEST_CASE("integration: every client operation works against the sandbox",
          "[integration][client]") {
    World w;
    auto client = w.client(w.config());
    auto me = client->current_user();
    REQUIRE(me);
    CHECK(me->username == w.sandbox.admin_username());
    CHECK(id_from_url(me->organization) == 4201);

    auto org = client->organization(4201);
    REQUIRE(org);
    CHECK(org->id == 4201);

    auto groups = client->groups();
    REQUIRE(groups);
    for (const auto& g : *groups)
        if (g.name == "annotator")
            w.group_id_ = g.id;
    REQUIRE(w.group_id_ != 0);

    auto queues = client->queues();
    REQUIRE(queues);
    CHECK(queues->size() >= 3);

    auto created = client->create_user(w.create_body("svc-int@demo.example"));
    REQUIRE(created);
    CHECK(created->username == "svc-int@demo.example");
    CHECK(w.sandbox.check_password("svc-int@demo.example", "Quiet-Harbour-Lantern-93"));

    auto patched = client->patch_user(created->id, {{"first_name", "Integration"}});
    REQUIRE(patched);
    CHECK(patched->first_name == "Integration");

    auto one = client->user(created->id);
    REQUIRE(one);
    CHECK(fingerprint(*one) == fingerprint(*patched));

    auto named = client->users_by_username("svc-int@demo.example");
    REQUIRE(named);
    REQUIRE(named->size() == 1);
    CHECK((*named)[0].id == created->id);

    auto page = client->users_page(4201, std::nullopt, nullptr);
    REQUIRE(page);
    CHECK_FALSE(page->next);
    CHECK(page->total == static_cast<std::int64_t>(page->results.size()));

    client->finish(); // --no-token-cache: the login token, the run's only one, is logged out
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 1);
    CHECK(w.requests_to("POST", "/api/v1/auth/token") == 0);
    CHECK(w.requests_to("POST", "/api/v1/auth/logout") == 1);
    CHECK(w.sandbox.live_tokens()["tokens"].empty());
    CHECK(client->take_warnings().empty());
    for (const auto& line : w.log)
        CHECK(line.find(k_admin_password) == std::string::npos);
}

TEST_CASE("integration: 350 users are read through consistent pages of 100",
          "[integration][pagination]") {
    World w;
    inject_users(w, 350);
    auto client = w.client(w.config());
    std::size_t users = 0;
    int pages = 0;
    std::optional<std::string> next;
    std::int64_t total = 0;
    do {
        auto page = client->users_page(4201, next, nullptr);
        REQUIRE(page);
        users += page->results.size();
        total = page->total;
        next = page->next;
        ++pages;
    } while (next);
    CHECK(total >= 350);
    CHECK(users == static_cast<std::size_t>(total));
    CHECK(pages == (total + 99) / 100);
}

TEST_CASE("integration: 429 with Retry-After is waited out, then the call succeeds",
          "[integration][retry]") {
    World w;
    auto client = w.client(w.config());
    REQUIRE(client->current_user()); // logged in
    REQUIRE(w.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/auth/user"},
                            {"action", "respond"},
                            {"status", 429},
                            {"body", R"({"detail":"Too many requests"})"},
                            {"headers", {{"Retry-After", "2"}}}})
                .empty());
    REQUIRE(client->current_user());
    CHECK(w.clock.total_slept() == 2s);
    CHECK(w.requests_to("GET", "/api/v1/auth/user") == 3);
}

TEST_CASE("integration: 503 until the wait budget is spent stops as unavailable",
          "[integration][retry]") {
    World w;
    auto client = w.client(w.config());
    REQUIRE(w.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/groups"},
                            {"action", "respond"},
                            {"status", 503},
                            {"times", -1},
                            {"headers", {{"Retry-After", "50"}}}})
                .empty());
    auto groups = client->groups();
    REQUIRE_FALSE(groups);
    CHECK(groups.error().kind == ErrorKind::unavailable);
    CHECK(groups.error().message.find("wait budget of this run") != std::string::npos);
    CHECK(w.requests_to("GET", "/api/v1/groups") == 3);
    CHECK(w.clock.total_slept() == 100s);
}

TEST_CASE("integration: an expired cached token gets exactly one re-login", "[integration][auth]") {
    World w;
    TempDir dir;
    auto config = w.config(TokenCacheMode::enabled);
    config.cache_dir = dir.path.string();
    REQUIRE(w.client(config)->current_user()); // first run logs in and caches
    auto second = w.client(config);
    REQUIRE(second->current_user()); // cached token, no login
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 1);
    w.sandbox.expire_tokens();
    REQUIRE(second->current_user());
    CHECK(second->logins() == 1);
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 2);
    second->finish(); // cached: nothing is logged out; the login token expires in minutes
    CHECK(w.requests_to("POST", "/api/v1/auth/logout") == 0);
    const json live = long_lived(w.sandbox.live_tokens()["tokens"]);
    REQUIRE(live.size() == 1);
    CHECK(live[0]["issued_by"] == "exchange");
}

TEST_CASE("integration: bad credentials make exactly one login attempt", "[integration][auth]") {
    World w;
    auto client = w.client(w.config(), "Wrong-Password-Entirely-1");
    auto me = client->current_user();
    REQUIRE_FALSE(me);
    CHECK(me.error().kind == ErrorKind::auth);
    CHECK(me.error().message.find(w.sandbox.admin_username()) != std::string::npos);
    CHECK(me.error().message.find("Wrong-Password-Entirely-1") == std::string::npos);
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 1);
}

TEST_CASE("integration: a redirect is not followed and no Authorization reaches its target",
          "[integration][redirect]") {
    World w;
    Recorder other;
    auto client = w.client(w.config());
    REQUIRE(w.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/auth/user"},
                            {"action", "redirect"},
                            {"location", other.url("/api/v1/auth/user")}})
                .empty());
    auto me = client->current_user();
    REQUIRE_FALSE(me);
    CHECK(me.error().kind == ErrorKind::protocol);
    CHECK(me.error().message.find("redirects are not followed") != std::string::npos);
    CHECK(other.hits == 0);
    CHECK(other.with_authorization == 0);
}

TEST_CASE("integration: an off-origin next link is refused before any request",
          "[integration][pagination]") {
    World w;
    Recorder other;
    auto client = w.client(w.config());
    json page = {{"pagination",
                  {{"total", 150},
                   {"total_pages", 2},
                   {"next", other.url("/api/v1/users?page=2&page_size=100")},
                   {"previous", nullptr}}},
                 {"results", json::array()}};
    REQUIRE(w.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/users"},
                            {"action", "respond"},
                            {"status", 200},
                            {"body", page.dump()}})
                .empty());
    // Refused with the page that carries it (the later pages may be read by number instead).
    auto first = client->users_page(4201, std::nullopt, nullptr);
    REQUIRE_FALSE(first);
    CHECK(first.error().kind == ErrorKind::protocol);
    CHECK(first.error().message.rfind("refusing to follow a users page link outside the API", 0) ==
          0);
    CHECK(other.hits == 0);
}

TEST_CASE("integration: an answer over the size cap is refused", "[integration][limits]") {
    CurlOptions curl;
    curl.max_body_bytes = 4096;
    World w(curl);
    auto client = w.client(w.config());
    REQUIRE(client->current_user());
    REQUIRE(w.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/queues"},
                            {"action", "respond"},
                            {"status", 200},
                            {"body", std::string(100000, ' ') + "{}"}})
                .empty());
    auto queues = client->queues();
    REQUIRE_FALSE(queues);
    CHECK(queues.error().kind == ErrorKind::protocol);
    CHECK(queues.error().message.find("the answer is larger than 4096 bytes") != std::string::npos);
    CHECK(w.requests_to("GET", "/api/v1/queues") == 1);
}

TEST_CASE("integration: a hanging request times out and is retried a bounded number of times",
          "[integration][timeout]") {
    CurlOptions curl;
    curl.timeout = 300ms;
    curl.connect_timeout = 300ms;
    World w(curl);
    auto client = w.client(w.config());
    REQUIRE(client->current_user());
    REQUIRE(w.sandbox
                .add_fault({{"method", "GET"},
                            {"path", "/api/v1/groups"},
                            {"action", "hang"},
                            {"ms", 1500},
                            {"times", 5}})
                .empty());
    auto groups = client->groups();
    REQUIRE_FALSE(groups);
    CHECK(groups.error().kind == ErrorKind::unavailable);
    CHECK(groups.error().message.find("giving up after 4 retries") != std::string::npos);
    CHECK(groups.error().message.find("timed out") != std::string::npos);
    // libcurl's message is quoted, but the request is named once (it said "GET url: GET url:").
    const std::string url = w.sandbox.base_url() + "/v1/groups?page_size=100";
    CHECK(groups.error().message.rfind("GET " + url + ": giving up after 4 retries: ", 0) == 0);
    CHECK(groups.error().message.find("GET", 1) == std::string::npos);
    bool failed_line = false;
    for (const auto& line : w.log) {
        CHECK(line.find("GET", 1) == std::string::npos);
        failed_line = failed_line || line.rfind("GET " + url + " -> failed: timed out", 0) == 0;
    }
    CHECK(failed_line);
}

TEST_CASE("integration: a create whose connection drops after commit is an unknown outcome",
          "[integration][create]") {
    World w;
    auto client = w.client(w.config());
    auto groups = client->groups();
    REQUIRE(groups);
    w.group_id_ = (*groups)[0].id;
    REQUIRE(
        w.sandbox
            .add_fault(
                {{"method", "POST"}, {"path", "/api/v1/users"}, {"action", "drop_after_commit"}})
            .empty());
    auto created = client->create_user(w.create_body("dropped@demo.example"));
    REQUIRE_FALSE(created);
    CHECK(created.error().kind == ErrorKind::unknown_outcome);
    auto found = client->users_by_username("dropped@demo.example");
    REQUIRE(found);
    CHECK(found->size() == 1); // committed once
    // Never re-posted, not even by libcurl's own retry on a reused connection (checked after
    // the look-up: the sandbox records a dropped request after closing the connection).
    CHECK(w.requests_to("POST", "/api/v1/users") == 1);
}

TEST_CASE("integration: a create answered 500 after commit or cut short is an unknown outcome",
          "[integration][create]") {
    for (const char* action : {"status_after_commit", "truncate"}) {
        World w;
        auto client = w.client(w.config());
        auto groups = client->groups();
        REQUIRE(groups);
        w.group_id_ = (*groups)[0].id;
        REQUIRE(w.sandbox
                    .add_fault({{"method", "POST"},
                                {"path", "/api/v1/users"},
                                {"action", action},
                                {"status", 500}})
                    .empty());
        auto created = client->create_user(w.create_body("cut@demo.example"));
        REQUIRE_FALSE(created);
        CHECK(created.error().kind == ErrorKind::unknown_outcome);
        CHECK(w.requests_to("POST", "/api/v1/users") == 1);
    }
}

TEST_CASE("integration: a missing CA bundle is a usage error before any request",
          "[integration][tls]") {
    CurlOptions curl;
    curl.ca_bundle = "/nonexistent/ca.pem";
    SecretMasker masker;
    auto t = CurlTransport::create(curl, masker);
    REQUIRE_FALSE(t);
    CHECK(t.error().kind == ErrorKind::usage);
    CHECK(t.error().message ==
          "--ca-bundle /nonexistent/ca.pem: cannot read it: No such file or directory");
}

TEST_CASE("integration: a CA bundle that is a FIFO is a usage error without blocking",
          "[integration][tls][hostile]") {
    // The check opened it without O_NONBLOCK and waited for a writer forever.
    const std::string fifo =
        (std::filesystem::temp_directory_path() / ("ra-ca-fifo-" + std::to_string(::getpid())))
            .string();
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CurlOptions curl;
    curl.ca_bundle = fifo;
    SecretMasker masker;
    auto t = CurlTransport::create(curl, masker);
    ::unlink(fifo.c_str());
    REQUIRE_FALSE(t);
    CHECK(t.error().kind == ErrorKind::usage);
    CHECK(t.error().message == "--ca-bundle " + fifo + ": not a regular file");
}

TEST_CASE("integration: the sandbox's rate limit is never hit at the default max_rps",
          "[integration][rate]") {
    sandbox::Options options = quiet_options();
    options.rate_limit = 10.0;
    World w({}, options);
    SystemClock real;
    auto config = w.config();
    config.clock = &real;
    auto client = w.client(config);
    for (int i = 0; i < 25; ++i)
        REQUIRE(client->current_user());
    const json entries = w.sandbox.request_log();
    for (const auto& entry : entries["requests"])
        CHECK(entry.value("status", 0) != 429);
}

TEST_CASE("integration: service_account_token logs in once, exchanges once and leaves only the "
          "exchanged token valid for longer than minutes",
          "[integration][token]") {
    World w;
    auto token = service_account_token(
        *w.transport, w.clock, w.masker,
        {w.sandbox.base_url(), w.sandbox.admin_username(), k_admin_password, 3600});
    REQUIRE(token);
    CHECK_FALSE(token->empty());
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 1);
    CHECK(w.requests_to("POST", "/api/v1/auth/token") == 1);
    CHECK(w.requests_to("POST", "/api/v1/auth/logout") == 0);
    const json live = long_lived(w.sandbox.live_tokens()["tokens"]);
    REQUIRE(live.size() == 1);
    CHECK(live[0]["issued_by"] == "exchange");
    CHECK(live[0]["lifetime_s"] == 3600);
}

TEST_CASE("integration: without the cache the run token lives minutes, is renewed by an exchange "
          "and no token of the run is left valid",
          "[integration][token][renewal]") {
    World w;
    auto client = w.client(w.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    json live = w.sandbox.live_tokens()["tokens"];
    REQUIRE(live.size() == 1);
    CHECK(live[0]["issued_by"] == "login");
    CHECK(live[0]["lifetime_s"] == k_run_token_lifetime_s);
    // Our clock says the token is near its end (the sandbox's does not): renewed, then used.
    w.clock.advance(std::chrono::seconds(k_run_token_lifetime_s - k_run_token_renew_margin_s));
    REQUIRE(client->current_user());
    CHECK(w.requests_to("POST", "/api/v1/auth/token") == 1);
    CHECK(w.requests_to("POST", "/api/v1/auth/logout") == 1);
    live = w.sandbox.live_tokens()["tokens"];
    REQUIRE(live.size() == 1); // the predecessor was logged out
    CHECK(live[0]["issued_by"] == "exchange");
    CHECK(live[0]["lifetime_s"] == k_run_token_lifetime_s);
    client->finish();
    CHECK(w.sandbox.live_tokens()["tokens"].empty());
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 1);
    CHECK(client->take_warnings().empty());
}

TEST_CASE("integration: a run token the server expired gets a new login and the request repeats",
          "[integration][token][renewal]") {
    World w;
    auto client = w.client(w.config(TokenCacheMode::disabled));
    REQUIRE(client->current_user());
    w.clock.advance(std::chrono::seconds(k_run_token_lifetime_s - k_run_token_renew_margin_s / 2));
    w.sandbox.expire_tokens();
    // token() exchanges first; the sandbox refuses the expired token (401), so a login follows.
    REQUIRE(client->current_user());
    CHECK(w.requests_to("POST", "/api/v1/auth/login") == 2);
    client->finish();
    CHECK(w.sandbox.live_tokens()["tokens"].empty());
}
