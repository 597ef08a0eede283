// coact/thread_pool.hpp — coact::thread_pool: threads that run blocking work and return futures.
//
// Beazley's ThreadPoolExecutor: submit(fn) queues fn and returns at once a coact::future of
// what fn returns (or throws). A task co_awaits that future, or anyone calls get() on it.
//
// Threads: submit() may be called from any thread, a pool thread too. Jobs run in no particular
// order across threads. Lifetime: the destructor runs every job already submitted, then joins
// the threads; no submit() may race with it.
//
//   coact::thread_pool pool{4};
//   coact::future<std::uintmax_t> n = pool.submit([] { return std::filesystem::file_size("big");
//   }); coact::future<long> f = pool.submit(fib, 30);  // fn and its arguments, as in Python
//   std::cout << n.get() << '\n';   // blocks; rethrows filesystem_error if the job threw
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <type_traits>

#include "coact/detail/task/future_state.hpp"
#include "coact/detail/task/job.hpp"
#include "coact/future.hpp"

namespace coact {

/// Threads that run blocking work and return futures (Python's ThreadPoolExecutor). submit()
/// from any thread; the destructor runs every job already submitted, then joins the threads.
class thread_pool {
  public:
    /// Starts `threads` threads; throws coact::error if `threads` is 0, and std::system_error if
    /// a thread cannot be started (the ones started are joined first).
    explicit thread_pool(std::size_t threads);
    thread_pool(const thread_pool&) = delete;
    thread_pool& operator=(const thread_pool&) = delete;
    ~thread_pool();

    /// How many threads the pool has.
    [[nodiscard]] std::size_t size() const noexcept;

    /// Queues `fn(args...)` on a pool thread (Python's pool.submit(fn, *args)); the future gets
    /// its value or its exception. fn and args are taken by value. In a coroutine, prefer
    /// `co_await pool.submit(fib, i)` to a lambda that captures a std::string inside the co_await
    /// expression: g++ 12 relocates such a temporary in the frame and corrupts it (name the
    /// lambda first, or pass the values as arguments; docs/concepts/tasks.md).
    template <class F, class... Args>
    requires std::is_invocable_v<F&, Args&...>
    auto submit(F fn, Args... args) -> future<std::invoke_result_t<F&, Args&...>> {
        using R = std::invoke_result_t<F&, Args&...>;
        auto state = std::make_shared<detail::future_state<R>>();
        post(detail::job([state, f = std::move(fn), ... a = std::move(args)]() mutable {
            auto call = [&]() -> R { return std::invoke(f, a...); };
            detail::fulfil(*state, call);
        }));
        return future<R>(std::move(state));
    }

  private:
    void post(detail::job work);

    struct engine;
    std::unique_ptr<engine> engine_;
};

}  // namespace coact
