#include "rossum_accounts/io/http_transport.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ra {
namespace {

constexpr std::array k_failure_names = {
    "connect_failed", "timeout_before_send", "timeout_after_send", "dropped", "partial_body",
    "too_slow",       "body_too_large",      "tls_verification",   "refused",
};

} // namespace

bool header_name_is(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

const char* to_string(HttpMethod method) {
    switch (method) {
    case HttpMethod::get:
        return "GET";
    case HttpMethod::post:
        return "POST";
    case HttpMethod::patch:
        return "PATCH";
    }
    return "GET";
}

std::optional<std::string> HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (header_name_is(key, name))
            return value;
    return std::nullopt;
}

const char* to_string(TransportFailure failure) {
    return k_failure_names.at(static_cast<std::size_t>(failure));
}

Error make_transport_error(TransportFailure failure, std::string message) {
    ErrorKind kind = ErrorKind::unavailable;
    if (failure == TransportFailure::tls_verification)
        kind = ErrorKind::tls;
    else if (failure == TransportFailure::body_too_large || failure == TransportFailure::refused)
        kind = ErrorKind::protocol;
    Error e = make_error(kind, std::move(message));
    e.details = {{"transport", to_string(failure)}};
    return e;
}

std::optional<TransportFailure> transport_failure_of(const Error& error) {
    if (!error.details.is_object())
        return std::nullopt;
    auto it = error.details.find("transport");
    if (it == error.details.end() || !it->is_string())
        return std::nullopt;
    const auto name = it->get<std::string>();
    for (std::size_t i = 0; i < k_failure_names.size(); ++i)
        if (name == k_failure_names[i])
            return static_cast<TransportFailure>(i);
    return std::nullopt;
}

bool may_have_been_sent(TransportFailure failure) {
    switch (failure) {
    case TransportFailure::connect_failed:
    case TransportFailure::timeout_before_send:
    case TransportFailure::tls_verification:
    case TransportFailure::refused:
        return false;
    default:
        return true;
    }
}

} // namespace ra
