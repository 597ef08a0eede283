// scheduler/local/deterministic.cpp — testing::deterministic's scheduler: the local scheduler,
// driven from the test one turn at a time.
//
// step() takes what other threads sent, fires the timers already due (virtual time moves only
// by advance_time() or run()), and gives the first ready actor one turn in which it may take
// one message. next_ready() shows which actor that will be. run() is the local loop unchanged,
// so a test may step a while and then let the program run to its end.
#include <memory>

#include "coact/detail/scheduler/local.hpp"
#include "coact/runtime.hpp"
#include "scheduler/local/remote_queue.hpp"

namespace coact::detail {

class deterministic_scheduler final : public local_scheduler {
  public:
    using local_scheduler::local_scheduler;

    bool step() override {
        take_from_outside();
        if (ready_.empty()) fire_due_timers();
        if (ready_.empty()) return false;
        const unsigned saved = throughput_;
        throughput_ = 1;
        turn(ready_.pop_front());
        throughput_ = saved;
        return true;
    }

    context* next_ready() override { return ready_.empty() ? nullptr : ready_.front(); }

    void take_from_outside() override {
        if (remote_->pending() != 0) take_remote();  // as the loop does: no lock when empty
    }
};

void install_deterministic_scheduler(core& k) {
    if (k.sched.local == nullptr) return;  // work stealing was asked for: step() refuses
    auto s = std::make_unique<deterministic_scheduler>(k);
    if (k.trace != nullptr) s->trace_to(*k.trace);
    k.sched.local = s.get();
    k.sched.impl = std::move(s);
}

}  // namespace coact::detail
