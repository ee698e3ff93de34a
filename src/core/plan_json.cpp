#include "rossum_accounts/core/plan_json.hpp"

#include <filesystem>

namespace ra {

nlohmann::json password_source_to_json(const std::optional<PasswordSource>& source) {
    if (!source) {
        return nullptr;
    }
    if (source->kind == PasswordSourceKind::env) {
        return {{"env", source->name}};
    }
    if (source->base_dir.empty()) {
        return {{"file", source->name}}; // read from a saved plan: already the joined path
    }
    // The loader gives an absolute base_dir, so the plan names the same file from any working
    // directory (a name that is already absolute stays as it is).
    const std::filesystem::path path = std::filesystem::path(source->base_dir) / source->name;
    return {{"file", path.lexically_normal().string()}};
}

namespace {

nlohmann::json optional_string(const std::string& s) {
    return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s);
}

nlohmann::json action_to_json(const Action& a) {
    nlohmann::json changes = nlohmann::json::array();
    for (const FieldChange& c : a.changes) {
        nlohmann::json change = {{"field", c.field}, {"before", c.before}, {"after", c.after}};
        if (c.cause) {
            change["cause"] = to_string(*c.cause);
        }
        changes.push_back(std::move(change));
    }
    return {
        {"action", to_string(a.kind)},
        {"username", a.username},
        {"source", a.source},
        {"user_id", a.user_id ? nlohmann::json(*a.user_id) : nlohmann::json(nullptr)},
        {"user_url", optional_string(a.user_url)},
        {"changes", std::move(changes)},
        {"warnings", a.warnings},
        {"password_source", password_source_to_json(a.password_source)},
        {"fingerprint", optional_string(a.fingerprint)},
    };
}

} // namespace

nlohmann::json organization_to_json(const Organization& org) {
    return {{"id", org.id}, {"url", org.url}, {"name", org.name}};
}

nlohmann::json plan_envelope_to_json(const Plan& plan) {
    const PlanSummary s = plan.summary();
    nlohmann::json j = {
        {"format_version", k_plan_format_version},
        {"api_url", plan.api_url},
        {"organization", organization_to_json(plan.organization)},
        {"summary",
         {{"create", s.create},
          {"update", s.update},
          {"skip", s.skip},
          {"deactivate", s.deactivate}}},
        {"warnings", plan.warnings},
    };
    if (plan.partial())
        j["selection"] = {{"target", plan.targets}, {"exclude", plan.excludes}};
    if (plan.max_deactivations)
        j["max_deactivations"] = *plan.max_deactivations;
    if (!plan.queue_names.empty()) {
        nlohmann::json names = nlohmann::json::object();
        for (const auto& [id, name] : plan.queue_names)
            names[std::to_string(id)] = name;
        j["queue_names"] = std::move(names);
    }
    if (plan.snapshot)
        j["snapshot"] = {{"taken_at", plan.snapshot->taken_at}, {"age_s", plan.snapshot->age_s}};
    const ApplyCost cost = plan.apply_cost();
    j["apply_cost"] = {{"write_requests", cost.writes},
                       {"read_requests", cost.reads},
                       {"max_rps", cost.max_rps},
                       {"estimated_seconds", cost.seconds}};
    return j;
}

nlohmann::json plan_to_json(const Plan& plan) {
    nlohmann::json actions = nlohmann::json::array();
    for (const Action& a : plan.actions) {
        actions.push_back(action_to_json(a));
    }
    nlohmann::json j = plan_envelope_to_json(plan);
    j["actions"] = std::move(actions);
    return j;
}

} // namespace ra
