// scheduler/work_stealing/delivery.cpp — how an envelope reaches an actor with work stealing,
// and how the actor takes it in.
//
//   deliver         stamps the target generation; on the worker that owns the idle receiver, a
//                   local send (try_local_send: plain memory into its mailbox, the actor onto
//                   the LIFO slot); otherwise a push on the actor's inbox (any thread), and the
//                   push that made the inbox non-empty tells the owner (ownership.cpp)
//   absorb_some     the actor's own thread, at the start of and during its turn: moves what came
//                   into its private state, a bounded batch at a time, each sender's order kept
//   accept          one envelope into that state: a message to the mailbox, a reply to reply_,
//                   a stop or restart to stop_requested_, a timer expiry to timed_out_
#include <exception>
#include <new>
#include <utility>

#include "coact/runtime.hpp"
#include "scheduler/work_stealing/ownership.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"

namespace coact::detail {

namespace {

struct stop_tag {};  // the payload of a stop envelope (none)

bool is_event(const envelope* e) noexcept {
    return e->kind == envelope_kind::stop || e->kind == envelope_kind::timeout;
}

}  // namespace

// --- the dispatch points (detail/scheduler/dispatch.hpp) ---

bool work_stealing_deliver(work_stealing_scheduler& s, context* to, std::uint32_t generation,
                           envelope* e) {
    return s.deliver(to, generation, e);
}

envelope_pool* work_stealing_pool(work_stealing_scheduler& s) noexcept { return s.worker_pool(); }

bool work_stealing_scheduler::on_own_worker() const noexcept {
    const worker* w = current_worker();
    return w != nullptr && w->owner == this;
}

envelope_pool* work_stealing_scheduler::worker_pool() noexcept {
    worker* w = current_worker();
    return w != nullptr && w->owner == this ? &w->pool : nullptr;
}

std::uint64_t work_stealing_scheduler::delivered() const noexcept {
    std::uint64_t n = 0;
    for (const auto& w : workers_) n += w->delivered.load(std::memory_order_relaxed);
    return n;
}

// --- scheduling ---

void work_stealing_scheduler::inject_ready(context* c) {
    if (!global_.enqueue(c)) throw std::bad_alloc();  // noexcept callers: terminate
    // seq_cst: the publication half of parking's Dekker pattern (idle.hpp, step 1).
    global_count_.fetch_add(1, std::memory_order_seq_cst);
    idle_.notify_work();
}

/// Takes up to a batch of actors from the global queue: runs the first, and puts the rest in
/// `w`'s deque, where other workers can steal them (one dequeue per actor cost more than the
/// actor's turn when a thousand were spawned from outside).
context* work_stealing_scheduler::take_injected(worker& w) {
    if (global_count_.load(std::memory_order_relaxed) <= 0) return nullptr;
    constexpr std::size_t batch_size = 32;
    context* batch[batch_size];
    const std::size_t n = global_.try_dequeue_bulk(batch, batch_size);
    if (n == 0) return nullptr;
    global_count_.fetch_sub(static_cast<std::int64_t>(n), std::memory_order_relaxed);
    for (std::size_t i = 1; i < n; ++i) {
        if (!w.deque.push(batch[i])) inject_ready(batch[i]);
    }
    if (n > 1) idle_.notify_work();
    return batch[0];
}

void work_stealing_scheduler::schedule(context* c) {
    worker* w = current_worker();
    if (w != nullptr && w->owner == this) [[likely]] {
        schedule_on(*w, c);
        return;
    }
    inject_ready(c);
}

void work_stealing_scheduler::start(context* c) {
    c->run_ = run_state::scheduled;  // not free: shutdown() looks at it
    schedule(c);                     // from here on another worker may run (and end) it
}

// --- delivery ---

/// Inlined into deliver: the path of every message between two actors of one worker.
COACT_HOT bool work_stealing_scheduler::try_local_send(worker& w, context* to, envelope* e) {
    // Acquire: an idle word was stored (release) by the turn that left the actor waiting, on
    // whichever worker: this shows that turn's writes, and the actor's generation.
    cell_owner now = ownership::load(to, std::memory_order_acquire);
    if (now.state != owner_state::idle) return false;
    // A cell reused since the sender looked (its new actor idles): the inbox path makes the
    // envelope a dead letter (accept). An idle actor's generation does not change.
    if (to->generation() != e->target_generation) [[unlikely]]
        return false;
    const auto me = static_cast<std::uint16_t>(w.index);
    const cell_owner mine = ownership::make(me, owner_state::busy);
    if (now.id == me) [[likely]] {
        // Under the guard: a thief that took the actor over while this worker was stuck has
        // changed the word, and the guard's acquire shows it (rule 2).
        w.guard.enter();
        if (ownership::load(to, std::memory_order_relaxed) != now) [[unlikely]] {
            w.guard.leave();
            return false;
        }
        ownership::store(to, mine, std::memory_order_relaxed);
        w.guard.leave();  // busy now: no thief takes it
    } else if (now.id != no_owner || !ownership::cas(to, now, mine, std::memory_order_relaxed)) {
        // Another worker's (the inbox path tells it), or claimed by another just now. An actor
        // left idle by its first turn belongs to the first worker to send to it.
        return false;
    }
    // Envelopes pushed before (by other threads, or by this sender before it moved here) come
    // first. The relaxed look sees every push this sender made earlier, which happened before
    // this send (J3).
    if (to->inbox_.empty_approx() && e->kind <= envelope_kind::ask) [[likely]] {
        to->box_.push(e);  // what accept() does with a message: the actor is this worker's
        to->count_queued();
    } else {
        e->next = nullptr;
        to->handoff_ = e;  // idle: handoff_ and unreversed_ are empty
        // absorb walks unreversed_ into the front of handoff_: the inbox's envelopes first.
        static_cast<void>(ownership::take_inbox(to));
    }
    schedule_on(w, to);
    return true;
}

bool work_stealing_scheduler::deliver(context* to, std::uint32_t generation, envelope* e) {
    // A stale address (the actor ended; its cell may hold another actor now): the sender's dead
    // letter, not work for the cell's next actor. The load is a hint (relaxed: the actor may end
    // right after it); the reader checks target_generation for real (accept).
    if (to->generation() != generation) [[unlikely]] {
        discard(e);
        return false;
    }
    e->target_generation = generation;
    worker* w = current_worker();
    if (w != nullptr && w->owner == this) [[likely]] {
        if (try_local_send(*w, to, e)) return true;  // this worker owns the idle receiver
    } else {
        w = nullptr;  // outside (or another runtime's worker)
    }
    switch (to->inbox_.post(e)) {
        case post_result::queued:  // whoever made the inbox non-empty told the owner
            return true;
        case post_result::first:
            tell_owner(w, to);
            return true;
        case post_result::closed:
            break;
    }
    discard(e);
    return false;
}

void work_stealing_scheduler::discard(envelope* e) noexcept {
    if (is_event(e)) {
        k_.release(e);
    } else {
        k_.dead_letter(e);
    }
}

void work_stealing_scheduler::post_publish(std::string_view topic, envelope* e) {
    // The table is locked: fan out on the calling thread, straight into the inboxes.
    const std::lock_guard lock(k_.topics_mutex);
    k_.fan_out(topic, k_.topics.subscribers(topic), e);
}

bool work_stealing_scheduler::stop(context* c, std::uint32_t generation) {
    if (c == nullptr || c->generation() != generation) return false;
    return deliver(
        c, generation,
        make_envelope<stop_tag>(k_.pool_here(), stop_tag{}, nullptr, 0, envelope_kind::stop));
}

void work_stealing_scheduler::restart(context* c, std::uint32_t generation,
                                      std::uint32_t incarnation) {
    static_cast<void>(deliver(c, generation,
                              make_envelope<stop_tag>(k_.pool_here(), stop_tag{}, nullptr, 0,
                                                      envelope_kind::stop, incarnation + 1)));
}

// --- taking in ---

/// Turns one event taken from the inbox into the actor's private state.
void work_stealing_scheduler::accept(context* c, std::uint32_t generation, envelope* e) noexcept {
    if (e->target_generation != generation) [[unlikely]] {  // for the cell's earlier actor
        discard(e);
        return;
    }
    switch (e->kind) {
        case envelope_kind::plain:
        case envelope_kind::ask:
            c->box_.push(e);
            c->count_queued();
            break;
        case envelope_kind::reply:
        case envelope_kind::no_reply:
            static_cast<void>(k_.accept_reply(c, e));  // its turn runs now: nothing to schedule
            break;
        case envelope_kind::stop:
            if (e->request != 0) {  // a supervisor's restart, meant for body number request - 1
                cell_policy* x = c->policy_.load(std::memory_order_relaxed);
                if (x == nullptr || e->request - 1 != x->incarnation) {
                    k_.release(e);  // aimed at a body that has ended since
                    break;
                }
                x->restart_on_end = true;
            }
            c->stop_requested_ = true;
            k_.release(e);
            break;
        case envelope_kind::timeout:
            if (e->request == c->timer_token_) c->timed_out_ = true;  // else a stale timer
            k_.release(e);
            break;
    }
}

void work_stealing_scheduler::absorb_some(context* c) noexcept {
    // Bounded work: each call walks or takes in at most absorb_batch envelopes, so that a flood
    // cannot make one turn last as long as the flood (the worker's timers and other actors wait
    // meanwhile). Two lists carry the rest from call to call, and each sender's order holds:
    //   handoff_: in order, oldest first, not yet taken in: the envelope that woke the actor
    //     (it came with it, not through the inbox), or a run from the inbox, once reversed;
    //   unreversed_: a run taken from the inbox, newest first, still to be walked: each step
    //     moves its newest envelope to the front of handoff_, so handoff_ is taken in only once
    //     the walk is over (it then starts with the oldest).
    // The inbox is looked at again only once both are empty.
    std::size_t n = 0;
    for (;;) {
        if (envelope* run = c->unreversed_) [[unlikely]] {
            envelope* in_order = c->handoff_;
            const std::size_t before = n;
            for (; run != nullptr && n < absorb_batch; ++n) {
                envelope* e = run;
                run = e->next;
                e->next = in_order;
                in_order = e;
            }
            c->unreversed_ = run;
            c->handoff_ = in_order;
            c->local_->absorbed += n - before;  // runs from the inbox: what a flood is made of
            if (run != nullptr) return;
        }
        if (envelope* list = c->handoff_) {
            const std::uint32_t generation = c->generation();
            do {
                if (n == absorb_batch) [[unlikely]] {
                    c->handoff_ = list;
                    return;
                }
                envelope* e = list;
                list = e->next;  // before accept(), which may link e into the mailbox
                accept(c, generation, e);
                ++n;
            } while (list != nullptr);
            c->handoff_ = nullptr;
        }
        envelope* run = c->inbox_.take_all_newest_first();
        if (run == nullptr) return;
        c->unreversed_ = run;
    }
}

// --- a cell's inbox from spawn to the actor's end ---

void work_stealing_scheduler::cell_opened(context* c) noexcept {
    ownership::open(c);  // busy and fresh until its first turn
    c->inbox_.reopen();  // closed when its last actor ended (new cells: empty)
}

void work_stealing_scheduler::cell_closed(context* c) noexcept {
    // An ended actor is busy: a late notice for its cell changes nothing.
    ownership::store(c, ownership::make(fresh_owner, owner_state::busy), std::memory_order_relaxed);
    discard_all(std::exchange(c->handoff_, nullptr));  // left by a turn (absorb): older
    discard_all(std::exchange(c->unreversed_, nullptr));
    mailbox rest = c->inbox_.close();
    while (!rest.empty()) discard(rest.pop());
}

std::size_t work_stealing_scheduler::cell_dropped(context* c) noexcept {
    std::size_t messages = 0;
    const auto drop = [&](envelope* e) {
        if (!is_event(e)) ++messages;
        k_.release(e);
    };
    // Woken and no longer scheduled, or left by a turn (absorb): two lists.
    for (envelope* list :
         {std::exchange(c->handoff_, nullptr), std::exchange(c->unreversed_, nullptr)}) {
        for (envelope* e = list; e != nullptr;) {
            envelope* next = e->next;
            drop(e);
            e = next;
        }
    }
    mailbox in = c->inbox_.close();
    while (!in.empty()) drop(in.pop());
    return messages;
}

}  // namespace coact::detail
