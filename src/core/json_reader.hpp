#pragma once
// The strict reader of untrusted JSON documents (saved plans, snapshots): parse with limits,
// refuse duplicate keys and integers beyond 64 bits, then read typed values, keeping the first
// problem with its JSON path. nlohmann exceptions stay inside. Private to src/core.

#include "rossum_accounts/core/result.hpp"

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ra::json_reader {

using Json = nlohmann::json;

std::string join(const std::string& path, std::string_view key); // "a.b"
std::string index(const std::string& path, std::size_t i);       // "a[3]"
const char* type_name(const Json& j);                            // "a string", "an object", ...

// Nesting depth outside strings at most `limit`: checked before parsing, so a hostile file
// cannot exhaust the stack of the recursive parser or of anything that later walks the value.
bool nesting_within(std::string_view text, int limit);

// The parsed document, or ErrorKind::invalid_input whose message starts with `prefix` ("plan: ",
// "snapshot: "): not JSON, a duplicate object key (nlohmann would keep the last silently), an
// integer beyond 64 bits (it would be read as a rounded double) or a number beyond a double.
Result<Json> parse_strict(std::string_view text, const std::string& prefix);

// Reads typed values out of the document. The first problem is kept; later reads return
// defaults so that reading can run to the end without a check after every call. A problem's
// message is `prefix` + the JSON path (`root` for the document itself) + ": " + what is wrong.
class Reader {
public:
    Reader(std::string prefix, std::string root)
        : prefix_(std::move(prefix)), root_(std::move(root)) {}

    bool failed() const { return error_.has_value(); }
    const Error& error() const { return *error_; }
    void fail(const std::string& path, const std::string& message);

    // The object at `path`: `keys` must all be present (the first missing one is named),
    // `optional` may be, no other key is accepted.
    bool expect_object(const Json& j, const std::string& path,
                       std::initializer_list<std::string_view> keys,
                       std::initializer_list<std::string_view> optional = {});
    std::string string(const Json& j, const std::string& path);
    std::string non_empty_string(const Json& j, const std::string& path);
    std::int64_t integer(const Json& j, const std::string& path);
    bool boolean(const Json& j, const std::string& path);
    bool array(const Json& j, const std::string& path); // j is an array (and nothing failed)
    std::vector<std::string> strings(const Json& j, const std::string& path);

private:
    std::string prefix_;
    std::string root_;
    std::optional<Error> error_;
};

} // namespace ra::json_reader
