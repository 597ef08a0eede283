// coact/detail/task/future_state.hpp — the shared state behind coact::future<T>.
//
// One state per result: the producer (a thread pool job, a finished task, a then() callback)
// stores a value or an exception once and calls finish(); consumers read ready(), register
// callbacks with on_ready(), or block in wait(). Shared by std::shared_ptr between the producer
// and every copy of the future.
//
// Threads: any thread may call any member. The result is written before finish() publishes
// `done_` (release) and read only after ready() saw it (acquire), so it needs no lock; the
// callback list is guarded by the mutex. A callback runs on the thread that calls finish(), or,
// registered after it, at once on the registering thread.
//
//   auto s = std::make_shared<coact::detail::future_state<int>>();
//   s->on_ready(coact::detail::job([] { std::puts("done"); }));
//   s->set_value(5);  // prints "done"; s->value() == 5
#pragma once

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "coact/detail/task/job.hpp"

namespace coact::detail {

class future_state_base {
  public:
    future_state_base() = default;
    future_state_base(const future_state_base&) = delete;
    future_state_base& operator=(const future_state_base&) = delete;
    ~future_state_base() = default;

    [[nodiscard]] bool ready() const noexcept { return done_.load(std::memory_order_acquire); }

    /// Runs `callback` once the result is there: now, on this thread, if it already is.
    void on_ready(job callback) {
        {
            const std::lock_guard lock(mutex_);
            if (!done_.load(std::memory_order_relaxed)) {
                callbacks_.push_back(std::move(callback));
                return;
            }
        }
        callback();
    }

    /// Blocks until ready. Meanwhile this thread runs the tasks started on it (task_loop.cpp):
    /// waiting for a task started here must not stop the task itself.
    void wait();

    /// After ready(): the exception the producer stored, if any.
    [[nodiscard]] const std::exception_ptr& error() const noexcept { return error_; }

    void set_exception(std::exception_ptr e) {
        error_ = std::move(e);
        finish();
    }

  protected:
    /// Publishes the result stored before it and runs the callbacks, in registration order.
    void finish() {
        std::vector<job> callbacks;
        {
            const std::lock_guard lock(mutex_);
            done_.store(true, std::memory_order_release);
            callbacks.swap(callbacks_);
        }
        for (job& c : callbacks) c();
    }

  private:
    std::exception_ptr error_;
    std::atomic<bool> done_{false};
    std::mutex mutex_;
    std::vector<job> callbacks_;
};

template <class T>
class future_state : public future_state_base {
  public:
    template <class U>
    void set_value(U&& v) {
        value_.emplace(std::forward<U>(v));
        finish();
    }

    /// After ready() and error() == nullptr.
    T& value() noexcept { return *value_; }

  private:
    std::optional<T> value_;
};

template <>
class future_state<void> : public future_state_base {
  public:
    void set_value() { finish(); }
};

/// Runs `fn` and stores what it returns, or what it throws, in `state`.
template <class T, class F>
void fulfil(future_state<T>& state, F& fn) noexcept {
    // set_value can only fail in T's move constructor, or in a callback's allocation.
    try {
        if constexpr (std::is_void_v<T>) {
            fn();
            state.set_value();
        } else {
            state.set_value(fn());
        }
    } catch (...) {
        state.set_exception(std::current_exception());
    }
}

}  // namespace coact::detail
