#pragma once
// The writes of a plan, derived from its changes. An action's POST or PATCH body is a pure
// function of the action's `changes` and of names resolved live at apply time (organization,
// role and queue URLs): a plan never carries a request body, so a saved plan executes exactly
// what it shows. Fresh and saved plans use these same functions.

#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/result.hpp"

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace ra {

// What turns role names and queue ids into the URLs the API takes, read live.
struct WriteContext {
    std::string organization_url;
    std::map<std::string, std::string> group_url_by_role;
    std::map<std::string, std::string> role_by_group_url;
    std::map<std::int64_t, std::string> queue_url_by_id;
};

// The context of a live state (fresh plan: the state it was made from; saved plan: the state
// read at apply time).
WriteContext write_context(const LiveState& live);

// "metadata.team" → "team"; nullopt for other fields.
std::optional<std::string> metadata_key(const std::string& field);

// The POST body of a create, without the password: organization, username, the set fields,
// role and queue URLs, is_active, and metadata with the declared keys and the marker.
// invalid_input when a role or queue does not resolve in `context`.
Result<nlohmann::json> create_body(const Action& action, const WriteContext& context);

// True when the action's PATCH writes metadata (metadata.KEY, managed_by, the record); its
// body then needs the user's metadata as it is just before the PATCH.
bool writes_metadata(const Action& action);

// The PATCH body of an update or a deactivate. Rossum replaces metadata whole, so the declared
// keys and the marker are merged into `current_metadata`, the user's metadata as read just
// before the PATCH (ignored when the action does not write metadata).
Result<nlohmann::json> patch_body(const Action& action, const WriteContext& context,
                                  const nlohmann::json& current_metadata);

// The PATCH body that brings `user` in line with `create` (a create_body), or an empty object
// when it already is. Used when a create turns out to have been committed (ambiguous outcome,
// concurrent run): the user is adopted, not re-created. `user` is as just looked up.
nlohmann::json patch_to_match_create(const LiveUser& user, const nlohmann::json& create);

// FIELD of a live user as a plan's `before` shows it: role names (the URL when the role is
// unknown), queue ids, `active`, a metadata value (null when the key is absent).
nlohmann::json live_value(const LiveUser& user, const std::string& field,
                          const WriteContext& context);

} // namespace ra
