#include "rossum_accounts/cli/exit_code.hpp"

namespace ra::cli {

ExitCode exit_code_for(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::usage:
        return ExitCode::usage;
    case ErrorKind::invalid_input:
        return ExitCode::invalid;
    case ErrorKind::auth:
    case ErrorKind::permission:
        return ExitCode::auth;
    case ErrorKind::throttled:
    case ErrorKind::unavailable:
        return ExitCode::temporary;
    default:
        return ExitCode::error;
    }
}

ExitCode exit_code_for(const Report& report) {
    if (report.stopped_early && !report.interrupted)
        return exit_code_for(report.stop_reason);
    const ReportSummary summary = report.summary();
    if (summary.failed > 0) // failed or unknown
        return ExitCode::partial;
    if (report.interrupted || summary.not_attempted > 0)
        return ExitCode::error;
    return ExitCode::ok;
}

} // namespace ra::cli
