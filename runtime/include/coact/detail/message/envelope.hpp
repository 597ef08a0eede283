// coact/detail/message/envelope.hpp — one message in flight: the payload plus who sent it and why.
//
// An envelope has one owner at a time (a mailbox, an inbox, a timer, the remote queue, or the
// actor taking it) and is freed with free_envelope(), which destroys the payload. Envelopes are
// recycled by the thread's envelope_pool (envelope_pool.hpp), so steady-state messaging
// allocates nothing. This header brings the whole message layer: the payload (payload.hpp), the
// envelope, its pool and the functions that make and free one (envelope_pool.hpp), and a
// publication's shared payload (publication.hpp).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "coact/detail/message/payload.hpp"

namespace coact::detail {

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
    /// the receiver takes it or when it is freed (actor/cell_policy.hpp).
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

}  // namespace coact::detail

// Need the complete envelope (each includes this header first).
#include "coact/detail/message/envelope_pool.hpp"
#include "coact/detail/message/publication.hpp"
