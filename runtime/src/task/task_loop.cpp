// The per-thread task loop (task_loop.hpp) and the blocking wait of a future.
#include "coact/detail/task/task_loop.hpp"

#include <utility>

#include "coact/detail/task/future_state.hpp"
#include "support/spin.hpp"

namespace coact::detail {

std::shared_ptr<task_loop> task_loop::current() {
    thread_local const std::shared_ptr<task_loop> loop = std::make_shared<task_loop>();
    return loop;
}

void task_loop::schedule(std::coroutine_handle<> h) {
    if (std::this_thread::get_id() == owner_) {
        local_.push_back(h);
        return;
    }
    // Everything under the lock, the notify included: once the owner has taken `h` it may finish
    // its last task, leave its thread and destroy this loop (its thread_local reference is the
    // last one; the caller holds none). It takes `h` only under the mutex, so it cannot get that
    // far before this unlock, after which nothing here touches the loop. (Notifying after the
    // unlock raced with that destruction: ThreadSanitizer saw pthread_cond_signal against
    // pthread_cond_destroy in "a task started on another thread is resumed there".)
    const std::lock_guard lock(mutex_);
    remote_.push_back(h);
    signalled_.store(true, std::memory_order_release);
    wakeup_.notify_one();
}

void task_loop::wake() {
    {
        const std::lock_guard lock(mutex_);
        woken_ = true;
    }
    signalled_.store(true, std::memory_order_release);
    wakeup_.notify_one();
}

void task_loop::drain_local() {
    // Resumed bodies do not throw: a task keeps its exception for whoever awaits it.
    while (!local_.empty()) {
        const std::coroutine_handle<> h = local_.front();
        local_.pop_front();
        h.resume();
    }
}

void task_loop::run_queued() {
    ++depth_;
    drain_local();
    --depth_;
}

void task_loop::run_until(future_state_base& state) {
    struct depth_guard {
        unsigned& depth;
        ~depth_guard() { --depth; }
    } guard{++depth_};
    // The wake-up holds the loop: the state may be finished after this call has returned.
    state.on_ready(job([self = shared_from_this()] { self->wake(); }));
    for (;;) {
        drain_local();
        if (state.ready()) return;
        // A pool job's round trip usually ends within the spin: cheaper than the futex wake-up.
        static_cast<void>(spin_until([&] { return signalled_.load(std::memory_order_acquire); }));
        std::unique_lock lock(mutex_);
        wakeup_.wait(lock, [&] { return woken_ || !remote_.empty(); });
        woken_ = false;
        signalled_.store(false, std::memory_order_relaxed);  // under the lock: no push is missed
        for (const std::coroutine_handle<> h : remote_) local_.push_back(h);
        remote_.clear();
    }
}

void future_state_base::wait() {
    if (ready()) return;
    task_loop::current()->run_until(*this);
}

}  // namespace coact::detail
