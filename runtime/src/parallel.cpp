// The work-stealing mode: runtime_options{.workers = N}, N >= 2.
//
// The same actors, awaiters and termination as the single-threaded scheduler (runtime.cpp), with
// three differences (docs/design/work-stealing.md has the whole design):
//   1. Delivery. Every event for an actor is an envelope pushed on its inbox (inbox.hpp), from any
//      thread: messages, replies, timer expiries and stop requests. Only the thread running the
//      actor takes them (absorb), so its private state (box_, reply_, timed_out_,
//      stop_requested_) is never shared. The envelope carries the generation of the actor it is
//      for; a stale one (the cell was reused) becomes a dead letter when it is taken.
//   2. Scheduling exactly once. An actor with nothing to do marks its inbox BLOCKED; the push
//      that replaces the mark, and only that one, schedules it: in the pushing worker's LIFO slot
//      (the previous occupant moves to the worker's Chase-Lev deque, work_deque.hpp), or, from a
//      thread that is not a worker, on the global injection queue (moodycamel). So an actor is
//      on at most one queue, and runs on one thread at a time.
//   3. Workers. N threads (the one calling run() is worker 0) each loop: LIFO slot, own deque,
//      injection queue, due timers, then stealing from the others, then parking (idle.hpp).
//      run() returns when every worker is parked with nothing to do and no timer is live.
#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <new>
#include <system_error>
#include <thread>
#include <vector>

#include <concurrentqueue/concurrentqueue.h>

#include "coact/detail/idle.hpp"
#include "coact/detail/spin.hpp"
#include "coact/detail/work_deque.hpp"
#include "coact/runtime.hpp"

namespace coact::detail {

namespace {

constexpr std::size_t deque_capacity = 1024;  // per worker; overflow goes to the injection queue
constexpr unsigned lifo_limit = 32;           // turns in a row from the LIFO slot before it yields
constexpr unsigned fairness_every = 61;  // turns between looks at the injection queue and timers
// Rounds a turn may spend taking in pushes while its actor has nothing to run (turn_parallel).
constexpr unsigned idle_rounds_limit = 4;
constexpr std::size_t absorbed_fairness = 4096;  // envelopes taken in between those looks too
constexpr std::size_t absorb_batch = 256;        // envelopes one absorb() takes in at most

struct stop_tag {};     // the payload of a stop envelope (none)
struct timeout_tag {};  // the payload of a timeout envelope (the token is in `request`)

bool is_event(const envelope* e) noexcept {
    return e->kind == envelope_kind::stop || e->kind == envelope_kind::timeout;
}

}  // namespace

struct alignas(64) worker : worker_local {
    worker(core* o, unsigned i) : owner(o), index(i), deque(deque_capacity), rng(0x9e3779b9U + i) {}

    core* const owner;
    const unsigned index;
    work_deque<context*> deque;
    context* lifo = nullptr;  // the actor made ready last by this worker: it runs next
    unsigned lifo_streak = 0;
    unsigned ticks = 0;
    std::uint32_t rng;
    std::vector<timer_entry> due;  // scratch for fire_timers

    std::uint32_t next_random() noexcept {  // xorshift32, for picking a victim
        rng ^= rng << 13U;
        rng ^= rng >> 17U;
        rng ^= rng << 5U;
        return rng;
    }
};

// The worker threads other than the one calling run() live as long as the runtime: started by
// the first run(), they wait between runs for the next one (a new epoch) on a condition
// variable. Starting threads at every run() cost more than a short run itself.
struct engine {
    engine(core* owner, unsigned n) : idle(n) {
        workers.reserve(n);
        for (unsigned i = 0; i < n; ++i) {
            workers.push_back(std::make_unique<worker>(owner, i));
            workers.back()->pool.use_depot(&depot, envelope_limit);
        }
    }
    engine(const engine&) = delete;
    engine& operator=(const engine&) = delete;
    ~engine() {
        {
            const std::lock_guard lock(epoch_mutex);
            exiting = true;
        }
        epoch_changed.notify_all();
        for (std::thread& t : threads) t.join();
    }

    static constexpr std::size_t envelope_limit = 4096;  // per worker; the rest in the depot
    envelope_depot depot;  // declared before the workers: their pools refer to it
    std::vector<std::unique_ptr<worker>> workers;
    idle_workers idle;
    moodycamel::ConcurrentQueue<context*> injected;  // ready actors from outside, or overflow
    alignas(64) std::atomic<std::int64_t> injected_count{0};
    std::atomic<bool> stopping{false};  // serve(): request_stop() was called; workers leave
    std::atomic<bool> serving{false};

    std::mutex epoch_mutex;
    std::condition_variable epoch_changed;  // a run starts, or the runtime goes away
    std::condition_variable all_done;       // the last background worker left the run
    std::uint64_t epoch = 0;                // guarded by epoch_mutex
    std::size_t in_run = 0;                 // guarded by epoch_mutex: background workers in a run
    bool exiting = false;                   // guarded by epoch_mutex
    std::vector<std::thread> threads;       // workers 1..N-1
};

void engine_deleter::operator()(engine* e) const noexcept { delete e; }

namespace {

thread_local worker* tls_worker = nullptr;

// Out of line and never inlined: a thread_local's address must not be cached across a co_await
// (the actor may resume on another worker). Every read goes through here; the actors' own code
// finds its worker through context::local_ instead.
[[gnu::noinline]] worker* current_worker() noexcept { return tls_worker; }

}  // namespace

void core::init_parallel() {
    parallel = true;
    mt.reset(new engine(this, options.workers));
}

bool core::on_own_worker() const noexcept {
    const worker* w = current_worker();
    return w != nullptr && w->owner == this;
}

envelope_pool* core::worker_pool() noexcept {
    worker* w = current_worker();
    return w != nullptr && w->owner == this ? &w->pool : nullptr;
}

std::uint64_t core::delivered_by_workers() const noexcept {
    std::uint64_t n = 0;
    if (mt) {
        for (const auto& w : mt->workers) n += w->delivered.load(std::memory_order_relaxed);
    }
    return n;
}

// --- delivery and scheduling ---

namespace {

void inject_ready(engine& m, context* c) {
    if (!m.injected.enqueue(c)) throw std::bad_alloc();  // noexcept callers: terminate
    // seq_cst: the publication half of parking's Dekker pattern (idle.hpp, step 1).
    m.injected_count.fetch_add(1, std::memory_order_seq_cst);
    m.idle.notify_work();
}

/// Takes up to a batch of actors from the injection queue: runs the first, and puts the rest in
/// `w`'s deque, where other workers can steal them (one dequeue per actor cost more than the
/// actor's turn when a thousand were spawned from outside).
context* take_injected(engine& m, worker& w) {
    if (m.injected_count.load(std::memory_order_relaxed) <= 0) return nullptr;
    constexpr std::size_t batch_size = 32;
    context* batch[batch_size];
    const std::size_t n = m.injected.try_dequeue_bulk(batch, batch_size);
    if (n == 0) return nullptr;
    m.injected_count.fetch_sub(static_cast<std::int64_t>(n), std::memory_order_relaxed);
    for (std::size_t i = 1; i < n; ++i) {
        if (!w.deque.push(batch[i])) inject_ready(m, batch[i]);
    }
    if (n > 1) m.idle.notify_work();
    return batch[0];
}

}  // namespace

void core::schedule_parallel(context* c) {
    worker* w = current_worker();
    if (w != nullptr && w->owner == this) [[likely]] {
        context* previous = std::exchange(w->lifo, c);
        if (previous == nullptr) return;
        // The displaced actor becomes stealable: tell a parked worker, if nobody searches. A hint
        // only (the push is a release store, not the seq_cst publication parking pairs with):
        // if it is missed, this worker runs the actor itself.
        if (w->deque.push(previous)) {
            mt->idle.notify_work();
        } else {
            inject_ready(*mt, previous);
        }
        return;
    }
    inject_ready(*mt, c);
}

bool core::deliver_parallel(context* to, std::uint32_t generation, envelope* e) {
    // A stale address (the actor ended; its cell may hold another actor now): the sender's dead
    // letter, not work for the cell's next actor. The load is a hint (relaxed: the actor may end
    // right after it); the reader checks target_generation for real (accept).
    if (to->generation() != generation) [[unlikely]] {
        discard(e);
        return false;
    }
    e->target_generation = generation;
    switch (to->inbox_.push(e)) {
        case push_result::pushed:
            return true;
        case push_result::woke:  // the inbox stays empty: e goes with the actor, to its reader
            e->next = nullptr;   // a list of one (absorb): a failed CAS attempt may have set it
            to->handoff_ = e;
            schedule_parallel(to);
            return true;
        case push_result::closed:
            break;
    }
    discard(e);
    return false;
}

void core::discard(envelope* e) noexcept {
    if (is_event(e)) {
        release(e);
    } else {
        dead_letter(e);
    }
}

bool core::stop_parallel(context* c, std::uint32_t generation) {
    if (c == nullptr || c->generation() != generation) return false;
    return deliver_parallel(
        c, generation,
        make_envelope<stop_tag>(pool_here(), stop_tag{}, nullptr, 0, envelope_kind::stop));
}

void core::restart_parallel(context* c, std::uint32_t generation, std::uint32_t incarnation) {
    static_cast<void>(
        deliver_parallel(c, generation,
                         make_envelope<stop_tag>(pool_here(), stop_tag{}, nullptr, 0,
                                                 envelope_kind::stop, incarnation + 1)));
}

/// Turns one event taken from the inbox into the actor's private state.
void core::accept(context* c, std::uint32_t generation, envelope* e) noexcept {
    if (e->target_generation != generation) [[unlikely]] {  // for the cell's earlier actor
        discard(e);
        return;
    }
    switch (e->kind) {
        case envelope_kind::plain:
        case envelope_kind::ask:
            c->box_.push(e);
            break;
        case envelope_kind::reply:
        case envelope_kind::no_reply:
            deliver_reply(c, e);
            break;
        case envelope_kind::stop:
            if (e->request != 0) {  // a supervisor's restart, meant for body number request - 1
                cell_extras* x = c->extras_.load(std::memory_order_relaxed);
                if (x == nullptr || e->request - 1 != x->incarnation) {
                    release(e);  // aimed at a body that has ended since
                    break;
                }
                x->restart_on_end = true;
            }
            c->stop_requested_ = true;
            release(e);
            break;
        case envelope_kind::timeout:
            if (e->request == c->timer_token_) c->timed_out_ = true;  // else a stale timer
            release(e);
            break;
    }
}

void core::absorb_some(context* c) noexcept {
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

namespace {

/// An actor that used up its throughput goes behind the others: to the back of the injection
/// queue if anything else waits for this worker or in that queue. If nothing does, into this
/// worker's own deque, without waking anyone: the worker takes it back after its timers and
/// fairness checks, and a worker already searching may steal it. (Through the injection queue,
/// it woke a parked worker every turn, and a producer's counter moved between the two cores
/// every 64 messages: counting ran at half its one-worker rate.)
void yield_turn(engine& m, worker& w, context* c) {
    const bool others_wait = w.lifo != nullptr || !w.deque.empty_approx() ||
                             m.injected_count.load(std::memory_order_relaxed) > 0;
    if (others_wait || !w.deque.push(c)) inject_ready(m, c);
}

}  // namespace

void core::turn_parallel(context* c, worker& w) {
    c->local_ = &w;
    absorb(c);
    if (c->wait_ == wait_kind::start && c->stop_requested_) [[unlikely]] {
        close_unstarted(c);
        return;
    }
    c->budget_ = options.throughput;
    unsigned idle_rounds = 0;
    for (unsigned rounds = 0;; ++rounds) {
        if (!runnable(c)) {
            // Idle, unless envelopes wait in its lists (absorb): the next push schedules it again.
            if (c->handoff_ == nullptr && c->unreversed_ == nullptr && c->inbox_.try_block()) {
                return;
            }
            // Senders keep pushing what it does not wait for (messages while it sleeps, stale
            // ones): after a few rounds it yields, so that this worker gets back to its timers
            // and to other actors instead of taking in a flood for as long as it lasts.
            if (++idle_rounds > idle_rounds_limit) {
                yield_turn(*mt, w, c);
                return;
            }
            absorb(c);
            continue;
        }
        if (c->budget_ == 0 || rounds == options.throughput) {  // its share is spent: yield
            yield_turn(*mt, w, c);
            return;
        }
        c->handle_.resume();
        if (c->handle_.done() || c->exit_delivered_) [[unlikely]] {
            after_last_turn(c);
            return;
        }
        absorb(c);
    }
}

// --- timers ---

void core::arm_timer_parallel(context* c, clock::duration delay) {
    const std::lock_guard lock(timers_mutex);  // also for now(): virtual time moves under it
    const clock::time_point deadline = deadline_after(now(), delay);
    if (deadline == never) return;  // past the clock's range: only a message or a stop wakes it
    c->timer_armed_ = true;
    c->timer_pending_ = true;
    ++c->timer_token_;
    timers.push(deadline, c, c->generation(), c->timer_token_, nullptr);
    timers_queued.store(true, std::memory_order_relaxed);
}

void core::disarm_timer_parallel(context* c) noexcept {
    // Nothing armed since the last disarm (an actor ending outside a timed wait, a zero sleep):
    // nothing to undo, and no lock. A timeout still on its way is older than that disarm, whose
    // token bump already made it stale.
    if (!std::exchange(c->timer_armed_, false)) return;
    bool none_left = false;
    {
        const std::lock_guard lock(timers_mutex);
        if (c->timer_pending_) {
            c->timer_pending_ = false;
            timers.retire_one();
            none_left = timers.live() == 0;
        }
        ++c->timer_token_;  // a timeout already on its way is recognised as stale by its token
    }
    // A worker may sleep until this timer's deadline; with no timer left it must not (run()
    // would wait for it), so it is woken to park again without a deadline.
    if (none_left) {
        try {
            mt->idle.wake_timed();
        } catch (...) {  // the mutex failed: it wakes at the deadline instead, as before
        }
    }
}

void core::push_timer(clock::duration delay, context* to, std::uint32_t generation, envelope* e) {
    const std::lock_guard lock(timers_mutex);
    timers.push(deadline_after(now(), delay), to, generation, 0, e);
    timers_queued.store(true, std::memory_order_relaxed);
}

/// Takes the due timers under the lock, then delivers them without it. True if any fired.
bool core::fire_timers_parallel(std::vector<timer_entry>& due) {
    // Every worker comes here every 61 turns and whenever it runs out of work: without timers,
    // one load instead of a lock both workers take (measured: 6% of 100 pairs' time on the
    // mutex). A timer armed meanwhile is seen at the next look, and parking reads the queue
    // under the lock before a worker sleeps.
    if (!timers_queued.load(std::memory_order_relaxed)) return false;
    {
        const std::lock_guard lock(timers_mutex);
        if (timers.empty()) {
            timers_queued.store(false, std::memory_order_relaxed);
            return false;
        }
        const clock::time_point t = now();
        while (!timers.empty() && timers.top().deadline <= t) {
            timer_entry e = timers.pop();
            if (e.message == nullptr) {
                context* c = e.cell;
                if (c->generation() != e.generation || !c->timer_pending_ ||
                    c->timer_token_ != e.token) {
                    continue;  // cancelled
                }
                c->timer_pending_ = false;
            }
            timers.retire_one();
            due.push_back(e);
        }
    }
    const bool fired = !due.empty();
    for (const timer_entry& e : due) {
        if (e.message != nullptr) {
            deliver(e.cell, e.generation, e.message);  // send_after: maybe to another runtime
        } else {
            deliver_parallel(e.cell, e.generation,
                             make_envelope<timeout_tag>(pool_here(), timeout_tag{}, nullptr, 0,
                                                        envelope_kind::timeout, e.token));
        }
    }
    due.clear();
    return fired;
}

namespace {

bool fire_timers(core& k, worker& w) { return k.fire_timers_parallel(w.due); }

context* steal(engine& m, worker& w) {
    const std::size_t n = m.workers.size();
    const std::size_t start = w.next_random() % n;
    for (int attempt = 0; attempt < 2; ++attempt) {
        for (std::size_t i = 0; i < n; ++i) {
            worker& victim = *m.workers[(start + i) % n];
            if (&victim == &w) continue;
            if (context* c = victim.deque.steal()) return c;
        }
    }
    return nullptr;
}

/// What this worker runs next from its own queues, or null.
context* next_local(core& k, engine& m, worker& w) {
    // Now and then (every 61 turns, or sooner if they took in a flood), the oldest work first.
    if (++w.ticks % fairness_every == 0 || w.absorbed >= absorbed_fairness) {
        w.absorbed = 0;
        fire_timers(k, w);
        if (context* c = take_injected(m, w)) return c;
        if (context* c = w.deque.steal()) return c;  // the oldest in its own deque
    }
    if (w.lifo != nullptr) {
        if (w.lifo_streak < lifo_limit) {
            ++w.lifo_streak;
            return std::exchange(w.lifo, nullptr);
        }
        // Two actors messaging each other could keep the slot forever. If others wait in this
        // worker's deque, the oldest of them runs now and the slot's actor goes to the deque
        // (all local: no shared queue touched); if others wait only in the injection queue, it
        // goes behind them there; if none waits, it simply goes on.
        w.lifo_streak = 0;
        if (context* oldest = w.deque.steal()) {
            context* evicted = std::exchange(w.lifo, nullptr);
            if (!w.deque.push(evicted)) inject_ready(m, evicted);
            return oldest;
        }
        if (m.injected_count.load(std::memory_order_relaxed) <= 0) {
            return std::exchange(w.lifo, nullptr);
        }
        inject_ready(m, std::exchange(w.lifo, nullptr));
    }
    w.lifo_streak = 0;
    if (context* c = w.deque.pop()) return c;
    return take_injected(m, w);
}

void run_worker(core& k, engine& m, worker& w) {
    tls_worker = &w;
    const bool virtual_time = k.virtual_time;
    for (;;) {
        if (m.stopping.load(std::memory_order_relaxed)) break;
        context* c = next_local(k, m, w);
        if (c == nullptr && fire_timers(k, w)) continue;
        if (c == nullptr && m.idle.transition_to_searching(w.index)) c = steal(m, w);
        if (c != nullptr) {
            m.idle.transition_from_searching(w.index);
            k.turn_parallel(c, w);
            continue;
        }
        // An offload's result usually comes back within microseconds; parking and being woken
        // for it costs tens (bench_task: offload/workers:2). One worker, the first, waits for
        // it spinning; the others park, leaving the cores to the pool.
        if (w.index == 0 && k.offloads_pending.load(std::memory_order_relaxed) != 0 &&
            spin_until([&] { return m.injected_count.load(std::memory_order_acquire) > 0; })) {
            continue;
        }
        std::optional<clock::time_point> deadline;
        bool hold = false;
        {
            const std::lock_guard lock(k.timers_mutex);
            if (k.timers.live() > 0) {
                if (virtual_time) {
                    hold = true;
                } else {
                    deadline = k.timers.top().deadline;
                }
            }
        }
        const auto has_work = [&]() noexcept {
            if (m.stopping.load(std::memory_order_seq_cst)) return true;
            if (m.injected_count.load(std::memory_order_seq_cst) > 0) return true;
            for (const auto& other : m.workers) {
                if (!other->deque.empty_approx()) return true;
            }
            return false;
        };
        // An offload in flight will deliver from a pool thread (inject_ready wakes a worker):
        // until its actor takes the result, the run is not over.
        const park_result r = m.idle.park(w.index, has_work, deadline, hold, &k.offloads_pending);
        if (r == park_result::quiescent || r == park_result::stopped) break;
        if (r == park_result::last) {  // virtual time: everyone idles, so the clock jumps
            const std::lock_guard lock(k.timers_mutex);
            if (!k.timers.empty()) k.virtual_now = std::max(k.virtual_now, k.timers.top().deadline);
        }
    }
    tls_worker = nullptr;
}

/// Workers 1..N-1: one run per epoch, until the runtime goes away.
void background_worker(core& k, engine& m, worker& w) {
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(m.epoch_mutex);
            m.epoch_changed.wait(lock, [&] { return m.exiting || m.epoch != seen; });
            if (m.exiting) return;
            seen = m.epoch;
        }
        run_worker(k, m, w);
        const std::lock_guard lock(m.epoch_mutex);
        if (--m.in_run == 0) m.all_done.notify_all();
    }
}

}  // namespace

void core::run_parallel(bool serve) {
    if (on_own_worker()) {
        throw error(
            "coact::runtime::run: called from inside an actor; an actor must not run the "
            "scheduler it runs on");
    }
    enter_run();
    struct leave {
        core* self;
        ~leave() { self->leave_run(); }
    } guard{this};
    engine& m = *mt;
    m.idle.reset(/*end_on_quiescence=*/!serve);
    m.stopping.store(false);
    if (serve) {
        m.serving.store(true);  // seq_cst: Dekker with request_stop()
        if (stop_serving.load()) m.stopping.store(true);
    }
    if (m.threads.empty()) {
        try {
            m.threads.reserve(m.workers.size() - 1);
            for (std::size_t i = 1; i < m.workers.size(); ++i) {
                m.threads.emplace_back(
                    [this, &m, i] { background_worker(*this, m, *m.workers[i]); });
            }
        } catch (...) {  // could not start a thread: stop the ones started, report it
            {
                const std::lock_guard lock(m.epoch_mutex);
                m.exiting = true;
            }
            m.epoch_changed.notify_all();
            for (std::thread& t : m.threads) t.join();
            m.threads.clear();
            m.exiting = false;
            m.serving.store(false);
            throw;
        }
    }
    {
        const std::lock_guard lock(m.epoch_mutex);
        m.in_run = m.threads.size();
        ++m.epoch;
    }
    m.epoch_changed.notify_all();
    run_worker(*this, m, *m.workers[0]);
    if (serve) m.idle.unpark_all();  // request_stop() ended it: wake the parked ones to leave
    {
        std::unique_lock lock(m.epoch_mutex);
        m.all_done.wait(lock, [&] { return m.in_run == 0; });
    }
    if (serve) {
        m.serving.store(false);
        stop_serving.store(false);  // taken, as the single-threaded serve() does
    }
}

void core::request_stop_parallel() noexcept {
    // seq_cst, with the store of stop_serving before it: either this sees `serving`, or serve()
    // sees stop_serving when it starts.
    if (!mt->serving.load()) return;
    mt->stopping.store(true);
    mt->idle.unpark_all();
}

// --- shutdown (no worker is running) ---

std::size_t core::drop_inbox(context* c) noexcept {
    std::size_t messages = 0;
    const auto drop = [&](envelope* e) {
        if (!is_event(e)) ++messages;
        release(e);
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

std::size_t core::shutdown_parallel() {  // shutdown() holds run_thread: no worker runs
    engine& m = *mt;
    std::size_t queued = 0;
    const auto drop_queues = [&] {
        for (auto& w : m.workers) {
            w->lifo = nullptr;
            while (w->deque.pop() != nullptr) {
            }
        }
        context* c = nullptr;
        while (m.injected.try_dequeue(c)) m.injected_count.fetch_sub(1);
        timers.clear([&](envelope* e) {
            ++queued;
            release(e);
        });
    };
    drop_queues();
    queued += retire_all_cells();
    drop_queues();
    dead_letters.fetch_add(queued, std::memory_order_relaxed);
    return queued;
}

}  // namespace coact::detail
