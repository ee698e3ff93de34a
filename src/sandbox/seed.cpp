#include "sandbox/seed.hpp"

#include "sandbox/service.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace ra::sandbox {

namespace {

constexpr const char* k_fixed_date = "2024-01-15T09:30:00.000000Z";

// The id at the end of a URL like .../groups/5103, or of a plain number.
std::optional<Id> trailing_id(const nlohmann::json& value) {
    if (value.is_number_integer()) {
        return value.get<Id>();
    }
    if (!value.is_string()) {
        return std::nullopt;
    }
    std::string text = value.get<std::string>();
    while (!text.empty() && text.back() == '/') {
        text.pop_back();
    }
    return parse_id(text.substr(text.rfind('/') + 1));
}

std::string apply_groups(const nlohmann::json& groups, const World& world, User& user) {
    if (!groups.is_array()) {
        return "groups must be a list";
    }
    user.groups.clear();
    for (const auto& group : groups) {
        const Role* role = nullptr;
        if (group.is_string() && group.get<std::string>().find('/') == std::string::npos) {
            role = world.role_named(user.organization, group.get<std::string>());
        } else if (auto id = trailing_id(group)) {
            role = world.role(*id);
        }
        if (role == nullptr || role->organization != user.organization) {
            return fmt::format("unknown role {} in organization {}", group.dump(),
                               user.organization);
        }
        user.groups.push_back(role->id);
    }
    return {};
}

std::string apply_queues(const nlohmann::json& queues, const World& world, User& user) {
    if (!queues.is_array()) {
        return "queues must be a list";
    }
    user.queues.clear();
    for (const auto& item : queues) {
        auto id = trailing_id(item);
        const Queue* queue = id ? world.queue(*id) : nullptr;
        if (queue == nullptr || queue->organization != user.organization) {
            return fmt::format("unknown queue {} in organization {}", item.dump(),
                               user.organization);
        }
        user.queues.push_back(queue->id);
    }
    return {};
}

std::string apply_scalars(const nlohmann::json& spec, User& user) {
    auto set_string = [&](const char* key, std::string& target) {
        if (spec.contains(key)) {
            target = spec[key].get<std::string>();
        }
    };
    auto set_optional = [&](const char* key, std::optional<std::string>& target) {
        if (spec.contains(key)) {
            target = spec[key].is_null() ? std::nullopt
                                         : std::optional<std::string>(spec[key].get<std::string>());
        }
    };
    set_string("username", user.username);
    set_string("first_name", user.first_name);
    set_string("last_name", user.last_name);
    set_string("email", user.email);
    set_string("auth_type", user.auth_type);
    set_string("date_joined", user.date_joined);
    set_optional("password", user.password);
    set_optional("phone_number", user.phone_number);
    set_optional("oidc_id", user.oidc_id);
    set_optional("last_login", user.last_login);
    user.is_active = spec.value("is_active", user.is_active);
    user.deleted = spec.value("deleted", user.deleted);
    user.email_verified = spec.value("email_verified", user.email_verified);
    for (const char* key : {"metadata", "ui_settings"}) {
        if (spec.contains(key)) {
            if (!spec[key].is_object()) {
                return std::string(key) + " must be an object";
            }
            (std::string(key) == "metadata" ? user.metadata : user.ui_settings) = spec[key];
        }
    }
    return user.username.empty() ? "username must not be empty" : "";
}

// The organization's group: the one named in the seed (shared when several organizations name
// the same id), else a group of its own with the organization's id and name.
std::string attach_group(const nlohmann::json& spec, World& world, Organization& organization) {
    OrganizationGroup group{organization.id, organization.name};
    if (spec.contains("organization_group")) {
        const auto& given = spec["organization_group"];
        group.id = given.at("id").get<Id>();
        group.name = given.value("name", organization.name);
    }
    organization.organization_group = group.id;
    if (world.organization_group(group.id) == nullptr) {
        world.organization_groups.push_back(group);
    }
    return {};
}

// The organization's workspaces: those listed, else one with the organization's id and name.
std::string add_workspaces(const nlohmann::json& spec, World& world, Organization& organization) {
    nlohmann::json own = nlohmann::json::object();
    own["id"] = organization.id;
    own["name"] = organization.name;
    const auto listed = spec.value("workspaces", nlohmann::json::array({own}));
    if (!listed.is_array() || listed.empty()) {
        return "workspaces must be a non-empty list";
    }
    for (const auto& item : listed) {
        Workspace workspace{item.at("id").get<Id>(), item.at("name").get<std::string>(),
                            organization.id};
        if (world.workspace(workspace.id) != nullptr) {
            return fmt::format("workspaces: duplicate id {}", workspace.id);
        }
        world.workspaces.push_back(workspace);
    }
    return {};
}

Organization add_organization(World& world, Id id, const std::string& name,
                              const OrganizationGroup& group, Id first_role,
                              const std::vector<std::string>& roles) {
    world.organization_groups.push_back(group);
    world.organizations.push_back({id, name, group.id});
    Id role_id = first_role;
    for (const auto& role : roles) {
        world.roles.push_back({role_id++, role, id});
    }
    return world.organizations.back();
}

User demo_user(const World& world, Id id, Id organization, const std::string& username,
               const std::string& role) {
    User user;
    user.id = id;
    user.organization = organization;
    user.username = username;
    user.email = username;
    user.date_joined = k_fixed_date;
    user.groups = {world.role_named(organization, role)->id};
    return user;
}

std::string parse_organizations(const nlohmann::json& seed, World& world) {
    if (!seed.contains("organizations") || !seed["organizations"].is_array() ||
        seed["organizations"].empty()) {
        return "organizations must be a non-empty list";
    }
    for (std::size_t i = 0; i < seed["organizations"].size(); ++i) {
        const auto& spec = seed["organizations"][i];
        Organization organization{spec.at("id").get<Id>(), spec.at("name").get<std::string>()};
        if (world.organization(organization.id) != nullptr) {
            return fmt::format("organizations[{}]: duplicate id {}", i, organization.id);
        }
        for (auto step : {attach_group, add_workspaces}) {
            std::string problem = step(spec, world, organization);
            if (!problem.empty()) {
                return fmt::format("organizations[{}].{}", i, problem);
            }
        }
        world.organizations.push_back(organization);
        for (const auto& [name, id] : spec.at("roles").items()) {
            const auto& known = known_role_names();
            if (std::find(known.begin(), known.end(), name) == known.end()) {
                return fmt::format("organizations[{}].roles: unknown role \"{}\"", i, name);
            }
            if (world.role(id.get<Id>()) != nullptr) {
                return fmt::format("organizations[{}].roles: duplicate group id {}", i,
                                   id.get<Id>());
            }
            world.roles.push_back({id.get<Id>(), name, organization.id});
        }
    }
    return {};
}

// The queue's workspace and schema: those named (of the queue's organization), else its
// organization's first workspace and a schema of its own with the queue's id.
std::string place_queue(const nlohmann::json& spec, World& world, Queue& queue) {
    if (spec.contains("workspace")) {
        queue.workspace = spec["workspace"].get<Id>();
        const Workspace* workspace = world.workspace(queue.workspace);
        if (workspace == nullptr || workspace->organization != queue.organization) {
            return fmt::format("unknown workspace {} in organization {}", queue.workspace,
                               queue.organization);
        }
    } else {
        for (const auto& workspace : world.workspaces) {
            if (workspace.organization == queue.organization) {
                queue.workspace = workspace.id;
                break;
            }
        }
    }
    queue.schema = spec.contains("schema") ? spec["schema"].get<Id>() : queue.id;
    const Schema* schema = world.schema(queue.schema);
    if (schema == nullptr) {
        world.schemas.push_back({queue.schema, queue.name + " schema", queue.organization});
    } else if (schema->organization != queue.organization) {
        return fmt::format("schema {} belongs to another organization", queue.schema);
    }
    return {};
}

std::string parse_queues(const nlohmann::json& seed, World& world) {
    const auto queues = seed.value("queues", nlohmann::json::array());
    for (std::size_t i = 0; i < queues.size(); ++i) {
        Queue queue{queues[i].at("id").get<Id>(), queues[i].at("name").get<std::string>(),
                    queues[i].at("organization").get<Id>()};
        if (world.organization(queue.organization) == nullptr) {
            return fmt::format("queues[{}]: unknown organization {}", i, queue.organization);
        }
        if (world.queue(queue.id) != nullptr) {
            return fmt::format("queues[{}]: duplicate id {}", i, queue.id);
        }
        std::string problem = place_queue(queues[i], world, queue);
        if (!problem.empty()) {
            return fmt::format("queues[{}]: {}", i, problem);
        }
        world.queues.push_back(queue);
    }
    return {};
}

std::string add_seed_user(const nlohmann::json& spec, World& world) {
    User user;
    user.id = spec.contains("id") ? spec["id"].get<Id>() : world.next_user_id();
    user.organization = spec.at("organization").get<Id>();
    user.date_joined = k_fixed_date;
    if (world.organization(user.organization) == nullptr) {
        return fmt::format("unknown organization {}", user.organization);
    }
    if (world.user(user.id) != nullptr) {
        return fmt::format("duplicate id {}", user.id);
    }
    std::string problem = apply_seed_user(spec, world, user);
    if (!problem.empty()) {
        return problem;
    }
    // Unique ignoring case, across organizations and deleted users.
    if (!world.users_named(user.username).empty()) {
        return fmt::format("duplicate username \"{}\"", user.username);
    }
    world.put_user(std::move(user));
    return {};
}

std::string parse_users(const nlohmann::json& seed, World& world) {
    const auto users = seed.value("users", nlohmann::json::array());
    for (std::size_t i = 0; i < users.size(); ++i) {
        std::string problem = add_seed_user(users[i], world);
        if (!problem.empty()) {
            return fmt::format("users[{}]: {}", i, problem);
        }
    }
    nlohmann::json generate = seed.value("generate", nlohmann::json::array());
    if (generate.is_object()) {
        generate = nlohmann::json::array({generate});
    }
    for (std::size_t i = 0; i < generate.size(); ++i) {
        const auto& spec = generate[i];
        const std::string prefix = spec.value("prefix", std::string("bulk.user"));
        const auto groups = spec.value("groups", nlohmann::json::array({"annotator"}));
        for (int n = 1; n <= spec.at("count").get<int>(); ++n) {
            nlohmann::json user = {
                {"username", fmt::format("{}.{:04}@generated.example", prefix, n)},
                {"organization", spec.at("organization")},
                {"groups", groups},
                {"first_name", "Bulk"},
                {"last_name", fmt::format("User {}", n)}};
            user["email"] = user["username"];
            std::string problem = add_seed_user(user, world);
            if (!problem.empty()) {
                return fmt::format("generate[{}]: {}", i, problem);
            }
        }
    }
    return {};
}

std::string choose_admin(const nlohmann::json& seed, World& world,
                         const std::string& admin_password) {
    if (!seed.contains("admin") || !seed["admin"].is_string()) {
        return "admin must name the username of a seeded user";
    }
    const std::string admin = seed["admin"].get<std::string>();
    for (Id id : world.users_named(admin)) {
        User& user = *world.user(id);
        if (user.username == admin) {
            world.admin_user = id;
            if (!admin_password.empty()) {
                user.password = admin_password;
            } else if (!user.password) {
                user.password = random_password();
            }
            return {};
        }
    }
    return "admin: no seeded user " + seed["admin"].dump();
}

} // namespace

std::string random_password() {
    // The alphabet mixes cases and digits; the prefix keeps it from being entirely numeric.
    return "Sb" + random_token(18, true);
}

std::string apply_seed_user(const nlohmann::json& spec, const World& world, User& user) {
    try {
        if (!spec.is_object()) {
            return "user must be an object";
        }
        std::string problem = apply_scalars(spec, user);
        if (problem.empty() && spec.contains("groups")) {
            problem = apply_groups(spec["groups"], world, user);
        }
        if (problem.empty() && spec.contains("queues")) {
            problem = apply_queues(spec["queues"], world, user);
        }
        return problem;
    } catch (const nlohmann::json::exception&) {
        return "a field has the wrong type";
    }
}

World demo_world(const std::string& admin_password) {
    World world;
    const std::vector<std::string> roles = {"viewer",
                                            "annotator",
                                            "admin",
                                            "manager",
                                            "annotator_limited",
                                            "annotator_embedded",
                                            "organization_group_admin"};
    add_organization(world, 4201, "Demo Organization", {17, "Demo Group"}, 5101, roles);
    auto other_roles = roles;
    other_roles.emplace_back("approver");
    add_organization(world, 4202, "Other Organization", {18, "Other Group"}, 5201, other_roles);
    world.workspaces = {{7540, "Demo Workspace", 4201},
                        {7541, "Operations", 4201},
                        {7640, "Other Workspace", 4202}};
    world.queues = {{812, "Invoices", 4201, 7540, 31336},
                    {813, "Receipts", 4201, 7540, 31337},
                    {814, "Orders", 4201, 7541, 31338},
                    {910, "Other Inbox", 4202, 7640, 31436}};
    for (const auto& queue : world.queues) {
        world.schemas.push_back({queue.schema, queue.name + " schema", queue.organization});
    }

    User admin = demo_user(world, 10001, 4201, "admin@demo.rossum.local", "admin");
    admin.first_name = "Demo";
    admin.last_name = "Admin";
    admin.password = admin_password.empty() ? random_password() : admin_password;
    User jane = demo_user(world, 10002, 4201, "jane.doe@demo.example", "annotator");
    jane.first_name = "Jane";
    jane.last_name = "Doe";
    jane.queues = {812, 813};
    User john = demo_user(world, 10003, 4201, "john.smith@demo.example", "viewer");
    john.first_name = "John";
    john.last_name = "Smith";
    john.queues = {814};
    User former = demo_user(world, 10004, 4201, "former.user@demo.example", "annotator");
    former.deleted = true;
    User other_admin = demo_user(world, 10101, 4202, "admin@other.example", "admin");
    other_admin.password = random_password();
    User shared = demo_user(world, 10102, 4202, "shared.name@other.example", "annotator");
    for (auto* user : {&admin, &jane, &john, &former, &other_admin, &shared}) {
        world.put_user(*user);
    }
    world.admin_user = admin.id;
    return world;
}

SeedResult parse_seed(const nlohmann::json& seed, const std::string& admin_password) {
    try {
        if (!seed.is_object()) {
            return {std::nullopt, "seed must be a JSON object"};
        }
        World world;
        for (auto step : {parse_organizations, parse_queues, parse_users}) {
            std::string problem = step(seed, world);
            if (!problem.empty()) {
                return {std::nullopt, problem};
            }
        }
        std::string problem = choose_admin(seed, world, admin_password);
        if (!problem.empty()) {
            return {std::nullopt, problem};
        }
        return {std::move(world), {}};
    } catch (const nlohmann::json::exception& error) {
        return {std::nullopt,
                std::string("a field is missing or has the wrong type (") + error.what() + ")"};
    }
}

SeedResult load_seed_file(const std::string& path, const std::string& admin_password) {
    std::ifstream in(path);
    if (!in) {
        return {std::nullopt, "cannot read seed file " + path};
    }
    std::stringstream text;
    text << in.rdbuf();
    auto seed = nlohmann::json::parse(text.str(), nullptr, false);
    if (seed.is_discarded()) {
        return {std::nullopt, "seed file " + path + " is not valid JSON"};
    }
    SeedResult result = parse_seed(seed, admin_password);
    if (!result.world) {
        result.error = "seed file " + path + ": " + result.error;
    }
    return result;
}

} // namespace ra::sandbox
