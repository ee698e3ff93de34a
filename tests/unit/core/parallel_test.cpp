// Parallel reads and writes (docs/design.md §9.7): the same outcome as one at a time, in the same
// order, with the calls actually overlapping, and every stop rule kept.
#include "rossum_accounts/core/apply.hpp"
#include "rossum_accounts/core/fetch.hpp"
#include "rossum_accounts/io/thread_runner.hpp"
#include "support/concurrent_api.hpp"
#include "support/fake_api.hpp"
#include "support/planning.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <stdexcept>

using namespace ra;
using ra::test::account;
using ra::test::ConcurrentApi;
using ra::test::desired;
using ra::test::FakeApi;
using ra::test::passwords;
using ra::test::plan_for;

namespace {

void populate(FakeApi& api, int users) {
    for (int i = 0; i < users; ++i)
        api.add_user(fmt::format("bulk{:04}@acme", i), {"viewer"});
}

std::vector<std::string> usernames(const std::vector<LiveUser>& users) {
    std::vector<std::string> out;
    for (const auto& u : users)
        out.push_back(u.username);
    return out;
}

// `count` viewer accounts svc00@acme, svc01@acme, … that the FakeApi does not hold yet (a plan
// of `count` creates), and their usernames in that order.
struct Creates {
    std::vector<Account> accounts;
    std::vector<std::string> names;
};

Creates creates(int count) {
    Creates out;
    for (int i = 0; i < count; ++i) {
        out.names.push_back(fmt::format("svc{:02}@acme", i));
        out.accounts.push_back(account(out.names.back(), {"viewer"}));
    }
    return out;
}

DesiredState pruning(std::vector<Account> accounts) {
    DesiredState d = desired(std::move(accounts));
    d.prune = true;
    return d;
}

} // namespace

TEST_CASE("thread runner: every task runs once, at most its width at once", "[parallel]") {
    ThreadRunner runner(4);
    std::vector<int> ran(50, 0);
    std::atomic<int> in_flight{0};
    std::atomic<int> most{0};
    runner.run(ran.size(), [&](std::size_t i) {
        const int now = ++in_flight;
        for (int seen = most; now > seen && !most.compare_exchange_weak(seen, now);) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        ++ran[i];
        --in_flight;
    });
    CHECK(std::count(ran.begin(), ran.end(), 1) == 50);
    CHECK(most <= 4);
    CHECK(most > 1);
}

TEST_CASE("thread runner: a task that throws lets the others finish, then the error comes out",
          "[parallel]") {
    ThreadRunner runner(3);
    std::atomic<int> finished{0};
    CHECK_THROWS_AS(runner.run(10,
                               [&](std::size_t i) {
                                   if (i == 2)
                                       throw std::runtime_error("boom");
                                   ++finished;
                               }),
                    std::runtime_error);
    CHECK(finished == 9);
}

TEST_CASE("fetch in parallel: the pages read by number give the users of the links, in order",
          "[parallel][fetch]") {
    FakeApi fake;
    populate(fake, 649); // 650 users with the caller: 7 pages
    auto d = pruning({account("bulk0001@acme", {"viewer"})});
    auto sequential = fetch_live_state(fake, d, ra::test::k_api);
    REQUIRE(sequential.ok());
    ConcurrentApi api(fake);
    ThreadRunner runner(8);
    auto parallel = fetch_live_state(api, d, ra::test::k_api, runner);
    REQUIRE(parallel.ok());
    CHECK(usernames(parallel->users) == usernames(sequential->users));
    CHECK(parallel->users.size() == 650);
    CHECK(parallel->complete_user_list);
    CHECK(api.max_in_flight() > 1);
}

TEST_CASE("fetch in parallel: look-ups go side by side and each user is kept once",
          "[parallel][fetch]") {
    FakeApi fake;
    populate(fake, 999);
    fake.add_user("Case@acme", {"viewer"});
    auto d = desired({account("bulk0500@acme", {"viewer"}), account("bulk0900@acme", {"viewer"}),
                      account("case@acme", {"viewer"})});
    ConcurrentApi api(fake);
    ThreadRunner runner(8);
    auto live = fetch_live_state(api, d, ra::test::k_api, runner);
    REQUIRE(live.ok());
    CHECK(fake.calls("users_by_username") == 3);
    CHECK(fake.calls("users_page") == 1);
    CHECK_FALSE(live->complete_user_list);
    auto names = usernames(live->users);
    CHECK(std::count(names.begin(), names.end(), "Case@acme") == 1);
    CHECK(std::count(names.begin(), names.end(), "bulk0900@acme") == 1);
}

TEST_CASE("fetch in parallel: a list that changes while its pages are read is read again by "
          "its links",
          "[parallel][fetch]") {
    FakeApi fake;
    populate(fake, 299); // 3 pages
    auto d = pruning({account("bulk0001@acme", {"viewer"})});
    // Another run creates users right after the first page was read: the later pages report
    // 5 pages where the first said 3.
    ThreadRunner runner(4);
    bool grown = false;
    struct Hook : RossumApi {
        FakeApi& f;
        bool& grown;
        Hook(FakeApi& fake, bool& g) : f(fake), grown(g) {}
        Result<LiveUser> current_user() override { return f.current_user(); }
        Result<Organization> organization(std::int64_t id) override { return f.organization(id); }
        Result<std::vector<Group>> groups() override { return f.groups(); }
        Result<std::vector<Queue>> queues() override { return f.queues(); }
        Result<Page<LiveUser>> users_page(std::int64_t org, const std::optional<std::string>& next,
                                          const UserSieve* sieve) override {
            auto page = f.users_page(org, next, sieve);
            if (!next && !grown) {
                grown = true;
                for (int i = 0; i < 150; ++i)
                    f.add_user(fmt::format("late{:03}@acme", i), {"viewer"});
            }
            return page;
        }
        Result<Page<LiveUser>> users_page_number(std::int64_t org, std::int64_t n,
                                                 const UserSieve* sieve) override {
            return f.users_page_number(org, n, sieve);
        }
        Result<std::vector<LiveUser>> users_by_username(const std::string& u) override {
            return f.users_by_username(u);
        }
        Result<LiveUser> user(std::int64_t id) override { return f.user(id); }
        Result<LiveUser> create_user(const nlohmann::json& b) override { return f.create_user(b); }
        Result<LiveUser> patch_user(std::int64_t id, const nlohmann::json& b) override {
            return f.patch_user(id, b);
        }
    } hook(fake, grown);
    ConcurrentApi serialized(hook);
    auto live = fetch_live_state(serialized, d, ra::test::k_api, runner);
    REQUIRE(live.ok());
    CHECK(grown);
    CHECK(live->users.size() == 450); // every user once, the late ones included
    // Page 1, pages 2–3 by number (which disagree), then page 1 and its links again (5 pages).
    CHECK(fake.calls("users_page") == 1 + 2 + 5);
}

TEST_CASE("apply in parallel: the report and the progress lines stay in plan order",
          "[parallel][apply]") {
    FakeApi fake;
    const auto [accounts, names] = creates(20);
    fake.add_user("svc03@acme", {"admin"}); // an update among the creates
    Plan plan = plan_for(fake, desired(accounts));
    std::vector<std::string> progress;
    ApplyHooks hooks;
    hooks.on_result = [&](const ActionResult& r, const Action&) { progress.push_back(r.username); };
    ConcurrentApi api(fake);
    ThreadRunner runner(6);
    Report report = apply_plan(plan, fake.context(), api, passwords(names), hooks, runner);
    CHECK(progress == names);
    REQUIRE(report.results.size() == 20);
    for (std::size_t i = 0; i < names.size(); ++i) {
        CHECK(report.results[i].username == names[i]);
        CHECK(report.results[i].status == ResultStatus::done);
    }
    CHECK(api.max_in_flight() > 1);
    CHECK_FALSE(plan_for(fake, desired(accounts)).summary().has_changes());
}

TEST_CASE("apply in parallel: once the API is unavailable no action starts; the rest are not "
          "attempted",
          "[parallel][apply][stop]") {
    FakeApi fake;
    const auto [accounts, names] = creates(30);
    Plan plan = plan_for(fake, desired(accounts));
    fake.create_faults = {FakeApi::Fault::none, FakeApi::Fault::unavailable};
    ConcurrentApi api(fake, std::chrono::milliseconds(20));
    ThreadRunner runner(3);
    Report report = apply_plan(plan, fake.context(), api, passwords(names), {}, runner);
    CHECK(report.stopped_early);
    CHECK_FALSE(report.interrupted);
    CHECK(report.stop_reason == ErrorKind::unavailable);
    const auto summary = report.summary();
    // The stop came with the second POST; at most the other two in flight finished.
    CHECK(fake.calls("create_user") <= 4);
    CHECK(summary.not_attempted >= 26);
    CHECK(summary.created + summary.failed + summary.not_attempted == 30);
}

TEST_CASE("apply in parallel: a stop asked for lets the actions in flight finish and starts none",
          "[parallel][apply][stop]") {
    FakeApi fake;
    const auto [accounts, names] = creates(30);
    Plan plan = plan_for(fake, desired(accounts));
    ConcurrentApi api(fake, std::chrono::milliseconds(10));
    ApplyHooks hooks;
    hooks.cancelled = [&] { return api.started() >= 5; }; // a signal after the fifth POST went out
    ThreadRunner runner(4);
    Report report = apply_plan(plan, fake.context(), api, passwords(names), hooks, runner);
    CHECK(report.interrupted);
    const auto summary = report.summary();
    CHECK(summary.created == fake.calls("create_user"));
    CHECK(summary.created >= 5);
    CHECK(summary.created <= 5 + 3); // with 4 workers, at most 3 others were in flight
    CHECK(summary.not_attempted == 30 - summary.created);
    for (const auto& r : report.results)
        CHECK((r.status == ResultStatus::done || r.status == ResultStatus::not_attempted));
}

TEST_CASE("apply in parallel: an ambiguous create is settled by its look-up before anything is "
          "resent for it",
          "[parallel][apply][ambiguous]") {
    FakeApi fake;
    const auto [accounts, names] = creates(8);
    Plan plan = plan_for(fake, desired(accounts));
    fake.create_faults = {FakeApi::Fault::unknown_after_commit, FakeApi::Fault::none,
                          FakeApi::Fault::unknown_without_commit};
    ConcurrentApi api(fake);
    ThreadRunner runner(4);
    Report report = apply_plan(plan, fake.context(), api, passwords(names), {}, runner);
    CHECK(report.summary().failed == 0);
    for (const auto& name : names) {
        int n = 0;
        for (const auto& u : fake.users_)
            n += u.username == name;
        CHECK(n == 1);
    }
    // Two ambiguous creates: two look-ups, and one resend (the one that did not commit).
    CHECK(fake.calls("users_by_username") == 2);
    CHECK(fake.calls("create_user") == 9);
}

TEST_CASE("recheck in parallel: a saved plan's users are re-read side by side with the same "
          "verdict",
          "[parallel][stale]") {
    FakeApi fake;
    std::vector<Account> accounts;
    for (int i = 0; i < 12; ++i) {
        fake.add_user(fmt::format("svc{:02}@acme", i), {"admin"});
        accounts.push_back(account(fmt::format("svc{:02}@acme", i), {"viewer"}));
    }
    Plan plan = plan_for(fake, desired(accounts));
    ConcurrentApi api(fake);
    ThreadRunner runner(5);
    auto fresh = recheck_saved_plan(plan, api, runner);
    REQUIRE(fresh.ok());
    CHECK(fresh->drift.empty());
    CHECK(usernames(fresh->live.users).size() == 12);
    CHECK(usernames(fresh->live.users).front() == "svc00@acme");
    fake.find("svc07@acme")->first_name = "Changed";
    auto stale = recheck_saved_plan(plan, api, runner);
    REQUIRE(stale.ok());
    CHECK(stale->drift == std::vector<std::string>{"svc07@acme: the user changed since the plan "
                                                   "was made"});
    CHECK(api.max_in_flight() > 1);
}

namespace {

// A FakeApi whose writes, once `stop` is set, are held back as the client holds them back when
// the run was asked to stop while they waited for the rate limiter.
struct HoldingApi : FakeApi {
    std::atomic<bool>* stop = nullptr;
    Result<LiveUser> create_user(const nlohmann::json& body) override {
        if (*stop)
            return make_error(ErrorKind::not_sent, "POST /v1/users: not sent");
        return FakeApi::create_user(body);
    }
};

} // namespace

TEST_CASE("apply: a write the client held back after a stop is not attempted, not failed",
          "[parallel][apply][stop]") {
    HoldingApi fake;
    std::atomic<bool> stop{false};
    fake.stop = &stop;
    const auto [accounts, names] = creates(6);
    Plan plan = plan_for(fake, desired(accounts));
    ApplyHooks hooks;
    hooks.cancelled = [&] { return stop.load(); };
    // The signal comes after the first create; the second was already past apply's own check.
    int created = 0;
    hooks.on_result = [&](const ActionResult&, const Action&) { stop = ++created >= 1; };
    Report report = apply_plan(plan, fake.context(), fake, passwords(names), hooks);
    CHECK(report.interrupted);
    const auto summary = report.summary();
    CHECK(summary.created == 1);
    CHECK(summary.failed == 0);
    CHECK(summary.not_attempted == 5);
}
