#pragma once
// DRF-style page-number pagination: `page` (1-based), `page_size` (default 20, clamped to 100),
// envelope {"pagination": {total, total_pages, next, previous}, "results": [...]}.
// An empty list has one (empty) page; a page outside 1..total_pages is "Invalid page.".

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ra::sandbox {

inline constexpr int k_default_page_size = 20;
inline constexpr int k_max_page_size = 100;

// One raw `key=value` pair of the query string, still URL-encoded, in request order.
using RawQuery = std::vector<std::pair<std::string, std::string>>;

RawQuery parse_raw_query(const std::string& query);
std::string join_raw_query(const RawQuery& query);

// The envelope for `items`, or nullopt when the requested page does not exist.
// `page_url` is the absolute URL of the list without its query.
std::optional<nlohmann::json> paginate(const std::vector<nlohmann::json>& items,
                                       const RawQuery& query, const std::string& page_url);

// The same envelope for a list of `total` items of which only the requested page's are made:
// `item(i)` returns the i-th (0-based), so a long list costs no more than its page.
std::optional<nlohmann::json> paginate(std::size_t total,
                                       const std::function<nlohmann::json(std::size_t)>& item,
                                       const RawQuery& query, const std::string& page_url);

} // namespace ra::sandbox
