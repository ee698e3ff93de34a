#pragma once
// A scripted HttpTransport for unit tests: answers come from a queue (or a handler) and every
// request is recorded.

#include "rossum_accounts/io/http_transport.hpp"

#include <deque>
#include <functional>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace ra::test {

inline HttpResponse json_response(int status, const nlohmann::json& body,
                                  HttpHeaders headers = {}) {
    HttpResponse r;
    r.status = status;
    r.body = body.dump();
    r.headers = std::move(headers);
    return r;
}

inline HttpResponse status_response(int status, HttpHeaders headers = {}) {
    return json_response(status, {{"detail", "status " + std::to_string(status)}},
                         std::move(headers));
}

class FakeTransport : public HttpTransport {
public:
    using Handler = std::function<Result<HttpResponse>(const HttpRequest&)>;

    void push(Result<HttpResponse> answer) { answers_.push_back(std::move(answer)); }
    void push_times(int n, const Result<HttpResponse>& answer) {
        for (int i = 0; i < n; ++i)
            answers_.push_back(answer);
    }
    // Used once the queue is empty.
    void set_handler(Handler handler) { handler_ = std::move(handler); }

    Result<HttpResponse> perform(const HttpRequest& request) override {
        requests.push_back(request);
        if (!answers_.empty()) {
            auto answer = answers_.front();
            answers_.pop_front();
            return answer;
        }
        if (handler_)
            return handler_(request);
        throw std::logic_error("fake transport: no answer scripted for " + request.url);
    }

    std::size_t remaining() const { return answers_.size(); }

    std::vector<HttpRequest> requests;

private:
    std::deque<Result<HttpResponse>> answers_;
    Handler handler_;
};

inline std::string header_of(const HttpRequest& r, const std::string& name) {
    for (const auto& [k, v] : r.headers)
        if (k == name)
            return v;
    return {};
}

} // namespace ra::test
