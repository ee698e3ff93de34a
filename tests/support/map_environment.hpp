#pragma once
// A fixed environment, so tests never read the real one.

#include "rossum_accounts/core/environment.hpp"

#include <map>
#include <optional>
#include <string>

namespace ra {

class MapEnvironment : public Environment {
public:
    explicit MapEnvironment(std::map<std::string, std::string> vars) : vars_(std::move(vars)) {}
    std::optional<std::string> get(const std::string& name) const override {
        auto it = vars_.find(name);
        if (it == vars_.end())
            return std::nullopt;
        return it->second;
    }

private:
    std::map<std::string, std::string> vars_;
};

} // namespace ra
