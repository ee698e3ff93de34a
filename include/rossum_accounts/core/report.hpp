#pragma once
// The outcome of an apply: one result per plan action, in plan order.

#include "rossum_accounts/core/plan.hpp"
#include "rossum_accounts/core/result.hpp"

#include <string>
#include <vector>

namespace ra {

inline constexpr int k_report_format_version = 1;

enum class ResultStatus { done, failed, unknown, not_attempted };
const char* to_string(ResultStatus status);

struct ActionResult {
    std::string username;
    ActionKind action = ActionKind::skip;
    ResultStatus status = ResultStatus::not_attempted;
    std::string error; // empty unless failed/unknown/not_attempted with a reason; never a secret
    std::string note;  // e.g. "adopted after an ambiguous create"
    // A planned create whose user another run made meanwhile ("username exists", then found in
    // the organization): this run updated it instead, so it counts as updated, not created.
    bool created_elsewhere = false;
};

struct ReportSummary {
    int created = 0;
    int updated = 0;
    int deactivated = 0;
    int skipped = 0;
    int failed = 0; // failed + unknown
    int not_attempted = 0;
};

struct Report {
    std::vector<ActionResult> results;
    bool stopped_early = false; // retries exhausted or interrupted: the rest not attempted
    ErrorKind stop_reason = ErrorKind::internal;
    bool interrupted = false; // SIGINT/SIGTERM

    // Skips count as skipped unless they failed; failed counts failed + unknown; a create done
    // as an update of a user made by another run (created_elsewhere) counts as updated.
    ReportSummary summary() const;
};

} // namespace ra
