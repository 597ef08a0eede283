// scheduler/work_stealing/ownership.cpp — notices, claims and the take-over of a stuck worker's
// idle actors (the protocol is in ownership.hpp; local sends are in delivery.cpp).
//
//   tell_owner          a push made an inbox non-empty: a notice to the owner (or the owner
//                       itself looks, or a claim for an unowned actor)
//   take_notice         the owner's look at one notice: wake the idle actor (on the sender's
//                       worker), drop a notice for a busy one after confirming ownership, or
//                       pass it on
//   drain_notices       the owner's turn boundary
//   take_stuck_notices  another worker, when the owner is stuck in a long turn
#include "scheduler/work_stealing/ownership.hpp"

#include <cstddef>

#include "coact/runtime.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"

namespace coact::detail {

namespace {

constexpr std::size_t notice_batch = 64;

std::uint16_t index_of(const worker& w) noexcept { return static_cast<std::uint16_t>(w.index); }

}  // namespace

void work_stealing_scheduler::tell_owner(worker* here, context* c) {
    const std::uint16_t from = here != nullptr ? index_of(*here) : from_outside;
    cell_owner now = ownership::load(c, std::memory_order_relaxed);
    for (;;) {
        if (now.id == fresh_owner) {
            // Not run yet: the worker that runs it adopts it with an exchange, which follows this
            // confirmation and so sees the push (rule 2). No notice.
            if (ownership::cas(c, now, now)) return;
            continue;  // adopted meanwhile: `now` was reloaded
        }
        if (now.id == no_owner) {
            // Unclaimed (and idle): this worker claims it, or from outside a worker picked in turn.
            const auto claimer = static_cast<std::uint16_t>(
                here != nullptr
                    ? from
                    : next_claimer_.fetch_add(1, std::memory_order_relaxed) % workers_.size());
            if (!ownership::cas(c, now, ownership::make(claimer, now.state))) continue;
            now.id = claimer;
        }
        if (here != nullptr && now.id == from) {  // this worker owns it: look at once
            context* ready = nullptr;
            {
                const owner_guard::section inside(here->guard);
                ready = take_notice(*here, {c, from, false});
            }
            if (ready != nullptr) schedule_on(*here, ready);
            return;
        }
        send_notice(here, now.id, {c, from, false});
        return;
    }
}

context* work_stealing_scheduler::take_notice(worker& w, notice n) {
    context* const c = n.cell;
    const std::uint16_t me = index_of(w);
    // Acquire: an idle word stored by a turn's end (release) shows that turn's writes.
    cell_owner now = ownership::load(c, std::memory_order_acquire);
    for (;;) {
        if (now.id == no_owner) {  // idle since its first turn: claim it, still idle
            if (!ownership::cas(c, now, ownership::make(me, owner_state::idle))) continue;
            now.id = me;
        }
        if (now.id == fresh_owner) {  // not run yet: a confirmation, no notice (tell_owner)
            if (ownership::cas(c, now, now)) return nullptr;
            continue;
        }
        if (now.id != me) {
            send_notice(&w, now.id, n);  // it moved: pass the notice on
            return nullptr;
        }
        if (now.state == owner_state::idle) {
            // This worker's, idle, and its guard is held: nobody else changes the word now.
            if (c->inbox_.empty_approx()) return nullptr;  // a stale notice
            ownership::store(c, ownership::make(me, owner_state::busy), std::memory_order_relaxed);
            static_cast<void>(ownership::take_inbox(c));
            // Woken by a send from another worker: it runs there, next to its sender, as the
            // waking sender's LIFO slot ran it before owners (two actors that talk stay on one
            // worker, and a pair split by a steal comes together again).
            if (n.from != from_outside && n.from != me) {
                send_notice(&w, n.from, {c, me, true});
                return nullptr;
            }
            return c;
        }
        // Busy: whoever runs it next sees the push, if it is still this worker's now (rule 2).
        if (ownership::cas(c, now, now)) return nullptr;
        // Changed since (adopted by another worker): look again, and pass the notice on.
    }
}

void work_stealing_scheduler::send_notice(worker* here, std::uint16_t owner, notice n) {
    worker& o = *workers_[owner];
    // seq_cst: the publication half of parking's pattern.
    if (here != nullptr) {
        o.notices.push(here->lanes[owner], n);
    } else {
        o.notices.push(n);
    }
    idle_.notify_worker(o.index);
}

void work_stealing_scheduler::drain_notices(worker& w) {
    notice batch[notice_batch];
    const std::size_t n = w.notices.take(batch, notice_batch);
    if (n == 0) return;
    context* ready[notice_batch];
    std::size_t k = 0;
    {
        const owner_guard::section inside(w.guard);
        for (std::size_t i = 0; i < n; ++i) {
            if (batch[i].run) {
                ready[k++] = batch[i].cell;  // handed over, busy: run it here
            } else if (context* c = take_notice(w, batch[i])) {
                ready[k++] = c;
            }
        }
    }
    for (std::size_t i = 0; i < k; ++i) schedule_on(w, ready[i]);
}

context* work_stealing_scheduler::take_stuck_notices(worker& thief, worker& stuck) {
    if (!stuck.notices.pending_approx() || !stuck.guard.begin_steal()) return nullptr;
    notice batch[notice_batch];
    const std::size_t n = stuck.notices.take(batch, notice_batch);
    const auto from = static_cast<std::uint16_t>(stuck.index);
    const std::uint16_t me = index_of(thief);
    context* taken[notice_batch];
    std::size_t k = 0;
    std::size_t left = 0;  // notices to send on after the section, in batch[0, left)
    for (std::size_t i = 0; i < n; ++i) {
        context* c = batch[i].cell;
        if (batch[i].run) {  // handed to the stuck worker, busy: anyone may run it
            taken[k++] = c;
            continue;
        }
        cell_owner now = ownership::load(c, std::memory_order_acquire);
        // The stuck owner is out of its sections (the guard), so its idle actors stay idle;
        // the CAS keeps off claims and other changes of the word (rule 2).
        if (now.state == owner_state::idle && (now.id == from || now.id == no_owner) &&
            ownership::cas(c, now, ownership::make(me, owner_state::busy))) {
            if (ownership::take_inbox(c)) {
                taken[k++] = c;
            } else {  // nothing came after all: idle again, now the thief's
                ownership::store(c, ownership::make(me, owner_state::idle),
                                 std::memory_order_release);
            }
            continue;
        }
        batch[left++] = batch[i];  // busy, or moved: the usual look decides, below
    }
    stuck.guard.end_steal();
    for (std::size_t i = 0; i < left; ++i) {
        // A busy actor of the stuck worker: it looks when its turn ends (its runner absorbs the
        // push). Another owner's: passed on, as the owner would.
        const cell_owner now = ownership::load(batch[i].cell, std::memory_order_relaxed);
        const bool elsewhere = now.id < workers_.size() && now.id != from;
        send_notice(&thief, elsewhere ? now.id : from, batch[i]);
    }
    if (k == 0) return nullptr;
    for (std::size_t i = 1; i < k; ++i) {
        if (!thief.deque.push(taken[i])) inject_ready(taken[i]);
    }
    if (k > 1) idle_.notify_work();
    return taken[0];
}

}  // namespace coact::detail
