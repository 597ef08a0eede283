// scheduler/local/remote_queue.hpp — how the world outside reaches a single-threaded scheduler:
// messages, stop requests and publications made on other threads (rt.send, rt.stop, rt.publish,
// an offload's result, an actor of another runtime), in one FIFO order.
//
// One order for all, not one per thread: an actor of a work-stealing runtime sending here runs
// on one worker and then another, and its messages must still arrive in the order it sent them
// (a queue that is FIFO per producing thread, as moodycamel's is, let a later send overtake an
// earlier one). A mutex gives that order; every push already took it to wake the scheduler.
//
// Threads: push() from any thread; take(), close() and open() by the scheduler's thread (or the
// one shutting the runtime down). The door: while closed (shutdown runs), push() refuses, so the
// queue holds only what came before, and taking it all ends however fast others send.
//
//   remote_queue q;
//   if (!q.push({cell, generation, envelope, nullptr})) refuse(envelope);   // any thread
//   q.take(64, batch);                                                       // the scheduler
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <vector>

#include "coact/detail/message/envelope.hpp"

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

/// One item from outside: a message for `cell`, a stop request for it (message null), or a
/// publication (cell null; the queue's item owns `topic`).
struct remote_item {
    context* cell;
    std::uint32_t generation;
    envelope* message;
    std::string* topic;
};

class remote_queue {
  public:
    /// Any thread. Queues `item` and wakes the scheduler; false if the door is closed (then the
    /// item is still the caller's). Throws std::bad_alloc (nothing queued) when out of memory.
    bool push(const remote_item& item) {
        {
            const std::lock_guard lock(mutex_);
            if (closed_) return false;
            items_.push_back(item);
            // Release: a reader of the count (the scheduler's loop) may take the item.
            pending_.fetch_add(1, std::memory_order_release);
        }
        wake_.notify_one();
        return true;
    }

    /// The scheduler. Moves up to `limit` items, oldest first, into `out` (emptied first).
    void take(std::size_t limit, std::vector<remote_item>& out) {
        out.clear();
        const std::lock_guard lock(mutex_);
        const std::size_t n = std::min(limit, items_.size());
        out.assign(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(n));
        items_.erase(items_.begin(), items_.begin() + static_cast<std::ptrdiff_t>(n));
        pending_.fetch_sub(n, std::memory_order_relaxed);
    }

    /// Any thread: how many items wait (acquire: pairs with push).
    [[nodiscard]] std::size_t pending() const noexcept {
        return pending_.load(std::memory_order_acquire);
    }

    /// Refuses every push from now on, until open().
    void close() {
        const std::lock_guard lock(mutex_);
        closed_ = true;
    }
    void open() {
        const std::lock_guard lock(mutex_);
        closed_ = false;
    }

    /// What the scheduler sleeps on: a push notifies it, under this mutex the count is exact.
    [[nodiscard]] std::mutex& mutex() noexcept { return mutex_; }
    [[nodiscard]] std::condition_variable& wake() noexcept { return wake_; }

  private:
    std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<remote_item> items_;  // under mutex_
    bool closed_ = false;            // under mutex_
    std::atomic<std::size_t> pending_{0};
};

}  // namespace coact::detail
