// scheduler/work_stealing/shutdown.cpp — ending every actor when no worker runs.
//
// runtime::shutdown() holds the scheduler (core::run_thread), so no worker runs: the queues
// (LIFO slots, deques, the global queue) are dropped, the timers' messages counted, every cell
// retired (core::retire_all_cells, which calls cell_dropped for each inbox), and the queues
// dropped again for what the actors' destructors scheduled.
#include "coact/runtime.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"

namespace coact::detail {

std::size_t work_stealing_scheduler::shutdown() {
    std::size_t queued = 0;
    const auto drop_queues = [&] {
        for (auto& w : workers_) {
            w->lifo.clear();
            w->notices.clear();
            while (w->deque.pop() != nullptr) {
            }
        }
        context* c = nullptr;
        while (global_.try_dequeue(c)) global_count_.fetch_sub(1);
        timers_.clear([&](envelope* e) {
            ++queued;
            k_.release(e);
        });
    };
    drop_queues();
    queued += k_.retire_all_cells();
    drop_queues();
    k_.dead_letters.fetch_add(queued, std::memory_order_relaxed);
    return queued;
}

}  // namespace coact::detail
