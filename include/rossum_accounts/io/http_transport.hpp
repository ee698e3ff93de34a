#pragma once
// One HTTP exchange behind an interface: CurlTransport does it for real, tests script it. A
// transport never retries; it reports what happened so the client's retry policy can decide.

#include "rossum_accounts/core/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ra {

enum class HttpMethod { get, post, patch };

const char* to_string(HttpMethod method);

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    HttpMethod method = HttpMethod::get;
    std::string url;
    HttpHeaders headers; // beyond Accept/Content-Type/User-Agent, e.g. Authorization
    std::string body;    // sent for post and patch
};

// Header names compare without regard to ASCII case (RFC 9110 §5.1).
bool header_name_is(std::string_view a, std::string_view b);

struct HttpResponse {
    int status = 0;
    HttpHeaders headers; // names as received
    std::string body;

    // The first header with this name (case-insensitive), or nullopt.
    std::optional<std::string> header(std::string_view name) const;
};

// Why no complete response arrived. "after_send" kinds may have reached the server.
enum class TransportFailure {
    connect_failed,      // DNS, TCP or TLS handshake failed: nothing was sent
    timeout_before_send, // timed out before the request went out
    timeout_after_send,  // timed out waiting for (the rest of) the answer
    dropped,             // connection closed or reset without a complete answer
    partial_body,        // the body ended early
    too_slow,            // below the low-speed limit for too long
    body_too_large,      // the answer exceeded the size cap
    tls_verification,    // certificate or host name not trusted: never retried
    refused,             // a request the transport will not make (bad URL, protocol)
};

const char* to_string(TransportFailure failure);

// A transport error is an Error whose details carry {"transport": "<failure>"}; kind is
// unavailable, tls or protocol. Its message says what failed, not which request (the
// RequestSender names it), with the run's secrets masked in any text it quotes.
Error make_transport_error(TransportFailure failure, std::string message);
std::optional<TransportFailure> transport_failure_of(const Error& error);

// True when the request may have reached the server (a POST with this failure has an unknown
// outcome).
bool may_have_been_sent(TransportFailure failure);

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Any HTTP status is a response; only the lack of a complete answer is an error.
    virtual Result<HttpResponse> perform(const HttpRequest& request) = 0;
};

} // namespace ra
