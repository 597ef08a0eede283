// scheduler/work_stealing/work_deque.hpp — a worker's bounded work-stealing deque of ready actors.
//
// The Chase–Lev deque in the form of N. M. Lê, A. Pop, A. Cohen and F. Zappa Nardelli, "Correct
// and Efficient Work-Stealing for Weak Memory Models", PPoPP 2013, with a fixed power-of-two
// capacity instead of a growing array. T is a pointer type; nullptr means "nothing".
//
// Threads: one owner thread calls push() and pop(), at the bottom end (LIFO: the actor made
// ready last is run next, while its data is still in cache). Any other thread calls steal(), at
// the top end (FIFO: a thief takes the oldest work). size_approx(), empty_approx() and
// capacity() may be called from any thread. The deque owns no T: it stores pointers only, and
// must outlive every call on it (join or park the thieves before destroying it).
//
//   coact::detail::work_deque<context*> local(256);
//   if (!local.push(cell)) global.push(cell);      // owner; full: overflow elsewhere
//   if (context* next = local.pop()) run(next);     // owner, newest first
//   if (context* got = victim.steal()) run(got);    // another worker, oldest first
//   // nullptr from steal(): empty, or lost a race for the item; retry or try another victim
//
// The protocol. Indices top_ and bottom_ only grow (the owner briefly takes bottom_ back by one
// in pop()); items live in [top_, bottom_), slot i at slots_[i & mask_]. Where the paper has
// seq_cst fences, the operations on top_ and bottom_ next to them are seq_cst instead: this is at
// least as strong, and ThreadSanitizer, which does not model standalone fences, can then check
// the whole protocol (and the slots are atomics, so a racing slot read is no data race).
//   1. push writes the slot, then publishes it with a release store of bottom_; a thief's
//      seq_cst (so acquire) load of bottom_ that sees the index then sees the slot.
//   2. pop claims index b with a seq_cst store of bottom_ = b, then reads top_ (seq_cst); steal
//      reads top_, then bottom_ (seq_cst). All four fall in one total order, so no thief can
//      both miss the claim and hold a top_ newer than the one the owner read: if the owner
//      finds top_ < b, no thief takes the claimed item; if top_ == b, point 3 decides. (A store
//      then a load of another variable is Dekker's pattern, which release/acquire does not order.)
//   3. The last item (top_ == the claimed index) goes to whoever moves top_ by CAS: owner or
//      thief, never both. Thieves always CAS, so two thieves never return the same item.
//   4. A thief may read a slot the owner is overwriting (after thieves moved top_ past it and the
//      owner wrapped around): its CAS on top_ then fails and the value is dropped.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <type_traits>

namespace coact::detail {

template <class T>
class work_deque {
    static_assert(std::is_pointer_v<T>, "work_deque holds pointers: nullptr means empty");

  public:
    /// `capacity` must be a power of two (>= 1); throws std::invalid_argument otherwise.
    explicit work_deque(std::size_t capacity)
        : slots_(make_slots(capacity)), mask_(static_cast<std::int64_t>(capacity) - 1) {}

    work_deque(const work_deque&) = delete;
    work_deque& operator=(const work_deque&) = delete;

    /// Owner only. Adds `item` (not nullptr) at the bottom; false if the deque is full (it may
    /// also be false when thieves have just made room: the caller overflows either way).
    [[nodiscard]] bool push(T item) noexcept {
        // Relaxed: only the owner writes bottom_.
        const std::int64_t b = bottom_.load(std::memory_order_relaxed);
        // Acquire: the slot reused below was last read by the thief whose CAS moved top_ past
        // it; synchronising with that CAS makes the read happen before our overwrite, so the
        // thief cannot have read the new item (point 4).
        const std::int64_t t = top_.load(std::memory_order_acquire);
        if (b - t > mask_) return false;
        // Relaxed: published by the release store of bottom_ below (point 1).
        slots_[b & mask_].store(item, std::memory_order_relaxed);
        // Release: a thief that sees b + 1 also sees the slot.
        bottom_.store(b + 1, std::memory_order_release);
        return true;
    }

    /// Owner only. Removes the newest item; nullptr if the deque is empty (or a thief took the
    /// last item first).
    [[nodiscard]] T pop() noexcept {
        // Relaxed: bottom_ is ours. Relaxed top_: it only grows, so a stale value understates
        // it, and top >= bottom is then certainly empty. Saves the seq_cst store when idle.
        const std::int64_t b = bottom_.load(std::memory_order_relaxed) - 1;
        if (top_.load(std::memory_order_relaxed) > b) return nullptr;
        // seq_cst store, then seq_cst load: the paper's fence between them (point 2).
        bottom_.store(b, std::memory_order_seq_cst);
        std::int64_t t = top_.load(std::memory_order_seq_cst);
        if (t > b) {
            // Thieves emptied it meanwhile. Release: thieves that read this value must see
            // the slots written before it, like every store of bottom_ (C++20 release
            // sequences no longer include later plain stores of the same thread).
            bottom_.store(b + 1, std::memory_order_release);
            return nullptr;
        }
        // Relaxed: the owner wrote this slot itself.
        T item = slots_[b & mask_].load(std::memory_order_relaxed);
        if (t < b) return item;  // more than one left: no thief can reach index b (point 2)
        // The last item: race the thieves for it (point 3). seq_cst like the paper's CAS, which
        // orders it with the thieves' loads of top_; relaxed on failure, nothing is read.
        if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                          std::memory_order_relaxed)) {
            item = nullptr;
        }
        // Release: as above. The deque is now empty with bottom_ == top_.
        bottom_.store(b + 1, std::memory_order_release);
        return item;
    }

    /// Any thread but the owner. Removes the oldest item; nullptr if the deque is empty or this
    /// thief lost the race for the item (to another thief, or to the owner for the last one).
    /// nullptr therefore does not prove emptiness: check empty_approx() before giving up.
    [[nodiscard]] T steal() noexcept {
        // seq_cst load of top_, then of bottom_: the paper's acquire loads with its seq_cst
        // fence between them (point 2). Acquire on bottom_ also makes the slot visible (point 1).
        std::int64_t t = top_.load(std::memory_order_seq_cst);
        const std::int64_t b = bottom_.load(std::memory_order_seq_cst);
        if (t >= b) return nullptr;
        // Relaxed: may race with the owner's overwrite; the CAS then fails (point 4).
        T item = slots_[t & mask_].load(std::memory_order_relaxed);
        // seq_cst on success (the paper's; it is also the release the owner's push acquires,
        // point 4); relaxed on failure: the item is dropped, nothing else is read.
        if (!top_.compare_exchange_strong(t, t + 1, std::memory_order_seq_cst,
                                          std::memory_order_relaxed)) {
            return nullptr;
        }
        return item;
    }

    /// Any thread. Relaxed loads: a hint for a scheduler choosing a victim, stale at once.
    [[nodiscard]] std::size_t size_approx() const noexcept {
        const std::int64_t b = bottom_.load(std::memory_order_relaxed);
        const std::int64_t t = top_.load(std::memory_order_relaxed);
        return b > t ? static_cast<std::size_t>(b - t) : 0;
    }

    [[nodiscard]] bool empty_approx() const noexcept { return size_approx() == 0; }

    [[nodiscard]] std::size_t capacity() const noexcept {
        return static_cast<std::size_t>(mask_) + 1;
    }

  private:
    // 64 bytes rather than std::hardware_destructive_interference_size, which g++ 12 warns
    // about in headers (its value may change between compiler versions).
    static constexpr std::size_t cache_line = 64;

    static std::unique_ptr<std::atomic<T>[]> make_slots(std::size_t capacity) {
        if (capacity == 0 || (capacity & (capacity - 1)) != 0) {
            throw std::invalid_argument("work_deque: capacity must be a power of two");
        }
        return std::make_unique<std::atomic<T>[]>(capacity);
    }

    // top_ is written by thieves (and by the owner for the last item), bottom_ only by the
    // owner: each on its own cache line, and away from the read-only slots_ and mask_.
    alignas(cache_line) std::atomic<std::int64_t> top_{0};
    alignas(cache_line) std::atomic<std::int64_t> bottom_{0};
    alignas(cache_line) const std::unique_ptr<std::atomic<T>[]> slots_;
    const std::int64_t mask_;
};

}  // namespace coact::detail
