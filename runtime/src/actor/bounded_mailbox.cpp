// actor/bounded_mailbox.cpp — spawn_options::capacity and overflow: admission, the places given
// back when envelopes are taken or freed, and put()'s waiting senders (the protocol is in
// detail/actor/cell_policy.hpp). Also set_policy, which sets up a cell's bound, supervisor and
// send gate, and the gate's check on the way in.
#include <algorithm>
#include <mutex>
#include <string>
#include <utility>

#include "coact/runtime.hpp"

namespace coact::detail {

namespace {

struct put_room {};  // the payload of a put's wake-up: "a place is yours"

}  // namespace

void core::set_policy(context* c, const spawn_options& options, const send_gate* gate) {
    cell_policy* x = c->policy_.load(std::memory_order_relaxed);
    if (x == nullptr) {
        if (options.capacity == 0 && !options.supervisor && gate == nullptr) return;
        x = new cell_policy;
        c->policy_.store(x, std::memory_order_release);  // a sender may read it from now on
    }
    x->gate.store(gate, std::memory_order_release);  // the gate was made before: cell_policy.hpp
    // `queued` is not reset: stale envelopes for the cell's earlier actor still hold places
    // and give them back when they are freed.
    x->capacity.store(options.capacity, std::memory_order_relaxed);
    x->on_full.store(options.overflow, std::memory_order_relaxed);
    const std::lock_guard lock(policy_mutex);
    x->supervisor = options.supervisor;
    x->held = false;
    x->incarnation = 0;
    x->failures = 0;
    x->failure = nullptr;
    x->restart_on_end = false;
    x->waiters.clear();
    x->waiting.store(0, std::memory_order_relaxed);
}

// --- bounded mailboxes ---

bool core::admit_bounded(context* to, std::uint32_t generation, cell_policy* x, envelope* e,
                         envelope_pool* pool) {
    // A stale address (the actor ended, its cell may hold another actor now): the bound is the
    // other actor's, not this send's; delivery compares generations and makes a dead letter. If
    // the actor ends after this check, the place taken is given back when the envelope is freed.
    if (to->generation() != generation) return true;
    if (const send_gate* gate = x->gate.load(std::memory_order_acquire); gate != nullptr) {
        try {
            gate->check(*e, *to);
        } catch (...) {  // refused: nobody takes the message
            free_envelope(pool, e);
            throw;
        }
    }
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
    const overflow policy = x->on_full.load(std::memory_order_relaxed);
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
    release_slot(e);  // seq_cst: cell_policy.hpp, step 2
    cell_policy* x = c->policy_.load(std::memory_order_relaxed);
    if (x->waiting.load(std::memory_order_seq_cst) == 0) [[likely]]
        return;
    cell_policy::waiter w;
    {
        const std::lock_guard lock(policy_mutex);
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
    cell_policy* x = to->policy_.load(std::memory_order_acquire);
    if (x == nullptr || to->generation() != generation) return true;  // stale: a dead letter
    if (const send_gate* gate = x->gate.load(std::memory_order_acquire); gate != nullptr) {
        gate->check(*e, *to);  // refused: the put_awaiter frees `e`
    }
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
    const std::lock_guard lock(policy_mutex);
    // Ended (its waiters were woken under this mutex): deliver, which makes a dead letter.
    if (to->generation() != generation) return true;
    x->waiting.fetch_add(1, std::memory_order_seq_cst);  // cell_policy.hpp, step 1
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
    cell_policy* x = to->policy_.load(std::memory_order_acquire);
    if (x == nullptr) return;
    const std::lock_guard lock(policy_mutex);
    const coact::address me = self->address();
    const auto it = std::find_if(x->waiters.begin(), x->waiters.end(), [&](const auto& w) {
        return w.who == me && w.request == self->awaited_request_;
    });
    if (it == x->waiters.end()) return;
    x->waiters.erase(it);
    x->waiting.fetch_sub(1, std::memory_order_relaxed);
}

void core::wake_all_waiters(context* c) noexcept {
    cell_policy* x = c->policy_.load(std::memory_order_relaxed);
    std::vector<cell_policy::waiter> waiters;
    {
        const std::lock_guard lock(policy_mutex);
        waiters.swap(x->waiters);
        x->waiting.store(0, std::memory_order_relaxed);
    }
    for (const cell_policy::waiter& w : waiters) {  // no place: their puts become dead letters
        try {
            deliver(detail_access::cell(w.who), detail_access::generation(w.who),
                    make_envelope<put_room>(pool_here(), put_room{}, c, c->generation(),
                                            envelope_kind::reply, w.request));
        } catch (...) {
        }
    }
}

}  // namespace coact::detail
