#pragma once
// A plan's JSON form (docs/design.md §5.7, §6): `plan --format json`, `plan --out` and the input of
// `apply --plan`. schemas/plan.schema.json describes the same shape.

#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/result.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace ra {

// Saved plans larger than this are refused unread.
inline constexpr std::size_t k_max_plan_bytes = 16U * 1024U * 1024U;
// Deeper JSON nesting than this is refused before parsing (no plan value needs more).
inline constexpr int k_max_plan_depth = 64;

// {"id", "url", "name"}: the organization as every JSON document of the tool shows it.
nlohmann::json organization_to_json(const Organization& org);

// The plan as JSON, format version 1. A file password source is joined with the manifest's
// directory (absolute when the manifest was loaded from a file), so `apply --plan` reads the
// same file from any working directory. Never holds a secret, and no request body: the writes
// are derived from the changes at apply time.
nlohmann::json plan_to_json(const Plan& plan);

// plan_to_json without "actions": what render_plan_json writes around the actions it streams.
nlohmann::json plan_envelope_to_json(const Plan& plan);

// An action's "password_source" in plan_to_json: null, {"env": NAME} or {"file": PATH}.
nlohmann::json password_source_to_json(const std::optional<PasswordSource>& source);

// The saved-plan parser. Strict, since the file is untrusted: exact keys and types, known action
// kinds, a summary that matches the actions, creates with a password source (an absolute file
// path) and no user, other actions with a user id and fingerprint, and check_plan()'s
// invariants (plan_check.hpp). Errors are ErrorKind::invalid_input naming the JSON path:
// "actions[2].fingerprint: missing". The parsed password sources carry the path in `name` and
// an empty `base_dir`.
Result<Plan> plan_from_json(std::string_view text);

} // namespace ra
