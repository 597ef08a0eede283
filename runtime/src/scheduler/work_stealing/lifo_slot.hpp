// scheduler/work_stealing/lifo_slot.hpp — a worker's LIFO slot: the actor it made ready last,
// which it runs next, and which another worker may take only while the owner is stuck in a long
// turn.
//
// The owner puts and takes on every message that wakes an actor, so its side must cost what a
// plain pointer did: a load, a store, a load of a flag on the same cache line, no locked
// instruction. Another worker (the thief) takes the actor rarely: only after seeing the owner
// inside one turn for a watch interval (work_stealing_scheduler::take_from_long_turn). The two
// meet in an asymmetric Dekker pattern (support/asymmetric_fence.hpp):
//
//   owner (put or take):                       thief (steal):
//     held = slot_ (the actor put or taken)      thief_: 0 -> 1 (CAS: one thief at a time, and
//     slot_ = new value (store S)                        none while a steal is unacknowledged)
//     light fence                                heavy fence (membarrier)
//     if thief_ != 0: settle(held)               c = slot_; CAS slot_: c -> null
//                                                taken_ = c, thief_ = 2 (or thief_ = 0: none)
//
// Invariant: an actor leaves the slot to exactly one runner.
// - If the owner's look at thief_ saw a value older than this thief's CAS on it, the fences
//   guarantee that the thief's load of slot_ saw the store S (or a later value), so the thief
//   cannot take the actor the owner holds.
// - If it saw 1 or 2, the owner waits until the thief has finished (thief_ is 0 or 2) and, if
//   the thief reports `taken_` equal to what the owner holds, drops it: the thief runs it.
// - The owner acknowledges a report by setting thief_ back to 0 (only then may another thief
//   start), so a report is never overwritten before the owner has read it; and an actor the
//   thief took cannot be held by the owner again before that acknowledgement, because getting
//   it back into the slot is a put, which acknowledges first.
// - The thief's CAS fails if the owner stored in between: the first owner store after the
//   thief's load is followed by a look that sees the thief, and the owner stores nothing more
//   until the verdict, so at most one store comes between; and one store always changes the
//   value (the owner never stores the value already there: an actor is scheduled once). A take
//   then a put of the same actor (ABA) would need two.
//
// Memory orders: the owner's put stores with release and the thief's CAS acquires, so the thief
// sees what the turn that made the actor ready wrote. The thief's report (taken_, relaxed) is
// published by thief_'s release store and read after the owner's acquire load of thief_.
//
// Threads: put, take and occupied on the owner's thread; steal on any other worker; clear on
// whichever thread shuts the scheduler down, when no worker runs (run() has returned, which
// orders every worker's last access before it).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "support/asymmetric_fence.hpp"
#include "support/spin.hpp"

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

/// Where a test may stop one side between two steps (tests/scheduler/lifo_slot_test.cpp forces
/// the interleavings the pattern must survive); nothing in the runtime.
struct no_lifo_hooks {
    static void owner_between_load_and_store() noexcept {}
};

template <class Hooks = no_lifo_hooks>
class basic_lifo_slot {
  public:
    /// Owner: puts `c` in; returns the actor it displaced (to go to the deque), or null.
    [[nodiscard]] context* put(context* c) noexcept {
        context* held = slot_.load(std::memory_order_relaxed);
        Hooks::owner_between_load_and_store();
        slot_.store(c, std::memory_order_release);
        asymmetric_fence::light();
        if (thief_.load(std::memory_order_relaxed) != idle) [[unlikely]]
            return settle(held);
        return held;
    }

    /// Owner: takes the actor out, or null if there is none (or a thief took it).
    [[nodiscard]] context* take() noexcept {
        context* held = slot_.load(std::memory_order_relaxed);
        if (held == nullptr) return nullptr;
        Hooks::owner_between_load_and_store();
        slot_.store(nullptr, std::memory_order_relaxed);
        asymmetric_fence::light();
        if (thief_.load(std::memory_order_relaxed) != idle) [[unlikely]]
            return settle(held);
        return held;
    }

    /// Owner (and a hint for anyone): whether an actor waits here.
    [[nodiscard]] bool occupied() const noexcept {
        return slot_.load(std::memory_order_relaxed) != nullptr;
    }

    /// With no worker running (shutdown): forgets the actor.
    void clear() noexcept {
        slot_.store(nullptr, std::memory_order_relaxed);
        thief_.store(idle, std::memory_order_relaxed);
    }

    /// Another worker: takes the actor, or null (none, or another thief is at it, or the owner
    /// has not yet acknowledged the last steal).
    [[nodiscard]] context* steal() noexcept {
        if (slot_.load(std::memory_order_relaxed) == nullptr) return nullptr;
        std::uint32_t expected = idle;
        // The thief's half of the pattern: its store (this CAS), the heavy fence, its load.
        if (!thief_.compare_exchange_strong(expected, stealing, std::memory_order_seq_cst)) {
            return nullptr;
        }
        if (!asymmetric_fence::heavy()) {  // no membarrier: back out before touching the slot
            thief_.store(idle, std::memory_order_release);
            return nullptr;
        }
        context* c = slot_.load(std::memory_order_seq_cst);
        // Acquire: pairs with put's release store of c.
        if (c != nullptr && slot_.compare_exchange_strong(c, nullptr, std::memory_order_acquire,
                                                          std::memory_order_relaxed)) {
            taken_.store(c, std::memory_order_relaxed);
            thief_.store(stole, std::memory_order_release);  // publishes taken_
            return c;
        }
        thief_.store(idle, std::memory_order_release);
        return nullptr;
    }

  private:
    static constexpr std::uint32_t idle = 0;
    static constexpr std::uint32_t stealing = 1;
    static constexpr std::uint32_t stole = 2;  // taken_ holds it until the owner acknowledges

    // Owner, having seen a thief: waits for its verdict; returns `held` unless the thief took it.
    [[gnu::noinline]] context* settle(context* held) noexcept {
        for (unsigned spins = 0;; ++spins) {
            // Acquire: pairs with the thief's release, after its CAS and its report.
            const std::uint32_t state = thief_.load(std::memory_order_acquire);
            if (state == idle) return held;
            if (state == stole) {
                context* taken = taken_.load(std::memory_order_relaxed);
                thief_.store(idle, std::memory_order_release);  // acknowledged
                return taken == held ? nullptr : held;
            }
            // The thief is between its CAS on thief_ and its verdict: a few instructions and
            // a membarrier, unless the system took its CPU away.
            if (spins < 1024) {
                cpu_relax();
            } else {
                std::this_thread::yield();
            }
        }
    }

    std::atomic<context*> slot_{nullptr};
    std::atomic<std::uint32_t> thief_{idle};
    std::atomic<context*> taken_{nullptr};
};

using lifo_slot = basic_lifo_slot<>;

}  // namespace coact::detail
