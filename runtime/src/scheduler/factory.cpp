// scheduler/factory.cpp — which scheduler a runtime gets, from its runtime_options.
//
//   workers >= 2, or work_stealing       the work-stealing scheduler (work_stealing/)
//   otherwise                            the single-threaded scheduler (local/)
//   testing::deterministic               the local one, replaced by the deterministic one
//                                        (local/deterministic.cpp) before anything is spawned
// The factory also tells the actor layer's tables whether several threads reach them.
#include <memory>

#include "coact/detail/scheduler/local.hpp"
#include "coact/runtime.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"

namespace coact::detail {

void install_scheduler(core& k) {
    if (k.options.workers >= 2 || k.options.work_stealing) {
        auto s = std::make_unique<work_stealing_scheduler>(k, k.options.workers);
        k.sched.stealing = s.get();
        k.sched.impl = std::move(s);
        k.topics_mutex.share();
        k.cells_mutex.share();
        k.watches_mutex.share();
        k.end_order = std::memory_order_seq_cst;
        return;
    }
    auto s = std::make_unique<local_scheduler>(k);
    k.sched.local = s.get();
    k.sched.impl = std::move(s);
}

bool scheduler::step() {
    throw error("coact::testing: step() needs a single-threaded runtime (workers = 1)");
}

}  // namespace coact::detail
