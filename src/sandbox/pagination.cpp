#include "sandbox/pagination.hpp"

#include <algorithm>
#include <charconv>

namespace ra::sandbox {

namespace {

std::optional<long long> parse_positive(const std::string& text) {
    long long value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size() || value < 1) {
        return std::nullopt;
    }
    return value;
}

std::string raw_value(const RawQuery& query, const std::string& key) {
    for (const auto& [name, value] : query) {
        if (name == key) {
            return value;
        }
    }
    return {};
}

// DRF's replace_query_param / remove_query_param: the other parameters keep their order.
std::string page_link(const RawQuery& query, const std::string& page_url, long long page) {
    RawQuery kept;
    for (const auto& pair : query) {
        if (pair.first != "page") {
            kept.push_back(pair);
        }
    }
    if (page > 1) {
        kept.emplace_back("page", std::to_string(page));
    }
    std::string joined = join_raw_query(kept);
    return joined.empty() ? page_url : page_url + "?" + joined;
}

} // namespace

RawQuery parse_raw_query(const std::string& query) {
    RawQuery pairs;
    std::size_t start = 0;
    while (start <= query.size()) {
        std::size_t end = query.find('&', start);
        if (end == std::string::npos) {
            end = query.size();
        }
        std::string piece = query.substr(start, end - start);
        if (!piece.empty()) {
            std::size_t equals = piece.find('=');
            if (equals == std::string::npos) {
                pairs.emplace_back(piece, "");
            } else {
                pairs.emplace_back(piece.substr(0, equals), piece.substr(equals + 1));
            }
        }
        start = end + 1;
    }
    return pairs;
}

std::string join_raw_query(const RawQuery& query) {
    std::string joined;
    for (const auto& [key, value] : query) {
        if (!joined.empty()) {
            joined += '&';
        }
        joined += key + "=" + value;
    }
    return joined;
}

std::optional<nlohmann::json> paginate(const std::vector<nlohmann::json>& items,
                                       const RawQuery& query, const std::string& page_url) {
    return paginate(
        items.size(), [&items](std::size_t i) { return items[i]; }, query, page_url);
}

std::optional<nlohmann::json> paginate(std::size_t total_items,
                                       const std::function<nlohmann::json(std::size_t)>& item,
                                       const RawQuery& query, const std::string& page_url) {
    // An invalid or missing page_size falls back to the default, as DRF does.
    long long page_size =
        parse_positive(raw_value(query, "page_size")).value_or(k_default_page_size);
    page_size = std::min<long long>(page_size, k_max_page_size);
    const auto total = static_cast<long long>(total_items);
    const long long total_pages = std::max<long long>(1, (total + page_size - 1) / page_size);

    const std::string page_text = raw_value(query, "page");
    std::optional<long long> page = page_text.empty() ? 1 : parse_positive(page_text);
    if (!page || *page > total_pages) {
        return std::nullopt;
    }
    nlohmann::json results = nlohmann::json::array();
    const long long first = (*page - 1) * page_size;
    for (long long i = first; i < std::min(total, first + page_size); ++i) {
        results.push_back(item(static_cast<std::size_t>(i)));
    }
    nlohmann::json pagination = {{"total", total}, {"total_pages", total_pages}};
    pagination["next"] = *page < total_pages ? nlohmann::json(page_link(query, page_url, *page + 1))
                                             : nlohmann::json(nullptr);
    pagination["previous"] =
        *page > 1 ? nlohmann::json(page_link(query, page_url, *page - 1)) : nlohmann::json(nullptr);
    return nlohmann::json{{"pagination", pagination}, {"results", results}};
}

} // namespace ra::sandbox
