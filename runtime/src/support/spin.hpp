// support/spin.hpp — a short busy wait before blocking.
//
// Waking a thread blocked on a futex costs tens of microseconds on a VM; an answer that comes
// back from another thread within microseconds (a thread pool job, an offload's result) is
// cheaper to wait for spinning. spin_until polls `ready` at most `spins` times with the CPU's
// pause hint between polls (about 2,000 polls: tens of microseconds) and says whether it saw it.
// Any thread; `ready` must be cheap and must not throw.
//
//   if (!coact::detail::spin_until([&] { return flag.load(std::memory_order_acquire); }))
//       block_on_condition_variable();
#pragma once

#include <thread>

namespace coact::detail {

inline void cpu_relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#else
    std::this_thread::yield();
#endif
}

template <class Ready>
[[nodiscard]] bool spin_until(Ready&& ready, int spins = 2000) noexcept {
    for (int i = 0; i < spins; ++i) {
        if (ready()) return true;
        cpu_relax();
    }
    return false;
}

}  // namespace coact::detail
