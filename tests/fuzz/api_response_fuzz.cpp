// libFuzzer harness: arbitrary API response bodies through the core JSON parsers and the
// client's error summarizer. Parsers must return values or Errors, never crash or throw.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/io/request_sender.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

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
    ra::HttpRequest request;
    request.url = "https://x.rossum.app/api/v1/users";
    ra::HttpResponse response;
    response.body = text;
    for (int status : {302, 400, 401, 404, 429, 503}) {
        response.status = status;
        if (ra::error_for_response(request, response).message.empty())
            std::abort(); // every error names the request
    }
    return 0;
}
