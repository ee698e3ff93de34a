#include "rossum_accounts/core/parallel.hpp"

namespace ra {

TaskRunner& sequential_runner() {
    static SequentialRunner runner;
    return runner;
}

} // namespace ra
