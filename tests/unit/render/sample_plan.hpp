#pragma once
// The representative plans the renderer and plan-JSON tests share.

#include "rossum_accounts/core/plan.hpp"

#include <nlohmann/json.hpp>

namespace ra::test {

inline Organization sample_organization() {
    return {1234, "https://mycompany.rossum.app/api/v1/organizations/1234", "My Company"};
}

inline FieldChange change(std::string field, nlohmann::json before, nlohmann::json after,
                          Cause cause = Cause::manifest) {
    return {std::move(field), std::move(before), std::move(after), cause};
}

// The last-applied record's line: derived, without a cause.
inline FieldChange record(nlohmann::json before, nlohmann::json after) {
    return {"rossum_accounts_applied", std::move(before), std::move(after), std::nullopt};
}

inline Action sample_create() {
    Action a;
    a.kind = ActionKind::create;
    a.username = "api_user@mycompany";
    a.source = "accounts.yaml:12";
    a.changes = {change("username", nullptr, "api_user@mycompany"),
                 change("first_name", nullptr, "SYSTEM USER"),
                 change("last_name", nullptr, "(DO NOT DELETE)"),
                 change("email", nullptr, "ops@mycompany.com"),
                 change("groups", nullptr, {"admin"}),
                 change("queues", nullptr, {812, 813}),
                 change("active", nullptr, true),
                 change("metadata.team", nullptr, "integrations"),
                 change("managed_by", nullptr, "rossum-accounts"),
                 change("password", nullptr, "(sensitive: env API_USER_PASSWORD)"),
                 record(nullptr, {{"v", 1},
                                  {"first_name", "SYSTEM USER"},
                                  {"last_name", "(DO NOT DELETE)"},
                                  {"email", "ops@mycompany.com"},
                                  {"groups", {"admin"}},
                                  {"queues", {812, 813}},
                                  {"active", true},
                                  {"metadata", {{"team", "integrations"}}}})};
    a.password_source = PasswordSource{PasswordSourceKind::env, "API_USER_PASSWORD", "", {}};
    return a;
}

inline Action existing(ActionKind kind, std::string username, std::string source, std::int64_t id) {
    Action a;
    a.kind = kind;
    a.username = std::move(username);
    a.source = std::move(source);
    a.user_id = id;
    a.user_url = "https://mycompany.rossum.app/api/v1/users/" + std::to_string(id);
    a.fingerprint = "fp-" + std::to_string(id) + "-0c1d2e";
    return a;
}

// Creates with both password sources, two updates (one an adoption; causes manifest, conflict,
// drift and unknown), a skip with email drift, a plain skip, a deactivate and a plan-level
// warning.
inline Plan sample_plan() {
    Plan plan;
    plan.api_url = "https://mycompany.rossum.app/api";
    plan.organization = sample_organization();
    plan.actions.push_back(sample_create());

    Action drift = existing(ActionKind::skip, "billing@mycompany", "accounts.yaml:30", 42);
    drift.warnings = {"email differs (live \"old@mycompany.com\", manifest "
                      "\"billing@mycompany.com\") and cannot be changed through the API"};
    plan.actions.push_back(drift);

    Action update = existing(ActionKind::update, "etl@mycompany", "accounts.yaml:21", 17);
    update.changes = {
        change("first_name", "ETL", "ETL bot"),
        change("groups", {"viewer"}, {"annotator", "viewer"}, Cause::conflict),
        change("active", false, true, Cause::drift),
        record({{"v", 1}, {"first_name", "ETL"}, {"groups", {"admin"}}, {"active", true}},
               {{"v", 1},
                {"first_name", "ETL bot"},
                {"groups", {"annotator", "viewer"}},
                {"active", true}})};
    plan.actions.push_back(update);

    Action adopt = existing(ActionKind::update, "legacy@mycompany", "accounts.yaml:40", 23);
    adopt.changes = {change("managed_by", nullptr, "rossum-accounts", Cause::unknown),
                     record(nullptr, {{"v", 1}, {"groups", {"viewer"}}, {"active", true}})};
    plan.actions.push_back(adopt);

    Action prune = existing(ActionKind::deactivate, "old_bot@mycompany", "", 99);
    prune.changes = {change("active", true, false)};
    plan.actions.push_back(prune);

    Action file_create;
    file_create.kind = ActionKind::create;
    file_create.username = "uploader@mycompany";
    file_create.source = "teams/accounts.yaml:8";
    file_create.changes = {
        change("username", nullptr, "uploader@mycompany"),
        change("groups", nullptr, {"annotator"}),
        change("active", nullptr, true),
        change("managed_by", nullptr, "rossum-accounts"),
        change("password", nullptr, "(sensitive: file secrets/uploader.txt)"),
        record(nullptr, {{"v", 1}, {"groups", {"annotator"}}, {"active", true}})};
    file_create.warnings = {"password file teams/secrets/uploader.txt is not readable here; apply "
                            "will need it"};
    // The loader makes the manifest's directory absolute; the plan records the joined path.
    file_create.password_source =
        PasswordSource{PasswordSourceKind::file, "secrets/uploader.txt", "/srv/gitops/teams", {}};
    plan.actions.push_back(file_create);

    plan.actions.push_back(existing(ActionKind::skip, "viewer@mycompany", "accounts.yaml:50", 51));
    plan.warnings = {"2 users without the managed_by marker are not in the manifest and are left "
                     "alone"};
    return plan;
}

// Nothing to change: four accounts in sync.
inline Plan in_sync_plan() {
    Plan plan;
    plan.api_url = "https://mycompany.rossum.app/api";
    plan.organization = sample_organization();
    for (int i = 1; i <= 4; ++i) {
        plan.actions.push_back(existing(ActionKind::skip, "bot" + std::to_string(i) + "@mycompany",
                                        "accounts.yaml:" + std::to_string(10 * i), 100 + i));
    }
    return plan;
}

} // namespace ra::test
