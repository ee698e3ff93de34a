// libFuzzer harness: arbitrary API response bodies through the core JSON parsers and the
// client's error summarizer (which must mask a registered secret wherever it appears). Parsers must
// return values or Errors, never crash or throw.

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

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto json = nlohmann::json::parse(text, nullptr, false);
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
