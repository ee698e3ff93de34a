#pragma once
// The Rossum API as the core sees it. The io layer implements it over libcurl (auth, paging,
// rate limit, retries); tests implement it in memory. Calls are synchronous; with a TaskRunner
// wider than 1 (parallel.hpp) they come from several threads at once.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/result.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace ra {

class RossumApi {
public:
    virtual ~RossumApi() = default;

    // GET /v1/auth/user: the caller (its organization URL tells the default organization).
    virtual Result<LiveUser> current_user() = 0;
    // GET /v1/organizations/{id}; not_found / permission when the caller cannot see it.
    virtual Result<Organization> organization(std::int64_t id) = 0;
    // GET /v1/groups?page_size=100 (all pages; normally one request).
    virtual Result<std::vector<Group>> groups() = 0;
    // GET /v1/queues?page_size=100 (all pages).
    virtual Result<std::vector<Queue>> queues() = 0;
    // GET /v1/users?organization=ID&page_size=100 when `next` is empty, else GET next (which
    // must stay within the API origin). With a sieve, the page's results are only the users it
    // keeps (live.hpp); the others are still checked, and counted in `total`.
    virtual Result<Page<LiveUser>> users_page(std::int64_t organization_id,
                                              const std::optional<std::string>& next,
                                              const UserSieve* sieve) = 0;
    // GET /v1/users?organization=ID&page_size=100&page=N: one page by number, so that the pages
    // after the first can be read side by side. Callable from several threads.
    virtual Result<Page<LiveUser>> users_page_number(std::int64_t organization_id,
                                                     std::int64_t number,
                                                     const UserSieve* sieve) = 0;
    // GET /v1/users?username=NAME: every user visible to the caller with that username.
    virtual Result<std::vector<LiveUser>> users_by_username(const std::string& username) = 0;
    // GET /v1/users/{id}.
    virtual Result<LiveUser> user(std::int64_t id) = 0;
    // POST /v1/users. Sent once, never retried except after 429 (not processed). A dropped
    // connection or timeout after sending gives ErrorKind::unknown_outcome.
    virtual Result<LiveUser> create_user(const nlohmann::json& body) = 0;
    // PATCH /v1/users/{id} (absolute, so it may be retried).
    virtual Result<LiveUser> patch_user(std::int64_t id, const nlohmann::json& body) = 0;
};

} // namespace ra
