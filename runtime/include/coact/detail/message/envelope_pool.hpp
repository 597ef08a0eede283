// coact/detail/message/envelope_pool.hpp — where envelopes come from and go back to: a thread's
// pool of free envelopes, the depot that work-stealing workers share their surplus through, and
// make_envelope / free_envelope, which take one from a pool and give it back.
#pragma once

#include <algorithm>
#include <atomic>
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

/// Recycled envelopes of one scheduler (not thread-safe: the scheduler thread only). Envelopes
/// made on other threads come from ::operator new and join the pool when freed here. Bounded;
/// bypassed under AddressSanitizer so that a use after free is still caught.
///
/// The free envelopes are kept in an array of pointers, not in a list threaded through the
/// envelopes: taking one then needs no load from the envelope itself. With a list, each
/// allocation waits for the previous free envelope's `next` to come from memory, and a fan-out
/// allocating a thousand envelopes in a row spent most of its time on that chain of cache misses.
/// Work-stealing mode: where the workers' pools send their surplus and take from when empty.
/// Envelopes made on one worker are often freed on another (a publisher's subscribers run
/// elsewhere); without it one pool only grows and the other only calls the system allocator,
/// which measured at half of a fan-out's time. Batches move under a mutex, one lock per batch.
/// Bounded: beyond `limit` envelopes, a spilling pool gives its surplus back to the heap (a worker
/// that only frees, as one taking messages sent from outside does, would otherwise grow it for
/// ever).
struct envelope_depot {
    static constexpr std::size_t default_limit = std::size_t{1} << 18U;

    std::mutex mutex;
    std::vector<envelope*> free;  // guarded by mutex
    const std::size_t limit;      // most envelopes `free` holds
    // free.size(), stored under the mutex and read without it: a full depot costs a spilling pool
    // one load, not a lock per envelope freed.
    std::atomic<std::size_t> held{0};

    explicit envelope_depot(std::size_t most = default_limit) : limit(most) {}
    envelope_depot(const envelope_depot&) = delete;
    envelope_depot& operator=(const envelope_depot&) = delete;
    ~envelope_depot() {
        for (envelope* e : free) ::operator delete(e);
    }
};

class envelope_pool {
  public:
    envelope_pool() = default;
    envelope_pool(const envelope_pool&) = delete;
    envelope_pool& operator=(const envelope_pool&) = delete;
    ~envelope_pool() {
        for (std::size_t i = 0; i < size_; ++i) ::operator delete(slots_[i]);
        delete[] slots_;
    }

    /// Work-stealing mode: share surplus through `depot`, keeping at most `limit` (a power of two
    /// of at least 256) here.
    void use_depot(envelope_depot* depot, std::size_t limit) noexcept {
        depot_ = depot;
        limit_ = limit;
    }

    // The fast paths stay this small so that they are inlined into every actor body (measured:
    // with the slow paths inline, g++ called both out of line, +26 instructions per message).
    [[nodiscard]] COACT_HOT void* allocate() {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        if (size_ != 0) [[likely]]
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

  private:
    [[gnu::noinline]] void* allocate_slow() {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
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
        } else if (grow()) {
            slots_[size_++] = e;
            return;
        }
#endif
        ::operator delete(e);
    }

    static constexpr std::size_t max_capacity = std::size_t{1} << 16U;

    // Takes up to half the limit from the depot; false if it had none.
    bool refill() noexcept {
        if (depot_->held.load(std::memory_order_relaxed) == 0) return false;  // a hint: no lock
        if (capacity_ < limit_ && !grow_to(limit_)) return false;
        std::lock_guard lock(depot_->mutex);
        std::vector<envelope*>& free = depot_->free;
        const std::size_t n = std::min(free.size(), limit_ / 2);
        for (std::size_t i = 0; i < n; ++i) slots_[size_++] = free[free.size() - 1 - i];
        free.resize(free.size() - n);
        depot_->held.store(free.size(), std::memory_order_relaxed);
        return n != 0;
    }

    // Gives up to half of this pool to the depot, as many as it has room for; false if it took
    // none (full, or out of memory).
    bool spill() noexcept {
        if (depot_->held.load(std::memory_order_relaxed) >= depot_->limit) return false;
        std::size_t n = size_ / 2;
        try {
            std::lock_guard lock(depot_->mutex);
            std::vector<envelope*>& free = depot_->free;
            n = std::min(n, depot_->limit - std::min(depot_->limit, free.size()));
            free.insert(free.end(), slots_ + size_ - n, slots_ + size_);
            depot_->held.store(free.size(), std::memory_order_relaxed);
        } catch (...) {
            return false;
        }
        size_ -= n;
        return n != 0;
    }

    bool grow_to(std::size_t wanted) noexcept {
        while (capacity_ < wanted) {
            if (!grow()) return false;
        }
        return true;
    }

    // Doubles the array (up to max_capacity); false when full or out of memory.
    bool grow() noexcept {
        if (capacity_ == max_capacity) return false;
        const std::size_t bigger = capacity_ == 0 ? 256 : capacity_ * 2;
        auto* slots = new (std::nothrow) envelope*[bigger];
        if (slots == nullptr) return false;
        for (std::size_t i = 0; i < size_; ++i) slots[i] = slots_[i];
        delete[] slots_;
        slots_ = slots;
        capacity_ = bigger;
        return true;
    }

    envelope** slots_ = nullptr;
    std::size_t size_ = 0;
    std::size_t capacity_ = 0;
    envelope_depot* depot_ = nullptr;
    std::size_t limit_ = max_capacity;
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
