#pragma once
// An in-memory RossumApi for core tests: counts calls and can script failures.

#include "rossum_accounts/core/api.hpp"
#include "rossum_accounts/core/planner.hpp"
#include "rossum_accounts/core/username.hpp"
#include "rossum_accounts/core/write.hpp"

#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>

namespace ra::test {

inline const std::string k_api = "https://acme.rossum.app/api";

inline std::string object_url(const std::string& kind, std::int64_t id) {
    return k_api + "/v1/" + kind + "/" + std::to_string(id);
}

class FakeApi : public RossumApi {
public:
    FakeApi() {
        organization_ = {4201, object_url("organizations", 4201), "Acme"};
        std::int64_t id = 5101;
        for (const char* name : {"viewer", "annotator", "admin", "manager"})
            groups_.push_back({id, object_url("groups", id), name}), ++id;
        for (std::int64_t q : {812, 813, 814})
            queues_.push_back({q, object_url("queues", q), "q" + std::to_string(q)});
        caller_ = add_user("admin@acme", {"admin"});
    }

    LiveUser& add_user(const std::string& username, std::vector<std::string> roles,
                       nlohmann::json metadata = nlohmann::json::object(),
                       std::int64_t org = 4201) {
        LiveUser u;
        u.id = next_id_++;
        u.url = object_url("users", u.id);
        u.username = username;
        u.organization = object_url("organizations", org);
        for (const auto& r : roles)
            u.groups.push_back(group_url(r));
        u.metadata = std::move(metadata);
        users_.push_back(u);
        return users_.back();
    }

    std::string group_url(const std::string& role) const {
        for (const auto& g : groups_)
            if (g.name == role)
                return g.url;
        return "unknown";
    }

    // What apply would resolve role names and queue ids against now.
    WriteContext context() const {
        LiveState live;
        live.organization = organization_;
        live.groups = groups_;
        live.queues = queues_;
        return write_context(live);
    }

    // The user with exactly this username, else the first case variant.
    LiveUser* find(const std::string& username) {
        for (auto& u : users_)
            if (u.username == username)
                return &u;
        for (auto& u : users_)
            if (same_username(u.username, username))
                return &u;
        return nullptr;
    }

    Result<LiveUser> current_user() override {
        count("current_user");
        return caller_;
    }
    Result<Organization> organization(std::int64_t id) override {
        count("organization");
        if (id != organization_.id)
            return make_error(ErrorKind::not_found, "not found", 404);
        return organization_;
    }
    Result<std::vector<Group>> groups() override {
        count("groups");
        return groups_;
    }
    Result<std::vector<Queue>> queues() override {
        count("queues");
        return queues_;
    }
    Result<Page<LiveUser>> users_page(std::int64_t org, const std::optional<std::string>& next,
                                      const UserSieve* sieve) override {
        count("users_page");
        std::vector<LiveUser> visible;
        for (const auto& u : users_)
            if (u.organization == object_url("organizations", org))
                visible.push_back(u);
        std::int64_t page = next ? std::stoll(*next) : 1;
        Page<LiveUser> p;
        p.total = static_cast<std::int64_t>(visible.size());
        p.total_pages = (p.total + 99) / 100;
        for (std::int64_t i = (page - 1) * 100; i < std::min<std::int64_t>(page * 100, p.total);
             ++i)
            if (const auto& u = visible[static_cast<std::size_t>(i)];
                sieve == nullptr || sieve->keeps(u.username))
                p.results.push_back(u);
        if (page < p.total_pages)
            p.next = std::to_string(page + 1);
        return p;
    }
    Result<Page<LiveUser>> users_page_number(std::int64_t org, std::int64_t number,
                                             const UserSieve* sieve) override {
        return users_page(org, std::to_string(number), sieve);
    }
    Result<std::vector<LiveUser>> users_by_username(const std::string& username) override {
        count("users_by_username");
        if (!lookup_errors.empty()) {
            auto e = lookup_errors.front();
            lookup_errors.pop_front();
            return e;
        }
        std::vector<LiveUser> out;
        for (const auto& u : users_)
            if (same_username(u.username, username) && u.organization == organization_.url)
                out.push_back(u);
        return out;
    }
    Result<LiveUser> user(std::int64_t id) override {
        count("user");
        if (before_user_read)
            before_user_read(id);
        if (!user_errors.empty()) {
            auto e = user_errors.front();
            user_errors.pop_front();
            return e;
        }
        for (const auto& u : users_)
            if (u.id == id)
                return u;
        return make_error(ErrorKind::not_found, "not found", 404);
    }
    Result<LiveUser> create_user(const nlohmann::json& body) override {
        count("create_user");
        created_bodies.push_back(body);
        Fault fault = Fault::none;
        if (!create_faults.empty()) {
            fault = create_faults.front();
            create_faults.pop_front();
        }
        if (fault == Fault::unknown_without_commit)
            return make_error(ErrorKind::unknown_outcome, "connection dropped");
        if (fault == Fault::unavailable)
            return make_error(ErrorKind::unavailable, "service unavailable", 503);
        for (const auto& u : users_)
            if (same_username(u.username, body["username"].get<std::string>()))
                return taken();
        if (taken_elsewhere.count(fold_username(body["username"].get<std::string>())))
            return taken();
        LiveUser u;
        u.id = next_id_++;
        u.url = object_url("users", u.id);
        u.username = body["username"];
        u.organization = body["organization"];
        u.first_name = body.value("first_name", "");
        u.last_name = body.value("last_name", "");
        u.email = body.value("email", "");
        u.groups = body.value("groups", std::vector<std::string>{});
        u.queues = body.value("queues", std::vector<std::string>{});
        u.is_active = body.value("is_active", true);
        u.metadata = body.value("metadata", nlohmann::json::object());
        users_.push_back(u);
        if (fault == Fault::unknown_after_commit)
            return make_error(ErrorKind::unknown_outcome, "connection dropped");
        return u;
    }
    Result<LiveUser> patch_user(std::int64_t id, const nlohmann::json& body) override {
        count("patch_user");
        patched_bodies.push_back(body);
        if (!patch_errors.empty()) {
            auto e = patch_errors.front();
            patch_errors.pop_front();
            return e;
        }
        for (auto& u : users_) {
            if (u.id != id)
                continue;
            if (body.contains("first_name"))
                u.first_name = body["first_name"];
            if (body.contains("last_name"))
                u.last_name = body["last_name"];
            if (body.contains("groups"))
                u.groups = body["groups"].get<std::vector<std::string>>();
            if (body.contains("queues"))
                u.queues = body["queues"].get<std::vector<std::string>>();
            if (body.contains("is_active"))
                u.is_active = body["is_active"];
            if (body.contains("metadata"))
                u.metadata = body["metadata"];
            return u;
        }
        return make_error(ErrorKind::not_found, "not found", 404);
    }

    int calls(const std::string& name) const {
        auto it = calls_.find(name);
        return it == calls_.end() ? 0 : it->second;
    }
    int total_calls() const {
        int n = 0;
        for (const auto& [k, v] : calls_)
            n += v;
        return n;
    }

    enum class Fault { none, unknown_after_commit, unknown_without_commit, unavailable };
    std::deque<Fault> create_faults;
    std::deque<Error> patch_errors;
    std::deque<Error> lookup_errors;
    std::deque<Error> user_errors;
    std::function<void(std::int64_t)> before_user_read; // e.g. someone deletes the user meanwhile
    std::set<std::string> taken_elsewhere;              // folded usernames owned by invisible users
    std::vector<nlohmann::json> created_bodies;
    std::vector<nlohmann::json> patched_bodies;
    std::vector<LiveUser> users_;
    std::vector<Group> groups_;
    std::vector<Queue> queues_;
    Organization organization_;
    LiveUser caller_;

private:
    static Error taken() {
        Error e = make_error(ErrorKind::validation,
                             "username: A user with that username already exists.", 400);
        e.details = {{"username", {"A user with that username already exists."}}};
        return e;
    }
    void count(const std::string& name) { ++calls_[name]; }
    std::map<std::string, int> calls_;
    std::int64_t next_id_ = 10001;
};

} // namespace ra::test
