#include "rossum_accounts/cli/planning.hpp"
#include "rossum_accounts/cli/session.hpp"
#include "rossum_accounts/io/secret_lookup.hpp"
#include "support/map_environment.hpp"

#include <catch2/catch.hpp>

using namespace ra;
using namespace ra::cli;

namespace {

using Vars = std::map<std::string, std::string>;

const std::optional<std::string> k_manifest_url = "https://manifest.example.com/api";

GlobalOptions with_flag(std::string url) {
    GlobalOptions global;
    global.api_url = std::move(url);
    return global;
}

} // namespace

TEST_CASE("api url: --api-url wins over ROSSUM_API_URL, which wins over the manifest",
          "[cli][api_url]") {
    const MapEnvironment env(Vars{{"ROSSUM_API_URL", "https://env.example.com/api"}});
    const MapEnvironment none(Vars{});
    const MapEnvironment blank(Vars{{"ROSSUM_API_URL", ""}});
    CHECK(requested_api_url(with_flag("https://flag.example.com/api"), env, k_manifest_url) ==
          "https://flag.example.com/api");
    CHECK(requested_api_url({}, env, k_manifest_url) == "https://env.example.com/api");
    CHECK(requested_api_url({}, none, k_manifest_url) == *k_manifest_url);
    CHECK(requested_api_url({}, blank, k_manifest_url) == *k_manifest_url);
    CHECK(requested_api_url({}, none, std::nullopt).empty());
}

TEST_CASE("api url: none given anywhere is a usage error naming the three places",
          "[cli][api_url]") {
    auto url = resolve_api_url({}, MapEnvironment(Vars{}), std::nullopt);
    REQUIRE_FALSE(url);
    CHECK(url.error().kind == ErrorKind::usage);
    CHECK(url.error().message == "no API URL: pass --api-url, set ROSSUM_API_URL, or set api_url "
                                 "in the manifest");
}

TEST_CASE("api url: the winner is validated, the losers are not", "[cli][api_url]") {
    const MapEnvironment env(Vars{{"ROSSUM_API_URL", "http://env.example.com/api"}});
    CHECK_FALSE(resolve_api_url({}, env, k_manifest_url));
    CHECK(resolve_api_url(with_flag("https://flag.example.com/api"), env, k_manifest_url));
}

TEST_CASE("password: a resolved password is registered with the masker", "[cli][password]") {
    const MapEnvironment env(Vars{{"PW", "Correct-Horse-9"}});
    const SystemSecretLookup lookup(env);
    SecretMasker masker;
    auto password = resolve_password({PasswordSourceKind::env, "PW", ".", {}}, lookup, masker);
    REQUIRE(password);
    CHECK(*password == "Correct-Horse-9");
    CHECK(masker.mask("echo Correct-Horse-9") != "echo Correct-Horse-9");
}

TEST_CASE("password: an unset variable is the lookup's error", "[cli][password]") {
    const MapEnvironment env(Vars{});
    const SystemSecretLookup lookup(env);
    SecretMasker masker;
    auto password = resolve_password({PasswordSourceKind::env, "PW", ".", {}}, lookup, masker);
    REQUIRE_FALSE(password);
    CHECK(password.error().kind == ErrorKind::invalid_input);
    CHECK(password.error().message == "password variable PW is not set");
}
