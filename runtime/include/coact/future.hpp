// coact/future.hpp — coact::future<T>: a result that arrives later (Beazley's inlined futures).
//
// A future comes from thread_pool::submit (the job's result), from coact::start (a task's
// result: a task is a future) or from then(). It is a handle on a shared state: copies see the
// same result. get() blocks until it is there and returns it or rethrows the producer's
// exception; ready() asks without blocking; then(f) runs f(future) once it is ready; and a task
// may `co_await` it.
//
// Threads: any thread may use a future. Which thread runs what:
//   - a then() callback runs on the thread that completes the future (a pool thread, or the one
//     running a task), or at once on the caller's thread if the future is already ready;
//   - a task that co_awaits a future is never resumed by the completing thread: it is queued
//     back to the thread that started it (task_loop.hpp), which resumes it;
//   - get()/wait() on the thread that started tasks runs those tasks while it waits.
//
//   coact::thread_pool pool{2};
//   coact::future<int> f = pool.submit([] { return 6 * 7; });
//   coact::future<std::string> s = f.then([](coact::future<int> r) { return
//   std::to_string(r.get()); }); int v = f.get();             // 42, or rethrows what the job threw
//   std::string t = std::move(s).get();  // "42": get() on an rvalue moves the value out
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <type_traits>
#include <utility>

#include "coact/detail/task/future_state.hpp"
#include "coact/detail/task/task_loop.hpp"
#include "coact/errors.hpp"

namespace coact {

template <class T>
class future;

namespace detail {

[[noreturn]] void throw_empty_future(const char* operation);

/// A promise type whose coroutines run on a task loop (coact::task's): what co_await of a
/// future or a task requires of the awaiting coroutine.
template <class P>
concept on_task_loop = requires(P& p) {
    { p.loop_ } -> std::convertible_to<task_loop*>;
};

template <class T>
struct future_traits {
    using type = T;
};
template <class T>
struct future_traits<future<T>> {
    using type = T;
};

}  // namespace detail

/// A result that arrives later, from thread_pool::submit, coact::start or then(): a handle on a
/// shared state, which copies share. Any thread may use it.
template <class T>
class [[nodiscard]] future {
  public:
    /// The type of the result (void for none).
    using value_type = T;

    /// An empty future: valid() is false and every other call throws coact::error.
    future() noexcept = default;
    /// A future of `state`; made by thread_pool::submit, coact::start and then(), not by users.
    explicit future(std::shared_ptr<detail::future_state<T>> state) noexcept
        : state_(std::move(state)) {}

    /// False for an empty future (default-constructed or moved from).
    [[nodiscard]] bool valid() const noexcept { return state_ != nullptr; }

    /// Whether the result (a value or an exception) is there.
    [[nodiscard]] bool ready() const {
        check("ready");
        return state_->ready();
    }

    /// Blocks until ready (running this thread's started tasks meanwhile).
    void wait() const {
        check("wait");
        state_->wait();
    }

    /// Blocks until ready; returns the value or rethrows the producer's exception. On an lvalue
    /// the value stays in the shared state (a reference to it for T, nothing for void); on an
    /// rvalue (`std::move(f).get()`, `start(t).get()`) it is moved out.
    decltype(auto) get() const& {
        wait();
        rethrow_if_failed();
        if constexpr (!std::is_void_v<T>) return static_cast<const T&>(state_->value());
    }
    /// As get() on an lvalue, but the value is moved out of the shared state.
    T get() && {
        wait();
        rethrow_if_failed();
        if constexpr (!std::is_void_v<T>) return std::move(state_->value());
    }

    /// Runs `f(future)` once this future is ready, on the thread that completes it (or now, on
    /// this thread, if it is ready already). Returns a future of what f returns or throws.
    template <class F>
    requires std::is_invocable_v<F&, future<T>>
    auto then(F f) const -> future<std::invoke_result_t<F&, future<T>>> {
        check("then");
        using R = std::invoke_result_t<F&, future<T>>;
        auto next = std::make_shared<detail::future_state<R>>();
        state_->on_ready(detail::job([self = *this, next, fn = std::move(f)]() mutable {
            auto call = [&]() -> R { return fn(self); };
            detail::fulfil(*next, call);
        }));
        return future<R>(std::move(next));
    }

    /// co_await in a coact::task: suspends the task until ready, then resumes it on its own
    /// thread with the value (moved out when the future is an rvalue).
    auto operator co_await() const& { return awaiter<false>{check_state("co_await")}; }
    /// As co_await of an lvalue, but the value is moved out of the shared state.
    auto operator co_await() && { return awaiter<true>{check_state("co_await")}; }

  private:
    template <bool Move>
    struct awaiter {
        detail::future_state<T>* state_;

        bool await_ready() const noexcept { return state_->ready(); }

        template <detail::on_task_loop P>
        void await_suspend(std::coroutine_handle<P> waiting) {
            // Queued, not resumed, by whichever thread finishes the state.
            detail::task_loop* loop = waiting.promise().loop_;
            state_->on_ready(detail::job([loop, waiting] { loop->schedule(waiting); }));
        }

        decltype(auto) await_resume() const {
            if (state_->error()) std::rethrow_exception(state_->error());
            if constexpr (std::is_void_v<T>) {
                return;
            } else if constexpr (Move) {
                return T(std::move(state_->value()));
            } else {
                return static_cast<const T&>(state_->value());
            }
        }
    };

    void check(const char* operation) const {
        if (!state_) detail::throw_empty_future(operation);
    }
    detail::future_state<T>* check_state(const char* operation) const {
        check(operation);
        return state_.get();
    }
    void rethrow_if_failed() const {
        if (state_->error()) std::rethrow_exception(state_->error());
    }

    std::shared_ptr<detail::future_state<T>> state_;
};

}  // namespace coact
