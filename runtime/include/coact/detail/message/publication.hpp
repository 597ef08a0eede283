// coact/detail/message/publication.hpp — the envelopes of one publication: the original holds a
// new shared payload, and each subscriber but the last gets a clone pointing at it. References
// are taken in one step before anyone sees the payload (core::fan_out, src/actor/publish.cpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <new>
#include <utility>

#include "coact/detail/message/envelope.hpp"

namespace coact::detail {

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

}  // namespace coact::detail
