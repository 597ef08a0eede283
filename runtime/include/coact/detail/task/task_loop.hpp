// coact/detail/task/task_loop.hpp — the per-thread queue that resumes coact::task coroutines.
//
// Every thread that starts a task has one loop (made on first use). A task is bound to the loop
// of the thread that started it, and only that thread ever resumes it: when the task awaits a
// future that another thread completes (a thread pool job), the completing thread does not run
// the task; it queues the task's handle here, and this loop's thread resumes it the next time it
// drives the loop (in coact::start, future::get/wait, or coact::run). This is the fix Beazley
// reaches for in "Generators: The Final Frontier" when inlined futures resume a generator on the
// pool's thread.
//
// The loop is also the trampoline for tasks awaiting tasks: an awaited task is queued, not
// resumed inside its parent's co_await, and a finished task queues its parent. The driver loop
// resumes each in turn, so a chain of awaits a million deep takes no native stack (g++ 12 does
// not turn symmetric transfer into a tail call at -O0 or under ASan).
//
// Threads: schedule() from any thread; everything else from the owner thread only. Lifetime:
// shared (tasks and pending callbacks hold it); the owner must drive its tasks to completion
// before it exits, or they never resume.
//
//   auto loop = coact::detail::task_loop::current();
//   loop->schedule(handle);     // from any thread
//   loop->run_until(state);     // the owner: resume queued handles until `state` is ready
#pragma once

#include <atomic>
#include <condition_variable>
#include <coroutine>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace coact::detail {

class future_state_base;

class task_loop : public std::enable_shared_from_this<task_loop> {
  public:
    task_loop() = default;
    task_loop(const task_loop&) = delete;
    task_loop& operator=(const task_loop&) = delete;
    ~task_loop() = default;

    /// This thread's loop.
    static std::shared_ptr<task_loop> current();

    /// Queues `h` to be resumed by the owner thread. From the owner: a plain push; from
    /// another thread: under the mutex, waking the owner if it waits.
    void schedule(std::coroutine_handle<> h);

    /// Owner only: resumes queued handles, in order, until `state` is ready, sleeping while
    /// nothing is queued.
    void run_until(future_state_base& state);

    /// Owner only: resumes queued handles until none is left (none of those from other threads
    /// is waited for).
    void run_queued();

    /// Owner only: true while this thread is inside run_until or run_queued (a task is running).
    [[nodiscard]] bool driving() const noexcept { return depth_ != 0; }

  private:
    void wake();
    void drain_local();

    const std::thread::id owner_ = std::this_thread::get_id();
    std::deque<std::coroutine_handle<>> local_;  // owner only
    unsigned depth_ = 0;                         // owner only

    // Set (release) with every remote push or wake-up, cleared by the owner: lets the owner spin
    // a little on it before it sleeps on the condition variable.
    std::atomic<bool> signalled_{false};
    std::mutex mutex_;
    std::condition_variable wakeup_;
    std::vector<std::coroutine_handle<>> remote_;  // guarded by mutex_
    bool woken_ = false;                           // guarded by mutex_
};

}  // namespace coact::detail
