#include "rossum_accounts/cli/commands.hpp"
#include "rossum_accounts/cli/exit_code.hpp"
#include "rossum_accounts/cli/manifests.hpp"

#include <fmt/format.h>

namespace ra::cli {

int run_validate(const GlobalOptions& /*global*/, const ValidateArgs& args, Console& console) {
    auto desired = load_desired_state(args.manifests, console, {.api_url = true});
    if (!desired)
        return to_int(ExitCode::invalid);
    std::size_t n = desired->accounts.size();
    console.info(fmt::format("{}: valid ({} account{})", fmt::join(args.manifests, ", "), n,
                             n == 1 ? "" : "s"));
    return to_int(ExitCode::ok);
}

} // namespace ra::cli
