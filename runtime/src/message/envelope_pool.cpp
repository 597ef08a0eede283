// message/envelope_pool.cpp — the cold half of the envelope pool: handing freed pages back to the
// system after a pool released a burst's envelopes (envelope_pool::idle).
#include "coact/detail/message/envelope.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace coact::detail {

void envelope_pool::give_pages_back() noexcept {
#if defined(__GLIBC__)
    // glibc keeps freed small blocks in its arenas; the RSS a burst of a million envelopes took
    // would stay. malloc_trim(0) returns whole free pages (also those in the middle of the heap).
    // Called only after a release of at least a MiB, so the walk over the heap is rare.
    static_cast<void>(::malloc_trim(0));
#endif
}

}  // namespace coact::detail
