#include "rossum_accounts/io/system_environment.hpp"

#include <cstdlib>

namespace ra {

std::optional<std::string> SystemEnvironment::get(const std::string& name) const {
    const char* value = std::getenv(name.c_str()); // NOLINT(concurrency-mt-unsafe): read-only use
    if (value == nullptr)
        return std::nullopt;
    return std::string(value);
}

} // namespace ra
