#include "rossum_accounts/cli/app.hpp"

#include <cstdio>

namespace ra::cli {

int main(int /*argc*/, char** /*argv*/) {
    std::fputs("rossum-accounts: error: not built yet\n", stderr);
    return 1;
}

} // namespace ra::cli
