// scheduler/work_stealing/timers.cpp — timers with work stealing: one heap under a mutex.
//
// An actor arms and disarms its own timer on whichever worker runs it; any worker fires what is
// due (every 61 turns and whenever it runs out of work), under the lock, and then delivers
// without it: a wake-up is a timeout event pushed on the actor's inbox, carrying the timer's
// token (accept() ignores a stale one), and a send_after message is delivered as any send.
// A worker parks until the earliest deadline (worker.cpp); disarming the last timer wakes it
// so that run() can end.
#include <algorithm>
#include <mutex>
#include <vector>

#include "coact/runtime.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"

namespace coact::detail {

namespace {
struct timeout_tag {};  // the payload of a timeout envelope (the token is in `request`)
}  // namespace

void work_stealing_scheduler::arm_timer(context* c, clock::duration delay) {
    const std::lock_guard lock(timers_mutex_);  // also for now(): virtual time moves under it
    const clock::time_point deadline = deadline_after(k_.now(), delay);
    if (deadline == never) return;  // past the clock's range: only a message or a stop wakes it
    c->timer_armed_ = true;
    c->timer_pending_ = true;
    ++c->timer_token_;
    timers_.push(deadline, c, c->generation(), c->timer_token_, nullptr);
    timers_queued_.store(true, std::memory_order_relaxed);
}

void work_stealing_scheduler::disarm_timer(context* c) noexcept {
    // context::disarm_timer called this only if armed since the last disarm. A timeout still on
    // its way is older than this disarm, whose token bump makes it stale.
    c->timer_armed_ = false;
    bool none_left = false;
    {
        const std::lock_guard lock(timers_mutex_);
        if (c->timer_pending_) {
            c->timer_pending_ = false;
            timers_.retire_one();
            none_left = timers_.live() == 0;
        }
        ++c->timer_token_;  // a timeout already on its way is recognised as stale by its token
    }
    // A worker may sleep until this timer's deadline; with no timer left it must not (run()
    // would wait for it), so it is woken to park again without a deadline.
    if (none_left) {
        try {
            idle_.wake_timed();
        } catch (...) {  // the mutex failed: it wakes at the deadline instead, as before
        }
    }
}

void work_stealing_scheduler::send_after(clock::duration delay, context* to,
                                         std::uint32_t generation, envelope* e) {
    const std::lock_guard lock(timers_mutex_);
    timers_.push(deadline_after(k_.now(), delay), to, generation, 0, e);
    timers_queued_.store(true, std::memory_order_relaxed);
}

bool work_stealing_scheduler::fire_timers(std::vector<timer_entry>& due) {
    // Every worker comes here every 61 turns and whenever it runs out of work: without timers,
    // one load instead of a lock both workers take (measured: 6% of 100 pairs' time on the
    // mutex). A timer armed meanwhile is seen at the next look, and parking reads the queue
    // under the lock before a worker sleeps.
    if (!timers_queued_.load(std::memory_order_relaxed)) return false;
    {
        const std::lock_guard lock(timers_mutex_);
        if (timers_.empty()) {
            timers_queued_.store(false, std::memory_order_relaxed);
            return false;
        }
        const clock::time_point t = k_.now();
        while (!timers_.empty() && timers_.top().deadline <= t) {
            timer_entry e = timers_.pop();
            if (e.message == nullptr) {
                context* c = e.cell;
                if (c->generation() != e.generation || !c->timer_pending_ ||
                    c->timer_token_ != e.token) {
                    continue;  // cancelled
                }
                c->timer_pending_ = false;
            }
            timers_.retire_one();
            due.push_back(e);
        }
    }
    const bool fired = !due.empty();
    for (const timer_entry& e : due) {
        if (k_.trace != nullptr) [[unlikely]]
            trace_actor_event(*k_.trace, trace_kind::timer, e.cell, e.generation);
        if (e.message != nullptr) {
            k_.deliver_timed(e.cell, e.generation, e.message);  // send_after: maybe another runtime
        } else {
            deliver(e.cell, e.generation,
                    make_envelope<timeout_tag>(k_.pool_here(), timeout_tag{}, nullptr, 0,
                                               envelope_kind::timeout, e.token));
        }
    }
    due.clear();
    return fired;
}

void work_stealing_scheduler::advance_time(clock::duration d) {
    {
        const std::lock_guard lock(timers_mutex_);
        k_.virtual_now = deadline_after(k_.virtual_now, std::max(d, clock::duration::zero()));
    }
    std::vector<timer_entry> due;
    fire_timers(due);
}

}  // namespace coact::detail
