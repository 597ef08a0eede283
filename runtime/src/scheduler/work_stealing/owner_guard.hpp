// scheduler/work_stealing/owner_guard.hpp — a worker's guard over the idle actors it owns, so
// that another worker may take some of them while this one is stuck in a long turn.
//
// The owner enters the guard around each access to an idle actor it owns (a local send, a
// notice), millions of times a second; a thief enters it rarely: only after seeing the owner
// inside one turn for a watch interval (work_stealing_scheduler::take_from_long_turn), to take
// the idle actors whose notices wait for the stuck owner. The two meet in an asymmetric Dekker
// pattern (support/asymmetric_fence.hpp), as the LIFO slot's two sides do:
//
//   owner (enter):                             thief (begin_steal):
//     active_ = 1                                thief_: 0 -> 1 (CAS: one thief at a time)
//     light fence                                heavy fence (membarrier)
//     if thief_ != 0: active_ = 0, wait for      wait until active_ == 0
//       thief_ == 0, and try again
//   ... the section ...                        ... takes over idle actors ...
//   (leave) active_ = 0                        (end_steal) thief_ = 0
//
// Invariant: the owner's section and the thief's never overlap. If the owner's look at thief_
// saw 0 from before the thief's CAS, the fences guarantee that the thief's look at active_,
// after the heavy fence, sees 1 (or the 0 of a later leave), and the thief waits for the leave.
// If it saw 1, the owner backs out and waits. Memory orders: leave and end_steal store with
// release, and the waits (and enter's look at thief_) load with acquire, so each side sees what
// the other wrote in its section.
//
// Threads: enter and leave on the owner's thread only; begin_steal and end_steal on any other.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "support/asymmetric_fence.hpp"
#include "support/spin.hpp"

namespace coact::detail {

class owner_guard {
  public:
    /// The owner's section as a scope: enter() now, leave() at its end (also on an exception).
    class section {
      public:
        explicit section(owner_guard& g) noexcept : guard_(g) { guard_.enter(); }
        ~section() { guard_.leave(); }
        section(const section&) = delete;
        section& operator=(const section&) = delete;

      private:
        owner_guard& guard_;
    };

    /// Owner: enters the section (waits while a thief is inside its own).
    void enter() noexcept {
        for (;;) {
            active_.store(1, std::memory_order_relaxed);
            asymmetric_fence::light();
            // Acquire: reading a thief's end_steal() (0) shows what it did in its section.
            if (thief_.load(std::memory_order_acquire) == 0) [[likely]]
                return;
            active_.store(0, std::memory_order_release);
            wait_while_stolen();
        }
    }

    /// Owner: leaves the section. Release: a thief that sees 0 sees the section's writes.
    void leave() noexcept { active_.store(0, std::memory_order_release); }

    /// Another worker: enters the thief's section, or returns false (another thief is in it, or
    /// the system has no membarrier: the pattern cannot be used).
    [[nodiscard]] bool begin_steal() noexcept {
        std::uint32_t expected = 0;
        if (!thief_.compare_exchange_strong(expected, 1, std::memory_order_seq_cst)) return false;
        if (!asymmetric_fence::heavy()) {
            thief_.store(0, std::memory_order_release);
            return false;
        }
        // Acquire: pairs with leave(). The owner is at most a few instructions into a section.
        for (unsigned spins = 0; active_.load(std::memory_order_acquire) != 0; ++spins) {
            pause(spins);
        }
        return true;
    }

    /// The thief: leaves its section. Release: pairs with the owner's acquire in enter().
    void end_steal() noexcept { thief_.store(0, std::memory_order_release); }

  private:
    static void pause(unsigned spins) noexcept {
        if (spins < 1024) {
            cpu_relax();
        } else {
            std::this_thread::yield();  // the other side lost its CPU
        }
    }

    [[gnu::noinline]] void wait_while_stolen() noexcept {
        for (unsigned spins = 0; thief_.load(std::memory_order_acquire) != 0; ++spins) {
            pause(spins);
        }
    }

    std::atomic<std::uint32_t> active_{0};  // written by the owner only
    std::atomic<std::uint32_t> thief_{0};
};

}  // namespace coact::detail
