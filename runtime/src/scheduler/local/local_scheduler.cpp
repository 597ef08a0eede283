// scheduler/local/local_scheduler.cpp — the single-threaded scheduler: its loop, what other
// threads hand it, its timers and its shutdown. The per-message half is inline in
// detail/scheduler/local.hpp and dispatch.hpp.
//
// The loop (run / serve):
//   1. Take a batch (at most remote_batch) from the remote queue: messages and stop requests
//      from other threads (or from outside any actor), delivered in the order they were sent.
//      A batch, not everything: threads sending faster than the actors take would otherwise
//      keep the loop here for ever, with no turn and no timer.
//   2. Pop actors from the ready deque and give each one turn: resume it until its next
//      co_await; it may take up to `throughput` messages in the turn. Every 64 turns, take
//      another batch and fire due timers, so that neither outside messages nor timers starve.
//   3. With nothing ready, fire due timers; if that made no actor ready, let the envelope pool
//      give back what a burst took (envelope_pool::idle), then:
//        run():   return when no timer is live and nothing came from outside;
//        serve(): return when request_stop() was called;
//      otherwise sleep on a condition variable until the next deadline or a remote push
//      (with virtual time, jump the clock to the next deadline instead).
#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "coact/detail/scheduler/local.hpp"
#include "coact/runtime.hpp"
#include "scheduler/local/remote_queue.hpp"
#include "support/spin.hpp"

namespace coact::detail {

local_scheduler::local_scheduler(core& k)
    : k_(k), throughput_(k.options.throughput), remote_(std::make_unique<remote_queue>()) {}

local_scheduler::~local_scheduler() {
    // What came after the last shutdown() (a send to an ended actor's address, say).
    std::vector<remote_item> left;
    remote_->take(remote_->pending(), left);
    for (const remote_item& item : left) {
        delete item.topic;
        if (item.message != nullptr) free_unpooled_envelope(item.message);
    }
}

void local_scheduler::check_spawn_thread() const {
    if (!k_.on_scheduler_thread()) {
        throw error(
            "coact::runtime::spawn: called from another thread while run() is active; "
            "spawn from inside an actor, or before run()");
    }
}

// --- from outside ---

void local_scheduler::post(context* to, std::uint32_t generation, envelope* e) {
    // An ended actor (or shutdown under way: the door is closed): the sender's dead letter now,
    // not the scheduler's work later. The generation is a hint here (the actor may end after
    // this look); delivery checks it again.
    bool queued = false;
    if (to->generation() == generation) {
        try {
            queued = remote_->push(remote_item{to, generation, e, nullptr});
        } catch (...) {  // out of memory: nothing was queued
            free_envelope(nullptr, e);
            throw;
        }
    }
    if (!queued) k_.refuse(e);
}

void local_scheduler::post_stop(context* to, std::uint32_t generation) {
    // Refused only while shutdown() runs, which ends every actor anyway.
    static_cast<void>(remote_->push(remote_item{to, generation, nullptr, nullptr}));
}

void local_scheduler::post_publish(std::string_view topic, envelope* e) {
    std::unique_ptr<std::string> name;
    bool queued = false;
    try {
        name = std::make_unique<std::string>(topic);
        queued = remote_->push(remote_item{nullptr, 0, e, name.get()});
    } catch (...) {
        free_unpooled_envelope(e);
        throw;
    }
    if (!queued) {
        k_.refuse(e);  // shutdown runs: nobody is left to hear it
        return;
    }
    static_cast<void>(name.release());  // the queue owns it now
}

bool local_scheduler::stop_from_outside(context* c, std::uint32_t generation) {
    // Queued unless this thread runs the scheduler now: with no run() active, two threads (two
    // of another runtime's workers, say) stopping actors at once would both touch the deque.
    if (k_.run_thread.load(std::memory_order_acquire) != std::this_thread::get_id()) {
        if (c->generation() != generation) return false;  // a hint: delivery checks it again
        post_stop(c, generation);
        return true;
    }
    return k_.stop(c, generation);
}

void local_scheduler::take_remote(std::size_t limit) {
    remote_->take(limit, batch_);
    for (const remote_item& item : batch_) {
        if (item.topic != nullptr) {
            const std::unique_ptr<std::string> topic(item.topic);
            k_.fan_out(*topic, k_.topics.subscribers(*topic), item.message);
        } else if (item.message == nullptr) {
            k_.stop(item.cell, item.generation);
        } else {
            deliver(item.cell, item.generation, item.message);
        }
    }
}

// --- an actor's life ---

void local_scheduler::start(context* c) { schedule(c); }

bool local_scheduler::stop(context* c, std::uint32_t generation) {
    if (c == nullptr || c->generation() != generation || c->run_ == run_state::free) return false;
    if (c->stop_requested_) return true;
    c->stop_requested_ = true;
    if (c->run_ == run_state::idle) schedule(c);
    return true;
}

void local_scheduler::restart(context* c, std::uint32_t, std::uint32_t) {
    // One thread: the flag is read at its end, on this thread, by the body it was meant for.
    c->policy_.load(std::memory_order_relaxed)->restart_on_end = true;
    if (!c->stop_requested_) {
        c->stop_requested_ = true;
        if (c->run_ == run_state::idle) schedule(c);
    }
}

void local_scheduler::hold(context* c) noexcept { c->run_ = run_state::held; }

void local_scheduler::cell_opened(context* c) noexcept { c->local_ = &scheduler_thread; }

// Inlined into the loop: a call per turn (a message, in ping-pong) measured at 15 instructions
// of about 200 (callgrind, coact_peer pingpong).
COACT_HOT void local_scheduler::run_turn(context* c) {
    if (scheduler_thread.trace != nullptr) [[unlikely]] {
        traced_turn(*scheduler_thread.trace, c, c->generation(), [this, c] { resume_turn(c); });
        return;
    }
    resume_turn(c);
}

COACT_HOT void local_scheduler::resume_turn(context* c) {
    if (c->wait_ == wait_kind::start && c->stop_requested_ && core::closes_unstarted(c))
        [[unlikely]] {
        k_.close_unstarted(c);
        return;
    }
    c->run_ = run_state::running;
    c->budget_ = throughput_;
    running_ = c;
    c->handle_.resume();
    running_ = nullptr;
    if (c->handle_.done() || c->exit_delivered_) [[unlikely]] {
        k_.after_last_turn(c);
        return;
    }
    c->run_ = run_state::idle;
    if (core::runnable(c)) schedule(c);
}

void local_scheduler::turn(context* c) { run_turn(c); }

void local_scheduler::trace_to(tracer& t) noexcept {
    scheduler_thread.trace = trace_thread_ring(t, 0);
}

// --- timers ---

void local_scheduler::arm_timer(context* c, clock::duration delay) {
    const clock::time_point deadline = deadline_after(k_.now(), delay);
    if (deadline == never) [[unlikely]]
        return;  // past the clock's range: only a message or a stop ends the wait
    c->timer_armed_ = true;
    c->timer_pending_ = true;
    ++c->timer_token_;
    timers_.push(deadline, c, c->generation(), c->timer_token_, nullptr);
}

void local_scheduler::disarm_timer(context* c) noexcept {
    c->timer_armed_ = false;
    if (c->timer_pending_) {
        c->timer_pending_ = false;
        ++c->timer_token_;
        timers_.retire_one();
    }
}

void local_scheduler::send_after(clock::duration delay, context* to, std::uint32_t generation,
                                 envelope* e) {
    timers_.push(deadline_after(k_.now(), delay), to, generation, 0, e);
}

bool local_scheduler::fire_due_timers() {
    bool fired = false;
    const clock::time_point t = k_.now();
    while (!timers_.empty() && timers_.top().deadline <= t) {
        timer_entry e = timers_.pop();
        if (e.message != nullptr) {
            timers_.retire_one();
            if (k_.trace != nullptr) [[unlikely]]
                trace_actor_event(*k_.trace, trace_kind::timer, e.cell, e.generation);
            k_.deliver_timed(e.cell, e.generation, e.message);  // maybe to another runtime
            fired = true;
            continue;
        }
        context* c = e.cell;
        if (c->generation() != e.generation || !c->timer_pending_ || c->timer_token_ != e.token)
            continue;
        c->timer_pending_ = false;
        timers_.retire_one();
        if (k_.trace != nullptr) [[unlikely]]
            trace_actor_event(*k_.trace, trace_kind::timer, c, e.generation);
        c->timed_out_ = true;
        if (c->run_ == run_state::idle) schedule(c);
        fired = true;
    }
    return fired;
}

void local_scheduler::advance_time(clock::duration d) {
    k_.virtual_now = deadline_after(k_.virtual_now, std::max(d, clock::duration::zero()));
    fire_due_timers();
}

// --- the loop ---

void local_scheduler::run(bool serve) {
    k_.enter_run();
    struct leave {
        core& k;
        trace_binding traced;
        ~leave() {
            if (k.trace != nullptr) trace_restore(traced);
            k.leave_run();
        }
    } guard{k_, k_.trace != nullptr ? trace_bind(*k_.trace, 0) : trace_binding{}};
    // Counted across rounds: a round that a batch of outside messages starts may end after a
    // few turns (its actors ran out of messages), and a flood makes every round such a round;
    // counted per round, the 64th turn never came and timers never fired.
    unsigned turns = 0;
    for (;;) {
        if (remote_->pending() != 0) take_remote();
        if (!ready_.empty()) {
            while (!ready_.empty()) {
                run_turn(ready_.pop_front());
                if ((++turns & 63U) == 0) {
                    if (serve && k_.stop_serving.exchange(false)) return;
                    if (remote_->pending() != 0) take_remote();
                    if (!timers_.empty()) fire_due_timers();
                }
            }
            continue;
        }
        if (fire_due_timers()) continue;
        // An offload's result usually comes back within microseconds: waiting for it on the
        // condition variable costs a futex wake-up each time (bench_task: offload, 19k/s).
        if (k_.offloads_pending.load(std::memory_order_relaxed) != 0 &&
            spin_until([&] { return remote_->pending() != 0; })) {
            continue;
        }
        // Nothing to run: what the last period's bursts took and no longer need goes back.
        static_cast<void>(scheduler_thread.pool.idle(std::chrono::steady_clock::now()));

        std::unique_lock lock(remote_->mutex());
        if (remote_->pending() != 0) continue;
        if (serve) {
            if (k_.stop_serving.exchange(false)) return;
        } else if (timers_.live() == 0 &&
                   k_.offloads_pending.load(std::memory_order_relaxed) == 0) {
            return;
        }
        // An offload's result arrives through the remote queue, which wakes this wait.
        if (timers_.empty() || (k_.virtual_time && k_.offloads_pending.load() != 0)) {
            remote_->wake().wait(lock);  // a message, an offload's result, or request_stop()
        } else if (k_.virtual_time) {
            k_.virtual_now = std::max(k_.virtual_now, timers_.top().deadline);
        } else {
            remote_->wake().wait_until(lock, timers_.top().deadline);
        }
    }
}

void local_scheduler::request_stop() noexcept {
    { std::lock_guard lock(remote_->mutex()); }
    remote_->wake().notify_all();
}

std::size_t local_scheduler::shutdown() {
    // Close the door first: sends from other threads from now on are dead letters at once
    // (counted by refuse), so the queue below holds what was sent before, and taking it ends.
    remote_->close();
    struct reopen {
        remote_queue& in;
        ~reopen() { in.open(); }
    } door{*remote_};
    const std::uint64_t refused_before = k_.refused.load(std::memory_order_relaxed);
    std::size_t queued = 0;
    remote_->take(remote_->pending(), batch_);  // all: nothing more can come
    for (const remote_item& item : batch_) {
        delete item.topic;
        if (item.message != nullptr) {
            ++queued;
            free_envelope(scheduler_thread.pool, item.message);
        }
    }
    const auto drop_timers = [&] {
        timers_.clear([&](envelope* e) {
            ++queued;
            free_envelope(scheduler_thread.pool, e);
        });
    };
    drop_timers();
    ready_.clear();
    queued += k_.retire_all_cells();
    ready_.clear();
    drop_timers();
    bump(k_.dead_letters, queued);
    // Sent while it ran: refused at the door, counted there (with work stealing such a message
    // reaches a mailbox and is counted among the queued).
    return queued +
           static_cast<std::size_t>(k_.refused.load(std::memory_order_relaxed) - refused_before);
}

}  // namespace coact::detail
