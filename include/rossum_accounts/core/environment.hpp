#pragma once
// Environment lookup behind an interface, so core code and tests never read the real one
// (tests/support/map_environment.hpp).

#include <optional>
#include <string>

namespace ra {

class Environment {
public:
    virtual ~Environment() = default;
    virtual std::optional<std::string> get(const std::string& name) const = 0;
};

} // namespace ra
