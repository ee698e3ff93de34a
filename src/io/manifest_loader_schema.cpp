// The manifest schema (docs/design.md §4) over the event-built tree. Every problem is reported, in
// any order (the loader sorts them), and none echoes a password-bearing value.
#include "manifest_loader_tree.hpp"
#include "rossum_accounts/core/last_applied.hpp"
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/username.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <string_view>
#include <variant>

namespace ra::manifest_detail {

namespace {

using Kind = YamlNode::Kind;

enum class ScalarType { null, boolean, integer, floating, string };

bool one_of(const std::string& s, std::initializer_list<const char*> options) {
    return std::any_of(options.begin(), options.end(), [&](const char* o) { return s == o; });
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

bool all_of_digits(std::string_view s, std::string_view digits) {
    return !s.empty() && s.find_first_not_of(digits) == std::string_view::npos;
}

// YAML 1.2 core schema integers: [-+]?[0-9]+, 0o[0-7]+ and 0x[0-9a-fA-F]+.
bool looks_like_integer(const std::string& s) {
    std::string_view v = s;
    if (v.size() > 2 && v[0] == '0' && v[1] == 'o')
        return all_of_digits(v.substr(2), "01234567");
    if (v.size() > 2 && v[0] == '0' && v[1] == 'x')
        return all_of_digits(v.substr(2), "0123456789abcdefABCDEF");
    if (!v.empty() && (v[0] == '-' || v[0] == '+'))
        v.remove_prefix(1);
    return all_digits(v);
}

// YAML 1.2 core schema: [-+]?\.(inf|Inf|INF) and \.(nan|NaN|NAN).
bool non_finite(const std::string& s) {
    return one_of(s, {".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF",
                      ".nan", ".NaN", ".NAN"});
}

bool looks_like_float(const std::string& s) {
    if (non_finite(s))
        return true;
    std::string_view v = s;
    if (!v.empty() && (v[0] == '-' || v[0] == '+'))
        v.remove_prefix(1);
    const auto exponent = v.find_first_of("eE");
    std::string_view mantissa = v.substr(0, exponent);
    if (exponent != std::string_view::npos) {
        std::string_view e = v.substr(exponent + 1);
        if (!e.empty() && (e[0] == '-' || e[0] == '+'))
            e.remove_prefix(1);
        if (!all_digits(e))
            return false;
    }
    const auto dot = mantissa.find('.');
    if (dot == std::string_view::npos)
        return exponent != std::string_view::npos && all_digits(mantissa);
    const std::string_view whole = mantissa.substr(0, dot);
    const std::string_view fraction = mantissa.substr(dot + 1);
    return (whole.empty() || all_digits(whole)) && (fraction.empty() || all_digits(fraction)) &&
           !(whole.empty() && fraction.empty());
}

// YAML 1.2 core schema, roughly: quoted scalars are always strings.
ScalarType scalar_type(const YamlNode& n) {
    if (n.kind == Kind::null)
        return ScalarType::null;
    if (!n.plain)
        return ScalarType::string;
    // Every null, boolean and number spelling below starts with one of these; most values
    // (usernames, roles, names) do not, and skip the two dozen comparisons.
    if (!n.value.empty() &&
        std::string_view("~nNtTfF0123456789+-.").find(n.value.front()) == std::string_view::npos)
        return ScalarType::string;
    if (one_of(n.value, {"", "~", "null", "Null", "NULL"}))
        return ScalarType::null;
    if (one_of(n.value, {"true", "True", "TRUE", "false", "False", "FALSE"}))
        return ScalarType::boolean;
    if (looks_like_integer(n.value))
        return ScalarType::integer;
    if (looks_like_float(n.value))
        return ScalarType::floating;
    return ScalarType::string;
}

std::string type_name(const YamlNode& n) {
    switch (n.kind) {
    case Kind::sequence:
        return "a sequence";
    case Kind::mapping:
        return "a mapping";
    default:
        break;
    }
    switch (scalar_type(n)) {
    case ScalarType::null:
        return "null";
    case ScalarType::boolean:
        return "a boolean";
    case ScalarType::integer:
        return "an integer";
    case ScalarType::floating:
        return "a float";
    case ScalarType::string:
        break;
    }
    return "a string";
}

// Numbers are sent exactly or refused: JSON has no infinity or NaN, an integer past 64 bits
// would become a float, and 0x10, 0o10 and 010 mean different things to YAML 1.1 and 1.2
// readers (and would not be sent as written).
constexpr const char* k_quote_hint = "; quote it to send a string";

enum class IntegerProblem { not_decimal, leading_zero, out_of_range };

// An integer scalar's exact value: int64, or uint64 above INT64_MAX.
std::variant<nlohmann::json, IntegerProblem> exact_integer(const std::string& s) {
    std::string_view v = s;
    if (v.size() > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'o'))
        return IntegerProblem::not_decimal;
    const bool negative = !v.empty() && v[0] == '-';
    if (!v.empty() && (v[0] == '-' || v[0] == '+'))
        v.remove_prefix(1);
    if (v.size() > 1 && v[0] == '0')
        return IntegerProblem::leading_zero;
    const std::string digits = (negative ? "-" : "") + std::string(v);
    const char* first = digits.data();
    const char* last = digits.data() + digits.size();
    std::int64_t signed_value = 0;
    if (auto [end, ec] = std::from_chars(first, last, signed_value);
        ec == std::errc() && end == last)
        return nlohmann::json(signed_value);
    std::uint64_t unsigned_value = 0;
    if (auto [end, ec] = std::from_chars(first, last, unsigned_value);
        !negative && ec == std::errc() && end == last)
        return nlohmann::json(unsigned_value);
    return IntegerProblem::out_of_range;
}

// METADATA: any 64-bit integer is allowed there, and quoting makes a string; elsewhere (ids,
// version) the value is a signed 64-bit integer and must stay a number.
std::string describe(IntegerProblem problem, bool metadata) {
    const std::string hint = metadata ? k_quote_hint : "";
    switch (problem) {
    case IntegerProblem::not_decimal:
        return "hexadecimal and octal integers are not allowed; write it in decimal" + hint;
    case IntegerProblem::leading_zero:
        return "an integer with a leading zero is ambiguous (YAML 1.1 reads it as octal); drop "
               "the zero" +
               hint;
    case IntegerProblem::out_of_range:
        break;
    }
    return metadata ? "integer is out of range (64 bits: -9223372036854775808 to "
                      "18446744073709551615)" +
                          hint
                    : std::string("integer is out of range (at most 9223372036854775807)");
}

// A float scalar's value (the nearest double, which is what the API stores); or why it is
// refused.
std::variant<double, std::string> exact_float(const std::string& s) {
    if (non_finite(s))
        return std::string("infinity and NaN are not allowed (JSON has no such number)") +
               k_quote_hint;
    std::string_view v = s;
    if (!v.empty() && v[0] == '+')
        v.remove_prefix(1);
    double value = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
    if (ec == std::errc::result_out_of_range)
        return std::string("number is out of range for a 64-bit float") + k_quote_hint;
    if (ec != std::errc() || end != v.data() + v.size())
        return std::string("invalid number") + k_quote_hint;
    return value;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// ` (did you mean "x"?)` for a near miss, else "".
std::string suggestion(const std::string& word, const std::vector<std::string>& candidates) {
    if (word.size() > 64)
        return "";
    std::string best;
    std::size_t best_distance = 3;
    for (const std::string& c : candidates) {
        const std::size_t d = edit_distance(word, c);
        if (d < best_distance && d <= std::max<std::size_t>(1, c.size() / 3)) {
            best = c;
            best_distance = d;
        }
    }
    return best.empty() ? "" : " (did you mean \"" + best + "\"?)";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Queues as written: ids (numbers) and names (strings), resolved by the planner.
struct QueueList {
    std::vector<std::int64_t> ids;
    std::vector<std::string> names;
};

struct Fields {
    std::optional<std::string> first_name;
    std::optional<std::string> last_name;
    std::optional<std::string> email;
    std::optional<std::vector<std::string>> groups;
    std::optional<QueueList> queues;
    std::optional<bool> active;
    nlohmann::json metadata = nlohmann::json::object();
};

const std::vector<std::string> k_root_keys = {
    "version", "api_url", "organization", "prune", "max_deactivations", "defaults", "accounts"};
const std::vector<std::string> k_defaults_keys = {"first_name", "last_name", "email",   "groups",
                                                  "queues",     "active",    "metadata"};
const std::vector<std::string> k_account_keys = {"username", "first_name", "last_name",
                                                 "email",    "groups",     "queues",
                                                 "active",   "password",   "metadata"};

class Walker {
public:
    Walker(const std::string& file, const std::string& base_dir, Diagnostics& diagnostics)
        : file_(file), base_dir_(base_dir), diagnostics_(diagnostics) {}

    Manifest walk(const YamlNode& root) {
        Manifest manifest;
        manifest.file = file_;
        if (root.kind != Kind::mapping) {
            error(root, "", "the manifest must be a mapping, not " + type_name(root));
            return manifest;
        }
        const auto keys = entries(root, "", k_root_keys, {});
        require(root, "", keys, "version");
        require(root, "", keys, "accounts");
        if (const YamlNode* v = find(keys, "version"))
            check_version(*v);
        if (const YamlNode* v = find(keys, "api_url")) {
            manifest.api_url = non_empty_string(*v, "api_url");
            manifest.api_url_where = SourceLocation{file_, v->line, v->column};
        }
        if (const YamlNode* v = find(keys, "organization"))
            manifest.organization = positive_integer(*v, "organization");
        if (const YamlNode* v = find(keys, "prune")) {
            manifest.prune_declared = true;
            manifest.prune = boolean(*v, "prune").value_or(false);
        }
        if (const YamlNode* v = find(keys, "max_deactivations"))
            manifest.max_deactivations = non_negative_integer(*v, "max_deactivations");
        Fields defaults;
        if (const YamlNode* v = find(keys, "defaults"))
            defaults = defaults_fields(*v);
        if (const YamlNode* v = find(keys, "accounts"))
            manifest.accounts = accounts(*v, defaults);
        return manifest;
    }

private:
    using Entries = std::map<std::string, std::pair<const YamlNode*, const YamlNode*>>;

    void error(const YamlNode& at, const std::string& path, std::string message) {
        diagnostics_.push_back(
            Diagnostic{SourceLocation{file_, at.line, at.column}, path, std::move(message)});
    }

    static std::string join(const std::string& path, const std::string& key) {
        return path.empty() ? key : path + "." + key;
    }

    // Keys of a mapping; unknown and duplicate keys are reported. `explain` gives a specific
    // message for a key that is known elsewhere but not allowed here. Keys are never echoed
    // when `quiet` (a password mapping may hold a mistyped secret as a key).
    Entries entries(const YamlNode& map, const std::string& path,
                    const std::vector<std::string>& allowed,
                    const std::map<std::string, std::string>& explain, bool quiet = false) {
        Entries result;
        for (std::size_t i = 0; i + 1 < map.items.size(); i += 2) {
            const YamlNode& key = map.items[i];
            if (key.kind != Kind::scalar || (key.plain && key.value == "<<"))
                continue; // reported by check_yaml_features
            auto first = result.find(key.value);
            if (first != result.end()) {
                error(
                    key, path,
                    (quiet ? std::string("duplicate key") : "duplicate key \"" + key.value + "\"") +
                        " (first at " + std::to_string(first->second.first->line) + ":" +
                        std::to_string(first->second.first->column) + ")");
                continue;
            }
            if (std::find(allowed.begin(), allowed.end(), key.value) == allowed.end()) {
                auto why = explain.find(key.value);
                if (why != explain.end())
                    error(key, path, why->second);
                else if (quiet)
                    error(key, path, "unknown key");
                else
                    error(key, path,
                          "unknown key \"" + key.value + "\"" + suggestion(key.value, allowed));
                result.emplace(key.value, std::make_pair(&key, nullptr));
                continue;
            }
            result.emplace(key.value, std::make_pair(&key, &map.items[i + 1]));
        }
        return result;
    }

    static const YamlNode* find(const Entries& entries, const std::string& key) {
        auto it = entries.find(key);
        return it == entries.end() ? nullptr : it->second.second;
    }

    void require(const YamlNode& map, const std::string& path, const Entries& entries,
                 const std::string& key) {
        if (entries.find(key) == entries.end())
            error(map, path, "missing required key \"" + key + "\"");
    }

    bool expect_kind(const YamlNode& n, const std::string& path, Kind kind, const char* what) {
        if (n.kind == kind)
            return true;
        error(n, path, std::string("expected ") + what + ", got " + type_name(n));
        return false;
    }

    std::optional<std::string> string(const YamlNode& n, const std::string& path) {
        if (n.kind == Kind::scalar && scalar_type(n) == ScalarType::string)
            return n.value;
        error(n, path, "expected a string, got " + type_name(n));
        return std::nullopt;
    }

    std::optional<std::string> non_empty_string(const YamlNode& n, const std::string& path) {
        auto s = string(n, path);
        if (s && s->empty()) {
            error(n, path, "must not be empty");
            return std::nullopt;
        }
        return s;
    }

    std::optional<std::int64_t> integer(const YamlNode& n, const std::string& path) {
        if (n.kind != Kind::scalar || scalar_type(n) != ScalarType::integer) {
            error(n, path, "expected an integer, got " + type_name(n));
            return std::nullopt;
        }
        auto exact = exact_integer(n.value);
        if (auto* problem = std::get_if<IntegerProblem>(&exact)) {
            error(n, path, describe(*problem, false));
            return std::nullopt;
        }
        const auto& value = std::get<nlohmann::json>(exact);
        if (value.is_number_unsigned() &&
            value.get<std::uint64_t>() >
                static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            error(n, path, describe(IntegerProblem::out_of_range, false));
            return std::nullopt;
        }
        return value.get<std::int64_t>();
    }

    std::optional<std::int64_t> positive_integer(const YamlNode& n, const std::string& path) {
        auto v = integer(n, path);
        if (v && *v <= 0) {
            error(n, path, "must be a positive integer");
            return std::nullopt;
        }
        return v;
    }

    std::optional<std::int64_t> non_negative_integer(const YamlNode& n, const std::string& path) {
        auto v = integer(n, path);
        if (v && *v < 0) {
            error(n, path, "must be a non-negative integer");
            return std::nullopt;
        }
        return v;
    }

    std::optional<bool> boolean(const YamlNode& n, const std::string& path) {
        if (n.kind != Kind::scalar || scalar_type(n) != ScalarType::boolean) {
            error(n, path, "expected a boolean, got " + type_name(n));
            return std::nullopt;
        }
        return lower(n.value) == "true";
    }

    void check_version(const YamlNode& n) {
        auto v = integer(n, "version");
        if (v && *v != k_manifest_format_version)
            error(n, "version",
                  "unsupported version " + std::to_string(*v) + " (expected " +
                      std::to_string(k_manifest_format_version) + ")");
    }

    std::optional<std::vector<std::string>> groups(const YamlNode& n, const std::string& path) {
        if (!expect_kind(n, path, Kind::sequence, "a sequence of role names"))
            return std::nullopt;
        std::vector<std::string> roles;
        const auto& known = known_roles();
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            const std::string item_path = path + "[" + std::to_string(i) + "]";
            auto role = string(n.items[i], item_path);
            if (!role)
                continue;
            if (std::find(known.begin(), known.end(), *role) == known.end())
                error(n.items[i], item_path,
                      "unknown role \"" + *role + "\"" + suggestion(*role, known));
            else if (std::find(roles.begin(), roles.end(), *role) != roles.end())
                error(n.items[i], item_path, "role \"" + *role + "\" is listed twice");
            else
                roles.push_back(*role);
        }
        if (n.items.empty())
            error(n, path, "must not be empty");
        return roles;
    }

    std::optional<QueueList> queues(const YamlNode& n, const std::string& path) {
        if (!expect_kind(n, path, Kind::sequence, "a sequence of queue ids or names"))
            return std::nullopt;
        QueueList list;
        std::vector<std::int64_t>& ids = list.ids;
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            const std::string item_path = path + "[" + std::to_string(i) + "]";
            const YamlNode& item = n.items[i];
            if (item.kind == Kind::scalar && scalar_type(item) == ScalarType::string) {
                if (item.value.empty() || item.value.size() > 1000)
                    error(item, item_path, "a queue name must have 1 to 1000 characters");
                else if (item.value.find_first_not_of("0123456789") == std::string::npos)
                    error(item, item_path,
                          "\"" + item.value +
                              "\" is a queue id written as a string: write it without quotes");
                else if (std::find(list.names.begin(), list.names.end(), item.value) !=
                         list.names.end())
                    error(item, item_path, "queue \"" + item.value + "\" is listed twice");
                else
                    list.names.push_back(item.value);
                continue;
            }
            auto id = positive_integer(item, item_path);
            if (!id)
                continue;
            if (std::find(ids.begin(), ids.end(), *id) != ids.end())
                error(n.items[i], item_path, "queue " + std::to_string(*id) + " is listed twice");
            else
                ids.push_back(*id);
        }
        return list;
    }

    // A metadata value as JSON, exactly; nullopt (reported) for a number that cannot be sent
    // as written.
    std::optional<nlohmann::json> scalar_json(const YamlNode& n, const std::string& path) {
        switch (scalar_type(n)) {
        case ScalarType::null:
            return nullptr;
        case ScalarType::boolean:
            return lower(n.value) == "true";
        case ScalarType::integer: {
            auto exact = exact_integer(n.value);
            if (auto* problem = std::get_if<IntegerProblem>(&exact)) {
                error(n, path, describe(*problem, true));
                return std::nullopt;
            }
            return std::get<nlohmann::json>(exact);
        }
        case ScalarType::floating: {
            auto exact = exact_float(n.value);
            if (auto* problem = std::get_if<std::string>(&exact)) {
                error(n, path, *problem);
                return std::nullopt;
            }
            return std::get<double>(exact);
        }
        case ScalarType::string:
            break;
        }
        return n.value;
    }

    nlohmann::json metadata(const YamlNode& n, const std::string& path) {
        nlohmann::json result = nlohmann::json::object();
        if (!expect_kind(n, path, Kind::mapping, "a mapping"))
            return result;
        std::map<std::string_view, const YamlNode*> seen; // each key's first place
        for (std::size_t i = 0; i + 1 < n.items.size(); i += 2) {
            const YamlNode& key = n.items[i];
            const YamlNode& value = n.items[i + 1];
            if (key.kind != Kind::scalar)
                continue;
            const std::string key_path = join(path, key.value);
            if (auto [first, added] = seen.emplace(key.value, &key); !added) {
                error(key, path,
                      "duplicate key \"" + key.value + "\" (first at " +
                          std::to_string(first->second->line) + ":" +
                          std::to_string(first->second->column) + ")");
                continue;
            }
            if (key.value == k_marker_key || key.value == k_record_key) {
                error(key, path, "key \"" + key.value + "\" is reserved");
                continue;
            }
            if (value.kind == Kind::sequence || value.kind == Kind::mapping) {
                error(value, key_path, "expected a scalar value, got " + type_name(value));
                continue;
            }
            if (auto json = scalar_json(value, key_path))
                result[key.value] = std::move(*json);
        }
        return result;
    }

    void common_fields(const Entries& keys, const std::string& path, Fields& f) {
        if (const YamlNode* v = find(keys, "first_name"))
            f.first_name = string(*v, join(path, "first_name"));
        if (const YamlNode* v = find(keys, "last_name"))
            f.last_name = string(*v, join(path, "last_name"));
        if (const YamlNode* v = find(keys, "email"))
            f.email = string(*v, join(path, "email"));
        if (const YamlNode* v = find(keys, "groups"))
            f.groups = groups(*v, join(path, "groups"));
        if (const YamlNode* v = find(keys, "queues"))
            f.queues = queues(*v, join(path, "queues"));
        if (const YamlNode* v = find(keys, "active"))
            f.active = boolean(*v, join(path, "active"));
        if (const YamlNode* v = find(keys, "metadata"))
            f.metadata = metadata(*v, join(path, "metadata"));
    }

    Fields defaults_fields(const YamlNode& n) {
        Fields f;
        if (!expect_kind(n, "defaults", Kind::mapping, "a mapping"))
            return f;
        const auto keys =
            entries(n, "defaults", k_defaults_keys,
                    {{"username", "\"username\" cannot have a default"},
                     {"password", "\"password\" cannot have a default; set it per account"}});
        common_fields(keys, "defaults", f);
        return f;
    }

    std::optional<PasswordSource> password(const YamlNode& n, const std::string& path) {
        if (n.kind != Kind::mapping) {
            if (n.kind == Kind::sequence)
                error(n, path, "expected a mapping with env or file, got a sequence");
            else
                error(n, path,
                      "a password is never written inline; use password.env or password.file");
            return std::nullopt;
        }
        const auto keys = entries(n, path, {"env", "file"}, {}, true);
        const YamlNode* env = find(keys, "env");
        const YamlNode* file = find(keys, "file");
        if ((env == nullptr) == (file == nullptr)) {
            error(n, path, "set exactly one of env or file");
            return std::nullopt;
        }
        PasswordSource source;
        source.base_dir = base_dir_;
        source.where = SourceLocation{file_, n.line, n.column};
        if (env != nullptr) {
            source.kind = PasswordSourceKind::env;
            const std::string env_path = join(path, "env");
            if (env->kind != Kind::scalar || scalar_type(*env) != ScalarType::string ||
                !valid_variable_name(env->value)) {
                error(*env, env_path,
                      "must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
                return std::nullopt;
            }
            source.name = env->value;
        } else {
            source.kind = PasswordSourceKind::file;
            const std::string file_path = join(path, "file");
            if (file->kind != Kind::scalar || scalar_type(*file) != ScalarType::string ||
                file->value.empty()) {
                error(*file, file_path, "must be a non-empty file path");
                return std::nullopt;
            }
            source.name = file->value;
        }
        return source;
    }

    static bool valid_variable_name(const std::string& s) {
        if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0])))
            return false;
        return std::all_of(s.begin(), s.end(),
                           [](unsigned char c) { return std::isalnum(c) || c == '_'; });
    }

    std::optional<std::string> username(const YamlNode& n, const std::string& path) {
        auto name = non_empty_string(n, path);
        if (!name)
            return std::nullopt;
        if (!declarable_username(*name)) {
            error(n, path,
                  "must not contain whitespace, control or invisible characters (" +
                      describe_undeclarable(*name) + ")");
            return std::nullopt;
        }
        return name;
    }

    std::optional<Account> account(const YamlNode& n, const std::string& path,
                                   const Fields& defaults) {
        if (!expect_kind(n, path, Kind::mapping, "a mapping"))
            return std::nullopt;
        const auto keys = entries(n, path, k_account_keys, {});
        require(n, path, keys, "username");
        Account a;
        a.where = SourceLocation{file_, n.line, n.column};
        const YamlNode* name_node = find(keys, "username");
        std::optional<std::string> name;
        if (name_node != nullptr)
            name = username(*name_node, join(path, "username"));
        Fields f;
        common_fields(keys, path, f);
        if (const YamlNode* v = find(keys, "password"))
            a.password = password(*v, join(path, "password"));
        a.first_name = f.first_name ? f.first_name : defaults.first_name;
        a.last_name = f.last_name ? f.last_name : defaults.last_name;
        a.email = f.email ? f.email : defaults.email;
        if (const std::optional<QueueList>& q = f.queues ? f.queues : defaults.queues) {
            a.queues = q->ids;
            a.queue_names = q->names;
        }
        a.active = f.active.value_or(defaults.active.value_or(true));
        a.metadata = defaults.metadata;
        a.metadata.update(f.metadata); // shallow: account keys win
        const bool groups_given = find(keys, "groups") != nullptr;
        a.groups = f.groups ? *f.groups : defaults.groups.value_or(std::vector<std::string>{});
        if (!groups_given && a.groups.empty())
            error(n, path, "no groups: set groups here or in defaults");
        if (!name)
            return std::nullopt;
        a.username = *name;
        auto [first, inserted] = usernames_.emplace(fold_username(a.username), name_node);
        if (!inserted) {
            error(*name_node, join(path, "username"),
                  "duplicate username \"" + a.username + "\" (first at " +
                      std::to_string(first->second->line) + ":" +
                      std::to_string(first->second->column) + ")");
            return std::nullopt;
        }
        return a;
    }

    std::vector<Account> accounts(const YamlNode& n, const Fields& defaults) {
        std::vector<Account> result;
        if (!expect_kind(n, "accounts", Kind::sequence, "a sequence"))
            return result;
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            auto a = account(n.items[i], "accounts[" + std::to_string(i) + "]", defaults);
            if (a)
                result.push_back(std::move(*a));
        }
        return result;
    }

    const std::string& file_;
    const std::string& base_dir_;
    Diagnostics& diagnostics_;
    std::map<std::string, const YamlNode*> usernames_; // folded → first username node
};

// Where check_features is in the tree: a chain of parents, rendered to "a.b[2].c" only when a
// problem is reported (building it for every node was most of that walk's cost).
struct TreePath {
    const TreePath* parent = nullptr;
    const std::string* key = nullptr; // a mapping value's key; null: a sequence item
    std::size_t index = 0;
};

std::string render(const TreePath* p) {
    if (p == nullptr)
        return "";
    std::string s = render(p->parent);
    if (p->key != nullptr)
        s = s.empty() ? *p->key : s + "." + *p->key;
    else
        s += "[" + std::to_string(p->index) + "]";
    return s;
}

void check_features(const YamlNode& n, const TreePath* path, const std::string& file,
                    Diagnostics& diagnostics) {
    const auto report = [&](const YamlNode& at, const TreePath* at_path, const char* message) {
        diagnostics.push_back(
            Diagnostic{SourceLocation{file, at.line, at.column}, render(at_path), message});
    };
    if (n.anchored)
        report(n, path, "anchors are not allowed");
    if (n.alias)
        report(n, path, "aliases are not allowed");
    if (n.tagged)
        report(n, path, "tags are not allowed");
    if (n.kind == Kind::sequence) {
        for (std::size_t i = 0; i < n.items.size(); ++i) {
            const TreePath item{path, nullptr, i};
            check_features(n.items[i], &item, file, diagnostics);
        }
    } else if (n.kind == Kind::mapping) {
        for (std::size_t i = 0; i + 1 < n.items.size(); i += 2) {
            const YamlNode& key = n.items[i];
            if (key.kind != Kind::scalar) {
                check_features(key, path, file, diagnostics);
                report(key, path, "mapping keys must be strings");
                continue;
            }
            if (key.plain && key.value == "<<")
                report(key, path, "merge keys are not allowed");
            check_features(key, path, file, diagnostics);
            const TreePath value{path, &key.value, 0};
            check_features(n.items[i + 1], &value, file, diagnostics);
        }
    }
}

} // namespace

void check_yaml_features(const YamlNode& root, const std::string& file_label,
                         Diagnostics& diagnostics) {
    check_features(root, nullptr, file_label, diagnostics);
}

Manifest build_manifest(const YamlNode& root, const std::string& file_label,
                        const std::string& base_dir, Diagnostics& diagnostics) {
    Walker walker(file_label, base_dir, diagnostics);
    return walker.walk(root);
}

} // namespace ra::manifest_detail
