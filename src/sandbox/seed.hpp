#pragma once
// Building a World: the built-in demo data, or a seed file (format in docs/sandbox.md).

#include "sandbox/world.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace ra::sandbox {

// A World, or the first problem found (lower-case, naming the place and the thing).
struct SeedResult {
    std::optional<World> world;
    std::string error;
};

// Demo organization 4201 (admin, roles 5101-5107, queues 812-814, ordinary and deleted users)
// and "Other Organization" 4202. The demo admin gets `admin_password`.
World demo_world(const std::string& admin_password);

SeedResult parse_seed(const nlohmann::json& seed, const std::string& admin_password);
SeedResult load_seed_file(const std::string& path, const std::string& admin_password);

// Applies the seed-format fields of `spec` to `user` (used by the seed and the control API).
// Groups are role names or group URLs, queues ids or queue URLs. Returns a problem or "".
std::string apply_seed_user(const nlohmann::json& spec, const World& world, User& user);

// A random password that satisfies the sandbox's password policy.
std::string random_password();

} // namespace ra::sandbox
