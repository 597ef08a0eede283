// coact/detail/coroutine/frame_allocator.hpp — where coroutine frames come from.
//
// Frames are allocated from per-thread free lists in 16-byte size classes (up to 2 KiB; larger
// frames go to ::operator new). A frame may be freed on another thread than the one that made it:
// the block then joins that thread's list. Each list keeps a bounded number of blocks, and a
// thread's lists are returned to the system when it exits. Under AddressSanitizer the pool is
// bypassed so that use-after-free of a frame is still caught.
//
// The functions are out of line on purpose: clang may cache a thread_local's address across a
// co_await, so no thread_local is ever touched from code inlined into a coroutine body.
#pragma once

#include <cstddef>

namespace coact::detail {

[[nodiscard]] void* frame_alloc(std::size_t size);
void frame_free(void* block, std::size_t size) noexcept;

/// Runs `destroy(root)` now, or, if this thread is already inside such a call (a frame being
/// destroyed owns a borrowed coroutine whose chain must go too), once that call is done: so
/// destroying nested chains takes no native stack per level.
void destroy_chain_later(void* root, void (*destroy)(void*) noexcept) noexcept;

}  // namespace coact::detail
