// plan_from_json: the saved-plan reader. The file is untrusted input, so every key and type is
// checked and the first problem is reported with its JSON path. nlohmann exceptions stay here.

#include "json_reader.hpp"
#include "rossum_accounts/core/json_numbers.hpp"
#include "rossum_accounts/core/plan_check.hpp"
#include "rossum_accounts/core/plan_json.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <set>
#include <vector>

namespace ra {

namespace {

using Json = nlohmann::json;

using json_reader::index;
using json_reader::join;
using json_reader::nesting_within;
using json_reader::parse_strict;
using json_reader::type_name;
using PlanReader = json_reader::Reader;

Organization read_organization(PlanReader& r, const Json& j) {
    Organization org;
    if (r.expect_object(j, "organization", {"id", "url", "name"})) {
        org.id = r.integer(j["id"], "organization.id");
        org.url = r.string(j["url"], "organization.url");
        org.name = r.string(j["name"], "organization.name");
    }
    return org;
}

std::optional<ActionKind> action_kind(const std::string& name) {
    for (const ActionKind k :
         {ActionKind::create, ActionKind::update, ActionKind::skip, ActionKind::deactivate}) {
        if (name == to_string(k)) {
            return k;
        }
    }
    return std::nullopt;
}

std::optional<PasswordSource> read_password_source(PlanReader& r, const Json& j,
                                                   const std::string& path) {
    if (j.is_null()) {
        return std::nullopt;
    }
    const bool one_key =
        j.is_object() && j.size() == 1 && (j.contains("env") || j.contains("file"));
    if (!one_key) {
        r.fail(path, "expected {\"env\": NAME}, {\"file\": PATH} or null");
        return std::nullopt;
    }
    PasswordSource source;
    source.kind = j.contains("env") ? PasswordSourceKind::env : PasswordSourceKind::file;
    const char* key = source.kind == PasswordSourceKind::env ? "env" : "file";
    source.name = r.non_empty_string(j[key], join(path, key));
    // Plans record where the file is; a relative path would depend on the working directory.
    if (source.kind == PasswordSourceKind::file && !source.name.empty() &&
        !source.name.starts_with('/')) {
        r.fail(join(path, key), "must be an absolute path (plan --out records one)");
    }
    return source;
}

FieldChange read_change(PlanReader& r, const Json& j, const std::string& path) {
    FieldChange c;
    // The cause is information (why the field differs), optional and never part of a write.
    const bool has_cause = j.is_object() && j.contains("cause");
    if (!(has_cause ? r.expect_object(j, path, {"field", "before", "after", "cause"})
                    : r.expect_object(j, path, {"field", "before", "after"}))) {
        return c;
    }
    c.field = r.non_empty_string(j["field"], join(path, "field"));
    c.before = j["before"];
    c.after = j["after"];
    if (has_cause) {
        const std::string name = r.string(j["cause"], join(path, "cause"));
        c.cause = cause_from_string(name);
        if (j["cause"].is_string() && !c.cause) {
            r.fail(join(path, "cause"), "expected manifest, drift, conflict or unknown");
        }
    }
    return c;
}

std::vector<FieldChange> read_changes(PlanReader& r, const Json& j, const std::string& path) {
    std::vector<FieldChange> changes;
    if (!j.is_array()) {
        r.fail(path, fmt::format("expected an array, got {}", type_name(j)));
        return changes;
    }
    for (std::size_t i = 0; i < j.size(); ++i) {
        changes.push_back(read_change(r, j[i], index(path, i)));
    }
    return changes;
}

// The fields that tie an action to a live user: none for a create, all for the others.
void check_identity(PlanReader& r, const Action& a, const Json& j, const std::string& path) {
    if (a.kind == ActionKind::create) {
        if (a.user_id) {
            r.fail(join(path, "user_id"), "a create has no user");
        } else if (!a.user_url.empty()) {
            r.fail(join(path, "user_url"), "a create has no user");
        } else if (!a.password_source) {
            r.fail(join(path, "password_source"), "missing for a create");
        } else if (!j["fingerprint"].is_null()) {
            r.fail(join(path, "fingerprint"), "a create has no fingerprint");
        }
        return;
    }
    if (!a.user_id) {
        r.fail(join(path, "user_id"), "missing");
    } else if (a.fingerprint.empty()) {
        r.fail(join(path, "fingerprint"), "missing");
    }
}

Action read_action(PlanReader& r, const Json& j, const std::string& path) {
    Action a;
    if (j.is_object() && j.contains("request")) {
        // Plans written before the writes were derived from the changes (or edited to add one).
        r.fail(join(path, "request"), "unknown key (a plan holds no request body: apply derives "
                                      "each write from the changes; run plan --out again)");
        return a;
    }
    if (!r.expect_object(j, path,
                         {"action", "username", "source", "user_id", "user_url", "changes",
                          "warnings", "password_source", "fingerprint"})) {
        return a;
    }
    const std::string kind = r.string(j["action"], join(path, "action"));
    if (const auto k = action_kind(kind)) {
        a.kind = *k;
    } else if (!r.failed()) {
        r.fail(join(path, "action"), fmt::format("unknown action \"{}\"", kind));
    }
    a.username = r.non_empty_string(j["username"], join(path, "username"));
    a.source = r.string(j["source"], join(path, "source"));
    if (!j["user_id"].is_null()) {
        a.user_id = r.integer(j["user_id"], join(path, "user_id"));
    }
    if (!j["user_url"].is_null()) {
        a.user_url = r.non_empty_string(j["user_url"], join(path, "user_url"));
    }
    a.changes = read_changes(r, j["changes"], join(path, "changes"));
    a.warnings = r.strings(j["warnings"], join(path, "warnings"));
    a.password_source =
        read_password_source(r, j["password_source"], join(path, "password_source"));
    if (!j["fingerprint"].is_null()) {
        a.fingerprint = r.non_empty_string(j["fingerprint"], join(path, "fingerprint"));
    }
    check_identity(r, a, j, path);
    return a;
}

void check_summary(PlanReader& r, const Json& j, const PlanSummary& actual) {
    if (!r.expect_object(j, "summary", {"create", "update", "skip", "deactivate"})) {
        return;
    }
    const std::pair<const char*, int> counts[] = {{"create", actual.create},
                                                  {"update", actual.update},
                                                  {"skip", actual.skip},
                                                  {"deactivate", actual.deactivate}};
    for (const auto& [key, count] : counts) {
        const std::string path = join("summary", key);
        const std::int64_t claimed = r.integer(j[key], path);
        if (!r.failed() && claimed != count) {
            r.fail(path,
                   fmt::format("says {} but the plan has {} {} actions", claimed, count, key));
        }
    }
}

// Derived data: only the rate of the estimate is kept; the counts and the time are worked out
// again from the actions, so an edited estimate never shows.
void read_apply_cost(PlanReader& r, const Json& j, Plan& plan) {
    if (!r.expect_object(j, "apply_cost",
                         {"write_requests", "read_requests", "max_rps", "estimated_seconds"})) {
        return;
    }
    const Json& rate = j["max_rps"];
    if (!rate.is_number()) {
        r.fail("apply_cost.max_rps", fmt::format("expected a number, got {}", type_name(rate)));
        return;
    }
    const double value = rate.get<double>();
    if (!(value == 0 || (value >= k_least_max_rps && value <= k_most_max_rps))) {
        r.fail("apply_cost.max_rps",
               fmt::format("expected 0 or a rate --max-rps accepts ({} to {}), got {}",
                           k_least_max_rps, k_most_max_rps, rate.dump()));
        return;
    }
    if (!j["estimated_seconds"].is_number()) {
        r.fail("apply_cost.estimated_seconds",
               fmt::format("expected a number, got {}", type_name(j["estimated_seconds"])));
        return;
    }
    r.integer(j["write_requests"], "apply_cost.write_requests");
    r.integer(j["read_requests"], "apply_cost.read_requests");
    plan.max_rps = rate.get<double>();
}

Plan read_plan(PlanReader& r, const Json& j) {
    Plan plan;
    if (!r.expect_object(
            j, "", {"format_version", "api_url", "organization", "summary", "actions", "warnings"},
            {"selection", "max_deactivations", "queue_names", "snapshot", "apply_cost"})) {
        return plan;
    }
    const std::int64_t version = r.integer(j["format_version"], "format_version");
    if (!r.failed() && version != k_plan_format_version) {
        r.fail("format_version", fmt::format("unsupported version {} (this tool reads {})", version,
                                             k_plan_format_version));
    }
    plan.api_url = r.non_empty_string(j["api_url"], "api_url");
    plan.organization = read_organization(r, j["organization"]);
    const Json& actions = j["actions"];
    if (!actions.is_array()) {
        r.fail("actions", fmt::format("expected an array, got {}", type_name(actions)));
    } else {
        for (std::size_t i = 0; i < actions.size() && !r.failed(); ++i) {
            plan.actions.push_back(read_action(r, actions[i], index("actions", i)));
        }
    }
    check_summary(r, j["summary"], plan.summary());
    plan.warnings = r.strings(j["warnings"], "warnings");
    if (j.contains("selection") &&
        r.expect_object(j["selection"], "selection", {"target", "exclude"})) {
        plan.targets = r.strings(j["selection"]["target"], "selection.target");
        plan.excludes = r.strings(j["selection"]["exclude"], "selection.exclude");
    }
    if (j.contains("queue_names")) {
        const Json& names = j["queue_names"];
        if (!names.is_object()) {
            r.fail("queue_names", fmt::format("expected an object, got {}", type_name(names)));
        } else {
            for (const auto& [key, value] : names.items()) {
                const std::string path = "queue_names." + key;
                const auto id = key.empty() || key.size() > 18 ||
                                        key.find_first_not_of("0123456789") != std::string::npos
                                    ? std::int64_t{0}
                                    : std::stoll(key);
                if (id <= 0) {
                    r.fail(path, "expected a queue id as the key");
                    break;
                }
                plan.queue_names[id] = r.string(value, path);
            }
        }
    }
    if (j.contains("max_deactivations") && !j["max_deactivations"].is_null()) {
        const std::int64_t cap = r.integer(j["max_deactivations"], "max_deactivations");
        if (!r.failed() && cap < 0)
            r.fail("max_deactivations", "must not be negative");
        plan.max_deactivations = cap;
    }
    if (j.contains("snapshot") &&
        r.expect_object(j["snapshot"], "snapshot", {"taken_at", "age_s"})) {
        SnapshotBasis basis;
        basis.taken_at = r.non_empty_string(j["snapshot"]["taken_at"], "snapshot.taken_at");
        basis.age_s = r.integer(j["snapshot"]["age_s"], "snapshot.age_s");
        if (!r.failed() && basis.age_s < 0)
            r.fail("snapshot.age_s", "must not be negative");
        plan.snapshot = std::move(basis);
    }
    if (j.contains("apply_cost")) {
        read_apply_cost(r, j["apply_cost"], plan);
    }
    return plan;
}

} // namespace

Result<Plan> plan_from_json(std::string_view text) {
    if (text.size() > k_max_plan_bytes) {
        return make_error(ErrorKind::invalid_input,
                          fmt::format("plan: larger than {} bytes", k_max_plan_bytes));
    }
    if (!nesting_within(text, k_max_plan_depth)) {
        return make_error(ErrorKind::invalid_input,
                          fmt::format("plan: nested deeper than {} levels", k_max_plan_depth));
    }
    Result<Json> parsed = parse_strict(text, "plan: ");
    if (!parsed) {
        return parsed.error();
    }
    PlanReader reader("", "plan");
    Plan plan = read_plan(reader, *parsed);
    if (reader.failed()) {
        return reader.error();
    }
    // A file holds exactly what the planner can produce, or it is malformed.
    if (Status checked = check_plan(plan); !checked) {
        return checked.error();
    }
    return plan;
}

} // namespace ra
