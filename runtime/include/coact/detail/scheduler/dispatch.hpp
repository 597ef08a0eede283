// coact/detail/scheduler/dispatch.hpp — the per-message path, and the one place that tells the
// schedulers apart.
//
// Each function here is called for every message (or every envelope made or freed). Where the
// schedulers differ, it picks one with one branch: core::sched.local is set when one thread runs
// every actor (local and deterministic schedulers), otherwise sched.stealing is (work stealing).
// The single-threaded half is inline (local.hpp, below); the work-stealing half is a direct call
// into src/scheduler/work_stealing/delivery.cpp, never a virtual one. An actor's own envelope
// pool and count need no branch: context::local_ points at the running thread's (worker_local),
// set by each scheduler. Everything colder goes through the scheduler interface (scheduler.hpp).
// Hook points for tracing: core::deliver (a send), context::take_message (a message taken), and
// each scheduler's turn (a turn's start and end).
//
// The path of one message, single-threaded (docs/design/architecture.md has both schedulers'):
//   1. context::send (context_inline.hpp) makes an envelope from pool(): the scheduler
//      thread's pool, through context::local_;
//   2. core::deliver: another runtime's actor goes to its owner (core::inject); here, the local
//      scheduler checks the generation (stale: a dead letter), pushes the envelope on the
//      mailbox and, if the receiver waits idle for it, on the ready deque;
//   3. the loop (src/scheduler/local/local_scheduler.cpp) resumes the receiver, whose awaiter
//      (awaiters.hpp) calls take_message(): counts it (the thread's count, and the actor's for
//      runtime::metrics()), frees its place in a bounded mailbox.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "coact/context.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/scheduler/local.hpp"
#include "coact/detail/scheduler/scheduler.hpp"

namespace coact::detail {

// --- the work-stealing half (src/scheduler/work_stealing/delivery.cpp) ---
/// Pushes `e` on `to`'s inbox from any thread; false if the actor had ended (the envelope was
/// then dead-lettered or freed).
bool work_stealing_deliver(work_stealing_scheduler& s, context* to, std::uint32_t generation,
                           envelope* e);
/// The calling worker's envelope pool, or null on a thread that is not one of s's workers.
[[nodiscard]] envelope_pool* work_stealing_pool(work_stealing_scheduler& s) noexcept;

// --- the single-threaded half ---

inline void local_scheduler::schedule(context* c) {
    c->run_ = run_state::scheduled;
    ready_.push_back(c);
}

COACT_HOT void local_scheduler::deliver(context* to, std::uint32_t generation, envelope* e) {
    if (to->generation() != generation) [[unlikely]] {
        k_.dead_letter(e);
        return;
    }
    if (e->kind >= envelope_kind::reply) [[unlikely]] {
        if (k_.accept_reply(to, e) && to->run_ == run_state::idle &&
            (to->wait_ == wait_kind::reply || to->wait_ == wait_kind::reply_or_timer)) {
            schedule(to);
        }
        return;
    }
    to->box_.push(e);
    to->count_queued();
    if (to->run_ == run_state::idle &&
        (to->wait_ == wait_kind::message || to->wait_ == wait_kind::message_or_timer)) {
        schedule(to);
    }
}

// --- the dispatch points ---

/// The running actor took `e` (context::take_message), on its worker's ring.
inline void trace_took(trace_ring& r, const envelope* e) noexcept {
    trace_record& x = r.add_message(trace_kind::took);
    x.subject = e;
    x.detail = reinterpret_cast<std::uintptr_t>(e->ops != nullptr ? e->ops->type : nullptr);
}

COACT_HOT void core::deliver(context* to, std::uint32_t generation, envelope* e) {
    if (trace != nullptr) [[unlikely]]
        trace_delivered(*trace, e, to, generation);
    deliver_timed(to, generation, e);
}

COACT_HOT void core::deliver_timed(context* to, std::uint32_t generation, envelope* e) {
    if (to->core_ != this) [[unlikely]] {  // an actor of another runtime: thread-safe path
        to->core_->inject(to, generation, e);
        return;
    }
    if (sched.local != nullptr) [[likely]] {
        sched.local->deliver(to, generation, e);
        return;
    }
    static_cast<void>(work_stealing_deliver(*sched.stealing, to, generation, e));
}

inline envelope_pool* core::pool_here() noexcept {
    if (sched.local != nullptr) [[likely]]
        return &sched.local->scheduler_thread.pool;
    return work_stealing_pool(*sched.stealing);
}

inline void core::count(std::atomic<std::uint64_t>& counter, std::uint64_t by) noexcept {
    if (sched.local != nullptr) [[likely]] {
        bump(counter, by);
    } else {
        counter.fetch_add(by, std::memory_order_relaxed);
    }
}

inline void core::uncount(std::atomic<std::uint64_t>& counter) noexcept {
    if (sched.local != nullptr) [[likely]] {
        counter.store(counter.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    } else {
        counter.fetch_sub(1, std::memory_order_relaxed);
    }
}

inline std::uint64_t core::count_and_read(std::atomic<std::uint64_t>& counter) noexcept {
    if (sched.local != nullptr) [[likely]] {
        bump(counter);
        return counter.load(std::memory_order_relaxed);
    }
    return counter.fetch_add(1, std::memory_order_relaxed) + 1;
}

inline context* core::resolve_local(std::string_view name) const {
    if (sched.local == nullptr) [[unlikely]]  // the table changes on other threads: its lock
        return resolve_shared(name).first;
    context* c = names.find_local(name);
    if (c == nullptr) [[unlikely]]
        throw no_such_actor(name);
    return c;
}

inline void core::localise_payload(envelope* e) const noexcept {
    // One thread runs every subscriber: reference updates need not be atomic. (A payload made
    // by rt.publish on another thread came through the remote queue, which orders its
    // construction before this.)
    if (sched.local != nullptr && e->ops->single_threaded != nullptr)
        e->ops = e->ops->single_threaded;
}

}  // namespace coact::detail

namespace coact {

// The envelope pool of the thread running this actor, through context::local_: the single-
// threaded scheduler's (every cell points to it), or with work stealing that of the worker
// running this turn (set by the worker at the start of every turn, so it is right after a
// co_await that resumed on another worker; a thread_local read here could be a stale address
// cached across the suspension). Null while shutdown destroys frames: envelopes from the heap.
COACT_HOT detail::envelope_pool* context::pool() const noexcept {
    return local_ != nullptr ? &local_->pool : nullptr;
}

COACT_HOT detail::envelope* context::take_message() {
    if (stop_requested_ || current_request_ != 0) [[unlikely]] {
        check_stop();
        if (current_request_ != 0) core_->abandon_request(this, "took its next message");
    }
    detail::envelope* e = box_.pop();
    if (local_->trace != nullptr) [[unlikely]]
        detail::trace_took(*local_->trace, e);
    budget_ -= budget_ != 0 ? 1U : 0U;  // a zero-timeout receive_for may take past the budget
    detail::bump(local_->delivered);    // the thread running this turn: only it writes
    handled_.store(handled_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    if (e->slot != nullptr) [[unlikely]]
        core_->took_bounded(this, e);
    sender_ = detail_access::make(e->sender, e->sender_generation);
    current_request_ = e->kind == detail::envelope_kind::ask ? e->request : 0;
    return e;
}

// A one-entry cache saves the hash lookup when an actor keeps sending to the same name (the
// ping-pong case). It is only trusted if that cell still has the same generation (the actor
// did not end) and still carries the name. With several threads the cached actor may be ending
// on another one (its name freed), so every lookup goes to the registry, under its shared lock
// (and the cache's word holds absorb()'s list instead: context.hpp).
inline context* context::find_by_name(std::string_view name) {
    if (core_->sched.local == nullptr) [[unlikely]]
        return core_->resolve_local(name);
    context* c = name_cache_;
    if (c != nullptr && c->generation() == name_cache_generation_ && c->name_ != nullptr &&
        *c->name_ == name) [[likely]] {
        return c;
    }
    c = core_->resolve_local(name);
    name_cache_ = c;
    name_cache_generation_ = c->generation();
    return c;
}

inline void context::arm_timer(std::chrono::steady_clock::duration delay) {
    core_->sched->arm_timer(this, delay);
}

inline void context::disarm_timer() noexcept {
    // Nothing armed since the last disarm (an actor ending outside a timed wait, a zero sleep):
    // nothing to undo, and no call.
    if (timer_armed_) core_->sched->disarm_timer(this);
}

}  // namespace coact
