#pragma once
// A RossumApi decorator for tests of parallel fetch and apply: each call waits `delay` outside
// any lock (so calls from several workers overlap, as requests in flight do), then runs the
// wrapped in-memory API under one mutex. It records how many calls were in flight at most.

#include "rossum_accounts/core/api.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

namespace ra::test {

class ConcurrentApi : public RossumApi {
public:
    explicit ConcurrentApi(RossumApi& inner,
                           std::chrono::milliseconds delay = std::chrono::milliseconds(5))
        : inner_(inner), delay_(delay) {}

    int max_in_flight() const { return max_in_flight_; }
    int started() const { return started_; }

    Result<LiveUser> current_user() override {
        return call([&] { return inner_.current_user(); });
    }
    Result<Organization> organization(std::int64_t id) override {
        return call([&] { return inner_.organization(id); });
    }
    Result<std::vector<Group>> groups() override {
        return call([&] { return inner_.groups(); });
    }
    Result<std::vector<Queue>> queues() override {
        return call([&] { return inner_.queues(); });
    }
    Result<Page<LiveUser>> users_page(std::int64_t org, const std::optional<std::string>& next,
                                      const UserSieve* sieve) override {
        return call([&] { return inner_.users_page(org, next, sieve); });
    }
    Result<Page<LiveUser>> users_page_number(std::int64_t org, std::int64_t number,
                                             const UserSieve* sieve) override {
        return call([&] { return inner_.users_page_number(org, number, sieve); });
    }
    Result<std::vector<LiveUser>> users_by_username(const std::string& username) override {
        return call([&] { return inner_.users_by_username(username); });
    }
    Result<LiveUser> user(std::int64_t id) override {
        return call([&] { return inner_.user(id); });
    }
    Result<LiveUser> create_user(const nlohmann::json& body) override {
        return call([&] { return inner_.create_user(body); });
    }
    Result<LiveUser> patch_user(std::int64_t id, const nlohmann::json& body) override {
        return call([&] { return inner_.patch_user(id, body); });
    }

private:
    template <class F>
    auto call(F&& f) -> decltype(f()) {
        ++started_;
        const int now = ++in_flight_;
        int seen = max_in_flight_;
        while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(delay_);
        auto result = [&] {
            std::lock_guard lock(mutex_);
            return f();
        }();
        --in_flight_;
        return result;
    }

    RossumApi& inner_;
    std::chrono::milliseconds delay_;
    std::mutex mutex_;
    std::atomic<int> in_flight_{0};
    std::atomic<int> max_in_flight_{0};
    std::atomic<int> started_{0};
};

} // namespace ra::test
