// coact/detail/message/payload.hpp — what a message carries, without templates in the runtime:
// type erasure (type_ops: the type's name and destructor), inline or boxed storage, and the
// shared payload of a publication, which every subscriber's envelope points at.
//
// Payloads up to `inline_capacity` bytes that are nothrow-movable live inside the envelope;
// larger ones are boxed on the heap (one allocation). A published payload is made once and
// counted: the last envelope freed deletes it (envelope.hpp, publication.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

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

/// Readable name of a type ("std::string", not "NSt7__cxx1112basic_string...").
[[nodiscard]] const char* type_name(const std::type_info& type) noexcept;

}  // namespace coact::detail
