#pragma once
// The steps plan and apply share: load manifests, connect, read the live state, make the plan.

#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/context.hpp"
#include "rossum_accounts/cli/session.hpp"
#include "rossum_accounts/core/environment.hpp"
#include "rossum_accounts/core/live.hpp"
#include "rossum_accounts/core/manifest.hpp"
#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/secret_masker.hpp"
#include "rossum_accounts/core/secrets.hpp"

#include <map>
#include <memory>
#include <optional>
#include <string_view>

namespace ra::cli {

struct PlanRun {
    std::optional<int> exit_code; // set when the run must end with it (already reported)
    DesiredState desired;
    std::unique_ptr<Session> session;
    LiveState live; // what the plan was made from; apply resolves its writes against it
    Plan plan;
};

// With `snapshot_file`, the plan is made against that snapshot (plan --snapshot): no session is
// opened and no credentials are read; the plan says when the snapshot was taken.
PlanRun prepare_plan(const GlobalOptions& global, const std::vector<std::string>& manifests,
                     const SelectionArgs& selection, Context& ctx,
                     const std::string& snapshot_file = {});

// The deactivation cap (docs/design.md §5.5): prints why the plan is refused and returns exit 1,
// or nullopt when the plan is within it.
std::optional<int> refuse_over_cap(const Plan& plan, const SelectionArgs& selection,
                                   Console& console);

// The password `source` gives, registered with `masker` before anything can echo it; the one
// place a password is resolved (plan's warnings, apply's creates, token).
Result<std::string> resolve_password(const PasswordSource& source, const SecretLookup& lookup,
                                     SecretMasker& masker);

// Resolves and policy-checks the password of every planned create before the first write.
// Problems are printed (naming the account and the variable or file) and give nullopt (exit 65).
// Resolved passwords are registered with `masker`.
std::optional<std::map<std::string, std::string>> resolve_create_passwords(const Plan& plan,
                                                                           Context& ctx);

// A plan saved by plan --out, read as apply --plan and show read it: a regular file of at most
// k_max_plan_bytes, parsed strictly (plan_from_json), with an acceptable api_url of its own.
// Every problem is ErrorKind::invalid_input (65), naming the file or the JSON path.
Result<Plan> load_saved_plan(const std::string& path);

// Renders the plan to stdout in FORMAT (text, json, markdown; github: text, then the plan's
// annotations); quiet text is the summary line. False when stdout did not take it all (a full
// disk, a closed pipe): plan and show then fail, since a review would see no plan.
[[nodiscard]] bool show_plan(const Plan& plan, const std::string& format, Console& console);
// The error a command fails with when stdout did not take its output (WHAT: "plan", "drift
// report", ...): "cannot write the WHAT to standard output", exit 1.
Error stdout_error(std::string_view what);

// Prints an error and returns its exit code.
int report_error(const Error& error, Console& console);

} // namespace ra::cli
