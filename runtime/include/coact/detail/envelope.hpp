// coact/detail/envelope.hpp — one message in flight: the payload plus who sent it and why.
//
// Payloads up to `inline_capacity` bytes that are nothrow-movable live inside the envelope;
// larger ones are boxed on the heap (one allocation). Envelopes themselves are recycled by the
// scheduler's envelope_pool, so steady-state messaging allocates nothing. An envelope has one owner
// at a time (a mailbox, a timer, the injection queue, or the actor taking it) and is freed with
// free_envelope(), which destroys the payload.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {
/// take() of a move-only payload that other subscribers still share (it cannot be copied).
[[noreturn]] void throw_shared_move_only(const std::type_info& type);
}  // namespace coact::detail

/// For the few functions on the per-message path that g++ would otherwise leave out of line in a
/// coroutine body (measured: ~15% of the instructions of a ping-pong message).
#define COACT_HOT [[gnu::always_inline]] inline

namespace coact::detail {

inline constexpr std::size_t inline_capacity = 48;

template <class T>
inline constexpr bool stored_inline =
    sizeof(T) <= inline_capacity &&
    alignof(T) <= alignof(std::max_align_t) && std::is_nothrow_move_constructible_v<T>;

/// What the runtime knows about a payload type without templates: its name, its destructor and
/// whether the storage holds a shared (published) payload rather than the envelope's own.
struct type_ops {
    const std::type_info* type;
    void (*destroy)(void* storage) noexcept;
    bool shared = false;
    /// For shared payloads: the same type with a plain (non-atomic) reference count update, for
    /// a runtime whose every envelope is freed on one thread.
    const type_ops* single_threaded = nullptr;
};

/// One published payload shared by every subscriber's envelope (pub/sub fan-out): the envelopes
/// hold a pointer to it and the last one to go deletes it. The count is atomic so that a later
/// multi-threaded scheduler can share payloads across threads as they are.
struct shared_payload {
    std::atomic<std::uint32_t> refs{1};
};

template <class T>
struct shared_payload_of final : shared_payload {
    template <class U>
    shared_payload_of(std::in_place_t /*unused*/, U&& v) : value(std::forward<U>(v)) {}
    T value;
};

[[nodiscard]] inline shared_payload* shared_in(void* storage) noexcept {
    return *std::launder(static_cast<shared_payload**>(storage));
}
[[nodiscard]] inline const shared_payload* shared_in(const void* storage) noexcept {
    return *std::launder(static_cast<shared_payload* const*>(storage));
}

template <class T>
struct ops_of {
    static void destroy(void* storage) noexcept {
        if constexpr (stored_inline<T>) {
            std::launder(static_cast<T*>(storage))->~T();
        } else {
            delete *static_cast<T**>(storage);
        }
    }
    // Trivially destructible inline payloads need no call at all.
    static constexpr type_ops value{
        &typeid(T), stored_inline<T>&& std::is_trivially_destructible_v<T> ? nullptr : &destroy};
};

template <class T>
struct shared_ops_of {
    static void destroy(void* storage) noexcept {
        shared_payload* p = shared_in(storage);
        if (p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            delete static_cast<shared_payload_of<T>*>(p);
        }
    }
    // Every reference is dropped on the scheduler's one thread: no read-modify-write needed
    // (measured: the locked decrement was a fifth of a fan-out delivery's time).
    static void destroy_single_threaded(void* storage) noexcept {
        shared_payload* p = shared_in(storage);
        const std::uint32_t left = p->refs.load(std::memory_order_relaxed) - 1;
        if (left == 0) {
            delete static_cast<shared_payload_of<T>*>(p);
            return;
        }
        p->refs.store(left, std::memory_order_relaxed);
    }
    static constexpr type_ops single{&typeid(T), &destroy_single_threaded, true};
    static constexpr type_ops value{&typeid(T), &destroy, true, &single};
};

enum class envelope_kind : std::uint8_t {
    plain,     ///< an ordinary message
    ask,       ///< a request: the receiver owes the sender a reply
    reply,     ///< the answer to an ask
    no_reply,  ///< the asked actor ended or moved on without replying
    // Work-stealing mode only: events for an actor travel through its inbox as envelopes, so
    // that only the thread running the actor touches its private state.
    stop,     ///< stop() was called on the actor
    timeout,  ///< the actor's sleep/receive_for timer fired; `request` holds the timer's token
};

// Trivially constructible on purpose: make_envelope() writes every field exactly once.
struct envelope {
    envelope* next;
    const type_ops* ops;
    context* sender;  ///< null for messages from outside the runtime
    std::uint32_t sender_generation;
    envelope_kind kind;
    std::uint32_t request;  ///< ask/reply/no_reply: the asker's request number
    /// Work-stealing mode: the generation of the actor it is for, checked by the reader (the
    /// cell may have been reused by another actor since the sender got its address).
    std::uint32_t target_generation;
    /// A bounded mailbox's count this envelope takes a place in (null: none); given back when
    /// the receiver takes it or when it is freed (extras.hpp).
    std::atomic<std::uint32_t>* slot;
    alignas(std::max_align_t) unsigned char storage[inline_capacity];

    template <class T>
    [[nodiscard]] bool holds() const noexcept {
        return ops == &ops_of<T>::value || (ops != nullptr && *ops->type == typeid(T));
    }

    /// The envelope's own payload (not for shared payloads: see take() and view()).
    template <class T>
    [[nodiscard]] T& get() noexcept {
        if constexpr (stored_inline<T>) {
            return *std::launder(reinterpret_cast<T*>(storage));
        } else {
            return **std::launder(reinterpret_cast<T**>(storage));
        }
    }

    /// The payload as a value for the receiver: moved out of the envelope, or, for a payload
    /// shared with other subscribers, copied (moved only if this envelope holds the last
    /// reference).
    template <class T>
    [[nodiscard]] COACT_HOT T take() {
        if (ops->shared) [[unlikely]]
            return take_shared<T>();
        return std::move(get<T>());
    }

    /// The payload, read-only and never copied.
    template <class T>
    [[nodiscard]] const T& view() noexcept {
        if (ops->shared) [[unlikely]]
            return static_cast<const shared_payload_of<T>*>(shared_in(storage))->value;
        return get<T>();
    }

  private:
    template <class T>
    [[nodiscard]] T take_shared() {
        auto* p = static_cast<shared_payload_of<T>*>(shared_in(storage));
        if (p->refs.load(std::memory_order_acquire) == 1) return std::move(p->value);
        if constexpr (std::is_copy_constructible_v<T>) {
            return p->value;  // copy on write: others still read it
        } else {
            throw_shared_move_only(*ops->type);
        }
    }
};

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

/// Makes an envelope holding a new shared payload (reference count 1) built from `value`: the
/// original of a publication, cloned once per subscriber by clone_shared().
template <class T, class U>
[[nodiscard]] envelope* make_shared_envelope(envelope_pool* pool, U&& value,
                                             context* sender = nullptr,
                                             std::uint32_t sender_generation = 0) {
    auto* payload = new shared_payload_of<T>(std::in_place, std::forward<U>(value));
    void* block = nullptr;
    try {
        block = pool != nullptr ? pool->allocate() : ::operator new(sizeof(envelope));
    } catch (...) {
        delete payload;
        throw;
    }
    auto* e = ::new (block) envelope;
    e->sender = sender;
    e->sender_generation = sender_generation;
    e->kind = envelope_kind::plain;
    e->request = 0;
    e->slot = nullptr;
    ::new (static_cast<void*>(e->storage)) shared_payload*(payload);
    e->ops = &shared_ops_of<T>::value;
    return e;
}

/// Gives the shared payload of `original` `extra` more references at once, before clone_shared()
/// hands them out (one atomic operation per publication, not one per subscriber).
inline void add_shared_references(envelope* original, std::uint32_t extra) noexcept {
    shared_in(original->storage)->refs.fetch_add(extra, std::memory_order_relaxed);
}

/// Another envelope for the shared payload of `original`, taking one of the references that
/// add_shared_references() made (no copy of the payload, no atomic operation).
[[nodiscard]] inline envelope* clone_shared(envelope_pool* pool, const envelope* original) {
    auto* e =
        ::new (pool != nullptr ? pool->allocate() : ::operator new(sizeof(envelope))) envelope;
    e->ops = original->ops;
    e->sender = original->sender;
    e->sender_generation = original->sender_generation;
    e->kind = original->kind;
    e->request = original->request;
    e->slot = nullptr;
    ::new (static_cast<void*>(e->storage))
        shared_payload*(const_cast<shared_payload*>(shared_in(original->storage)));
    return e;
}

/// Gives back `n` references that add_shared_references() made but no envelope took.
inline void drop_shared_references(envelope* original, std::uint32_t n) noexcept {
    shared_in(original->storage)->refs.fetch_sub(n, std::memory_order_relaxed);
}

/// Gives back the place `e` took in a bounded mailbox, if any (seq_cst: extras.hpp, step 2).
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

/// Readable name of a type ("std::string", not "NSt7__cxx1112basic_string...").
[[nodiscard]] const char* type_name(const std::type_info& type) noexcept;

}  // namespace coact::detail
