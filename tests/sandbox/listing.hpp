#pragma once
// The list checks the resource suites share: what a (filtered) list page holds, and how a list
// refuses a filter value of the wrong kind.

#include "harness.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace ra::sandbox::test {

using Ids = std::vector<long long>;
using Names = std::vector<std::string>;

// The `field` of each result of the list page at `path` (read as the demo admin), in order.
template <class T>
std::vector<T> listed(Harness& h, const std::string& path, const char* field) {
    std::vector<T> found;
    auto page = h.admin("GET", path);
    for (const auto& item : page.body["results"]) {
        found.push_back(item[field].get<T>());
    }
    return found;
}

inline Ids listed_ids(Harness& h, const std::string& path) {
    return listed<long long>(h, path, "id");
}

inline Names listed_usernames(Harness& h, const std::string& path) {
    return listed<std::string>(h, path, "username");
}

// The list at `path` refuses its query as Django REST framework does: 400, and `message` for the
// parameter `field`.
inline void check_refused_query(Harness& h, const std::string& path, const std::string& field,
                                const std::string& message) {
    INFO("GET " << path);
    auto refused = h.admin("GET", path);
    CHECK(refused.status == 400);
    CHECK(refused.body == nlohmann::json{{field, nlohmann::json::array({message})}});
}

} // namespace ra::sandbox::test
