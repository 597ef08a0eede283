// actors/support/counting_new.hpp — replaces the global operator new/delete with versions that
// count allocations while counting is switched on.
//
// Replacing operator new affects the whole program: include this header in exactly one source
// file of an executable of its own (alloc_test.cpp), never in a shared test executable.
//
//   coact_test::allocations::start();
//   rt.run();
//   const long n = coact_test::allocations::stop();   // allocations made meanwhile, any thread
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace coact_test::allocations {

inline std::atomic<bool> counting{false};
inline std::atomic<long> count{0};

inline void start() noexcept {
    count.store(0);
    counting.store(true);
}

inline long stop() noexcept {
    counting.store(false);
    return count.load();
}

inline void* allocate(std::size_t size) noexcept {
    if (counting.load(std::memory_order_relaxed)) count.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(size == 0 ? 1 : size);
}

inline void* allocate_aligned(std::size_t size, std::align_val_t align) noexcept {
    if (counting.load(std::memory_order_relaxed)) count.fetch_add(1, std::memory_order_relaxed);
    const auto a = static_cast<std::size_t>(align);
    const std::size_t rounded = (size == 0 ? a : (size + a - 1) / a * a);
    return std::aligned_alloc(a, rounded);
}

}  // namespace coact_test::allocations

// g++ sees malloc in the replaced operator new and free in the replaced operator delete and,
// once both are inlined somewhere, warns that they do not match: here they match by design.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t size) {
    if (void* p = coact_test::allocations::allocate(size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) {
    if (void* p = coact_test::allocations::allocate(size)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    return coact_test::allocations::allocate(size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    return coact_test::allocations::allocate(size);
}
void* operator new(std::size_t size, std::align_val_t align) {
    if (void* p = coact_test::allocations::allocate_aligned(size, align)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size, std::align_val_t align) {
    if (void* p = coact_test::allocations::allocate_aligned(size, align)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return coact_test::allocations::allocate_aligned(size, align);
}
void* operator new[](std::size_t size, std::align_val_t align, const std::nothrow_t&) noexcept {
    return coact_test::allocations::allocate_aligned(size, align);
}

void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { std::free(p); }

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
