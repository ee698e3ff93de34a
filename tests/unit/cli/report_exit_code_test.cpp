#include "rossum_accounts/cli/exit_code.hpp"

#include <catch2/catch.hpp>

using ra::cli::exit_code_for;
using ra::cli::ExitCode;

namespace {

ra::ActionResult result(std::string username, ra::ActionKind action, ra::ResultStatus status,
                        std::string error = {}) {
    ra::ActionResult r;
    r.username = std::move(username);
    r.action = action;
    r.status = status;
    r.error = std::move(error);
    return r;
}

using K = ra::ActionKind;
using S = ra::ResultStatus;

} // namespace

TEST_CASE("report: exit codes follow the documented precedence", "[cli][report][exit]") {
    ra::Report report;
    report.results = {result("a", K::create, S::done), result("b", K::skip, S::not_attempted)};
    CHECK(exit_code_for(report) == ExitCode::ok);

    report.results.push_back(result("c", K::update, S::failed, "groups: invalid"));
    CHECK(exit_code_for(report) == ExitCode::partial);

    ra::Report unknown;
    unknown.results = {result("a", K::create, S::unknown, "dropped")};
    CHECK(exit_code_for(unknown) == ExitCode::partial);

    ra::Report throttled = report;
    throttled.stopped_early = true;
    throttled.stop_reason = ra::ErrorKind::unavailable;
    CHECK(exit_code_for(throttled) == ExitCode::temporary);
    throttled.stop_reason = ra::ErrorKind::throttled;
    CHECK(exit_code_for(throttled) == ExitCode::temporary);

    ra::Report interrupted;
    interrupted.results = {result("a", K::create, S::done),
                           result("b", K::update, S::not_attempted)};
    interrupted.stopped_early = true;
    interrupted.interrupted = true;
    CHECK(exit_code_for(interrupted) == ExitCode::error);
    interrupted.results.push_back(result("c", K::update, S::failed, "x"));
    CHECK(exit_code_for(interrupted) == ExitCode::partial);

    ra::Report auth;
    auth.stopped_early = true;
    auth.stop_reason = ra::ErrorKind::auth;
    CHECK(exit_code_for(auth) == ExitCode::auth);
}
