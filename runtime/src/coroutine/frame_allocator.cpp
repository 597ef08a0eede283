#include "coact/detail/coroutine/frame_allocator.hpp"

#include <cstdint>
#include <new>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define COACT_NO_FRAME_POOL 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COACT_NO_FRAME_POOL 1
#endif
#endif

namespace coact::detail {

#ifdef COACT_NO_FRAME_POOL

void* frame_alloc(std::size_t size) { return ::operator new(size); }
void frame_free(void* block, std::size_t /*size*/) noexcept { ::operator delete(block); }

#else

namespace {

constexpr std::size_t granule = 16;
constexpr std::size_t classes = 129;  // class c holds blocks of c * 16 bytes, up to 2 KiB
constexpr std::uint32_t max_cached = 1024;

struct free_block {
    free_block* next;
};

// Trivially destructible, constant-initialised: no TLS guard on the fast path.
struct pool {
    free_block* head[classes];
    std::uint32_t count[classes];
    bool registered;
    bool dead;  // set once the thread's drain ran: free straight to the system after that
};
thread_local pool tls_pool{};

void drain(pool& p) noexcept {
    for (std::size_t c = 0; c < classes; ++c) {
        while (free_block* b = p.head[c]) {
            p.head[c] = b->next;
            ::operator delete(b);
        }
        p.count[c] = 0;
    }
}

// Registered on the first block a thread caches; returns the thread's blocks when it exits.
struct pool_drain {
    bool armed = false;
    ~pool_drain() {
        drain(tls_pool);
        tls_pool.dead = true;
    }
};
thread_local pool_drain tls_drain;

constexpr std::size_t size_class(std::size_t size) noexcept {
    return (size + granule - 1) / granule;
}

}  // namespace

void* frame_alloc(std::size_t size) {
    const std::size_t c = size_class(size);
    if (c >= classes) return ::operator new(size);
    pool& p = tls_pool;
    if (free_block* b = p.head[c]) {
        p.head[c] = b->next;
        --p.count[c];
        return b;
    }
    return ::operator new(c* granule);
}

void frame_free(void* block, std::size_t size) noexcept {
    const std::size_t c = size_class(size);
    if (c >= classes) {
        ::operator delete(block);
        return;
    }
    pool& p = tls_pool;
    if (p.dead || p.count[c] >= max_cached) {
        ::operator delete(block);
        return;
    }
    if (!p.registered) {
        p.registered = true;
        tls_drain.armed = true;  // first use registers the thread-exit drain
    }
    auto* b = static_cast<free_block*>(block);
    b->next = p.head[c];
    p.head[c] = b;
    ++p.count[c];
}

#endif

namespace {
struct pending_destroy {
    void* root;
    void (*destroy)(void*) noexcept;
};
thread_local bool tls_destroying = false;
thread_local std::vector<pending_destroy> tls_pending;
}  // namespace

void destroy_chain_later(void* root, void (*destroy)(void*) noexcept) noexcept {
    if (tls_destroying) {
        tls_pending.push_back({root, destroy});  // out of memory here terminates: noexcept
        return;
    }
    tls_destroying = true;
    destroy(root);
    while (!tls_pending.empty()) {
        const pending_destroy next = tls_pending.back();
        tls_pending.pop_back();
        next.destroy(next.root);
    }
    tls_destroying = false;
}

}  // namespace coact::detail
