#pragma once
// TaskRunner over threads (--parallelism N): each run() starts min(N, tasks) threads that take
// the next task index until none is left, and joins them. Threads are started per run(): a run
// has a handful of batches, and a thread costs microseconds against requests of milliseconds.

#include "rossum_accounts/core/parallel.hpp"

namespace ra {

class ThreadRunner final : public TaskRunner {
public:
    explicit ThreadRunner(std::size_t width) : width_(width < 1 ? 1 : width) {}
    std::size_t width() const override { return width_; }
    // A task that throws: the others still finish, then the first exception is rethrown.
    void run(std::size_t n, const std::function<void(std::size_t)>& task) override;

private:
    std::size_t width_;
};

} // namespace ra
