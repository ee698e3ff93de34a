#include "rossum_accounts/io/thread_runner.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ra {

void ThreadRunner::run(std::size_t n, const std::function<void(std::size_t)>& task) {
    const std::size_t threads = std::min(width_, n);
    if (threads <= 1) {
        for (std::size_t i = 0; i < n; ++i)
            task(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    auto worker = [&] {
        for (std::size_t i = next++; i < n; i = next++) {
            try {
                task(i);
            } catch (...) {
                std::lock_guard lock(failure_mutex);
                if (!failure)
                    failure = std::current_exception();
            }
        }
    };
    std::vector<std::thread> pool;
    pool.reserve(threads - 1);
    for (std::size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker(); // the calling thread is one of the workers
    for (auto& t : pool)
        t.join();
    if (failure)
        std::rethrow_exception(failure);
}

} // namespace ra
