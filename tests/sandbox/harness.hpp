#pragma once
// A started in-process sandbox and a plain httplib client for the sandbox tests.

#include "sandbox/sandbox.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ra::sandbox::test {

inline constexpr const char* k_admin = "admin@demo.rossum.local";
inline constexpr const char* k_admin_password = "Demo-Admin-Passphrase-7";

// Rate and login limits off, so only the tests about them meet them.
inline Options quiet_options() {
    Options options;
    options.rate_limit = std::nullopt;
    options.login_limit = std::nullopt;
    options.admin_password = k_admin_password;
    return options;
}

struct Response {
    bool ok = false; // a response arrived
    httplib::Error error = httplib::Error::Success;
    int status = 0;
    std::string raw;
    nlohmann::json body; // discarded when `raw` is not JSON
    httplib::Headers headers;
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? "" : it->second;
    }
};

class Harness {
public:
    explicit Harness(Options options = quiet_options()) : sandbox(std::move(options)) {
        port = sandbox.start();
    }

    // `authorization` is the whole header value; empty = none.
    Response call(const std::string& method, const std::string& path,
                  const std::optional<nlohmann::json>& body = std::nullopt,
                  const std::string& authorization = "") {
        httplib::Client client("127.0.0.1", port);
        client.set_read_timeout(10, 0);
        httplib::Headers headers;
        if (!authorization.empty()) {
            headers.emplace("Authorization", authorization);
        }
        const std::string text = body ? body->dump() : "";
        httplib::Result result{nullptr, httplib::Error::Unknown};
        if (method == "GET") {
            result = client.Get(path, headers);
        } else if (method == "POST") {
            result = client.Post(path, headers, text, "application/json");
        } else if (method == "PATCH") {
            result = client.Patch(path, headers, text, "application/json");
        } else if (method == "PUT") {
            result = client.Put(path, headers, text, "application/json");
        } else if (method == "DELETE") {
            result = client.Delete(path, headers);
        }
        Response response;
        response.error = result.error();
        if (!result) {
            return response;
        }
        response.ok = true;
        response.status = result->status;
        response.raw = result->body;
        response.body = nlohmann::json::parse(result->body, nullptr, false);
        response.headers = result->headers;
        return response;
    }

    // Calls as the demo admin (logging in once).
    Response admin(const std::string& method, const std::string& path,
                   const std::optional<nlohmann::json>& body = std::nullopt) {
        return call(method, path, body, "Bearer " + admin_token());
    }

    std::string login(const std::string& username, const std::string& password) {
        auto response = call("POST", "/api/v1/auth/login",
                             nlohmann::json{{"username", username}, {"password", password}});
        return response.status == 200 ? response.body["key"].get<std::string>() : "";
    }

    std::string admin_token() {
        if (token_.empty()) {
            token_ = login(k_admin, k_admin_password);
        }
        return token_;
    }

    std::string url(const std::string& path) const { return sandbox.origin() + path; }

    Sandbox sandbox;
    int port = -1;

private:
    std::string token_;
};

} // namespace ra::sandbox::test
