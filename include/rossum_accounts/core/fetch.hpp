#pragma once
// Reads the live state a plan needs with as few requests as docs/design.md §9.1 allows:
// caller + groups + the first users page (which tells the total), then the rest by pages or by
// username look-ups, whichever costs fewer; queues only when the manifest names queues.

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"

namespace ra {

Result<LiveState> fetch_live_state(RossumApi& api, const DesiredState& desired,
                                   const std::string& api_url);

} // namespace ra
