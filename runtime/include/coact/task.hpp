// coact/task.hpp — coact::task<T>: a lazy coroutine that co_awaits futures and other tasks.
//
// Beazley's Task from "Generators: The Final Frontier", with C++20 co_await in place of yield:
// a task body may `co_await` a coact::future (a thread pool's result) or another task, and
// `co_return`s its result. A task does nothing until it is started (coact::start, which turns it
// into a future: a task is a future) or awaited by another task, which then gets its result.
//
// Which thread runs a task: the one that started it (or, for an awaited task, the one running
// its awaiter), always. When a pool thread completes a future the task waits for, the task is
// queued back to its own thread's task loop (detail/task_loop.hpp), and that thread resumes it
// while it is inside coact::start, coact::run, or get()/wait() on a future. An awaited task is
// queued too, as is the awaiter when the awaited task finishes, so awaits nest a million deep
// without native stack growth, in Debug and sanitizer builds as well.
//
//   coact::task<int> add_later(coact::thread_pool& p, int x, int y) {
//       int r = co_await p.submit([=] { return x + y; });
//       co_return r;
//   }
//   coact::future<int> f = coact::start(add_later(pool, 2, 3));  // runs to its first wait
//   int five = f.get();                                           // resumes it here, then 5
#pragma once

#include <coroutine>
#include <exception>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

#include "coact/detail/coroutine/frame_allocator.hpp"
#include "coact/detail/task/future_state.hpp"
#include "coact/detail/task/task_loop.hpp"
#include "coact/errors.hpp"
#include "coact/future.hpp"

namespace coact {

template <class T = void>
class task;

namespace detail {

[[noreturn]] void throw_empty_task(const char* operation);

struct task_promise_base {
    task_loop* loop_ = nullptr;             // set when started or awaited
    std::shared_ptr<task_loop> keep_loop_;  // a started (root) task keeps its loop alive
    std::coroutine_handle<> continuation_;  // the awaiting task, if awaited
    std::exception_ptr error_;

    static void* operator new(std::size_t size) { return frame_alloc(size); }
    static void operator delete(void* p, std::size_t size) noexcept { frame_free(p, size); }

    static std::suspend_always initial_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { error_ = std::current_exception(); }
};

template <class T>
struct task_result : task_promise_base {
    std::optional<T> value_;
    std::shared_ptr<future_state<T>> root_;  // start(): where the result goes

    template <class U = T>
    requires std::convertible_to<U, T>
    void return_value(U&& v) { value_.emplace(std::forward<U>(v)); }

    T take() {
        if (error_) std::rethrow_exception(error_);
        return std::move(*value_);
    }
    void hand_to_root() noexcept {
        if (error_) {
            root_->set_exception(error_);
            return;
        }
        // A throwing move of T becomes the future's exception.
        try {
            root_->set_value(std::move(*value_));
        } catch (...) {
            root_->set_exception(std::current_exception());
        }
    }
};

template <>
struct task_result<void> : task_promise_base {
    std::shared_ptr<future_state<void>> root_;

    static constexpr void return_void() noexcept {}
    void take() const {
        if (error_) std::rethrow_exception(error_);
    }
    void hand_to_root() {
        if (error_) {
            root_->set_exception(error_);
        } else {
            root_->set_value();
        }
    }
};

template <class T>
struct task_promise : task_result<T> {
    task<T> get_return_object() noexcept;

    struct final_awaiter {
        static constexpr bool await_ready() noexcept { return false; }
        static void await_suspend(std::coroutine_handle<task_promise> self) noexcept {
            task_promise& p = self.promise();
            if (p.continuation_) {  // awaited: the awaiter's frame owns this one
                p.loop_->schedule(p.continuation_);
                return;
            }
            // Started: nobody owns the frame. The result goes to the future, then the frame
            // goes; the future's callbacks (which may resume a waiter) run last.
            std::shared_ptr<future_state<T>> root = std::move(p.root_);
            std::shared_ptr<task_loop> keep = std::move(p.keep_loop_);
            // Move the result out before the frame (and the value in it) is destroyed.
            task_result<T> result;
            if constexpr (std::is_void_v<T>) {
                result.error_ = std::move(p.error_);
            } else {
                result.error_ = std::move(p.error_);
                result.value_ = std::move(p.value_);
            }
            self.destroy();
            result.root_ = std::move(root);
            result.hand_to_root();
        }
        static constexpr void await_resume() noexcept {}
    };
    static final_awaiter final_suspend() noexcept { return {}; }
};

}  // namespace detail

/// A lazy coroutine that co_awaits futures and other tasks and co_returns a T. It does nothing
/// until started (coact::start, coact::run) or awaited, and always runs on the thread that
/// started it (an awaited task: its awaiter's).
template <class T>
class [[nodiscard]] task {
  public:
    using promise_type = detail::task_promise<T>;
    /// What the body co_returns (void for nothing).
    using value_type = T;

    task() noexcept = default;
    /// Owns the frame `h`; made by a call of a task function, not by users.
    explicit task(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}
    /// Takes the frame over from `other`, which is left empty.
    task(task&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    /// Takes the frame over from `other`; the frame held before is destroyed.
    task& operator=(task other) noexcept {
        std::swap(handle_, other.handle_);
        return *this;
    }
    ~task() {
        if (handle_) handle_.destroy();
    }

    /// False once moved from, started or awaited.
    [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr; }

    /// co_await from another task: runs this one (on the awaiter's thread) and gives its
    /// result, or rethrows its exception. A task is awaited at most once.
    auto operator co_await() && { return awaiter(take("co_await")); }
    /// As co_await of an rvalue: the task is taken (valid() becomes false).
    auto operator co_await() & { return awaiter(take("co_await")); }

    /// Gives up the frame (used by coact::start).
    std::coroutine_handle<promise_type> release(const char* operation) { return take(operation); }

  private:
    struct awaiter {
        explicit awaiter(std::coroutine_handle<promise_type> child) noexcept : child_(child) {}
        awaiter(const awaiter&) = delete;
        awaiter& operator=(const awaiter&) = delete;
        ~awaiter() { child_.destroy(); }

        static constexpr bool await_ready() noexcept { return false; }

        template <detail::on_task_loop P>
        void await_suspend(std::coroutine_handle<P> parent) {
            promise_type& c = child_.promise();
            c.continuation_ = parent;
            c.loop_ = parent.promise().loop_;
            c.loop_->schedule(child_);  // the loop starts it: no native stack per level
        }

        decltype(auto) await_resume() { return child_.promise().take(); }

        std::coroutine_handle<promise_type> child_;
    };

    std::coroutine_handle<promise_type> take(const char* operation) {
        if (!handle_) detail::throw_empty_task(operation);
        return std::exchange(handle_, nullptr);
    }

    std::coroutine_handle<promise_type> handle_;
};

template <class T>
task<T> detail::task_promise<T>::get_return_object() noexcept {
    return task<T>(std::coroutine_handle<task_promise>::from_promise(*this));
}

/// Starts `t` on this thread and returns the future of its result. If this thread is not
/// already running a task, `t` runs now until it first waits (Beazley's Task(...).step());
/// otherwise it is queued and runs when the current task waits. Either way this thread resumes
/// it later, inside start/run/get/wait.
template <class T>
future<T> start(task<T> t) {
    auto h = t.release("coact::start");
    auto state = std::make_shared<detail::future_state<T>>();
    std::shared_ptr<detail::task_loop> loop = detail::task_loop::current();
    detail::task_promise<T>& p = h.promise();
    p.root_ = state;
    p.loop_ = loop.get();
    p.keep_loop_ = loop;
    loop->schedule(h);
    if (!loop->driving()) loop->run_queued();
    return future<T>(std::move(state));
}

/// Runs `t` to completion on this thread and returns its result (rethrows its exception).
template <class T>
T run(task<T> t) {
    return start(std::move(t)).get();
}

}  // namespace coact
