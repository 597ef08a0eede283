// support/asymmetric_fence.cpp — membarrier(2) behind asymmetric_fence.hpp.
#include "support/asymmetric_fence.hpp"

#if defined(__linux__)
#include <unistd.h>

#include <linux/membarrier.h>
#include <sys/syscall.h>
#endif

namespace coact::detail::asymmetric_fence {

namespace {

bool register_membarrier() noexcept {
#if defined(__linux__) && defined(__NR_membarrier)
    const long commands = ::syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
    if (commands < 0 || (commands & MEMBARRIER_CMD_PRIVATE_EXPEDITED) == 0) return false;
    return ::syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
    return false;
#endif
}

}  // namespace

void prepare() noexcept {
    static const bool done = register_membarrier();
    if (done) registered.store(true, std::memory_order_relaxed);
}

bool heavy() noexcept {
#if defined(__linux__) && defined(__NR_membarrier)
    // Registered, it fails only when the kernel cannot allocate its CPU mask (ENOMEM).
    return registered.load(std::memory_order_relaxed) &&
           ::syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
#else
    return false;
#endif
}

}  // namespace coact::detail::asymmetric_fence
