#pragma once
// The process environment, read through the Environment interface.

#include "rossum_accounts/core/environment.hpp"

namespace ra {

class SystemEnvironment : public Environment {
public:
    std::optional<std::string> get(const std::string& name) const override;
};

} // namespace ra
