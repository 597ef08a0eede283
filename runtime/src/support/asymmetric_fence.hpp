// support/asymmetric_fence.hpp — a fence split between a fast side and a rare side.
//
// Dekker's pattern (each of two threads stores to one location, then loads the other's) needs a
// full fence between the store and the load on both sides: x86 lets a load pass an earlier
// store to another location. When one side runs millions of times a second and the other a few
// times, the frequent side can use a compiler barrier only (light) if the rare side makes every
// thread of the process execute a full barrier (heavy): Linux's membarrier(2) with
// MEMBARRIER_CMD_PRIVATE_EXPEDITED interrupts each CPU running one of the process's threads.
// Then for any light() between a store and a load, either that store is visible to the heavy
// side's load after heavy() returns, or the load after light() sees the heavy side's store
// (the pairing of folly's asymmetricThreadFence* and of userspace RCU).
//
// Without membarrier (an old kernel, a seccomp filter) there is no cheap fast side: heavy()
// then reports failure, and the caller must do without the pattern (the LIFO slot is then
// simply not stolen from). light() stays a compiler barrier either way.
//
//   fast thread:  x.store(1, relaxed); asymmetric_fence::light(); r1 = y.load(relaxed);
//   rare thread:  y.store(1, relaxed); asymmetric_fence::heavy(); r2 = x.load(relaxed);
//   // if heavy() returned true: never r1 == 0 && r2 == 0
#pragma once

#include <atomic>

namespace coact::detail::asymmetric_fence {

/// Set by prepare(): membarrier's private expedited command is registered for this process.
/// (Only heavy() reads it; tests may clear it to see the fallback.)
inline std::atomic<bool> registered{false};

/// Registers membarrier if it can (once per process; any thread, any number of times). Call it
/// before the threads that call heavy() start: they then see its result.
void prepare() noexcept;

/// The fast side, between its store and its load: the compiler may not reorder them; the CPU
/// is made to by heavy().
inline void light() noexcept { std::atomic_signal_fence(std::memory_order_seq_cst); }

/// The rare side, between its store and its load: every thread of the process passes a full
/// barrier before it returns. False if it could not (no membarrier, or it failed with ENOMEM):
/// the caller must then not rely on the pairing, and back out.
[[nodiscard]] bool heavy() noexcept;

}  // namespace coact::detail::asymmetric_fence
