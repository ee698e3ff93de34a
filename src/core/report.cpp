#include "rossum_accounts/core/report.hpp"

namespace ra {

const char* to_string(ResultStatus status) {
    switch (status) {
    case ResultStatus::done:
        return "done";
    case ResultStatus::failed:
        return "failed";
    case ResultStatus::unknown:
        return "unknown";
    case ResultStatus::not_attempted:
        return "not_attempted";
    }
    return "not_attempted";
}

namespace {

void count_done(ActionKind action, ReportSummary& s) {
    switch (action) {
    case ActionKind::create:
        ++s.created;
        break;
    case ActionKind::update:
        ++s.updated;
        break;
    case ActionKind::deactivate:
        ++s.deactivated;
        break;
    case ActionKind::skip:
        ++s.skipped;
        break;
    }
}

bool is_failure(const ActionResult& r) {
    return r.status == ResultStatus::failed || r.status == ResultStatus::unknown;
}

} // namespace

ReportSummary Report::summary() const {
    ReportSummary s;
    for (const ActionResult& r : results) {
        if (is_failure(r)) {
            ++s.failed;
        } else if (r.action == ActionKind::skip) {
            // A skip has nothing to write, so it is in sync whether or not the run reached it.
            ++s.skipped;
        } else if (r.status == ResultStatus::not_attempted) {
            ++s.not_attempted;
        } else {
            count_done(r.created_elsewhere ? ActionKind::update : r.action, s);
        }
    }
    return s;
}

} // namespace ra
