// The HTTP side of the sandbox: httplib routing, latency, scripted faults and the request log
// around a Service that holds the behaviour.
#include "sandbox/sandbox.hpp"

#include "sandbox/seed.hpp"
#include "sandbox/service.hpp"
#include "sandbox/socket_shutdown.hpp"

#include <atomic>
#include <condition_variable>
#include <fmt/format.h>
#include <fstream>
#include <httplib.h>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace ra::sandbox {

namespace {

World initial_world(const Options& options) {
    if (options.seed_file.empty()) {
        return demo_world(options.admin_password);
    }
    SeedResult seed = load_seed_file(options.seed_file, options.admin_password);
    if (!seed.world) {
        throw std::invalid_argument(seed.error);
    }
    return std::move(*seed.world);
}

Config initial_config(const Options& options) {
    Config config;
    config.rate_limit = options.rate_limit;
    config.login_limit = options.login_limit;
    config.latency_ms = options.latency_ms;
    config.token_lifetime_s = options.max_token_lifetime_s;
    return config;
}

ApiRequest to_api_request(const httplib::Request& req) {
    ApiRequest api;
    api.method = req.method;
    api.path = req.path;
    std::size_t question = req.target.find('?');
    api.query = question == std::string::npos ? "" : req.target.substr(question + 1);
    for (const auto& [key, value] : req.params) {
        api.params.emplace(key, value);
    }
    if (req.has_header("Authorization")) {
        api.authorization = req.get_header_value("Authorization");
    }
    api.content_type = req.get_header_value("Content-Type");
    api.host = req.get_header_value("Host");
    api.body = req.body;
    return api;
}

std::string generic_detail(int status) {
    switch (status) {
    case 500:
        return "A server error occurred.";
    case 502:
        return "Bad gateway.";
    case 503:
        return "Service temporarily unavailable.";
    case 504:
        return "Gateway timeout.";
    default:
        return "Scripted fault.";
    }
}

Reply scripted_reply(const Fault& fault, bool generic_body) {
    Reply reply;
    reply.status = fault.action == FaultAction::redirect ? 302 : fault.status;
    if (fault.body) {
        reply.body = *fault.body;
    } else if (generic_body) {
        reply.body = nlohmann::json{{"detail", generic_detail(reply.status)}}.dump();
    }
    reply.headers = fault.headers;
    if (fault.action == FaultAction::redirect) {
        reply.headers["Location"] = fault.location;
    }
    return reply;
}

// Writes `reply` into `res`; a Content-Type among the headers replaces the JSON default.
void write_reply(const Reply& reply, httplib::Response& res) {
    res.status = reply.status;
    std::string content_type = "application/json";
    for (const auto& [name, value] : reply.headers) {
        if (ascii_lower(name) == "content-type") {
            content_type = value;
        } else {
            res.set_header(name, value);
        }
    }
    if (!reply.body.empty() || reply.status != 204) {
        res.set_content(reply.body, content_type);
    }
}

// Full Content-Length, then half the body, then the connection closes (the provider fails).
void write_truncated(const Reply& reply, httplib::Response& res) {
    res.status = reply.status;
    for (const auto& [name, value] : reply.headers) {
        res.set_header(name, value);
    }
    const std::string body = reply.body.empty() ? std::string("{}") : reply.body;
    res.set_content_provider(body.size(), "application/json",
                             [body](std::size_t, std::size_t, httplib::DataSink& sink) {
                                 sink.write(body.data(), body.size() / 2);
                                 return false;
                             });
}

} // namespace

struct Sandbox::Impl {
    Options options;
    Service service;
    mutable std::mutex mutex; // guards service
    httplib::Server server;
    std::thread thread;
    int port = -1;
    bool started = false;
    std::mutex wait_mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::ofstream log_file;
    const std::chrono::steady_clock::time_point born = std::chrono::steady_clock::now();

    explicit Impl(Options opts)
        : options(std::move(opts)), service(initial_world(options), initial_config(options)) {}

    // Sleeps up to `ms`; returns early (false) when the sandbox is stopping.
    bool wait(int ms) {
        std::unique_lock lock(wait_mutex);
        return !wake.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping; });
    }

    Reply process(const ApiRequest& api) {
        std::lock_guard lock(mutex);
        return service.serve(api);
    }

    void handle(const httplib::Request& req, httplib::Response& res) {
        if (req.path.rfind("/_sandbox", 0) == 0) {
            Reply reply;
            {
                std::lock_guard lock(mutex);
                reply = service.handle_control(to_api_request(req));
            }
            write_reply(reply, res);
        } else if (req.path == "/api" || req.path.rfind("/api/", 0) == 0) {
            handle_api(req, res);
        } else {
            write_reply(not_found(), res);
        }
    }

    void handle_api(const httplib::Request& req, httplib::Response& res) {
        const auto started_at = std::chrono::steady_clock::now();
        const ApiRequest api = to_api_request(req);
        std::optional<Fault> fault;
        std::optional<Reply> throttled;
        int latency_ms = 0;
        {
            // Counted against the rate limit on arrival, as the log's at_ms says, not after the
            // latency: the sleep's jitter must not move a request into another second. A
            // throttled request reaches no scripted fault.
            std::lock_guard lock(mutex);
            throttled = service.admit(api);
            if (!throttled)
                fault = service.take_fault(api.method, api.path);
            latency_ms = service.config().latency_ms;
        }
        if (latency_ms > 0) {
            wait(latency_ms);
        }
        bool recorded = false;
        Reply reply = throttled ? *throttled
                      : fault   ? run_fault(*fault, api, req.remote_port, started_at, recorded)
                                : process(api);
        if (fault && fault->action == FaultAction::truncate) {
            write_truncated(reply, res);
        } else {
            write_reply(reply, res);
        }
        if (!recorded)
            record(api, reply.status, fault, started_at, req.remote_port);
    }

    // `recorded` is set when the request was logged here already (see drop_after_commit).
    Reply run_fault(const Fault& fault, const ApiRequest& api, int remote_port,
                    std::chrono::steady_clock::time_point started_at, bool& recorded) {
        switch (fault.action) {
        case FaultAction::status_without_commit:
            return scripted_reply(fault, true);
        case FaultAction::respond:
        case FaultAction::redirect:
            return scripted_reply(fault, false);
        case FaultAction::status_after_commit:
            process(api);
            return scripted_reply(fault, true);
        case FaultAction::hang: {
            Reply reply = fault.commit ? process(api) : Reply{};
            wait(fault.ms);
            return fault.commit ? reply : process(api);
        }
        case FaultAction::truncate:
            return process(api);
        case FaultAction::drop_after_commit: {
            Reply reply = process(api);
            // Logged before the connection ends: the client's look-up, sent as soon as it sees
            // the drop, must not appear before this request in the request log.
            record(api, reply.status, fault, started_at, remote_port);
            recorded = true;
            // The client must see no byte at all: end the connection before httplib answers.
            shutdown_connections(port, remote_port);
            return reply;
        }
        }
        return process(api);
    }

    void record(const ApiRequest& api, int status, const std::optional<Fault>& fault,
                std::chrono::steady_clock::time_point started_at, int client_port) {
        LogEntry entry{0,
                       api.method,
                       api.path,
                       api.query,
                       status,
                       api.authorization.has_value(),
                       fault ? to_string(fault->action) : ""};
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started_at)
                      .count();
        using millis = std::chrono::duration<double, std::milli>;
        entry.at_ms = millis(started_at - born).count();
        entry.duration_ms = millis(std::chrono::steady_clock::now() - started_at).count();
        entry.client_port = client_port;
        std::lock_guard lock(mutex);
        if (log_file.is_open()) {
            log_file << fmt::format("{} {}{}{} {} {}ms\n", api.method, api.path,
                                    api.query.empty() ? "" : "?", api.query, status, ms)
                     << std::flush;
        }
        service.log(std::move(entry));
    }
};

Sandbox::Sandbox(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Sandbox::~Sandbox() {
    stop();
}

int Sandbox::start() {
    Impl& impl = *impl_;
    if (impl.started) {
        return impl.port;
    }
    auto handler = [&impl](const httplib::Request& req, httplib::Response& res) {
        impl.handle(req, res);
    };
    // httplib's default pool is max(8, cores - 1) threads, and a kept-alive connection holds its
    // thread between requests: a client with more connections than threads would wait for one
    // to time out. A pool this size serves --parallelism 64 with room to spare.
    impl.server.new_task_queue = [] { return new httplib::ThreadPool(96); };
    impl.server.Get(".*", handler);
    impl.server.Post(".*", handler);
    impl.server.Put(".*", handler);
    impl.server.Patch(".*", handler);
    impl.server.Delete(".*", handler);
    impl.server.Options(".*", handler);
    if (!impl.options.log_file.empty()) {
        impl.log_file.open(impl.options.log_file, std::ios::app);
        if (!impl.log_file) {
            return -1;
        }
    }
    impl.port =
        impl.options.port == 0
            ? impl.server.bind_to_any_port("127.0.0.1")
            : (impl.server.bind_to_port("127.0.0.1", impl.options.port) ? impl.options.port : -1);
    if (impl.port < 0) {
        return -1;
    }
    // httplib's backlog of 5 drops the SYNs of a client that connects more at once
    // (socket_shutdown.hpp); a real API's load balancer takes them all.
    widen_listen_backlog(impl.port);
    {
        std::lock_guard lock(impl.mutex);
        impl.service.set_origin(fmt::format("http://127.0.0.1:{}", impl.port));
    }
    impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
    // stop() is a no-op until the server runs, so wait for it.
    while (!impl.server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    impl.started = true;
    return impl.port;
}

void Sandbox::stop() {
    Impl& impl = *impl_;
    if (!impl.started) {
        return;
    }
    {
        std::lock_guard lock(impl.wait_mutex);
        impl.stopping = true;
    }
    impl.wake.notify_all();
    impl.server.stop();
    // Idle keep-alive connections would otherwise hold their worker for the keep-alive timeout.
    shutdown_connections(impl.port, -1);
    impl.thread.join();
    impl.started = false;
}

std::string Sandbox::base_url() const {
    return origin() + "/api";
}

std::string Sandbox::origin() const {
    return fmt::format("http://127.0.0.1:{}", impl_->port);
}

int Sandbox::port() const {
    return impl_->port;
}

std::string Sandbox::admin_username() const {
    std::lock_guard lock(impl_->mutex);
    const User* admin = impl_->service.world().user(impl_->service.world().admin_user);
    return admin != nullptr ? admin->username : "";
}

std::string Sandbox::admin_password() const {
    std::lock_guard lock(impl_->mutex);
    const User* admin = impl_->service.world().user(impl_->service.world().admin_user);
    return admin != nullptr ? admin->password.value_or("") : "";
}

namespace {

Reply control(Service& service, const std::string& method, const std::string& path,
              const nlohmann::json& body) {
    ApiRequest request;
    request.method = method;
    request.path = path;
    request.body = body.is_null() ? "" : body.dump();
    return service.handle_control(request);
}

} // namespace

nlohmann::json Sandbox::request_log() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->service.request_log();
}

nlohmann::json Sandbox::users() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->service.all_users();
}

void Sandbox::clear_request_log() {
    std::lock_guard lock(impl_->mutex);
    control(impl_->service, "DELETE", "/_sandbox/requests", nullptr);
}

void Sandbox::expire_tokens() {
    std::lock_guard lock(impl_->mutex);
    impl_->service.expire_tokens();
}

nlohmann::json Sandbox::live_tokens() const {
    std::lock_guard lock(impl_->mutex);
    return impl_->service.live_tokens();
}

std::string Sandbox::configure(const nlohmann::json& changes) {
    std::lock_guard lock(impl_->mutex);
    Reply reply = control(impl_->service, "POST", "/_sandbox/config", changes);
    return reply.status == 200 ? "" : nlohmann::json::parse(reply.body).value("detail", "");
}

std::string Sandbox::add_fault(const nlohmann::json& script) {
    std::lock_guard lock(impl_->mutex);
    Reply reply = control(impl_->service, "POST", "/_sandbox/faults", script);
    return reply.status == 201 ? "" : nlohmann::json::parse(reply.body).value("detail", "");
}

bool Sandbox::check_password(const std::string& username, const std::string& password) const {
    std::lock_guard lock(impl_->mutex);
    return impl_->service.check_password(username, password);
}

} // namespace ra::sandbox
