// scheduler/work_stealing/notice_queue.hpp — a worker's notices: the actors it owns (or may own)
// whose inbox went from empty to not empty on another thread, and the actors another worker
// woke and hands to this one to run (ownership.hpp).
//
// Many producers (any thread whose push found an inbox empty), one consumer (the owner, at its
// turn boundaries and before it parks) and, rarely, a thief taking the notices of a worker stuck
// in a long turn (owner_guard.hpp). A notice carries no envelope: it says "look at this cell's
// inbox", with the worker whose send made it non-empty (the actor, if idle, is woken there), or
// "run this actor" (it is busy: whoever has it may run it). A stale or duplicate look costs a
// look at an empty inbox.
//
// The queue is moodycamel's ConcurrentQueue. `count_` makes the notices visible to parking:
// push() increments it with seq_cst after the enqueue (the publication half of parking's
// Dekker pattern, idle.hpp step 1), and a parking worker reads it with seq_cst (step 2).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>

#include <concurrentqueue/concurrentqueue.h>

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

/// The worker index of a notice sent from a thread that is not a worker (no worker index: the
/// owner word's special ids are above it, ownership.hpp).
inline constexpr std::uint16_t from_outside = 0xfffd;

struct notice {
    context* cell = nullptr;
    std::uint16_t from = from_outside;  // look: the sending worker
    bool run = false;                   // true: "run this actor" (handed over, busy)
};

class notice_queue {
  public:
    /// A producer's own lane into one queue (a worker keeps one per other worker's queue): an
    /// enqueue through it skips moodycamel's per-thread lookup of the implicit producer.
    using lane = moodycamel::ProducerToken;
    [[nodiscard]] lane make_lane() { return lane(queue_); }

    /// Any thread. Throws std::bad_alloc if the queue cannot grow.
    void push(notice n) {
        if (!queue_.enqueue(n)) throw std::bad_alloc();
        count_.fetch_add(1, std::memory_order_seq_cst);
    }
    /// The thread that owns `through`, made by this queue's make_lane().
    void push(lane& through, notice n) {
        if (!queue_.enqueue(through, n)) throw std::bad_alloc();
        count_.fetch_add(1, std::memory_order_seq_cst);
    }

    /// The consumer: takes up to `max` notices into `out`; returns how many.
    std::size_t take(notice* out, std::size_t max) noexcept {
        if (count_.load(std::memory_order_relaxed) <= 0) return 0;
        const std::size_t n = queue_.try_dequeue_bulk(out, max);
        // Relaxed: a hint for the next look; parking re-reads it with seq_cst.
        count_.fetch_sub(static_cast<std::int64_t>(n), std::memory_order_relaxed);
        return n;
    }

    /// Any thread: whether notices wait (relaxed: a hint, at every turn boundary).
    [[nodiscard]] bool pending_approx() const noexcept {
        return count_.load(std::memory_order_relaxed) > 0;
    }
    /// A parking worker's re-check (seq_cst: idle.hpp step 2).
    [[nodiscard]] bool pending() const noexcept {
        return count_.load(std::memory_order_seq_cst) > 0;
    }

    /// With no worker running (shutdown): forgets every notice.
    void clear() noexcept {
        notice n;
        while (queue_.try_dequeue(n)) {
        }
        count_.store(0, std::memory_order_relaxed);
    }

  private:
    moodycamel::ConcurrentQueue<notice> queue_;
    // Incremented after each enqueue, decremented after each dequeue: briefly below the
    // number queued (or even negative), never above it for long.
    alignas(64) std::atomic<std::int64_t> count_{0};
};

}  // namespace coact::detail
