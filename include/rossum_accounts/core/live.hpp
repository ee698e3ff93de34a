#pragma once
// The live state: what the Rossum API reports. Pure data plus tolerant JSON parsing (unknown
// fields are ignored, as the API's versioning policy requires).

#include "rossum_accounts/core/result.hpp"

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace ra {

inline constexpr const char* k_marker_key = "managed_by";
inline constexpr const char* k_marker_value = "rossum-accounts";

struct Organization {
    std::int64_t id = 0;
    std::string url;
    std::string name;
};

struct Group {
    std::int64_t id = 0;
    std::string url;
    std::string name;
};

struct Queue {
    std::int64_t id = 0;
    std::string url;
    std::string name;
};

// A field added here must also be reset in UserDraft::start() (core/live_user_page.cpp), whose
// drafts keep their capacity from one user to the next, and compared in the tests'
// check_same_user (tests/unit/core/live_parsers_test.cpp).
struct LiveUser {
    std::int64_t id = 0;
    std::string url;
    std::string username;
    std::string first_name;
    std::string last_name;
    std::string email;
    std::vector<std::string> groups; // group URLs
    std::vector<std::string> queues; // queue URLs
    bool is_active = true;
    bool deleted = false;
    std::string organization; // organization URL
    nlohmann::json metadata = nlohmann::json::object();
    // The answer held an integer beyond 64 bits, which nlohmann reads as a double: writing the
    // metadata back would change it. Set by RossumApi::user(); such metadata is never PATCHed.
    bool metadata_inexact = false;
};

// One page of a paginated list.
template <class T>
struct Page {
    std::vector<T> results;
    std::int64_t total = 0;
    std::int64_t total_pages = 0;
    std::optional<std::string> next;
};

struct LiveState {
    std::string api_url;
    Organization organization;
    LiveUser caller;           // the account the tool runs as; never deactivated
    std::vector<Group> groups; // roles offered to the organization
    std::vector<Queue> queues; // read only when the manifest names queues
    // The non-deleted users of the organization that were read, and its soft-deleted ones among
    // them. Without prune, only those a sieve kept: the users that may match an account.
    std::vector<LiveUser> users;
    std::vector<LiveUser> deleted_users;
    bool complete_user_list = false; // every user of the organization was read (prune needs it)
    // Accounts missing from the first page were found by username look-ups, whose filter may
    // not match a case variant under Unicode folding (docs/design.md §9.1).
    bool users_looked_up = false;
};

// Tolerant parsers for API objects; Error kind protocol when a required field is missing or has
// the wrong type.
Result<LiveUser> parse_user(const nlohmann::json& j);
Result<Group> parse_group(const nlohmann::json& j);
Result<Queue> parse_queue(const nlohmann::json& j);
Result<Organization> parse_organization(const nlohmann::json& j);
Result<Page<LiveUser>> parse_user_page(const nlohmann::json& j);
Result<Page<Group>> parse_group_page(const nlohmann::json& j);
Result<Page<Queue>> parse_queue_page(const nlohmann::json& j);
Result<Page<Organization>> parse_organization_page(const nlohmann::json& j);
// Which users of a listing are kept (docs/design.md §9.6): those whose username is, by the one
// definition of "same username" (username.hpp), one of the given usernames. A plan without
// prune looks at no other user, and building the other 95 % of a large organization's users
// was most of its CPU and memory.
class UserSieve {
public:
    explicit UserSieve(const std::vector<std::string>& usernames);
    bool keeps(std::string_view username) const;
    // The same, folding into `scratch`, which keeps its capacity from one call to the next.
    bool keeps(std::string_view username, std::string& scratch) const;

private:
    std::unordered_set<std::string> folded_;
};

// A page of users read straight from the answer's text, without a JSON document of the page
// (docs/design.md §9.6): the same value, or the same error, as parse_user_page of its document,
// less the users `sieve` does not keep (every user is still checked); nullopt when the text is
// not JSON.
std::optional<Result<Page<LiveUser>>> read_user_page(std::string_view text,
                                                     const UserSieve* sieve = nullptr);
// The document of the JSON object in `text` with only its top-level fields `keys` (an
// organization lists the URL of every user: those are never built); parse_organization of it
// equals parse_organization of the whole document. A document that is not an object comes back
// as an empty array; nullopt when the text is not JSON.
std::optional<nlohmann::json> read_object_fields(std::string_view text,
                                                 std::initializer_list<std::string_view> keys);

// The trailing integer id of an object URL ("https://x/api/v1/queues/812" → 812).
std::optional<std::int64_t> id_from_url(const std::string& url);

// A stable digest of everything about a live user that a plan depends on; saved plans compare it.
std::string fingerprint(const LiveUser& user);

} // namespace ra
