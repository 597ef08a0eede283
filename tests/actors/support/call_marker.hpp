// actors/support/call_marker.hpp — tells an actor whether its thread is inside a marked call.
//
// Proves that a call (send, spawn) never runs another actor inline, in every mode: the caller
// marks the call; the other actor, wherever it runs, asks whether its own thread is inside a
// marked call right now. With several workers the other actor may run meanwhile on another
// thread: that is allowed, and active() is false there. The mark is per thread; a marker lives
// on one thread's stack (it must not span a co_await).
//
//   {
//       const coact_test::call_marker mark;
//       self.send("receiver", 1);
//   }
//   // in the receiver, after its co_await:
//   if (coact_test::call_marker::active()) ++ran_inside_send;
#pragma once

namespace coact_test {

class call_marker {
  public:
    call_marker() noexcept { flag() = true; }
    ~call_marker() { flag() = false; }
    call_marker(const call_marker&) = delete;
    call_marker& operator=(const call_marker&) = delete;

    /// True while the calling thread is inside a marked call.
    [[nodiscard]] static bool active() noexcept { return flag(); }

  private:
    // Not inlined, and opaque to the optimiser (the empty asm), so that every call computes the
    // current thread's flag anew: a coroutine may resume on another thread, and clang may cache
    // a thread_local's address across a co_await (see ../shared/style.md).
    [[gnu::noinline]] static bool& flag() noexcept {
        thread_local bool inside = false;
        asm volatile("" ::: "memory");
        return inside;
    }
};

}  // namespace coact_test
