#pragma once
// Independent work side by side (docs/design.md §9.7). The core says which calls are independent
// (the pages of a listing, the look-ups, the actions of a plan); a TaskRunner says how many run at
// once. The API client beneath stays the single gate of the rate limit, so running more at once
// never sends more than --max-rps; it only lets the answers' latency overlap.

#include <cstddef>
#include <functional>

namespace ra {

class TaskRunner {
public:
    virtual ~TaskRunner() = default;
    // At most this many tasks run at once; 1 runs them one after another, in index order, on
    // the calling thread.
    virtual std::size_t width() const = 0;
    // Runs task(0) … task(n - 1) and returns when all have returned. Tasks start in index order.
    // Each task writes only its own slot of the caller's results (or state it guards); the
    // RossumApi it calls must be safe to call from several threads when width() > 1.
    virtual void run(std::size_t n, const std::function<void(std::size_t)>& task) = 0;
};

class SequentialRunner final : public TaskRunner {
public:
    std::size_t width() const override { return 1; }
    void run(std::size_t n, const std::function<void(std::size_t)>& task) override {
        for (std::size_t i = 0; i < n; ++i)
            task(i);
    }
};

// One process-wide sequential runner, the default of every function that takes a runner.
TaskRunner& sequential_runner();

} // namespace ra
