// extras.cpp — bounded mailboxes and supervised actors: the parts of a cell in extras.hpp.
//
// Supervision, as a state machine per supervised cell (transitions under core::extras_mutex):
//   live --(its body fails)--> held: frame destroyed, address, name and queue kept; its
//         supervisor gets child_failed. Nothing schedules a held actor (single-threaded mode:
//         run_state::held; work-stealing mode: its inbox is left open, not blocked, so pushes
//         queue without waking it).
//   held --(supervisor: restart)--> live: a new body from the same function and arguments.
//   held --(anyone: stop)--> ended: retire() with the failure as the reason.
//   live --(supervisor: restart)--> a stop that marks restart_on_end, then live again in place.
//         In work-stealing mode that stop is an event carrying the incarnation it was meant for,
//         so a restart aimed at a body that has failed since is ignored by the next body.
#include <algorithm>
#include <mutex>
#include <string>
#include <utility>

#include "coact/runtime.hpp"

namespace coact::detail {

namespace {

struct put_room {};  // the payload of a put's wake-up: "a place is yours"

}  // namespace

void core::set_extras(context* c, const spawn_options& options) {
    cell_extras* x = c->extras_.load(std::memory_order_relaxed);
    if (x == nullptr) {
        if (options.capacity == 0 && !options.supervisor) return;
        x = new cell_extras;
        c->extras_.store(x, std::memory_order_release);  // a sender may read it from now on
    }
    // `queued` is not reset: stale envelopes for the cell's earlier actor still hold places
    // and give them back when they are freed.
    x->capacity.store(options.capacity, std::memory_order_relaxed);
    x->policy.store(options.overflow, std::memory_order_relaxed);
    const std::lock_guard lock(extras_mutex);
    x->supervisor = options.supervisor;
    x->held = false;
    x->incarnation = 0;
    x->failure = nullptr;
    x->restart_on_end = false;
    x->waiters.clear();
    x->waiting.store(0, std::memory_order_relaxed);
}

// --- bounded mailboxes ---

bool core::admit_bounded(context* to, std::uint32_t generation, cell_extras* x, envelope* e,
                         envelope_pool* pool) {
    // A stale address (the actor ended, its cell may hold another actor now): the bound is the
    // other actor's, not this send's; delivery compares generations and makes a dead letter. If
    // the actor ends after this check, the place taken is given back when the envelope is freed.
    if (to->generation() != generation) return true;
    const std::uint32_t capacity = x->capacity.load(std::memory_order_relaxed);
    // An ask is not counted: its asker waits for the answer, so it has one at most in flight
    // and cannot flood a mailbox, and refusing it would fail a caller that is about to wait.
    // Already admitted: a send to an actor of another runtime passes here twice (send, inject).
    if (capacity == 0 || e->kind == envelope_kind::ask || e->slot != nullptr) return true;
    if (x->queued.fetch_add(1, std::memory_order_seq_cst) < capacity) {
        e->slot = &x->queued;
        return true;
    }
    x->queued.fetch_sub(1, std::memory_order_seq_cst);
    // Full, but perhaps with another actor's messages: the target ended and its cell was reused
    // since the check above (work-stealing mode). Generations only grow: the send is stale.
    if (to->generation() != generation) return true;
    const overflow policy = x->policy.load(std::memory_order_relaxed);
    free_envelope(pool, e);
    if (policy == overflow::drop_newest) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    std::string who;
    names.locked([&] { who = describe_actor(to); });  // the name cannot be freed meanwhile
    throw mailbox_full(who, capacity, policy == overflow::wait);
}

void core::took_bounded(context* c, envelope* e) noexcept {
    release_slot(e);  // seq_cst: extras.hpp, step 2
    cell_extras* x = c->extras_.load(std::memory_order_relaxed);
    if (x->waiting.load(std::memory_order_seq_cst) == 0) [[likely]]
        return;
    cell_extras::waiter w;
    {
        const std::lock_guard lock(extras_mutex);
        if (x->waiters.empty()) return;
        w = x->waiters.front();
        x->waiters.erase(x->waiters.begin());
        x->waiting.fetch_sub(1, std::memory_order_relaxed);
    }
    x->queued.fetch_add(1, std::memory_order_seq_cst);  // the place goes to the waiter
    try {
        envelope* wake = make_envelope<put_room>(pool_here(), put_room{}, c, c->generation(),
                                                 envelope_kind::reply, w.request);
        wake->slot = &x->queued;  // given back if the waiter has gone
        deliver(detail_access::cell(w.who), detail_access::generation(w.who), wake);
    } catch (...) {  // out of memory: the place is given back; the waiter waits for the next
        x->queued.fetch_sub(1, std::memory_order_seq_cst);
    }
}

bool core::try_put(context* self, context* to, std::uint32_t generation, envelope* e) {
    cell_extras* x = to->extras_.load(std::memory_order_acquire);
    if (x == nullptr || to->generation() != generation) return true;  // stale: a dead letter
    const std::uint32_t capacity = x->capacity.load(std::memory_order_relaxed);
    if (capacity == 0) return true;
    if (x->queued.fetch_add(1, std::memory_order_seq_cst) < capacity) {
        e->slot = &x->queued;
        return true;
    }
    x->queued.fetch_sub(1, std::memory_order_seq_cst);
    if (to == self) {  // the same actor (the generation matched): nobody else takes from it
        throw error("coact::context::put: actor " + describe_actor(self) +
                    " put into its own full mailbox (" + std::to_string(capacity) +
                    " messages): it would wait for ever, since only it takes from that mailbox");
    }
    const std::lock_guard lock(extras_mutex);
    // Ended (its waiters were woken under this mutex): deliver, which makes a dead letter.
    if (to->generation() != generation) return true;
    x->waiting.fetch_add(1, std::memory_order_seq_cst);  // extras.hpp, step 1
    if (x->queued.fetch_add(1, std::memory_order_seq_cst) < capacity) {
        x->waiting.fetch_sub(1, std::memory_order_relaxed);
        e->slot = &x->queued;
        return true;
    }
    x->queued.fetch_sub(1, std::memory_order_seq_cst);
    if (++self->next_request_ == 0) ++self->next_request_;
    self->awaited_request_ = self->next_request_;
    x->waiters.push_back({self->address(), self->awaited_request_});
    return false;
}

void core::forget_put(context* self, context* to) noexcept {
    cell_extras* x = to->extras_.load(std::memory_order_acquire);
    if (x == nullptr) return;
    const std::lock_guard lock(extras_mutex);
    const coact::address me = self->address();
    const auto it = std::find_if(x->waiters.begin(), x->waiters.end(), [&](const auto& w) {
        return w.who == me && w.request == self->awaited_request_;
    });
    if (it == x->waiters.end()) return;
    x->waiters.erase(it);
    x->waiting.fetch_sub(1, std::memory_order_relaxed);
}

void core::wake_all_waiters(context* c) noexcept {
    cell_extras* x = c->extras_.load(std::memory_order_relaxed);
    std::vector<cell_extras::waiter> waiters;
    {
        const std::lock_guard lock(extras_mutex);
        waiters.swap(x->waiters);
        x->waiting.store(0, std::memory_order_relaxed);
    }
    for (const cell_extras::waiter& w : waiters) {  // no place: their puts become dead letters
        try {
            deliver(detail_access::cell(w.who), detail_access::generation(w.who),
                    make_envelope<put_room>(pool_here(), put_room{}, c, c->generation(),
                                            envelope_kind::reply, w.request));
        } catch (...) {
        }
    }
}

// --- supervision ---

void core::reset_incarnation(context* c) noexcept {
    if (c->handle_) std::exchange(c->handle_, nullptr).destroy();  // locals' destructors run
    if (c->current_request_ != 0) abandon_request(c, "failed");
    c->disarm_timer();
    if (std::exchange(c->subscribed_, false)) {
        const auto lock = lock_if_parallel(topics_mutex);
        if (!topics.empty()) topics.unsubscribe_all(c);
    }
    if (c->reply_ != nullptr) release(std::exchange(c->reply_, nullptr));
    c->awaited_request_ = 0;
    c->sender_ = {};
    c->stop_requested_ = c->exit_delivered_ = c->timed_out_ = false;
    if (watches_used.load(std::memory_order_relaxed)) {  // what its body set up goes with it
        const coact::address me = c->address();
        const auto lock = lock_if_parallel(watches_mutex);
        const auto mine = watches.find(c);
        if (mine != watches.end()) {
            for (const coact::address& w : mine->second.watching) {
                const auto theirs = watches.find(detail_access::cell(w));
                if (theirs == watches.end()) continue;
                auto& list = theirs->second.monitors;
                const auto it = std::find(list.begin(), list.end(), me);
                if (it != list.end()) list.erase(it);
            }
            mine->second.watching.clear();
            mine->second.traps_exits = false;
        }
    }
}

bool core::hold_or_restart(context* c, exit_kind_internal kind, const std::exception_ptr& error) {
    cell_extras* x = c->extras_.load(std::memory_order_relaxed);
    bool again = false;
    coact::address supervisor;
    {
        const std::lock_guard lock(extras_mutex);
        if (x->restart_on_end) {
            again = true;
        } else if (kind != exit_kind_internal::failed || !x->supervisor) {
            return false;
        } else {
            supervisor = x->supervisor;
            // A supervisor that has ended can decide nothing: end for good.
            if (detail_access::cell(supervisor)->generation() !=
                detail_access::generation(supervisor)) {
                return false;
            }
        }
    }
    c->run_ = run_state::running;  // deliveries meanwhile must not schedule it
    reset_incarnation(c);
    {
        const std::lock_guard lock(extras_mutex);
        if (again || x->restart_on_end) {
            x->restart_on_end = false;
            ++x->incarnation;
            again = true;
        } else {
            x->held = true;
            x->failure = error;
        }
    }
    if (again) {
        start_again(c);
        return true;
    }
    if (!parallel) c->run_ = run_state::held;
    try {
        deliver(detail_access::cell(supervisor), detail_access::generation(supervisor),
                make_envelope<child_failed>(
                    pool_here(), child_failed{c->address(), exit_reason{exit_kind::failed, error}},
                    c, c->generation()));
    } catch (...) {  // out of memory: nobody will decide; it stays held until it is stopped
    }
    return true;
}

void core::start_again(context* c) {
    try {
        c->handle_ = c->holder_->start_again(*c).release();
    } catch (...) {  // its arguments could not be copied, or out of memory: it ends for good
        const std::exception_ptr e = std::current_exception();
        count(failed);
        const std::string line = "coact: actor " + describe_actor(c) + " could not be restarted: " +
                                 [&] {
                                     try {
                                         std::rethrow_exception(e);
                                     } catch (const std::exception& ex) {
                                         return std::string(ex.what());
                                     } catch (...) {
                                         return std::string("unknown exception");
                                     }
                                 }() +
                                 "\n";
        std::fputs(line.c_str(), stderr);
        retire(c, exit_kind_internal::failed, e);
        return;
    }
    c->wait_ = wait_kind::start;
    count(restarts);
    if (parallel) {
        c->run_ = run_state::scheduled;
        schedule_parallel(c);  // the last touch: another worker may run it from here on
        return;
    }
    schedule(c);
}

bool core::stop_held(context* c, std::uint32_t generation) {
    cell_extras* x = c->extras_.load(std::memory_order_acquire);
    std::exception_ptr failure;
    {
        const std::lock_guard lock(extras_mutex);
        if (!x->held || c->generation() != generation) return false;
        x->held = false;
        failure = std::exchange(x->failure, nullptr);
    }
    retire(c, exit_kind_internal::failed, std::move(failure));  // counted when it failed
    return true;
}

bool core::restart(context* self, coact::address child) {
    context* c = detail_access::cell(child);
    const std::uint32_t generation = detail_access::generation(child);
    if (c == nullptr) throw error("coact::context::restart: the child address is null");
    if (c->core_ != this) {
        throw error("coact::context::restart: the child belongs to " + describe_runtime(c->core_) +
                    ", not to " + describe_runtime(this) +
                    " of this actor; a supervisor and its children share one runtime");
    }
    cell_extras* x = c->extras_.load(std::memory_order_acquire);
    std::unique_lock lock(extras_mutex);
    if (c->generation() != generation) return false;  // ended for good (or never this one)
    if (x == nullptr || x->supervisor != self->address()) {
        lock.unlock();
        throw error("coact::context::restart: actor " + describe_actor(c) +
                    " is not supervised by actor " + describe_actor(self) +
                    " (spawn it with spawn_options{.supervisor = self.address()})");
    }
    if (x->held) {
        x->held = false;
        x->failure = nullptr;
        ++x->incarnation;
        lock.unlock();
        if (!parallel) c->run_ = run_state::idle;
        start_again(c);
        return true;
    }
    const std::uint32_t incarnation = x->incarnation;
    lock.unlock();
    if (parallel) {
        restart_parallel(c, generation, incarnation);
        return true;
    }
    x->restart_on_end = true;  // one thread: the flag is read at its end, on this thread
    if (!c->stop_requested_) {
        c->stop_requested_ = true;
        if (c->run_ == run_state::idle) schedule(c);
    }
    return true;
}

}  // namespace coact::detail
