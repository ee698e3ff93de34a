#pragma once
// The sandbox's in-memory Rossum data: organization groups, organizations, their roles,
// workspaces, schemas and queues, users.
// Plain values; the Service owns one World and guards it with its mutex.

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace ra::sandbox {

using Id = std::int64_t;

struct Role {
    Id id = 0;
    std::string name;
    Id organization = 0;
};

// The coupling of organizations (docs/rossum-api.md §5.1); every organization has one.
struct OrganizationGroup {
    Id id = 0;
    std::string name;
};

struct Organization {
    Id id = 0;
    std::string name;
    Id organization_group = 0;
};

// A container of queues within one organization (docs/rossum-api.md §6.2).
struct Workspace {
    Id id = 0;
    std::string name;
    Id organization = 0;
};

// Only what a queue's `schema` link needs: the sandbox holds no schema content.
struct Schema {
    Id id = 0;
    std::string name;
    Id organization = 0;
};

struct Queue {
    Id id = 0;
    std::string name;
    Id organization = 0;
    Id workspace = 0; // a workspace of the same organization
    Id schema = 0;
};

struct User {
    Id id = 0;
    Id organization = 0;
    std::string username;
    std::optional<std::string> password; // nullopt: unusable, as for users created without one
    std::string first_name;
    std::string last_name;
    std::string email;
    std::optional<std::string> phone_number;
    std::string date_joined;
    std::vector<Id> groups; // role ids
    std::vector<Id> queues;
    bool is_active = true;
    std::optional<std::string> last_login;
    nlohmann::json ui_settings = nlohmann::json::object();
    nlohmann::json metadata = nlohmann::json::object();
    std::optional<std::string> oidc_id;
    std::string auth_type = "password";
    bool deleted = false;
    bool email_verified = false;
};

struct World {
    std::vector<OrganizationGroup> organization_groups;
    std::vector<Organization> organizations;
    std::vector<Role> roles;
    std::vector<Workspace> workspaces;
    std::vector<Schema> schemas;
    std::vector<Queue> queues;
    Id admin_user = 0; // the user whose credentials the executable prints

    const OrganizationGroup* organization_group(Id id) const;
    const Organization* organization(Id id) const;
    const Workspace* workspace(Id id) const;
    const Schema* schema(Id id) const;
    const Role* role(Id id) const;
    const Role* role_named(Id organization, const std::string& name) const;
    const Queue* queue(Id id) const;
    bool is_admin(const User& user) const;

    // Users by id, in id order. Add, replace and remove them with put_user and erase_user,
    // which keep the username index; user(id) may change any field but the username.
    const std::map<Id, User>& users() const { return users_; }
    User* user(Id id);
    const User* user(Id id) const;
    User& put_user(User user); // adds it, or replaces the user with the same id
    void erase_user(Id id);
    Id next_user_id() const;
    // The ids, ascending, of the users whose username equals `username` ignoring ASCII case
    // (exact matches among them when the caller compares case-sensitively).
    const std::set<Id>& users_named(const std::string& username) const;

private:
    void unindex(const User& user);

    std::map<Id, User> users_;
    std::unordered_map<std::string, std::set<Id>> ids_by_lower_username_;
};

// The role names Rossum defines; a seed may offer any subset per organization.
const std::vector<std::string>& known_role_names();

// UTC now as Rossum prints dates: 2019-02-09T22:16:38.969904Z.
std::string utc_timestamp_now();

// Lower-cases ASCII letters (usernames are ASCII in practice; others compare byte-wise).
std::string ascii_lower(std::string text);

} // namespace ra::sandbox
