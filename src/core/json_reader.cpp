#include "json_reader.hpp"

#include "rossum_accounts/core/json_numbers.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>
#include <set>

namespace ra::json_reader {

std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string index(const std::string& path, std::size_t i) {
    return fmt::format("{}[{}]", path, i);
}

const char* type_name(const Json& j) {
    switch (j.type()) {
    case Json::value_t::null:
        return "null";
    case Json::value_t::boolean:
        return "a boolean";
    case Json::value_t::string:
        return "a string";
    case Json::value_t::array:
        return "an array";
    case Json::value_t::object:
        return "an object";
    case Json::value_t::number_float:
        return "a fractional number";
    default:
        return "a number";
    }
}

bool nesting_within(std::string_view text, int limit) {
    int depth = 0;
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > limit)
                return false;
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return true;
}

Result<Json> parse_strict(std::string_view text, const std::string& prefix) {
    auto invalid = [&](const std::string& message) {
        return make_error(ErrorKind::invalid_input, prefix + message);
    };
    std::vector<std::set<std::string>> open_objects;
    std::string duplicate;
    auto callback = [&](int, Json::parse_event_t event, Json& parsed) {
        if (event == Json::parse_event_t::object_start) {
            open_objects.emplace_back();
        } else if (event == Json::parse_event_t::object_end && !open_objects.empty()) {
            open_objects.pop_back();
        } else if (event == Json::parse_event_t::key && !open_objects.empty()) {
            const auto& key = parsed.get_ref<const std::string&>();
            if (!open_objects.back().insert(key).second && duplicate.empty())
                duplicate = key;
        }
        return true;
    };
    // Read as a double it would change (and be sent or shown rounded): refused.
    if (json_has_oversized_integer(text))
        return invalid("integer beyond 64 bits");
    try {
        Json j = Json::parse(text.begin(), text.end(), callback);
        if (!duplicate.empty())
            return invalid(fmt::format("duplicate key \"{}\"", duplicate));
        return j;
    } catch (const Json::parse_error& e) {
        return invalid(fmt::format("not valid JSON (syntax error at byte {})", e.byte));
    } catch (const Json::out_of_range&) {
        // A number beyond a double, such as 1e400 (found by the fuzzer).
        return invalid("number out of range");
    } catch (const Json::exception&) {
        return invalid("not valid JSON");
    }
}

void Reader::fail(const std::string& path, const std::string& message) {
    if (!error_)
        error_ = make_error(ErrorKind::invalid_input,
                            prefix_ + (path.empty() ? root_ : path) + ": " + message);
}

bool Reader::expect_object(const Json& j, const std::string& path,
                           std::initializer_list<std::string_view> keys,
                           std::initializer_list<std::string_view> optional) {
    if (failed())
        return false;
    if (!j.is_object()) {
        fail(path, fmt::format("expected an object, got {}", type_name(j)));
        return false;
    }
    for (const std::string_view key : keys) {
        if (!j.contains(key)) {
            fail(join(path, key), "missing");
            return false;
        }
    }
    for (const auto& [key, value] : j.items()) {
        if (std::find(keys.begin(), keys.end(), key) == keys.end() &&
            std::find(optional.begin(), optional.end(), key) == optional.end()) {
            fail(join(path, key), "unknown key");
            return false;
        }
    }
    return true;
}

std::string Reader::string(const Json& j, const std::string& path) {
    if (!j.is_string()) {
        fail(path, fmt::format("expected a string, got {}", type_name(j)));
        return {};
    }
    return j.get<std::string>();
}

std::string Reader::non_empty_string(const Json& j, const std::string& path) {
    std::string s = string(j, path);
    if (j.is_string() && s.empty())
        fail(path, "must not be empty");
    return s;
}

std::int64_t Reader::integer(const Json& j, const std::string& path) {
    if (j.is_number_unsigned() &&
        j.get<std::uint64_t>() >
            static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        fail(path, "integer out of range");
        return 0;
    }
    if (!j.is_number_integer()) {
        fail(path, fmt::format("expected an integer, got {}", type_name(j)));
        return 0;
    }
    return j.get<std::int64_t>();
}

bool Reader::boolean(const Json& j, const std::string& path) {
    if (!j.is_boolean()) {
        fail(path, fmt::format("expected a boolean, got {}", type_name(j)));
        return false;
    }
    return j.get<bool>();
}

bool Reader::array(const Json& j, const std::string& path) {
    if (!j.is_array()) {
        fail(path, fmt::format("expected an array, got {}", type_name(j)));
        return false;
    }
    return !failed();
}

std::vector<std::string> Reader::strings(const Json& j, const std::string& path) {
    std::vector<std::string> out;
    if (!array(j, path))
        return out;
    for (std::size_t i = 0; i < j.size() && !failed(); ++i)
        out.push_back(string(j[i], index(path, i)));
    return out;
}

} // namespace ra::json_reader
