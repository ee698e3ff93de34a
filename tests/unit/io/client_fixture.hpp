#pragma once
// A RossumClient over a FakeTransport and a FakeClock, with a fixed jitter seed and the run's
// SecretMasker.

#include "rossum_accounts/io/rossum_client.hpp"
#include "support/fake_clock.hpp"
#include "unit/io/http_fake_transport.hpp"

#include <memory>
#include <string>
#include <vector>

namespace ra::test {

inline constexpr const char* k_api = "http://127.0.0.1:9/api";

inline nlohmann::json user_json(std::int64_t id, const std::string& username) {
    return {{"id", id},
            {"url", std::string(k_api) + "/v1/users/" + std::to_string(id)},
            {"username", username},
            {"organization", std::string(k_api) + "/v1/organizations/4201"},
            {"groups", nlohmann::json::array()},
            {"queues", nlohmann::json::array()},
            {"is_active", true}};
}

inline nlohmann::json page_json(const nlohmann::json& results, std::int64_t total,
                                std::int64_t total_pages, const nlohmann::json& next) {
    return {
        {"pagination",
         {{"total", total}, {"total_pages", total_pages}, {"next", next}, {"previous", nullptr}}},
        {"results", results}};
}

struct ClientFixture {
    FakeTransport transport;
    FakeClock clock;
    SecretMasker masker;
    std::vector<std::string> log;

    ClientConfig config(TokenCacheMode cache = TokenCacheMode::disabled) {
        ClientConfig c;
        c.api_url = k_api;
        c.clock = &clock;
        c.token_cache = cache;
        c.log = [this](std::string_view line) { log.emplace_back(line); };
        c.retry.seed = 42;
        return c;
    }

    std::unique_ptr<RossumClient> with_token(const std::string& token = "static-token-1") {
        Credentials creds;
        creds.token = token;
        return std::make_unique<RossumClient>(transport, config(), creds, masker);
    }

    std::unique_ptr<RossumClient> with_login(ClientConfig c) {
        Credentials creds;
        creds.username = "admin@example.com";
        creds.password = "admin-password-123";
        return std::make_unique<RossumClient>(transport, std::move(c), creds, masker);
    }
};

} // namespace ra::test
