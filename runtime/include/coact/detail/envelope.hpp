// coact/detail/envelope.hpp — one message in flight: the payload plus who sent it and why.
//
// Payloads up to `inline_capacity` bytes that are nothrow-movable live inside the envelope;
// larger ones are boxed on the heap (one allocation). Envelopes themselves come from the pooled
// frame allocator, so steady-state messaging allocates nothing. An envelope has one owner at a
// time (a mailbox, a timer, the injection queue, or the actor taking it) and is freed with
// free_envelope(), which destroys the payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "coact/detail/frame_allocator.hpp"

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

inline constexpr std::size_t inline_capacity = 48;

template <class T>
inline constexpr bool stored_inline = sizeof(T) <= inline_capacity &&
                                      alignof(T) <= alignof(std::max_align_t) &&
                                      std::is_nothrow_move_constructible_v<T>;

/// What the runtime knows about a payload type without templates: its name and its destructor.
struct type_ops {
    const std::type_info* type;
    void (*destroy)(void* storage) noexcept;
};

template <class T>
struct ops_of {
    static void destroy(void* storage) noexcept {
        if constexpr (stored_inline<T>) {
            std::launder(static_cast<T*>(storage))->~T();
        } else {
            delete *static_cast<T**>(storage);
        }
    }
    static constexpr type_ops value{&typeid(T), &destroy};
};

enum class envelope_kind : std::uint8_t {
    plain,     ///< an ordinary message
    ask,       ///< a request: the receiver owes the sender a reply
    reply,     ///< the answer to an ask
    no_reply,  ///< the asked actor ended or moved on without replying
};

struct envelope {
    envelope* next = nullptr;
    const type_ops* ops = nullptr;
    context* sender = nullptr;  ///< null for messages from outside the runtime
    std::uint32_t sender_generation = 0;
    envelope_kind kind = envelope_kind::plain;
    std::uint32_t request = 0;  ///< ask/reply/no_reply: the asker's request number
    alignas(std::max_align_t) unsigned char storage[inline_capacity];

    template <class T>
    [[nodiscard]] bool holds() const noexcept {
        return ops == &ops_of<T>::value || (ops != nullptr && *ops->type == typeid(T));
    }

    template <class T>
    [[nodiscard]] T& get() noexcept {
        if constexpr (stored_inline<T>) {
            return *std::launder(reinterpret_cast<T*>(storage));
        } else {
            return **std::launder(reinterpret_cast<T**>(storage));
        }
    }
};

/// Makes an envelope holding a T built from `value`.
template <class T, class U>
[[nodiscard]] envelope* make_envelope(U&& value) {
    void* block = frame_alloc(sizeof(envelope));
    auto* e = ::new (block) envelope;
    try {
        if constexpr (stored_inline<T>) {
            ::new (static_cast<void*>(e->storage)) T(std::forward<U>(value));
        } else {
            ::new (static_cast<void*>(e->storage)) T*(new T(std::forward<U>(value)));
        }
    } catch (...) {
        frame_free(block, sizeof(envelope));
        throw;
    }
    e->ops = &ops_of<T>::value;
    return e;
}

/// Destroys the payload and returns the envelope to the pool.
inline void free_envelope(envelope* e) noexcept {
    if (e->ops != nullptr) e->ops->destroy(e->storage);
    e->~envelope();
    frame_free(e, sizeof(envelope));
}

/// Readable name of a type ("std::string", not "NSt7__cxx1112basic_string...").
[[nodiscard]] const char* type_name(const std::type_info& type) noexcept;

}  // namespace coact::detail
