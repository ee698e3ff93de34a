#include "rossum_accounts/io/http_transport.hpp"

#include <catch2/catch.hpp>

using namespace ra;

TEST_CASE("http: a transport error keeps its failure class through the Error value", "[http]") {
    for (auto failure : {TransportFailure::connect_failed, TransportFailure::timeout_before_send,
                         TransportFailure::timeout_after_send, TransportFailure::dropped,
                         TransportFailure::partial_body, TransportFailure::too_slow,
                         TransportFailure::body_too_large, TransportFailure::tls_verification,
                         TransportFailure::refused}) {
        Error e = make_transport_error(failure, "simulated");
        CHECK(transport_failure_of(e) == failure);
        CHECK(e.message == "simulated");
    }
    CHECK(transport_failure_of(make_error(ErrorKind::protocol, "x")) == std::nullopt);
}

TEST_CASE("http: transport errors map to coarse kinds for the exit code", "[http]") {
    CHECK(make_transport_error(TransportFailure::tls_verification, "m").kind == ErrorKind::tls);
    CHECK(make_transport_error(TransportFailure::body_too_large, "m").kind == ErrorKind::protocol);
    CHECK(make_transport_error(TransportFailure::refused, "m").kind == ErrorKind::protocol);
    CHECK(make_transport_error(TransportFailure::dropped, "m").kind == ErrorKind::unavailable);
    CHECK(make_transport_error(TransportFailure::timeout_after_send, "m").kind ==
          ErrorKind::unavailable);
}

TEST_CASE("http: only failures before sending are known not to have reached the server", "[http]") {
    CHECK_FALSE(may_have_been_sent(TransportFailure::connect_failed));
    CHECK_FALSE(may_have_been_sent(TransportFailure::timeout_before_send));
    CHECK_FALSE(may_have_been_sent(TransportFailure::tls_verification));
    CHECK(may_have_been_sent(TransportFailure::timeout_after_send));
    CHECK(may_have_been_sent(TransportFailure::dropped));
    CHECK(may_have_been_sent(TransportFailure::partial_body));
    CHECK(may_have_been_sent(TransportFailure::body_too_large));
}

TEST_CASE("http: response headers are looked up case-insensitively", "[http]") {
    HttpResponse r;
    r.headers = {{"retry-after", "5"}, {"Location", "https://x/"}};
    CHECK(r.header("Retry-After") == "5");
    CHECK(r.header("LOCATION") == "https://x/");
    CHECK(r.header("Content-Type") == std::nullopt);
}
