#pragma once
// rossum-sandbox in-process: a local in-memory Rossum API (users, groups, organizations,
// queues, auth, pagination, throttling) plus a control API under /_sandbox for tests.

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ra::sandbox {

struct Options {
    int port = 0;                            // 0 = pick a free port
    std::string seed_file;                   // empty = built-in demo data
    int latency_ms = 0;                      // added to every /api response
    std::optional<double> rate_limit = 10.0; // requests per second over /api; nullopt = off
    std::optional<int> login_limit = 20;     // /auth/login calls per 60 s before 429; nullopt = off
    std::int64_t max_token_lifetime_s = 583200;
    std::string admin_password; // demo admin password; empty = generate a random one
    std::string log_file;       // one line per /api request (no bodies, no headers); empty = none
};

class Sandbox {
public:
    // Throws std::invalid_argument when the seed file is invalid (check it first with
    // seed.hpp's load_seed_file for a friendly message).
    explicit Sandbox(Options options);
    ~Sandbox(); // stops
    Sandbox(const Sandbox&) = delete;
    Sandbox& operator=(const Sandbox&) = delete;

    int start(); // binds 127.0.0.1, serves on background threads, returns the port (-1: failed)
    void stop(); // prompt even while a "hang" fault is active
    std::string base_url() const; // "http://127.0.0.1:PORT/api"
    std::string admin_username() const;
    std::string admin_password() const;
    nlohmann::json request_log() const; // same as GET /_sandbox/requests

    // Conveniences for tests; each is the same as the control-API call named.
    int port() const;
    std::string origin() const;                   // "http://127.0.0.1:PORT"
    nlohmann::json users() const;                 // GET /_sandbox/users
    void clear_request_log();                     // DELETE /_sandbox/requests
    void expire_tokens();                         // POST /_sandbox/tokens/expire
    nlohmann::json live_tokens() const;           // GET /_sandbox/tokens
    std::string configure(const nlohmann::json&); // POST /_sandbox/config; "" or the problem
    std::string add_fault(const nlohmann::json&); // POST /_sandbox/faults; "" or the problem
    // The stored password of `username` equals `password` (passwords never leave otherwise).
    bool check_password(const std::string& username, const std::string& password) const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace ra::sandbox
