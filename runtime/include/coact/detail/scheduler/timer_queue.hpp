// coact/detail/scheduler/timer_queue.hpp — pending timers, earliest first.
//
// A binary heap ordered by (deadline, sequence number): timers with the same deadline fire in
// the order they were set, which keeps single-threaded runs deterministic. Two kinds: a wake-up
// for an actor waiting in sleep/receive_for (cancelled lazily: a stale entry is recognised by
// its token and skipped) and a delayed message (send_after) that owns its envelope.
// `live()` counts the timers that will still do something; run() may return when it is zero.
// A delayed message whose deadline is `never` (deadline.hpp: past the clock's range) is kept
// aside, not in the heap: it never fires, run() does not wait for it, virtual time never jumps
// to it, and clear() hands it over with the others (shutdown counts it as a dead letter).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "coact/detail/actor/deadline.hpp"
#include "coact/detail/message/envelope.hpp"

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

struct timer_entry {
    clock::time_point deadline;
    std::uint64_t sequence;
    context* cell;
    std::uint32_t generation;
    std::uint32_t token;  // wake-ups: must match the cell's token to count
    envelope* message;    // send_after: the message to deliver; null for wake-ups
};

class timer_queue {
  public:
    void push(clock::time_point deadline, context* cell, std::uint32_t generation,
              std::uint32_t token, envelope* message) {
        if (deadline == never) {  // a wake-up that never comes is not armed (context::arm_timer)
            if (message != nullptr) never_.push_back(message);
            return;
        }
        heap_.push_back({deadline, next_sequence_++, cell, generation, token, message});
        std::push_heap(heap_.begin(), heap_.end(), later);
        ++live_;
    }

    [[nodiscard]] bool empty() const noexcept { return heap_.empty(); }
    [[nodiscard]] const timer_entry& top() const noexcept { return heap_.front(); }

    timer_entry pop() {
        std::pop_heap(heap_.begin(), heap_.end(), later);
        timer_entry e = heap_.back();
        heap_.pop_back();
        return e;
    }

    /// Timers that will still fire for real (wake-ups not yet cancelled, and delayed messages).
    [[nodiscard]] std::size_t live() const noexcept { return live_; }
    void retire_one() noexcept { --live_; }

    /// Empties the queue, handing every delayed message to `fn` (shutdown).
    template <class Fn>
    void clear(Fn&& fn) {
        for (timer_entry& e : heap_) {
            if (e.message != nullptr) fn(e.message);
        }
        heap_.clear();
        for (envelope* e : never_) fn(e);
        never_.clear();
        live_ = 0;
    }

  private:
    static bool later(const timer_entry& a, const timer_entry& b) noexcept {
        return a.deadline != b.deadline ? a.deadline > b.deadline : a.sequence > b.sequence;
    }

    std::vector<timer_entry> heap_;
    std::vector<envelope*> never_;  // delayed messages that never come due
    std::uint64_t next_sequence_ = 0;
    std::size_t live_ = 0;
};

}  // namespace coact::detail
