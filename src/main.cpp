#include "rossum_accounts/cli/app.hpp"

int main(int argc, char** argv) {
    return ra::cli::main(argc, argv);
}
