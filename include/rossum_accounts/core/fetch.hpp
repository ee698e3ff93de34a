#pragma once
// Reads the live state a plan needs with as few requests as docs/design.md §9.1 allows:
// caller + groups + the first users page (which tells the total), then the rest by pages or by
// username look-ups, whichever costs fewer; queues only when the manifest names queues.
// With a runner wider than 1, independent reads go side by side (docs/design.md §9.7): the
// groups, queues and first users page together, then the other pages (by number) or the
// look-ups together; the requests are the same ones, in a different order.

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/parallel.hpp"

namespace ra {

Result<LiveState> fetch_live_state(RossumApi& api, const DesiredState& desired,
                                   const std::string& api_url,
                                   TaskRunner& runner = sequential_runner());

} // namespace ra
