#include "unit/io/client_fixture.hpp"

#include <catch2/catch.hpp>

using namespace ra;
using namespace ra::test;
using namespace std::chrono_literals;

namespace {

Result<HttpResponse> me() {
    return json_response(200, user_json(1, "admin@example.com"));
}

Error transport(TransportFailure f) {
    return make_transport_error(f, "simulated");
}

} // namespace

TEST_CASE("client: 429 with Retry-After waits that long, then succeeds", "[client][retry]") {
    ClientFixture f;
    f.transport.push(status_response(429, {{"Retry-After", "2"}}));
    f.transport.push(me());
    auto user = f.with_token()->current_user();
    REQUIRE(user);
    CHECK(user->username == "admin@example.com");
    CHECK(f.transport.requests.size() == 2);
    CHECK(f.clock.total_slept() == 2s);
}

TEST_CASE("client: a 503 five times gives up after 4 retries as unavailable", "[client][retry]") {
    ClientFixture f;
    f.transport.push_times(6, status_response(503));
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::unavailable);
    CHECK(user.error().message ==
          "GET http://127.0.0.1:9/api/v1/auth/user: giving up after 4 retries: the API "
          "answered 503");
    CHECK(f.transport.requests.size() == 5);
    CHECK(f.transport.remaining() == 1);
}

TEST_CASE("client: Retry-After 86400 gives up at once as throttled naming the value",
          "[client][retry]") {
    ClientFixture f;
    f.transport.push(status_response(429, {{"Retry-After", "86400"}}));
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::throttled);
    CHECK(user.error().message == "GET http://127.0.0.1:9/api/v1/auth/user: the API asked to "
                                  "retry after 86400 s, longer than the 60 s this tool waits");
    CHECK(user.error().retry_after_seconds == 86400);
    CHECK(f.transport.requests.size() == 1);
    CHECK(f.clock.total_slept() == 0s);
}

TEST_CASE("client: negative or garbage Retry-After falls back to the jittered backoff",
          "[client][retry]") {
    for (const char* value : {"-5", "soon", "Wed, 21 Oct 2015 07:28:00 GMT", ""}) {
        ClientFixture f;
        f.transport.push(status_response(429, {{"Retry-After", value}}));
        f.transport.push(me());
        REQUIRE(f.with_token()->current_user());
        CHECK(f.clock.total_slept() <= 500ms); // first backoff is at most the 0.5 s base
    }
}

TEST_CASE("client: an HTTP-date Retry-After is honoured relative to the wall clock",
          "[client][retry]") {
    ClientFixture f;
    auto at = std::chrono::system_clock::to_time_t(f.clock.wall_now() + 7s);
    char text[64];
    std::tm tm{};
    gmtime_r(&at, &tm);
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    f.transport.push(status_response(503, {{"Retry-After", text}}));
    f.transport.push(me());
    REQUIRE(f.with_token()->current_user());
    CHECK(f.clock.total_slept() == 7s);
}

TEST_CASE("client: the per-run wait budget stops retries", "[client][retry]") {
    ClientFixture f;
    auto config = f.config();
    config.retry.wait_budget = 3s;
    Credentials creds;
    creds.token = "static-token-1";
    RossumClient client(f.transport, config, creds, f.masker);
    f.transport.push_times(5, status_response(429, {{"Retry-After", "2"}}));
    auto user = client.current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::throttled);
    CHECK(user.error().message ==
          "GET http://127.0.0.1:9/api/v1/auth/user: giving up: the API answered 429, and "
          "waiting again would exceed the 3 s wait budget of this run");
    CHECK(f.transport.requests.size() == 2);
    CHECK(f.clock.total_slept() == 2s);
}

TEST_CASE("client: backoff delays grow with full jitter under the cap", "[retry]") {
    RetryPolicy policy;
    policy.seed = 7;
    Backoff backoff(policy);
    for (int attempt = 0; attempt < 10; ++attempt) {
        auto d = backoff.delay(attempt);
        auto ceiling = std::min<std::chrono::milliseconds>(500ms * (1 << attempt), 20s);
        CHECK(d >= 0s);
        CHECK(d <= ceiling);
    }
}

TEST_CASE("client: timeouts and dropped connections on GET are retried", "[client][retry]") {
    ClientFixture f;
    f.transport.push(transport(TransportFailure::timeout_after_send));
    f.transport.push(transport(TransportFailure::dropped));
    f.transport.push(transport(TransportFailure::connect_failed));
    f.transport.push(me());
    REQUIRE(f.with_token()->current_user());
    CHECK(f.transport.requests.size() == 4);
}

TEST_CASE("client: a TLS verification failure is never retried", "[client][retry]") {
    ClientFixture f;
    f.transport.push(transport(TransportFailure::tls_verification));
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::tls);
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("client: 4xx other than 401 and 429 are never retried", "[client][retry]") {
    struct Case {
        int status;
        ErrorKind kind;
    };
    for (auto c : {Case{400, ErrorKind::validation}, Case{403, ErrorKind::permission},
                   Case{404, ErrorKind::not_found}, Case{405, ErrorKind::protocol}}) {
        ClientFixture f;
        f.transport.push(status_response(c.status));
        auto user = f.with_token()->user(7);
        REQUIRE_FALSE(user);
        CHECK(user.error().kind == c.kind);
        CHECK(user.error().http_status == c.status);
        CHECK(f.transport.requests.size() == 1);
    }
}

TEST_CASE("client: a 404 message names the request and the API's detail", "[client]") {
    ClientFixture f;
    f.transport.push(json_response(404, {{"detail", "Not found."}}));
    auto user = f.with_token()->user(7);
    REQUIRE_FALSE(user);
    CHECK(user.error().message ==
          "GET http://127.0.0.1:9/api/v1/users/7: not found (404): Not found.");
}

TEST_CASE("client: a redirect is a protocol error naming the location", "[client]") {
    ClientFixture f;
    f.transport.push(status_response(302, {{"Location", "http://127.0.0.1:10/elsewhere"}}));
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::protocol);
    CHECK(user.error().message ==
          "GET http://127.0.0.1:9/api/v1/auth/user: the API answered with a redirect (302) to "
          "http://127.0.0.1:10/elsewhere; redirects are not followed");
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("client: a body that is not JSON is a protocol error", "[client]") {
    ClientFixture f;
    HttpResponse r;
    r.status = 200;
    r.body = "<html>";
    f.transport.push(r);
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::protocol);
    CHECK(user.error().message == "GET http://127.0.0.1:9/api/v1/auth/user: the API answered "
                                  "200 with a body that is not JSON");
}

TEST_CASE("client: POST is not resent after a 5xx: the outcome is unknown", "[client][create]") {
    ClientFixture f;
    f.transport.push(status_response(502));
    auto created = f.with_token()->create_user({{"username", "svc"}});
    REQUIRE_FALSE(created);
    CHECK(created.error().kind == ErrorKind::unknown_outcome);
    CHECK(created.error().message == "POST http://127.0.0.1:9/api/v1/users: the API answered "
                                     "502; the request may have been processed");
    CHECK(f.transport.requests.size() == 1);
}

TEST_CASE("client: POST is not resent after a drop, timeout or partial body", "[client][create]") {
    for (auto failure : {TransportFailure::dropped, TransportFailure::timeout_after_send,
                         TransportFailure::partial_body, TransportFailure::too_slow}) {
        ClientFixture f;
        f.transport.push(transport(failure));
        auto created = f.with_token()->create_user({{"username", "svc"}});
        REQUIRE_FALSE(created);
        CHECK(created.error().kind == ErrorKind::unknown_outcome);
        CHECK(f.transport.requests.size() == 1);
    }
}

TEST_CASE("client: POST is resent after 429 and after a refused connection", "[client][create]") {
    ClientFixture f;
    f.transport.push(status_response(429, {{"Retry-After", "1"}}));
    f.transport.push(transport(TransportFailure::connect_failed));
    f.transport.push(json_response(201, user_json(9, "svc")));
    auto created = f.with_token()->create_user({{"username", "svc"}});
    REQUIRE(created);
    CHECK(created->id == 9);
    CHECK(f.transport.requests.size() == 3);
    CHECK(f.transport.requests[2].body == R"({"username":"svc"})");
}

TEST_CASE("client: PATCH is retried after a 503", "[client][retry]") {
    ClientFixture f;
    f.transport.push(status_response(503));
    f.transport.push(json_response(200, user_json(9, "svc")));
    auto patched = f.with_token()->patch_user(9, {{"first_name", "A"}});
    REQUIRE(patched);
    CHECK(f.transport.requests.size() == 2);
    CHECK(f.transport.requests[1].method == HttpMethod::patch);
    CHECK(f.transport.requests[1].url == "http://127.0.0.1:9/api/v1/users/9");
}

TEST_CASE("client: a 400 echoing the password is masked in the message, not in the details",
          "[client][secrets]") {
    ClientFixture f;
    const std::string password = "Very-Secret-Pa55word!";
    f.transport.push(
        json_response(400, {{"password", {"This password is too similar: " + password}},
                            {"username", {"A user with that username already exists."}}}));
    auto created = f.with_token()->create_user({{"username", "svc"}, {"password", password}});
    REQUIRE_FALSE(created);
    CHECK(created.error().kind == ErrorKind::validation);
    CHECK(created.error().message ==
          "POST http://127.0.0.1:9/api/v1/users: the API rejected the request (400): password: "
          "This password is too similar: ***; username: A user with that username already "
          "exists.");
    // The body is data the executor decides on (a masked key could hide "username"); it is
    // never printed.
    CHECK(created.error().details["username"][0] == "A user with that username already exists.");
}

TEST_CASE("client: server text is masked, the message template never is", "[client][secrets]") {
    ClientFixture f;
    // A secret that is also a word of the tool's own template ("the API rejected the request").
    f.masker.add("request");
    f.transport.push(json_response(400, {{"detail", "bad request: request id 7"}}));
    auto created = f.with_token()->create_user({{"username", "svc"}});
    REQUIRE_FALSE(created);
    CHECK(created.error().message ==
          "POST http://127.0.0.1:9/api/v1/users: the API rejected the request (400): bad ***: *** "
          "id 7");
}

TEST_CASE("client: a long server body is masked before it is cut", "[client][secrets]") {
    ClientFixture f;
    const std::string secret = "Very-Secret-Pa55word!";
    f.masker.add(secret);
    // The secret straddles the 500-character cut of the summary.
    f.transport.push(
        json_response(400, {{"password", {std::string(485, 'x') + " " + secret + " tail"}}}));
    auto created = f.with_token()->create_user({{"username", "svc"}});
    REQUIRE_FALSE(created);
    CHECK(created.error().message.find("Very-Secret") == std::string::npos);
    CHECK(created.error().message.find("***") != std::string::npos);
}

TEST_CASE("client: a redirect's Location is masked in the message", "[client][secrets]") {
    ClientFixture f;
    f.masker.add("static-token-1");
    f.transport.push(
        status_response(302, {{"Location", "https://evil.example/?t=static-token-1"}}));
    auto user = f.with_token("static-token-1")->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().message ==
          "GET http://127.0.0.1:9/api/v1/auth/user: the API answered with a redirect (302) to "
          "https://evil.example/?t=***; redirects are not followed");
}

TEST_CASE("client: a transport failure names the request once in the error and the -v log",
          "[client][log]") {
    ClientFixture f;
    f.transport.push_times(
        5, make_transport_error(TransportFailure::timeout_after_send,
                                "timed out waiting for the answer (Operation timed out)"));
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    const std::string url = "http://127.0.0.1:9/api/v1/auth/user";
    CHECK(user.error().message == "GET " + url +
                                      ": giving up after 4 retries: timed out waiting for the "
                                      "answer (Operation timed out)");
    REQUIRE(f.log.size() == 9);
    CHECK(f.log[0] ==
          "GET " + url +
              " -> failed: timed out waiting for the answer (Operation timed out) (0 ms)");
    CHECK(f.log[1].rfind("GET " + url +
                             ": timed out waiting for the answer (Operation timed out); retrying "
                             "in ",
                         0) == 0);
    for (const auto& line : f.log)
        CHECK(line.find("GET", 1) == std::string::npos);
}

TEST_CASE("client: a TLS failure is not retried and names the request once", "[client]") {
    ClientFixture f;
    f.transport.push(make_transport_error(TransportFailure::tls_verification,
                                          "the server's TLS certificate was not accepted (x)"));
    auto user = f.with_token()->current_user();
    REQUIRE_FALSE(user);
    CHECK(user.error().kind == ErrorKind::tls);
    CHECK(user.error().message == "GET http://127.0.0.1:9/api/v1/auth/user: the server's TLS "
                                  "certificate was not accepted (x)");
}

TEST_CASE("client: the verbose log has one line per request and masks nothing it must not show",
          "[client][log]") {
    ClientFixture f;
    f.transport.push(status_response(429, {{"Retry-After", "1"}}));
    f.transport.push(me());
    REQUIRE(f.with_token("static-token-1")->current_user());
    REQUIRE(f.log.size() == 4);
    CHECK(f.log[0] == "GET http://127.0.0.1:9/api/v1/auth/user -> 429 (0 ms)");
    CHECK(f.log[1] == "rate: the API answered 429; requests now keep 1 s + 100 ms per --max-rps "
                      "window");
    CHECK(f.log[2] == "GET http://127.0.0.1:9/api/v1/auth/user: the API answered 429; retrying "
                      "in 1000 ms");
    CHECK(f.log[3] == "GET http://127.0.0.1:9/api/v1/auth/user -> 200 (0 ms)");
    CHECK(header_of(f.transport.requests[0], "Authorization") == "Bearer static-token-1");
}

TEST_CASE("client: requests are paced to max_rps in any one-second window", "[client][rate]") {
    ClientFixture f;
    f.transport.set_handler([](const HttpRequest&) { return me(); });
    auto client = f.with_token();
    for (int i = 0; i < 25; ++i)
        REQUIRE(client->current_user());
    CHECK(f.clock.total_slept() == 2100ms); // two full windows of 1 s plus the 50 ms guard
}

TEST_CASE("client: a 429 widens the rate window for the rest of the run", "[client][rate]") {
    ClientFixture f;
    int calls = 0;
    f.transport.set_handler([&](const HttpRequest&) {
        if (++calls == 1)
            return Result<HttpResponse>(HttpResponse{429, {{"Retry-After", "0"}}, "{}"});
        return me();
    });
    auto config = f.config();
    config.retry.base = 0ms; // no backoff: only the limiter sleeps
    config.retry.cap = 0ms;
    Credentials creds;
    creds.token = "static-token-1";
    RossumClient client_(f.transport, config, creds, f.masker);
    auto* client = &client_;
    for (int i = 0; i < 20; ++i)
        REQUIRE(client->current_user());
    // 21 requests, all at once but for the limiter: the 11th and the 21st each wait for a
    // window of 1 s + 100 ms (the 50 ms guard widened once by 50 ms).
    CHECK(std::find(f.log.begin(), f.log.end(),
                    "rate: the API answered 429; requests now keep 1 s + 100 ms per --max-rps "
                    "window") != f.log.end());
    CHECK(f.clock.total_slept() == 2200ms);
}

TEST_CASE("client: after a stop, writes are held back but reads go", "[client][stop]") {
    ClientFixture f;
    f.transport.set_handler([](const HttpRequest&) { return me(); });
    auto config = f.config();
    bool stop = false;
    config.stop_writes = [&] { return stop; };
    Credentials creds;
    creds.token = "static-token-1";
    RossumClient client(f.transport, config, creds, f.masker);
    stop = true;
    REQUIRE(client.current_user());
    auto created = client.create_user({{"username", "a@x"}});
    REQUIRE_FALSE(created);
    CHECK(created.error().kind == ErrorKind::not_sent);
    auto patched = client.patch_user(7, {{"first_name", "A"}});
    REQUIRE_FALSE(patched);
    CHECK(patched.error().kind == ErrorKind::not_sent);
    CHECK(f.transport.requests.size() == 1); // only the GET went out
}

TEST_CASE("client: once the run stopped by itself, a write not yet sent is held back but one "
          "already sent is retried",
          "[client][stop]") {
    ClientFixture f;
    bool hold = false;
    int patches = 0;
    f.transport.set_handler([&](const HttpRequest& request) -> Result<HttpResponse> {
        if (request.method != HttpMethod::patch)
            return me();
        // Another worker gives up while this PATCH waits to be retried.
        hold = true;
        return ++patches == 1 ? status_response(503) : json_response(200, user_json(7, "a@x"));
    });
    auto config = f.config();
    config.hold_new_writes = [&] { return hold; };
    Credentials creds;
    creds.token = "static-token-1";
    RossumClient client(f.transport, config, creds, f.masker);
    REQUIRE(client.patch_user(7, {{"first_name", "A"}}));
    CHECK(patches == 2);
    auto created = client.create_user({{"username", "a@x"}});
    REQUIRE_FALSE(created);
    CHECK(created.error().kind == ErrorKind::not_sent);
    CHECK(created.error().message ==
          "POST http://127.0.0.1:9/api/v1/users: not sent, the run stopped");
    REQUIRE(client.current_user()); // reads still go
    CHECK(patches == 2);
}

TEST_CASE("client: a write retried after a stop is unknown when its first attempt may have been "
          "processed",
          "[client][stop]") {
    // The stop comes while the PATCH waits to be retried: its retry is held back, but the first
    // attempt (a 503, a dropped connection) may have written, so it is not "not sent".
    auto patch_after = [](Result<HttpResponse> first) {
        ClientFixture f;
        bool stop = false;
        int calls = 0;
        f.transport.set_handler([&](const HttpRequest&) -> Result<HttpResponse> {
            if (++calls > 1)
                return json_response(200, user_json(7, "a@x"));
            stop = true;
            return first;
        });
        auto config = f.config();
        config.stop_writes = [&] { return stop; };
        Credentials creds;
        creds.token = "static-token-1";
        RossumClient client(f.transport, config, creds, f.masker);
        auto patched = client.patch_user(7, {{"first_name", "A"}});
        CHECK(calls == 1);
        return patched;
    };
    auto after_503 = patch_after(status_response(503));
    REQUIRE_FALSE(after_503);
    CHECK(after_503.error().kind == ErrorKind::unknown_outcome);
    CHECK(after_503.error().message ==
          "PATCH http://127.0.0.1:9/api/v1/users/7: the API answered 503; not retried, the run "
          "was asked to stop; the request may have been processed");
    auto after_drop = patch_after(transport(TransportFailure::dropped));
    REQUIRE_FALSE(after_drop);
    CHECK(after_drop.error().kind == ErrorKind::unknown_outcome);
    // A 429 and a refused connection were not processed: nothing was written.
    auto after_429 = patch_after(status_response(429, {{"Retry-After", "1"}}));
    REQUIRE_FALSE(after_429);
    CHECK(after_429.error().kind == ErrorKind::not_sent);
    auto after_refused = patch_after(transport(TransportFailure::connect_failed));
    REQUIRE_FALSE(after_refused);
    CHECK(after_refused.error().kind == ErrorKind::not_sent);
}
