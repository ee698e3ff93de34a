#include "rossum_accounts/io/rossum_client.hpp"

#include "rossum_accounts/core/json_numbers.hpp"
#include "rossum_accounts/io/api_url.hpp"

#include <fmt/format.h>
#include <stdexcept>
#include <utility>

namespace ra {
namespace {

constexpr int k_page_size = 100;

Error protocol(std::string message) {
    return make_error(ErrorKind::protocol, std::move(message));
}

std::unique_ptr<TokenCache> make_cache(const ClientConfig& config,
                                       std::vector<std::string>& warnings) {
    if (config.token_cache == TokenCacheMode::disabled)
        return nullptr;
    if (!config.cache_dir) {
        warnings.emplace_back("token cache: no cache directory (XDG_CACHE_HOME and HOME are "
                              "unset); logging in without a cache");
        return nullptr;
    }
    return std::make_unique<TokenCache>(*config.cache_dir);
}

Clock& required_clock(const ClientConfig& config) {
    if (config.clock == nullptr)
        throw std::logic_error("ClientConfig.clock is required");
    return *config.clock;
}

// A page read through its JSON document (the small listings: groups, queues).
template <class T, Result<Page<T>> (*Parse)(const nlohmann::json&)>
std::optional<Result<Page<T>>> read_page(std::string_view text) {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded())
        return std::nullopt;
    return Parse(json);
}

template <class T>
Result<T> parse_object(const Result<nlohmann::json>& body,
                       Result<T> (*parse)(const nlohmann::json&)) {
    if (!body)
        return body.error();
    return parse(*body);
}

// The checks every page of a listing gets on arrival, whether it was reached by its link or by
// its number: a next link elsewhere says the answer cannot be trusted, and a listing longer than
// the tool reads is refused before it is read.
template <class T>
Status check_arrived_page(const Page<T>& page, const char* what, const ClientConfig& config,
                          const SecretMasker& masker) {
    if (page.next && !is_within_api(config.api_url, *page.next))
        return protocol(fmt::format("refusing to follow a {} page link outside the API "
                                    "({}): {}",
                                    what, config.api_url, masker.mask(*page.next)));
    if (page.total_pages > config.max_pages)
        return protocol(fmt::format("the API reports {} pages of {}, more than the {} this tool "
                                    "reads",
                                    page.total_pages, what, config.max_pages));
    return ok_status();
}

// `request` sent with `token` in its Authorization header.
Result<HttpResponse> send_with(RequestSender& sender, HttpRequest request, const std::string& token,
                               RetryMode mode) {
    request.headers = {{"Authorization", "Bearer " + token}};
    return sender.send(request, mode);
}

// The answer to `request`, unless it failed or is not a 2xx, which is an Error naming `request`.
Result<HttpResponse> accepted(const RequestSender& sender, const HttpRequest& request,
                              Result<HttpResponse> response) {
    if (response && (response->status < 200 || response->status >= 300))
        return sender.error_for(request, *response);
    return response;
}

} // namespace

std::string url_encode(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

RossumClient::RossumClient(HttpTransport& transport, ClientConfig config, Credentials credentials,
                           SecretMasker& masker)
    : config_(std::move(config)), masker_(masker), cache_(make_cache(config_, warnings_)),
      sender_(transport, required_clock(config_), config_.max_rps, config_.retry, config_.log,
              masker_),
      auth_(sender_, masker_, config_.api_url, std::move(credentials), cache_.get()) {
    sender_.set_stop_writes(config_.stop_writes);
    sender_.set_hold_new_writes(config_.hold_new_writes);
}

Result<HttpResponse> RossumClient::authorized(HttpMethod method, const std::string& url,
                                              const nlohmann::json* body, RetryMode mode) {
    HttpRequest request;
    request.method = method;
    request.url = url;
    if (body != nullptr)
        request.body = body->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::optional<Result<HttpResponse>> early;
    auto token = token_for(request, mode, early);
    if (!token)
        return token.error();
    // The early read's answer stands unless it is a 401 (the login token refused): then the read
    // goes again, with the exchanged token.
    if (early && !(*early && (*early)->status == 401))
        return accepted(sender_, request, std::move(*early));
    return send_renewing(request, *token, mode);
}

Result<std::string> RossumClient::token_for(const HttpRequest& request, RetryMode mode,
                                            std::optional<Result<HttpResponse>>& early) {
    std::lock_guard lock(auth_mutex_);
    if (request.method != HttpMethod::get || config_.runner == nullptr)
        return auth_.token();
    return auth_.token(*config_.runner, [&](const std::string& login_token) {
        early = send_with(sender_, request, login_token, mode);
    });
}

Result<HttpResponse> RossumClient::send_renewing(const HttpRequest& request,
                                                 const std::string& token, RetryMode mode) {
    auto response = send_with(sender_, request, token, mode);
    if (response && response->status == 401) {
        Result<std::string> renewed = [&] {
            std::lock_guard lock(auth_mutex_);
            return auth_.renew(token);
        }();
        if (!renewed)
            return renewed.error();
        response = send_with(sender_, request, *renewed, mode);
    }
    return accepted(sender_, request, std::move(response));
}

Error RossumClient::not_json(HttpMethod method, const std::string& url, int status) const {
    HttpRequest request;
    request.method = method;
    request.url = url;
    return protocol(fmt::format("{}: the API answered {} with a body that is not JSON",
                                sender_.describe(request), status));
}

Result<nlohmann::json> RossumClient::call(HttpMethod method, const std::string& url,
                                          const nlohmann::json* body, RetryMode mode,
                                          bool* oversized) {
    auto response = authorized(method, url, body, mode);
    if (!response)
        return response.error();
    auto json = nlohmann::json::parse(response->body, nullptr, false);
    if (json.is_discarded())
        return not_json(method, url, response->status);
    if (oversized != nullptr)
        *oversized = json_has_oversized_integer(response->body);
    return json;
}

template <class T, class Read>
Result<Page<T>> RossumClient::fetch_page(const std::string& url, PageTrail& trail, const char* what,
                                         Read read) {
    if (trail.pages > 0) {
        if (!is_within_api(config_.api_url, url))
            return protocol(fmt::format("refusing to follow a {} page link outside the API "
                                        "({}): {}",
                                        what, config_.api_url, masker_.mask(url)));
        if (trail.fetched.count(url) != 0)
            return protocol(fmt::format("refusing a {} page link that was already fetched "
                                        "(a pagination loop): {}",
                                        what, masker_.mask(url)));
        if (trail.pages >= config_.max_pages)
            return protocol(fmt::format("stopping after {} pages of {}", config_.max_pages, what));
    }
    auto response = authorized(HttpMethod::get, url, nullptr, RetryMode::idempotent);
    if (!response)
        return response.error(); // not recorded: the same link may be tried again
    auto answer = read(response->body);
    if (!answer)
        return not_json(HttpMethod::get, url, response->status); // not recorded either
    trail.fetched.insert(url);
    auto page = std::move(*answer);
    if (!page)
        return page.error();
    // Refused on arrival, not only when followed: the pages after the first may be read by
    // number (users_page_number).
    if (Status arrived = check_arrived_page(*page, what, config_, masker_); !arrived)
        return arrived.error();
    const auto number = ++trail.pages;
    if (page->next && number >= page->total_pages)
        return protocol(fmt::format("page {} of {} has a next link, but the API reports {} pages",
                                    number, what, page->total_pages));
    if (!page->next && number < page->total_pages)
        return protocol(fmt::format("the {} list ended at page {}, but the API reports {} pages",
                                    what, number, page->total_pages));
    return page;
}

template <class T, class Parse>
Result<std::vector<T>> RossumClient::list_all(const std::string& first_url, const char* what,
                                              Parse parse) {
    std::vector<T> all;
    std::string url = first_url;
    PageTrail trail;
    for (;;) {
        auto page = fetch_page<T>(url, trail, what, parse);
        if (!page)
            return page.error();
        for (auto& item : page->results)
            all.push_back(std::move(item));
        if (!page->next)
            return all;
        url = *page->next;
    }
}

Result<LiveUser> RossumClient::current_user() {
    return parse_object<LiveUser>(
        call(HttpMethod::get, config_.api_url + "/v1/auth/user", nullptr, RetryMode::idempotent),
        parse_user);
}

Result<Organization> RossumClient::organization(std::int64_t id) {
    const std::string url = fmt::format("{}/v1/organizations/{}", config_.api_url, id);
    auto response = authorized(HttpMethod::get, url, nullptr, RetryMode::idempotent);
    if (!response)
        return response.error();
    // Only the fields parse_organization reads: the object also lists every user's URL.
    auto fields = read_object_fields(response->body, {"id", "url", "name"});
    if (!fields)
        return not_json(HttpMethod::get, url, response->status);
    return parse_organization(*fields);
}

Result<std::vector<Group>> RossumClient::groups() {
    return list_all<Group>(fmt::format("{}/v1/groups?page_size={}", config_.api_url, k_page_size),
                           "groups", read_page<Group, parse_group_page>);
}

Result<std::vector<Queue>> RossumClient::queues() {
    return list_all<Queue>(fmt::format("{}/v1/queues?page_size={}", config_.api_url, k_page_size),
                           "queues", read_page<Queue, parse_queue_page>);
}

Result<Page<LiveUser>> RossumClient::users_page(std::int64_t organization_id,
                                                const std::optional<std::string>& next,
                                                const UserSieve* sieve) {
    auto read = [sieve](std::string_view text) { return read_user_page(text, sieve); };
    if (next) {
        if (users_trail_.pages == 0)
            return protocol("a users page link was given before the first page was read");
        return fetch_page<LiveUser>(*next, users_trail_, "users", read);
    }
    users_trail_ = PageTrail{};
    return fetch_page<LiveUser>(fmt::format("{}/v1/users?organization={}&page_size={}",
                                            config_.api_url, organization_id, k_page_size),
                                users_trail_, "users", read);
}

// Page `number` by the documented `page` parameter (docs/rossum-api.md, "Pagination"), for reading
// the pages after the first in parallel; the caller checks that the pages agree with each other.
Result<Page<LiveUser>> RossumClient::users_page_number(std::int64_t organization_id,
                                                       std::int64_t number,
                                                       const UserSieve* sieve) {
    const std::string url = fmt::format("{}/v1/users?organization={}&page_size={}&page={}",
                                        config_.api_url, organization_id, k_page_size, number);
    auto response = authorized(HttpMethod::get, url, nullptr, RetryMode::idempotent);
    if (!response)
        return response.error();
    auto answer = read_user_page(response->body, sieve); // no document, as for the other pages
    if (!answer)
        return not_json(HttpMethod::get, url, response->status);
    auto page = std::move(*answer);
    if (!page)
        return page;
    if (Status arrived = check_arrived_page(*page, "users", config_, masker_); !arrived)
        return arrived.error();
    return page;
}

Result<std::vector<LiveUser>> RossumClient::users_by_username(const std::string& username) {
    return list_all<LiveUser>(fmt::format("{}/v1/users?username={}&page_size={}", config_.api_url,
                                          url_encode(username), k_page_size),
                              "users", [](std::string_view text) { return read_user_page(text); });
}

Result<LiveUser> RossumClient::user(std::int64_t id) {
    bool oversized = false;
    auto user = parse_object<LiveUser>(call(HttpMethod::get,
                                            fmt::format("{}/v1/users/{}", config_.api_url, id),
                                            nullptr, RetryMode::idempotent, &oversized),
                                       parse_user);
    if (user)
        user->metadata_inexact = oversized;
    return user;
}

Result<LiveUser> RossumClient::create_user(const nlohmann::json& body) {
    if (auto it = body.find("password"); it != body.end() && it->is_string())
        masker_.add(it->get<std::string>());
    return parse_object<LiveUser>(
        call(HttpMethod::post, config_.api_url + "/v1/users", &body, RetryMode::create),
        parse_user);
}

Result<LiveUser> RossumClient::patch_user(std::int64_t id, const nlohmann::json& body) {
    return parse_object<LiveUser>(call(HttpMethod::patch,
                                       fmt::format("{}/v1/users/{}", config_.api_url, id), &body,
                                       RetryMode::idempotent),
                                  parse_user);
}

void RossumClient::finish() {
    auth_.finish();
}

std::vector<std::string> RossumClient::take_warnings() {
    std::vector<std::string> all = std::exchange(warnings_, {});
    for (auto& w : auth_.take_warnings())
        all.push_back(std::move(w));
    return all;
}

Result<std::string> service_account_token(HttpTransport& transport, Clock& clock,
                                          SecretMasker& masker,
                                          const ServiceTokenRequest& request) {
    RequestSender sender(transport, clock, request.max_rps, RetryPolicy{}, request.log, masker);
    auto token = login_and_exchange(sender, masker, request.api_url, request.username,
                                    request.password, request.lifetime_s);
    if (!token || !request.deliver)
        return token;
    if (Status delivered = request.deliver(*token); !delivered) {
        Error error = delivered.error();
        if (Status out = logout(sender, request.api_url, *token); !out)
            error.message +=
                fmt::format("; logging the token out failed too: {}", out.error().message);
        else
            error.message += "; the token was logged out";
        return error;
    }
    return token;
}

} // namespace ra
