// scheduler/factory.cpp — which scheduler a runtime gets, from its runtime_options.
//
//   workers >= 2, or work_stealing       the work-stealing scheduler (work_stealing/)
//   otherwise                            the single-threaded scheduler (local/)
//   testing::deterministic               the local one, replaced by the deterministic one
//                                        (local/deterministic.cpp) before anything is spawned
// The factory also tells the actor layer's tables whether several threads reach them.
#include <cstdlib>
#include <memory>
#include <string>

#include "coact/detail/scheduler/local.hpp"
#include "coact/runtime.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"
#include "trace/tracer.hpp"

namespace coact::detail {

void install_tracer(core& k);

void install_scheduler(core& k) {
    if (k.options.workers >= 2 || k.options.work_stealing) {
        auto s = std::make_unique<work_stealing_scheduler>(k, k.options.workers);
        k.sched.stealing = s.get();
        k.sched.impl = std::move(s);
        k.topics_mutex.share();
        k.cells_mutex.share();
        k.watches_mutex.share();
        k.end_order = std::memory_order_seq_cst;
    } else {
        auto s = std::make_unique<local_scheduler>(k);
        k.sched.local = s.get();
        k.sched.impl = std::move(s);
    }
    install_tracer(k);
}

void install_tracer(core& k) {
    const std::string path =
        !k.options.trace.empty() ? std::string(k.options.trace) : trace_path_from_environment(k.id);
    if (path.empty()) return;
    std::size_t records = k.options.trace_events;
    // NOLINTNEXTLINE(concurrency-mt-unsafe): read once, at construction
    if (const char* v = std::getenv("COACT_TRACE_EVENTS"); v != nullptr && *v != '\0') {
        char* end = nullptr;
        const unsigned long long n = std::strtoull(v, &end, 10);
        if (*end != '\0' || n == 0) {
            throw error(std::string("coact::runtime: COACT_TRACE_EVENTS is '") + v +
                        "'; it must be a positive number of records per ring");
        }
        records = static_cast<std::size_t>(n);
    }
    const bool stealing = k.sched.stealing != nullptr;
    k.trace_owner =
        std::make_unique<tracer>(path, k.id, stealing ? k.options.workers : 1U, stealing, records);
    k.trace = k.trace_owner.get();
    k.sched->trace_to(*k.trace);
}

bool scheduler::step() {
    throw error("coact::testing: step() needs a single-threaded runtime (workers = 1)");
}

}  // namespace coact::detail
