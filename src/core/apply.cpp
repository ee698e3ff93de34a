#include "rossum_accounts/core/apply.hpp"

#include "rossum_accounts/core/planner.hpp"
#include "rossum_accounts/core/username.hpp"

#include <atomic>
#include <fmt/format.h>
#include <mutex>
#include <optional>

namespace ra {
namespace {

using nlohmann::json;

bool stops_run(ErrorKind kind) {
    return kind == ErrorKind::throttled || kind == ErrorKind::unavailable ||
           kind == ErrorKind::auth || kind == ErrorKind::permission;
}

bool username_taken(const Error& e) {
    return e.kind == ErrorKind::conflict ||
           (e.kind == ErrorKind::validation && e.details.is_object() &&
            e.details.contains("username"));
}

ActionResult result_for(const Action& action, ResultStatus status, std::string error = {}) {
    ActionResult r;
    r.username = action.username;
    r.action = action.kind;
    r.status = status;
    r.error = std::move(error);
    return r;
}

// The user in our organization with this username, if any (deleted users do not count), chosen
// by the planner's rule: the exact username wins, else a single case variant.
struct Settled {
    std::optional<LiveUser> ours;
    std::vector<std::string> ambiguous; // several case variants in our organization, none exact
    bool taken_elsewhere = false;       // visible but deleted, or in another organization
};

Result<Settled> look_up(RossumApi& api, const Plan& plan, const std::string& username) {
    auto found = api.users_by_username(username);
    if (!found)
        return found.error();
    Settled s;
    std::vector<LiveUser> ours;
    for (auto& u : *found) {
        if (!same_username(u.username, username))
            continue;
        bool same_org = u.organization == plan.organization.url ||
                        id_from_url(u.organization) == plan.organization.id;
        if (same_org && !u.deleted)
            ours.push_back(std::move(u));
        else
            s.taken_elsewhere = true;
    }
    std::vector<std::string_view> names;
    for (const auto& u : ours)
        names.push_back(u.username);
    UsernameMatch m = match_username(username, names);
    if (m.matched)
        s.ours = ours[*m.matched];
    for (std::size_t i : m.ambiguous)
        s.ambiguous.push_back(ours[i].username);
    return s;
}

std::string inexact_metadata() {
    return "the user's metadata holds an integer beyond 64 bits, which this tool cannot write "
           "back exactly; nothing was changed (fix that value, or manage this user without "
           "metadata)";
}

std::string ambiguity(const std::string& username, const std::vector<std::string>& variants) {
    return fmt::format("username \"{}\" matches several users that differ only in case ({}) and "
                       "none exactly",
                       username, quote_usernames({variants.begin(), variants.end()}));
}

// The user as it is just before its PATCH (docs/design.md §5.3, "Every PATCH reads its user
// first"): a plan's users are not deleted, so one deleted (or gone) since is never patched blind;
// one renamed since is no longer the account the plan showed, and patching it would write that
// account's roles and the ownership marker to another (which the next prune would deactivate);
// a metadata PATCH merges into the metadata it holds now. The user, why nothing may be written,
// or the error of the read.
struct FreshUser {
    std::optional<LiveUser> user;
    std::string refusal;
    std::optional<Error> error; // the read failed
};

FreshUser read_before_patch(RossumApi& api, std::int64_t id, const std::string& username) {
    auto user = api.user(id);
    if (!user && user.error().kind != ErrorKind::not_found)
        return {std::nullopt, {}, user.error()};
    if (!user || user->deleted)
        return {std::nullopt,
                fmt::format("the user \"{}\" was deleted since the plan was made; nothing was "
                            "written",
                            username),
                std::nullopt};
    if (!same_username(user->username, username))
        return {std::nullopt,
                fmt::format("the user \"{}\" was renamed since the plan was made; nothing was "
                            "written",
                            username),
                std::nullopt};
    return {std::move(*user), {}, std::nullopt};
}

// Whether a new write may still start (docs/design.md §9.7). No: the user asked to stop
// (SIGINT/SIGTERM, polled through the hooks), or another action stopped the run (retries
// exhausted, credentials refused). Asked before each action, between the re-read of a user and
// its PATCH, and before a create is resent; a request already in flight finishes.
class Halt {
public:
    Halt(const ApplyHooks& hooks, const std::atomic<bool>& run_stopped)
        : hooks_(hooks), run_stopped_(run_stopped) {}
    bool now() const {
        if (hooks_.cancelled && hooks_.cancelled())
            user_ = true;
        return user_ || run_stopped_;
    }
    // The user asked to stop (rather than the run stopping by itself).
    bool by_user() const { return user_; }
    // Why an action was left with nothing (more) written.
    std::string why(const char* what) const {
        return fmt::format("{}; {}", user_ ? "interrupted" : "the run stopped", what);
    }

private:
    const ApplyHooks& hooks_;
    const std::atomic<bool>& run_stopped_;
    mutable std::atomic<bool> user_{false};
};

constexpr const char* k_stopped_before_patch = "the user was read but not patched";

// A write the client held back (ErrorKind::not_sent: the stop came while it waited for the rate
// limiter) is not attempted, with `what` saying what was left unwritten, when a stop was asked
// for; nullopt for any other failure.
std::optional<ActionResult> held_back(const Action& action, const Error& e, const Halt& halt,
                                      const char* what) {
    if (e.kind == ErrorKind::not_sent && halt.now())
        return result_for(action, ResultStatus::not_attempted, halt.why(what));
    return std::nullopt;
}

// The user exists in our organization after all: adopt it and bring it in line with `create`
// (the POST body, without the password).
ActionResult adopt(const Action& action, RossumApi& api, const LiveUser& found, const json& create,
                   const char* why, const Halt& halt) {
    auto failed = [&](const std::string& reason) {
        return result_for(action, ResultStatus::failed,
                          fmt::format("adopting the existing user failed: {}", reason));
    };
    json patch = patch_to_match_create(found, create);
    if (!patch.empty()) {
        // As before any PATCH: re-read the user, and write what it lacks now.
        FreshUser fresh = read_before_patch(api, found.id, found.username);
        if (fresh.error)
            return failed(fmt::format("reading it failed: {}", fresh.error->message));
        if (!fresh.user)
            return failed(fresh.refusal);
        patch = patch_to_match_create(*fresh.user, create);
        if (patch.contains("metadata") && fresh.user->metadata_inexact)
            return failed(inexact_metadata());
        if (!patch.empty() && halt.now())
            return result_for(action, ResultStatus::not_attempted,
                              halt.why(k_stopped_before_patch));
    }
    if (!patch.empty()) {
        auto patched = api.patch_user(found.id, patch);
        if (!patched) {
            if (auto held = held_back(action, patched.error(), halt, k_stopped_before_patch))
                return *held;
            return failed(patched.error().message);
        }
    }
    auto r = result_for(action, ResultStatus::done);
    r.note = why;
    return r;
}

ActionResult conflict(const Action& action) {
    return result_for(action, ResultStatus::failed,
                      fmt::format("username \"{}\" is taken by a user outside the organization "
                                  "or by a deleted user",
                                  action.username));
}

struct Outcome {
    ActionResult result;
    std::optional<Error> stop; // set when the run must stop
    bool interrupted = false;  // a stop was asked for (SIGINT/SIGTERM) during this action
};

// An action left undone because a stop was asked for while it ran.
Outcome interrupted(ActionResult result) {
    Outcome out{std::move(result), std::nullopt};
    out.interrupted = out.result.status == ResultStatus::not_attempted;
    return out;
}

Outcome settle_create(const Action& action, RossumApi& api, const Plan& plan, const json& create,
                      const json& body, const Error& first_error, const Halt& halt) {
    Error last_error = first_error;
    for (int attempt = 0;; ++attempt) {
        auto settled = look_up(api, plan, action.username);
        if (!settled)
            return {result_for(action, ResultStatus::unknown,
                               fmt::format("{}; the look-up that should settle it failed: {}",
                                           first_error.message, settled.error().message)),
                    settled.error()};
        if (settled->ours && username_taken(first_error)) {
            // Our only POST was refused, so another run made the user: this run updated it.
            auto r =
                adopt(action, api, *settled->ours, create, "adopted: created concurrently", halt);
            r.created_elsewhere = r.status == ResultStatus::done;
            return interrupted(std::move(r));
        }
        if (settled->ours)
            // Most likely our own POST, committed before the connection failed.
            return interrupted(adopt(action, api, *settled->ours, create,
                                     "adopted after an ambiguous create", halt));
        if (!settled->ambiguous.empty())
            return {result_for(action, ResultStatus::failed,
                               ambiguity(action.username, settled->ambiguous)),
                    std::nullopt};
        if (settled->taken_elsewhere || username_taken(last_error))
            return {conflict(action), std::nullopt};
        if (attempt > 0) {
            // Two creates failed without a definite answer: the API is unavailable for writes,
            // so the run stops with exit 75 (docs/design.md §7.4), not 1.
            Error stop = last_error;
            stop.kind = ErrorKind::unavailable;
            return {result_for(action, ResultStatus::unknown, last_error.message), stop};
        }
        // Confirmed absent: the first POST did not commit, so sending it once more is safe —
        // unless the run was asked to stop meanwhile: then nothing more is written.
        if (halt.now())
            return interrupted(
                result_for(action, ResultStatus::not_attempted,
                           halt.why("the create did not commit and was not resent")));
        auto created = api.create_user(body);
        if (created)
            return {result_for(action, ResultStatus::done), std::nullopt};
        if (auto held = held_back(action, created.error(), halt,
                                  "the create did not commit and was not resent"))
            return interrupted(std::move(*held));
        last_error = created.error();
        if (last_error.kind != ErrorKind::unknown_outcome && !username_taken(last_error))
            return {result_for(action, ResultStatus::failed, last_error.message),
                    stops_run(last_error.kind) ? std::optional(last_error) : std::nullopt};
    }
}

Outcome run_create(const Action& action, RossumApi& api, const Plan& plan,
                   const WriteContext& context, const std::map<std::string, std::string>& passwords,
                   const Halt& halt) {
    auto pw = passwords.find(action.username);
    if (pw == passwords.end())
        return {result_for(action, ResultStatus::failed, "no password was resolved"), std::nullopt};
    auto create = create_body(action, context);
    if (!create)
        return {result_for(action, ResultStatus::failed, create.error().message), std::nullopt};
    json body = *create;
    body["password"] = pw->second;
    auto created = api.create_user(body);
    if (created)
        return {result_for(action, ResultStatus::done), std::nullopt};
    const Error& e = created.error();
    if (auto held = held_back(action, e, halt, "the create was not sent"))
        return interrupted(std::move(*held));
    if (e.kind == ErrorKind::unknown_outcome || username_taken(e))
        return settle_create(action, api, plan, *create, body, e, halt);
    return {result_for(action, ResultStatus::failed, e.message),
            stops_run(e.kind) ? std::optional(e) : std::nullopt};
}

Outcome failed_read(const Action& action, const Error& e) {
    return {
        result_for(action, ResultStatus::failed,
                   fmt::format("reading the user before the {} failed: {}",
                               action.kind == ActionKind::deactivate ? "deactivation" : "update",
                               e.message)),
        stops_run(e.kind) ? std::optional(e) : std::nullopt};
}

Outcome run_patch(const Action& action, RossumApi& api, const WriteContext& context,
                  const Halt& halt) {
    if (!action.user_id)
        return {result_for(action, ResultStatus::failed, "the plan names no user id"),
                std::nullopt};
    FreshUser fresh = read_before_patch(api, *action.user_id, action.username);
    if (fresh.error)
        return failed_read(action, *fresh.error);
    if (!fresh.user)
        return {result_for(action, ResultStatus::failed, fresh.refusal), std::nullopt};
    if (action.kind == ActionKind::deactivate && !fresh.user->is_active) {
        // Deactivated by someone else meanwhile: what the plan wanted already holds.
        auto r = result_for(action, ResultStatus::done);
        r.note = "already inactive; nothing was written";
        return {r, std::nullopt};
    }
    if (writes_metadata(action) && fresh.user->metadata_inexact)
        return {result_for(action, ResultStatus::failed, inexact_metadata()), std::nullopt};
    // Rossum replaces metadata whole: the merge starts from the metadata as it is right now, so
    // keys added by others since the plan was read (even while the question waited) survive.
    const json current_metadata =
        fresh.user->metadata.is_object() ? fresh.user->metadata : json::object();
    auto body = patch_body(action, context, current_metadata);
    if (!body)
        return {result_for(action, ResultStatus::failed, body.error().message), std::nullopt};
    if (halt.now())
        return interrupted(
            result_for(action, ResultStatus::not_attempted, halt.why(k_stopped_before_patch)));
    auto patched = api.patch_user(*action.user_id, *body);
    if (patched)
        return {result_for(action, ResultStatus::done), std::nullopt};
    const Error& e = patched.error();
    if (auto held = held_back(action, e, halt, k_stopped_before_patch))
        return interrupted(std::move(*held));
    auto status =
        e.kind == ErrorKind::unknown_outcome ? ResultStatus::unknown : ResultStatus::failed;
    return {result_for(action, status, e.message),
            stops_run(e.kind) ? std::optional(e) : std::nullopt};
}

Outcome run_action(const Action& action, RossumApi& api, const Plan& plan,
                   const WriteContext& context, const std::map<std::string, std::string>& passwords,
                   const Halt& halt) {
    switch (action.kind) {
    case ActionKind::skip:
        break;
    case ActionKind::create:
        return run_create(action, api, plan, context, passwords, halt);
    case ActionKind::update:
    case ActionKind::deactivate:
        return run_patch(action, api, context, halt);
    }
    return {result_for(action, ResultStatus::done), std::nullopt};
}

} // namespace

// The actions run side by side on `runner` (docs/design.md §9.7): one action per user, so one
// username is never written by two workers at once, and an ambiguous create is settled inside its
// own action before anything is resent for it. The first write goes alone, the rest side by side.
// Results and progress stay in plan order: an action's progress line waits for the actions
// before it. Actions in flight when the run stops (a signal, or another action giving up) finish,
// with their own retries; none starts after.
Report apply_plan(const Plan& plan, const WriteContext& context, RossumApi& api,
                  const std::map<std::string, std::string>& passwords, const ApplyHooks& hooks,
                  TaskRunner& runner) {
    const std::size_t n = plan.actions.size();
    std::vector<std::optional<ActionResult>> results(n);
    std::atomic<bool> run_stopped{false};
    const Halt halt(hooks, run_stopped);
    std::mutex mutex; // report, results, progress
    Report report;
    std::size_t reported = 0;
    std::vector<bool> ran(n, false); // only actions that ran get a progress line, as before
    auto report_ready = [&] {
        for (; reported < n && results[reported]; ++reported)
            if (hooks.on_result && ran[reported])
                hooks.on_result(*results[reported], plan.actions[reported]);
    };
    auto task = [&](std::size_t i) {
        const Action& action = plan.actions[i];
        if (run_stopped || halt.now()) {
            std::lock_guard lock(mutex);
            report.stopped_early = true;
            report.interrupted = report.interrupted || halt.by_user();
            run_stopped = true;
            results[i] =
                result_for(action, action.kind == ActionKind::skip ? ResultStatus::done
                                                                   : ResultStatus::not_attempted);
            report_ready();
            return;
        }
        Outcome out = run_action(action, api, plan, context, passwords, halt);
        std::lock_guard lock(mutex);
        if (out.stop && !run_stopped) {
            report.stopped_early = true;
            report.stop_reason = out.stop->kind;
            if (hooks.stopped)
                hooks.stopped();
        }
        if (out.stop || out.interrupted) {
            report.stopped_early = true;
            report.interrupted = report.interrupted || (out.interrupted && halt.by_user());
            run_stopped = true;
        }
        results[i] = std::move(out.result);
        ran[i] = true;
        report_ready();
    };
    // The first write goes alone: an API that refuses writes (unavailable, throttled, no
    // permission) stops the run after one action, as one at a time would, instead of after a
    // write from every worker and their retries.
    std::size_t first_write = 0;
    while (first_write < n && plan.actions[first_write].kind == ActionKind::skip)
        ++first_write;
    const std::size_t alone = std::min(n, first_write + 1);
    for (std::size_t i = 0; i < alone; ++i)
        task(i);
    runner.run(n - alone, [&](std::size_t i) { task(alone + i); });
    for (auto& r : results)
        report.results.push_back(std::move(*r));
    return report;
}

namespace {

// The drift of one action: why it no longer holds, or nothing. A user read is kept in `live`.
Result<std::optional<std::string>> action_drift(const Action& action, const Plan& plan,
                                                RossumApi& api, LiveState& live) {
    using Drift = std::optional<std::string>;
    if (action.kind == ActionKind::create) {
        auto settled = look_up(api, plan, action.username);
        if (!settled)
            return settled.error();
        if (settled->ours)
            return Drift(
                fmt::format("{}: planned create, but the user now exists", action.username));
        if (!settled->ambiguous.empty())
            return Drift(fmt::format("{}: planned create, but {}", action.username,
                                     ambiguity(action.username, settled->ambiguous)));
        return Drift();
    }
    if (!action.user_id)
        return Drift();
    auto user = api.user(*action.user_id);
    if (!user && user.error().kind == ErrorKind::not_found)
        return Drift(fmt::format("{}: the user no longer exists", action.username));
    if (!user)
        return user.error();
    if (user->deleted)
        return Drift(fmt::format("{}: the user was deleted", action.username));
    if (fingerprint(*user) != action.fingerprint)
        return Drift(fmt::format("{}: the user changed since the plan was made", action.username));
    if (user->username != action.username) {
        // Only a case variant of its user's username: a fresh plan names one only when no user
        // holds the username exactly (docs/design.md §5.1). Such a holder goes into `live` for
        // check_plan_against_live to refuse the plan; an exact action costs no look-up.
        auto settled = look_up(api, plan, action.username);
        if (!settled)
            return settled.error();
        if (settled->ours && settled->ours->username == action.username &&
            settled->ours->id != user->id)
            live.users.push_back(std::move(*settled->ours));
    }
    live.users.push_back(std::move(*user));
    return Drift();
}

bool names_queues(const Plan& plan) {
    for (const Action& action : plan.actions)
        for (const FieldChange& change : action.changes)
            if (change.field == "queues")
                return true;
    return false;
}

// The caller, the plan's organization, its roles and (when needed) queues, as they are now.
Status read_context(const Plan& plan, RossumApi& api, LiveState& live) {
    auto caller = api.current_user();
    if (!caller)
        return caller.error();
    live.caller = std::move(*caller);
    live.organization = plan.organization;
    if (id_from_url(live.caller.organization) == plan.organization.id) {
        live.organization.url = live.caller.organization;
    } else {
        auto org = api.organization(plan.organization.id);
        if (!org &&
            (org.error().kind == ErrorKind::not_found || org.error().kind == ErrorKind::permission))
            return make_error(ErrorKind::not_found,
                              fmt::format("organization {} is not visible to {}",
                                          plan.organization.id, live.caller.username));
        if (!org)
            return org.error();
        live.organization.url = org->url;
    }
    auto groups = api.groups();
    if (!groups)
        return groups.error();
    live.groups = std::move(*groups);
    if (names_queues(plan)) {
        auto queues = api.queues();
        if (!queues)
            return queues.error();
        live.queues = std::move(*queues);
    }
    return ok_status();
}

} // namespace

// Every action's user is re-read side by side on `runner`; what each read is merged in plan
// order, so the outcome does not depend on which answer came first.
Result<PlanRecheck> recheck_saved_plan(const Plan& plan, RossumApi& api, TaskRunner& runner) {
    PlanRecheck out;
    out.live.api_url = plan.api_url;
    const std::size_t n = plan.actions.size();
    std::vector<std::optional<Result<std::optional<std::string>>>> drifts(n);
    std::vector<LiveState> read(n);
    runner.run(
        n, [&](std::size_t i) { drifts[i] = action_drift(plan.actions[i], plan, api, read[i]); });
    for (std::size_t i = 0; i < n; ++i) {
        auto& drift = *drifts[i];
        if (!drift)
            return drift.error();
        if (*drift)
            out.drift.push_back(std::move(**drift));
        for (auto& u : read[i].users)
            out.live.users.push_back(std::move(u));
    }
    if (!out.drift.empty())
        return out;
    if (auto st = read_context(plan, api, out.live); !st)
        return st.error();
    return out;
}

} // namespace ra
