// coact/detail/envelope.hpp — one message in flight: the payload plus who sent it and why.
//
// Payloads up to `inline_capacity` bytes that are nothrow-movable live inside the envelope;
// larger ones are boxed on the heap (one allocation). Envelopes themselves are recycled by the
// scheduler's envelope_pool, so steady-state messaging allocates nothing. An envelope has one owner at a
// time (a mailbox, a timer, the injection queue, or the actor taking it) and is freed with
// free_envelope(), which destroys the payload.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <type_traits>
#include <typeinfo>
#include <utility>


namespace coact {
class context;
}  // namespace coact

/// For the few functions on the per-message path that g++ would otherwise leave out of line in a
/// coroutine body (measured: ~15% of the instructions of a ping-pong message).
#define COACT_HOT [[gnu::always_inline]] inline

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
    // Trivially destructible inline payloads need no call at all.
    static constexpr type_ops value{
        &typeid(T), stored_inline<T> && std::is_trivially_destructible_v<T> ? nullptr : &destroy};
};

enum class envelope_kind : std::uint8_t {
    plain,     ///< an ordinary message
    ask,       ///< a request: the receiver owes the sender a reply
    reply,     ///< the answer to an ask
    no_reply,  ///< the asked actor ended or moved on without replying
};

// Trivially constructible on purpose: make_envelope() writes every field exactly once.
struct envelope {
    envelope* next;
    const type_ops* ops;
    context* sender;  ///< null for messages from outside the runtime
    std::uint32_t sender_generation;
    envelope_kind kind;
    std::uint32_t request;  ///< ask/reply/no_reply: the asker's request number
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
class envelope_pool {
  public:
    envelope_pool() = default;
    envelope_pool(const envelope_pool&) = delete;
    envelope_pool& operator=(const envelope_pool&) = delete;
    ~envelope_pool() {
        while (head_ != nullptr) ::operator delete(std::exchange(head_, head_->next));
    }

    [[nodiscard]] void* allocate() {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        if (head_ != nullptr) [[likely]] {
            --count_;
            return std::exchange(head_, head_->next);
        }
#endif
        return ::operator new(sizeof(envelope));
    }

    void deallocate(envelope* e) noexcept {
#ifndef COACT_DETAIL_NO_ENVELOPE_POOL
        if (count_ < capacity) [[likely]] {
            e->next = head_;
            head_ = e;
            ++count_;
            return;
        }
#endif
        ::operator delete(e);
    }

  private:
    static constexpr std::size_t capacity = 1U << 16U;
    envelope* head_ = nullptr;
    std::size_t count_ = 0;
};

/// Makes an envelope holding a T built from `value`, from `pool` (or ::operator new if null).
template <class T, class U>
[[nodiscard]] COACT_HOT envelope* make_envelope(envelope_pool* pool, U&& value, context* sender = nullptr,
                                      std::uint32_t sender_generation = 0,
                                      envelope_kind kind = envelope_kind::plain,
                                      std::uint32_t request = 0) {
    void* block = pool != nullptr ? pool->allocate() : ::operator new(sizeof(envelope));
    auto* e = ::new (block) envelope;
    e->sender = sender;
    e->sender_generation = sender_generation;
    e->kind = kind;
    e->request = request;
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

/// Destroys the payload and returns the envelope to `pool`.
inline void free_envelope(envelope_pool& pool, envelope* e) noexcept {
    if (e->ops->destroy != nullptr) e->ops->destroy(e->storage);
    pool.deallocate(e);
}

/// Readable name of a type ("std::string", not "NSt7__cxx1112basic_string...").
[[nodiscard]] const char* type_name(const std::type_info& type) noexcept;

}  // namespace coact::detail
