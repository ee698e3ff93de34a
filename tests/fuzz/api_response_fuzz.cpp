// libFuzzer harness: arbitrary API response bodies through the core JSON parsers (the streamed
// user page reader checked against the document parser) and the client's error summarizer
// (which must mask a registered secret wherever it appears). Parsers must return values or
// Errors, never crash or throw.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/io/request_sender.hpp"
#include "support/fake_clock.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

namespace {

// error_for composes messages only; nothing is sent.
struct NoTransport : ra::HttpTransport {
    ra::Result<ra::HttpResponse> perform(const ra::HttpRequest& /*request*/) override {
        std::abort();
    }
};

// The streamed user page reader must agree with parse_user_page of the document: the same users
// (by fingerprint, metadata and all) or the same error, and nullopt exactly when it is not JSON;
// through a sieve, the same less the users it drops.
void check_streamed_user_page(const std::string& text, const nlohmann::json& json,
                              const ra::UserSieve* sieve) {
    auto streamed = ra::read_user_page(text, sieve);
    if (streamed.has_value() == json.is_discarded())
        std::abort();
    if (!streamed)
        return;
    auto document = ra::parse_user_page(json);
    if (streamed->ok() != document.ok())
        std::abort();
    if (!document) {
        if (streamed->error().message != document.error().message)
            std::abort();
        return;
    }
    if (sieve != nullptr)
        std::erase_if(document->results,
                      [&](const ra::LiveUser& u) { return !sieve->keeps(u.username); });
    const auto& got = **streamed;
    if (got.total != document->total || got.total_pages != document->total_pages ||
        got.next != document->next || got.results.size() != document->results.size())
        std::abort();
    for (std::size_t i = 0; i < got.results.size(); ++i)
        if (ra::fingerprint(got.results[i]) != ra::fingerprint(document->results[i]) ||
            got.results[i].metadata != document->results[i].metadata)
            std::abort();
}

void check_streamed_user_page(const std::string& text, const nlohmann::json& json) {
    check_streamed_user_page(text, json, nullptr);
    static const ra::UserSieve sieve({"a", "B", "x", "svc@acme"});
    check_streamed_user_page(text, json, &sieve);
}

// The organization read from its id, url and name only must parse as the whole document does.
void check_organization_fields(const std::string& text, const nlohmann::json& json) {
    auto fields = ra::read_object_fields(text, {"id", "url", "name"});
    if (fields.has_value() == json.is_discarded())
        std::abort();
    if (!fields)
        return;
    auto got = ra::parse_organization(*fields);
    auto document = ra::parse_organization(json);
    if (got.ok() != document.ok())
        std::abort();
    if (!document
            ? got.error().message != document.error().message
            : got->id != document->id || got->url != document->url || got->name != document->name)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto json = nlohmann::json::parse(text, nullptr, false);
    check_streamed_user_page(text, json);
    check_organization_fields(text, json);
    if (!json.is_discarded()) {
        (void)ra::parse_user(json);
        (void)ra::parse_group(json);
        (void)ra::parse_queue(json);
        (void)ra::parse_organization(json);
        (void)ra::parse_user_page(json);
        (void)ra::parse_group_page(json);
        (void)ra::parse_queue_page(json);
        (void)ra::parse_organization_page(json);
        if (auto user = ra::parse_user(json); user && ra::fingerprint(*user).size() != 16)
            std::abort(); // the digest has a fixed width
        if (json.is_object())
            if (auto url = json.find("url"); url != json.end() && url->is_string())
                (void)ra::id_from_url(url->get<std::string>());
    }
    static ra::SecretMasker masker;
    if (masker.empty())
        masker.add("Fuzz-Secret-9c1d");
    static NoTransport transport;
    static ra::FakeClock clock;
    static ra::RequestSender sender(transport, clock, 10, ra::RetryPolicy{}, ra::LogSink{}, masker);
    ra::HttpRequest request;
    request.url = "https://x.rossum.app/api/v1/users";
    ra::HttpResponse response;
    response.body = text;
    response.headers = {{"Location", text}};
    for (int status : {302, 400, 401, 404, 429, 503}) {
        response.status = status;
        const std::string message = sender.error_for(request, response).message;
        if (message.rfind("GET https://x.rossum.app/api/v1/users: ", 0) != 0)
            std::abort(); // every error names the request
        if (message.find("Fuzz-Secret-9c1d") != std::string::npos)
            std::abort(); // server text is masked, even where the summary is cut
    }
    return 0;
}
