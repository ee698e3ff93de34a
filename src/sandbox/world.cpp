#include "sandbox/world.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <time.h>

namespace ra::sandbox {

namespace {

template <class T>
const T* find_by_id(const std::vector<T>& items, Id id) {
    auto it =
        std::find_if(items.begin(), items.end(), [id](const T& item) { return item.id == id; });
    return it == items.end() ? nullptr : &*it;
}

} // namespace

const OrganizationGroup* World::organization_group(Id id) const {
    return find_by_id(organization_groups, id);
}

const Organization* World::organization(Id id) const {
    return find_by_id(organizations, id);
}

const Workspace* World::workspace(Id id) const {
    return find_by_id(workspaces, id);
}

const Schema* World::schema(Id id) const {
    return find_by_id(schemas, id);
}

const Role* World::role(Id id) const {
    return find_by_id(roles, id);
}

const Role* World::role_named(Id organization_id, const std::string& name) const {
    for (const auto& candidate : roles) {
        if (candidate.organization == organization_id && candidate.name == name) {
            return &candidate;
        }
    }
    return nullptr;
}

const Queue* World::queue(Id id) const {
    return find_by_id(queues, id);
}

User* World::user(Id id) {
    auto it = users_.find(id);
    return it == users_.end() ? nullptr : &it->second;
}

const User* World::user(Id id) const {
    auto it = users_.find(id);
    return it == users_.end() ? nullptr : &it->second;
}

void World::unindex(const User& user) {
    auto named = ids_by_lower_username_.find(ascii_lower(user.username));
    if (named != ids_by_lower_username_.end()) {
        named->second.erase(user.id);
        if (named->second.empty()) {
            ids_by_lower_username_.erase(named);
        }
    }
}

User& World::put_user(User user) {
    ids_by_lower_username_[ascii_lower(user.username)].insert(user.id);
    auto it = users_.find(user.id);
    if (it == users_.end()) {
        const Id id = user.id;
        return users_.emplace(id, std::move(user)).first->second;
    }
    // Replaced in place, so references to the stored user (such as the caller's) stay valid.
    if (ascii_lower(it->second.username) != ascii_lower(user.username)) {
        unindex(it->second);
    }
    it->second = std::move(user);
    return it->second;
}

void World::erase_user(Id id) {
    auto it = users_.find(id);
    if (it != users_.end()) {
        unindex(it->second);
        users_.erase(it);
    }
}

Id World::next_user_id() const {
    return users_.empty() ? 10001 : users_.rbegin()->first + 1;
}

const std::set<Id>& World::users_named(const std::string& username) const {
    static const std::set<Id> none;
    auto it = ids_by_lower_username_.find(ascii_lower(username));
    return it == ids_by_lower_username_.end() ? none : it->second;
}

bool World::is_admin(const User& candidate) const {
    return std::any_of(candidate.groups.begin(), candidate.groups.end(), [this](Id group) {
        const Role* found = role(group);
        return found != nullptr &&
               (found->name == "admin" || found->name == "organization_group_admin");
    });
}

const std::vector<std::string>& known_role_names() {
    static const std::vector<std::string> names = {"viewer",
                                                   "annotator",
                                                   "admin",
                                                   "manager",
                                                   "annotator_limited",
                                                   "annotator_embedded",
                                                   "organization_group_admin",
                                                   "approver"};
    return names;
}

std::string utc_timestamp_now() {
    using namespace std::chrono;
    auto now = system_clock::now();
    auto micros = duration_cast<microseconds>(now.time_since_epoch()).count() % 1000000;
    std::time_t seconds = system_clock::to_time_t(now);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z", parts.tm_year + 1900,
                       parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                       micros);
}

std::string ascii_lower(std::string text) {
    for (char& c : text) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return text;
}

} // namespace ra::sandbox
