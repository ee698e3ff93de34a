#include "rossum_accounts/cli/planning.hpp"

#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/manifests.hpp"
#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/core/password_policy.hpp"
#include "rossum_accounts/core/plan_json.hpp"
#include "rossum_accounts/core/planner.hpp"
#include "rossum_accounts/core/snapshot.hpp"
#include "rossum_accounts/io/api_url.hpp"
#include "rossum_accounts/io/files.hpp"

#include <CLI/CLI.hpp>
#include <charconv>
#include <fmt/format.h>
#include <limits>
#include <map>

namespace ra::cli {
namespace {

PasswordAttributes password_attributes(const Account& account) {
    return {account.username, account.first_name, account.last_name, account.email};
}

// apply --plan has no manifest: the attributes Rossum compares come from the create's changes.
PasswordAttributes password_attributes(const Action& action) {
    PasswordAttributes who;
    who.username = action.username;
    for (const auto& change : action.changes) {
        if (!change.after.is_string())
            continue;
        const std::string value = change.after.get<std::string>();
        if (change.field == "username")
            who.username = value;
        else if (change.field == "first_name")
            who.first_name = value;
        else if (change.field == "last_name")
            who.last_name = value;
        else if (change.field == "email")
            who.email = value;
    }
    return who;
}

// One PasswordCheck per distinct password value, kept in memory for one run: a manifest often
// gives thousands of accounts the same environment variable.
class PasswordChecks {
public:
    std::optional<std::string> check(const std::string& password, const PasswordAttributes& who) {
        auto it = checks_.find(password);
        if (it == checks_.end())
            it = checks_.emplace(password, PasswordCheck(password)).first;
        return it->second.check(who);
    }

private:
    std::map<std::string, PasswordCheck, std::less<>> checks_;
};

// plan never needs passwords, but says when a create could not be applied from here.
PlanOptions password_warnings(const DesiredState& desired, const SecretLookup& lookup,
                              SecretMasker& masker) {
    PlanOptions options;
    PasswordChecks checks;
    for (const auto& account : desired.accounts) {
        if (!account.password)
            continue;
        auto password = resolve_password(*account.password, lookup, masker);
        if (!password) {
            options.password_warnings[account.username] =
                fmt::format("password source is not usable here: {}", password.error().message);
            continue;
        }
        if (auto violation = checks.check(*password, password_attributes(account)))
            options.password_warnings[account.username] =
                fmt::format("password from {} violates the password policy: {}",
                            describe(*account.password), *violation);
    }
    return options;
}

// The snapshot's API URL is the plan's; a different --api-url, ROSSUM_API_URL or manifest
// api_url is a usage error, as for a saved plan.
Status check_snapshot_api_url(const GlobalOptions& global, const Environment& env,
                              const DesiredState& desired, const std::string& file,
                              std::string& snapshot_url) {
    auto taken = validate_api_url(snapshot_url);
    if (!taken)
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: the snapshot's api_url is not acceptable: {}", file,
                                      taken.error().message));
    snapshot_url = *taken;
    const std::string requested = requested_api_url(global, env, desired.api_url);
    if (requested.empty())
        return ok_status();
    auto other = validate_api_url(requested);
    if (!other)
        return other.error();
    if (*other != *taken)
        return make_error(ErrorKind::usage,
                          fmt::format("the snapshot {} was taken of {} but {} was requested; a "
                                      "snapshot plans only for its own API",
                                      file, *taken, *other));
    return ok_status();
}

// The state plan --snapshot plans against, read from the file and checked against the manifest
// and the request; never a request of its own.
Result<Snapshot> read_snapshot(const GlobalOptions& global, const DesiredState& desired,
                               const std::string& file, Context& ctx) {
    auto text = read_regular_file(file, k_max_snapshot_bytes);
    if (!text)
        return text.error();
    auto snapshot = snapshot_from_json(*text);
    if (!snapshot)
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: {}", file, snapshot.error().message));
    if (auto st = check_snapshot_api_url(global, ctx.env, desired, file, snapshot->live.api_url);
        !st)
        return st.error();
    if (desired.organization && *desired.organization != snapshot->live.organization.id)
        return make_error(ErrorKind::usage,
                          fmt::format("the manifest is for organization {} but the snapshot {} "
                                      "is of organization {}",
                                      *desired.organization, file, snapshot->live.organization.id));
    return snapshot;
}

// How old the snapshot is now, with a warning when it is old enough to mislead (or from the
// future: a clock is wrong).
SnapshotBasis snapshot_basis(const Snapshot& snapshot, const std::string& file, Context& ctx) {
    const auto age = std::chrono::duration_cast<std::chrono::seconds>(ctx.clock.wall_now() -
                                                                      snapshot.taken_at_time);
    SnapshotBasis basis{snapshot.taken_at, age.count()};
    if (basis.age_s < 0) {
        ctx.console.warning(fmt::format("the snapshot {} was taken at {}, which is in the future "
                                        "here: check the clocks",
                                        file, snapshot.taken_at));
        basis.age_s = 0;
    } else if (basis.age_s > k_snapshot_old_after_s) {
        ctx.console.warning(fmt::format("the snapshot {} is {} old: the plan may not show what "
                                        "apply would do; take a new one with rossum-accounts "
                                        "snapshot",
                                        file, describe_age(basis.age_s)));
    }
    return basis;
}

// Why VALUE is no --max-deactivations, or empty. Checked on the text, before CLI11 converts it:
// its own range check prints the bounds as doubles, and a number beyond 64 bits must be refused,
// not clamped (the manifest's max_deactivations is held to the same rule).
std::string max_deactivations_problem(const std::string& value) {
    std::int64_t n = 0;
    const char* end = value.data() + value.size();
    const auto [ptr, ec] = std::from_chars(value.data(), end, n);
    if (value.empty() || value.front() == '-' || ec != std::errc() || ptr != end)
        return fmt::format("expected a whole number from 0 to {}, got \"{}\"",
                           std::numeric_limits<std::int64_t>::max(), value);
    return {};
}

} // namespace

std::vector<CLI::Option*> add_selection_options(CLI::App* command, SelectionArgs& selection,
                                                bool cap) {
    auto* target = command->add_option(
        "--target", selection.targets,
        "Plan only usernames matching GLOB (case-insensitive; repeatable); the plan says it is "
        "partial");
    auto* exclude =
        command->add_option("--exclude", selection.excludes,
                            "Leave out usernames matching GLOB (case-insensitive; repeatable)");
    if (!cap)
        return {target, exclude};
    command
        ->add_option("--max-deactivations", selection.max_deactivations,
                     "Refuse a plan that deactivates more than N accounts (default: the "
                     "manifest's max_deactivations, else the larger of 3 and 10 % of the "
                     "managed accounts)")
        ->check(CLI::Validator(max_deactivations_problem, "N"));
    return {target, exclude};
}

CLI::Option* add_format_option(CLI::App* command, std::string& format,
                               const std::vector<std::string>& formats,
                               const std::string& description) {
    return command->add_option("--format", format, description)->check(CLI::IsMember(formats));
}

Result<Plan> load_saved_plan(const std::string& path) {
    auto text = read_regular_file(path, k_max_plan_bytes);
    if (!text) // unreadable is as unusable as malformed: 65 either way
        return make_error(ErrorKind::invalid_input, text.error().message);
    auto plan = plan_from_json(*text);
    if (!plan)
        return make_error(ErrorKind::invalid_input,
                          fmt::format("{}: {}", path, plan.error().message));
    if (auto planned = validate_api_url(plan->api_url); !planned)
        return make_error(
            ErrorKind::invalid_input,
            fmt::format("the saved plan's api_url is not acceptable: {}", planned.error().message));
    return plan;
}

std::optional<int> refuse_over_cap(const Plan& plan, const SelectionArgs& selection,
                                   Console& console) {
    if (auto st = check_deactivation_cap(plan, selection.cap()); !st)
        return report_error(st.error(), console);
    return std::nullopt;
}

int report_error(const Error& error, Console& console) {
    console.error(error.message);
    return to_int(exit_code_for(error.kind));
}

Result<std::string> resolve_password(const PasswordSource& source, const SecretLookup& lookup,
                                     SecretMasker& masker) {
    auto password = lookup.resolve(source);
    if (password)
        masker.add(*password);
    return password;
}

PlanRun prepare_plan(const GlobalOptions& global, const std::vector<std::string>& manifests,
                     const SelectionArgs& selection, Context& ctx,
                     const std::string& snapshot_file) {
    Console& console = ctx.console;
    PlanRun run;
    auto desired = load_desired_state(manifests, console);
    if (!desired) {
        run.exit_code = to_int(ExitCode::invalid);
        return run;
    }
    run.desired = std::move(*desired);
    // Before any request: the passwords it reads are then masked in whatever the API echoes.
    PlanOptions options = password_warnings(run.desired, ctx.secrets, ctx.masker);
    options.targets = selection.targets;
    options.excludes = selection.excludes;
    std::optional<SnapshotBasis> basis;
    Result<LiveState> live = make_error(ErrorKind::internal, "no live state");
    if (!snapshot_file.empty()) {
        auto snapshot = read_snapshot(global, run.desired, snapshot_file, ctx);
        if (!snapshot) {
            run.exit_code = report_error(snapshot.error(), console);
            return run;
        }
        basis = snapshot_basis(*snapshot, snapshot_file, ctx);
        live = std::move(snapshot->live);
    } else {
        auto api_url = resolve_api_url(global, ctx.env, run.desired.api_url);
        if (!api_url) {
            run.exit_code = report_error(api_url.error(), console);
            return run;
        }
        auto session = open_session(global, *api_url, ctx);
        if (!session) {
            run.exit_code = report_error(session.error(), console);
            return run;
        }
        run.session = std::move(*session);
        live = fetch_live_state(run.session->api(), run.desired, *api_url, run.session->runner());
        if (!live) {
            run.exit_code = report_error(live.error(), console);
            return run;
        }
    }
    PlanOutcome outcome = make_plan(run.desired, *live, std::move(options));
    for (const auto& d : outcome.diagnostics)
        console.diagnostic(d);
    if (!outcome.plan) {
        run.exit_code = to_int(ExitCode::invalid);
        return run;
    }
    run.plan = std::move(*outcome.plan);
    run.plan.snapshot = std::move(basis);
    run.plan.max_rps = global.max_rps;
    run.live = std::move(*live);
    return run;
}

std::optional<std::map<std::string, std::string>> resolve_create_passwords(const Plan& plan,
                                                                           Context& ctx) {
    Console& console = ctx.console;
    std::map<std::string, std::string> passwords;
    PasswordChecks checks;
    bool ok = true;
    for (const auto& action : plan.actions) {
        if (action.kind != ActionKind::create)
            continue;
        if (!action.password_source) {
            console.error(fmt::format("account \"{}\" must be created but declares no password "
                                      "source (password.env or password.file)",
                                      action.username));
            ok = false;
            continue;
        }
        auto password = resolve_password(*action.password_source, ctx.secrets, ctx.masker);
        if (!password) {
            console.error(
                fmt::format("account \"{}\": {}", action.username, password.error().message));
            ok = false;
            continue;
        }
        if (auto violation = checks.check(*password, password_attributes(action))) {
            console.error(fmt::format("account \"{}\": password from {} violates the password "
                                      "policy: {}",
                                      action.username, describe(*action.password_source),
                                      *violation));
            ok = false;
            continue;
        }
        passwords[action.username] = std::move(*password);
    }
    if (!ok)
        return std::nullopt;
    return passwords;
}

} // namespace ra::cli
