// coact/detail/message/envelope_pool.hpp — where envelopes come from and go back to: a thread's
// pool of free envelopes, the depot that work-stealing workers share their surplus through, and
// make_envelope / free_envelope, which take one from a pool and give it back.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <utility>
#include <vector>

#include "coact/detail/message/envelope.hpp"

namespace coact::detail {

#if defined(__SANITIZE_ADDRESS__)
#define COACT_DETAIL_NO_ENVELOPE_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COACT_DETAIL_NO_ENVELOPE_POOL 1
#endif
#endif

/// Work-stealing mode: where the workers' pools send their surplus and take from when empty.
/// Envelopes made on one worker are often freed on another (a publisher's subscribers run
/// elsewhere); without it one pool only grows and the other only calls the system allocator,
/// which measured at half of a fan-out's time. Batches move under a mutex, one lock per batch.
/// It holds what demand needs, as a pool does: up to `limit` envelopes without looking further;
/// beyond it, a spill first releases what a whole depot period (`period`, 1 s by default) left
/// unused above `limit` (a worker that only frees, as one taking messages sent from outside
/// does, would otherwise grow it for ever, and a fixed bound made every message of a deeper
/// burst a malloc). The depot looks while workers are busy, not at an idle point as a pool does,
/// so its period is ten times a pool's: with 100 ms, the depot gave the heap, in the middle of a
/// run, what the consumers of a 5-million-envelope fan-out freed while the publisher was not
/// taking, and the next round made it all again (bench_memory fanout/queued/5000/workers:2 spent
/// 28 % of its time in free() and malloc_trim()).
struct envelope_depot {
    static constexpr std::size_t default_limit = std::size_t{1} << 18U;
    static constexpr std::chrono::steady_clock::duration default_period = std::chrono::seconds(1);

    std::mutex mutex;
    std::vector<envelope*> free;  // guarded by mutex
    const std::size_t limit;      // held without a look at the clock
    // free.size(), stored under the mutex and read without it: an empty depot costs a refilling
    // pool one load, not a lock.
    std::atomic<std::size_t> held{0};
    const std::chrono::steady_clock::duration period;  // how long unused before released
    // Guarded by mutex: the low-water mark of `free` since the period began, and when it began.
    std::size_t low = 0;
    std::chrono::steady_clock::time_point period_start{};

    explicit envelope_depot(std::size_t most = default_limit,
                            std::chrono::steady_clock::duration every = default_period)
        : limit(most), period(every) {}
    envelope_depot(const envelope_depot&) = delete;
    envelope_depot& operator=(const envelope_depot&) = delete;
    ~envelope_depot() {
        for (envelope* e : free) ::operator delete(e);
    }
};

/// What a pool gives back after a burst (envelope_pool::idle): free envelopes that no turn
/// needed during a whole period of at least `period` are returned to the heap, down to `floor`,
/// and glibc is asked to hand the freed pages to the system.
struct envelope_release {
    static constexpr std::size_t floor = 4096;  // kept whatever happens: ~400 KiB
    static constexpr std::chrono::steady_clock::duration period = std::chrono::milliseconds(100);
};

/// Recycled envelopes of one scheduler (not thread-safe: the scheduler thread only). Envelopes
/// made on other threads come from ::operator new and join the pool when freed here. It grows
/// with demand (a million messages queued take a million envelopes once, then reuse them) and
/// gives back what a whole period did not use (idle()); bypassed under AddressSanitizer so that
/// a use after free is still caught.
///
/// The free envelopes are kept in an array of pointers, not in a list threaded through the
/// envelopes: taking one then needs no load from the envelope itself. With a list, each
/// allocation waits for the previous free envelope's `next` to come from memory, and a fan-out
/// allocating a thousand envelopes in a row spent most of its time on that chain of cache misses.
class envelope_pool {
  public:
    using time_point = std::chrono::steady_clock::time_point;

    envelope_pool() = default;
    envelope_pool(const envelope_pool&) = delete;
    envelope_pool& operator=(const envelope_pool&) = delete;
    ~envelope_pool() {
        for (std::size_t i = 0; i < size_; ++i) ::operator delete(slots_[i]);
        delete[] slots_;
    }

    /// Work-stealing mode: share surplus through `depot`, keeping at most `limit` (a power of two
    /// of at least 256) here. Without a depot a pool keeps every envelope it is given back, as
    /// many as the deepest queueing needed, until idle() finds them unused.
    void use_depot(envelope_depot* depot, std::size_t limit) noexcept {
        depot_ = depot;
        limit_ = limit;
    }

    // The fast paths stay this small so that they are inlined into every actor body (measured:
    // with the slow paths inline, g++ called both out of line, +26 instructions per message).
    //
    // `mark_` is the low-water mark of this period, rounded down by up to `mark_step`: the
    // envelopes below it were not taken since the period began. Comparing with it instead of 0
    // costs the fast path nothing; each step down is one call to the slow path.
    [[nodiscard]] COACT_HOT void* allocate() {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        if (size_ > mark_) [[likely]]
            return slots_[--size_];
#endif
        return allocate_slow();
    }

    COACT_HOT void deallocate(envelope* e) noexcept {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        if (size_ < capacity_) [[likely]] {
            slots_[size_++] = e;
            return;
        }
#endif
        deallocate_slow(e);
    }

    /// Called where the scheduler has nothing to run (run() returns, it waits), and by a full
    /// pool before it grows. Once a period has passed since the last release, gives the heap the
    /// envelopes that no allocation reached during it (beyond envelope_release::floor) and starts
    /// a new period. Returns how many it gave back.
    std::size_t idle(time_point now) noexcept {
        if (now - period_start_ < envelope_release::period) return 0;
        std::size_t n = 0;
        if (mark_ > envelope_release::floor) {
            n = mark_ - envelope_release::floor;
            // Which envelopes go does not matter: every free one is alike. The top of the stack
            // goes, so nothing moves.
            for (std::size_t i = size_ - n; i < size_; ++i) ::operator delete(slots_[i]);
            size_ -= n;
            shrink_array();
        }
        period_start_ = now;
        mark_ = size_;
        taken_ = false;
        if (n * sizeof(envelope) >= trim_threshold) give_pages_back();
        return n;
    }

    [[nodiscard]] std::size_t free_count() const noexcept { return size_; }

  private:
    static constexpr std::size_t mark_step = 256;
    static constexpr std::size_t trim_threshold = std::size_t{1} << 20U;  // bytes

    [[gnu::noinline]] void* allocate_slow() {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        taken_ = true;
        if (size_ != 0) {  // below the period's mark: lower it a step
            mark_ = size_ > mark_step ? size_ - mark_step : 0;
            return slots_[--size_];
        }
        mark_ = 0;
        if (depot_ != nullptr && refill()) return slots_[--size_];
#endif
        return ::operator new(sizeof(envelope));
    }

    [[gnu::noinline]] void deallocate_slow(envelope* e) noexcept {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        if (depot_ != nullptr && capacity_ >= limit_) {  // full: half to the depot, if it has room
            if (spill()) {
                slots_[size_++] = e;
                return;
            }
        } else if (depot_ == nullptr && release_when_full()) {
            slots_[size_++] = e;
            return;
        } else if (grow()) {
            slots_[size_++] = e;
            return;
        }
#endif
        ::operator delete(e);
    }

    // Full, and no depot: a thread that only frees (envelopes sent from outside come from the
    // heap) would grow the pool for as long as the scheduler never finds itself idle. Once a
    // period has passed, what it left unused goes (idle); a period in which nothing was taken
    // starts a new one, so that the next can. A period in which allocations reached below the
    // mark is a burst under way: its envelopes come back now and the idle point after it
    // judges them (restarting here, in the middle, would count only half of them as unused).
    // True if something was released (the array has room).
    bool release_when_full() noexcept {
        const time_point now = std::chrono::steady_clock::now();
        if (now - period_start_ < envelope_release::period) return false;
        if (mark_ > envelope_release::floor) return idle(now) != 0;
        if (!taken_) {
            period_start_ = now;
            mark_ = size_;
        }
        return false;
    }

    // Takes up to half the limit from the depot; false if it had none.
    bool refill() noexcept {
        if (depot_->held.load(std::memory_order_relaxed) == 0) return false;  // a hint: no lock
        if (capacity_ < limit_ && !grow_to(limit_)) return false;
        std::lock_guard lock(depot_->mutex);
        std::vector<envelope*>& free = depot_->free;
        const std::size_t n = std::min(free.size(), limit_ / 2);
        for (std::size_t i = 0; i < n; ++i) slots_[size_++] = free[free.size() - 1 - i];
        free.resize(free.size() - n);
        depot_->low = std::min(depot_->low, free.size());
        depot_->held.store(free.size(), std::memory_order_relaxed);
        return n != 0;
    }

    // Gives half of this pool to the depot; false if it took none (out of memory).
    bool spill() noexcept {
        const std::size_t n = size_ / 2;
        std::vector<envelope*> unused;  // what the depot releases, freed after the lock
        try {
            std::lock_guard lock(depot_->mutex);
            std::vector<envelope*>& free = depot_->free;
            if (free.size() >= depot_->limit) release_unused(unused);
            free.insert(free.end(), slots_ + size_ - n, slots_ + size_);
            depot_->held.store(free.size(), std::memory_order_relaxed);
        } catch (...) {
            return false;
        }
        size_ -= n;
        mark_ = std::min(mark_, size_);
        for (envelope* e : unused) ::operator delete(e);
        if (unused.size() * sizeof(envelope) >= trim_threshold) give_pages_back();
        return n != 0;
    }

    // Under the depot's mutex, with the depot at its limit: once a period has passed, moves what
    // it left unused above the limit into `out`, and starts a new period.
    void release_unused(std::vector<envelope*>& out) {
        const auto now = std::chrono::steady_clock::now();
        if (now - depot_->period_start < depot_->period) return;
        std::vector<envelope*>& free = depot_->free;
        const std::size_t low = std::min(depot_->low, free.size());
        if (low > depot_->limit) {
            const std::size_t n = low - depot_->limit;
            out.assign(free.end() - static_cast<std::ptrdiff_t>(n), free.end());
            free.resize(free.size() - n);
        }
        depot_->period_start = now;
        depot_->low = free.size();
    }

    bool grow_to(std::size_t wanted) noexcept {
        while (capacity_ < wanted) {
            if (!grow()) return false;
        }
        return true;
    }

    // Doubles the array (up to the depot's limit, if any); false when full or out of memory.
    bool grow() noexcept {
        if (depot_ != nullptr && capacity_ >= limit_) return false;
        return resize_array(capacity_ == 0 ? 256 : capacity_ * 2);
    }

    // After a release: an array four times bigger than its content halves.
    void shrink_array() noexcept {
        std::size_t smaller = capacity_;
        while (smaller > 256 && size_ * 4 <= smaller) smaller /= 2;
        if (smaller != capacity_) static_cast<void>(resize_array(smaller));
    }

    bool resize_array(std::size_t wanted) noexcept {
        auto* slots = new (std::nothrow) envelope*[wanted];
        if (slots == nullptr) return false;
        for (std::size_t i = 0; i < size_; ++i) slots[i] = slots_[i];
        delete[] slots_;
        slots_ = slots;
        capacity_ = wanted;
        return true;
    }

    // src/message/envelope_pool.cpp: malloc_trim, where glibc has it.
    static void give_pages_back() noexcept;

    envelope** slots_ = nullptr;
    std::size_t size_ = 0;
    std::size_t mark_ = 0;  // the period's low-water mark (see allocate)
    bool taken_ = false;    // the period reached allocate_slow: allocations went below the mark
    std::size_t capacity_ = 0;
    envelope_depot* depot_ = nullptr;
    std::size_t limit_ = 0;  // with a depot: the most kept here
    time_point period_start_{};
};

/// Makes an envelope holding a T built from `value`, from `pool` (or ::operator new if null).
template <class T, class U>
[[nodiscard]] COACT_HOT envelope* make_envelope(envelope_pool* pool, U&& value,
                                                context* sender = nullptr,
                                                std::uint32_t sender_generation = 0,
                                                envelope_kind kind = envelope_kind::plain,
                                                std::uint32_t request = 0) {
    void* block = pool != nullptr ? pool->allocate() : ::operator new(sizeof(envelope));
    auto* e = ::new (block) envelope;
    e->sender = sender;
    e->sender_generation = sender_generation;
    e->kind = kind;
    e->request = request;
    e->slot = nullptr;
    try {
        if constexpr (stored_inline<T>) {
            ::new (static_cast<void*>(e->storage)) T(std::forward<U>(value));
        } else {
            ::new (static_cast<void*>(e->storage)) T*(new T(std::forward<U>(value)));
        }
    } catch (...) {
        if (pool != nullptr) {
            pool->deallocate(e);
        } else {
            ::operator delete(block);
        }
        throw;
    }
    e->ops = &ops_of<T>::value;
    return e;
}

/// Gives back the place `e` took in a bounded mailbox, if any (seq_cst: actor/cell_policy.hpp, step
/// 2).
inline void release_slot(envelope* e) noexcept {
    if (e->slot != nullptr) [[unlikely]] {
        e->slot->fetch_sub(1, std::memory_order_seq_cst);
        e->slot = nullptr;
    }
}

/// Destroys the payload and returns the envelope to `pool`.
inline void free_envelope(envelope_pool& pool, envelope* e) noexcept {
    release_slot(e);
    if (e->ops->destroy != nullptr) e->ops->destroy(e->storage);
    pool.deallocate(e);
}

/// Destroys the payload and returns the envelope to `pool`, or to the heap if `pool` is null.
COACT_HOT void free_envelope(envelope_pool* pool, envelope* e) noexcept {
    release_slot(e);
    if (e->ops->destroy != nullptr) e->ops->destroy(e->storage);
    if (pool != nullptr) {
        pool->deallocate(e);
    } else {
        ::operator delete(e);
    }
}

/// Destroys the payload of an envelope made without a pool and frees it (any thread).
inline void free_unpooled_envelope(envelope* e) noexcept {
    release_slot(e);
    if (e->ops->destroy != nullptr) e->ops->destroy(e->storage);
    ::operator delete(e);
}

}  // namespace coact::detail
