// scheduler/work_stealing/work_stealing.hpp — the work-stealing scheduler:
// runtime_options{.workers = N}, N >= 2 (or .work_stealing = true).
//
// The same actors, awaiters and termination as the single-threaded scheduler, with three
// differences (docs/design/work-stealing.md has the whole design):
//   1. Delivery (delivery.cpp). Every event for an actor that does not come from the worker
//      owning it idle is an envelope pushed on its inbox (detail/scheduler/inbox.hpp), from any
//      thread: messages, replies, timer expiries and stop requests. Only the thread running the
//      actor takes them (absorb), so its private state (box_, reply_, timed_out_,
//      stop_requested_) is never shared. The envelope carries the generation of the actor it is
//      for; a stale one becomes a dead letter when taken.
//   2. Owners (ownership.hpp, ownership.cpp). An idle actor belongs to one worker, the only one
//      that schedules it again: its own sends to it are plain memory (no locked instruction),
//      and the push that makes the inbox of an idle actor non-empty sends the owner a notice
//      (its notice_queue). A woken actor runs on the worker whose send woke it, so two actors
//      that talk stay on one worker (its LIFO slot runs it next). An actor on a queue (the LIFO
//      slot, the Chase-Lev deque of work_deque.hpp, the global queue) may be taken by any worker,
//      which owns it from then on. So an actor is on at most one queue, and runs on one thread
//      at a time.
//   3. Workers (worker.cpp). N threads (the one calling run() is worker 0) each loop: LIFO
//      slot, own deque, global queue, due timers (timers.cpp), then stealing from the others,
//      then parking (idle.hpp). run() returns when every worker is parked with nothing to do
//      and no timer is live.
// Private: only src/scheduler/work_stealing/ and the factory include this header.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <concurrentqueue/concurrentqueue.h>

#include "coact/detail/scheduler/scheduler.hpp"
#include "coact/detail/scheduler/timer_queue.hpp"
#include "coact/runtime.hpp"
#include "scheduler/work_stealing/idle.hpp"
#include "scheduler/work_stealing/lifo_slot.hpp"
#include "scheduler/work_stealing/notice_queue.hpp"
#include "scheduler/work_stealing/owner_guard.hpp"
#include "scheduler/work_stealing/work_deque.hpp"

namespace coact::detail {

class work_stealing_scheduler;

inline constexpr std::size_t deque_capacity = 1024;  // per worker; overflow: the global queue
inline constexpr unsigned lifo_limit = 32;  // turns in a row from the LIFO slot before it yields
inline constexpr unsigned fairness_every = 61;  // turns between looks at the global queue, timers
// Rounds a turn may spend taking in pushes while its actor has nothing to run (turn).
inline constexpr unsigned idle_rounds_limit = 4;
inline constexpr std::size_t absorbed_fairness = 4096;  // envelopes taken in between those looks
inline constexpr std::size_t absorb_batch = 256;        // envelopes one absorb() takes in at most
// How long a worker must stay in one turn before another takes the actor waiting in its LIFO
// slot, and how often a parked worker looks while another works (take_from_long_turn).
inline constexpr auto watch_interval = std::chrono::milliseconds(1);

struct alignas(64) worker : worker_local {
    worker(work_stealing_scheduler* o, unsigned i)
        : owner(o), index(i), deque(deque_capacity), rng(0x9e3779b9U + i) {}

    work_stealing_scheduler* const owner;
    const unsigned index;
    work_deque<context*> deque;
    // The actor made ready last by this worker: it runs next. Another worker takes it only when
    // this one has stayed in one turn for a watch interval (take_from_long_turn).
    lifo_slot lifo;
    unsigned lifo_streak = 0;
    // Around this worker's accesses to the idle actors it owns (ownership.hpp): a worker that
    // sees this one stuck in a long turn takes those its notices are about under the guard.
    owner_guard guard;
    // Actors this worker owns (or may) whose inbox another thread made non-empty.
    notice_queue notices;
    // This worker's lanes into every worker's notice queue (its own included), by index.
    std::vector<notice_queue::lane> lanes;
    // Turns begun, written by this worker only (relaxed: a count others compare over time).
    std::atomic<std::uint64_t> turns_begun{0};
    // This worker's notes on the others, for take_from_long_turn: the turns_begun it saw last,
    // and since when.
    struct watch_note {
        std::uint64_t turns = 0;
        std::chrono::steady_clock::time_point since{};
    };
    std::vector<watch_note> notes;
    unsigned until_fairness = fairness_every;  // turns until the next look at the oldest work
    std::uint32_t rng;
    std::vector<timer_entry> due;  // scratch for fire_timers

    std::uint32_t next_random() noexcept {  // xorshift32, for picking a victim
        rng ^= rng << 13U;
        rng ^= rng >> 17U;
        rng ^= rng << 5U;
        return rng;
    }
};

/// The worker the calling thread is, or null (worker.cpp). Out of line and never inlined: a
/// thread_local's address must not be cached across a co_await (the actor may resume on another
/// worker). The actors' own code finds its worker through context::local_ instead.
worker* current_worker() noexcept;

class work_stealing_scheduler final : public scheduler {
  public:
    work_stealing_scheduler(core& k, unsigned workers);
    ~work_stealing_scheduler() override;

    // --- scheduler ---
    void run(bool serve) override;
    void request_stop() noexcept override;
    void check_shutdown() const override;
    std::size_t shutdown() override;
    void check_spawn_thread() const override {}  // any thread may spawn
    void post(context* to, std::uint32_t generation, envelope* e) override {
        static_cast<void>(deliver(to, generation, e));  // inboxes take pushes from any thread
    }
    void post_stop(context* to, std::uint32_t generation) override {
        static_cast<void>(stop(to, generation));
    }
    void post_publish(std::string_view topic, envelope* e) override;
    bool stop_from_outside(context* c, std::uint32_t generation) override {
        return k_.stop(c, generation);
    }
    void start(context* c) override;
    bool stop(context* c, std::uint32_t generation) override;
    void restart(context* c, std::uint32_t generation, std::uint32_t incarnation) override;
    void hold(context*) noexcept override {}  // it stays busy: no owner wakes it (ownership.hpp)
    void cell_opened(context* c) noexcept override;
    void cell_closed(context* c) noexcept override;
    std::size_t cell_dropped(context* c) noexcept override;
    void arm_timer(context* c, clock::duration delay) override;
    void disarm_timer(context* c) noexcept override;
    void send_after(clock::duration delay, context* to, std::uint32_t generation,
                    envelope* e) override;
    void advance_time(clock::duration d) override;
    void trace_to(tracer& t) noexcept override;
    [[nodiscard]] std::uint64_t delivered() const noexcept override;

    // --- delivery (delivery.cpp) ---
    /// False if the actor had ended (the envelope was then dead-lettered or freed).
    bool deliver(context* to, std::uint32_t generation, envelope* e);
    void schedule(context* c);
    /// Makes `c` ready on worker `w` (the calling thread): its LIFO slot.
    void schedule_on(worker& w, context* c);
    /// The calling worker's envelope pool, or null on a thread that is not one of these workers.
    [[nodiscard]] envelope_pool* worker_pool() noexcept;
    [[nodiscard]] bool on_own_worker() const noexcept;

  private:
    // --- inbox events (delivery.cpp) ---
    /// Takes what the inbox holds into the actor's private state, at most a batch at a time;
    /// what is left waits in handoff_ and unreversed_ for the next call.
    void absorb(context* c) noexcept {
        if (has_pending(c)) absorb_some(c);
    }
    /// Whether envelopes wait for `c` in its lists or its inbox. The usual case after a resume,
    /// inline: nothing came (the inbox cannot be CLOSED while its actor runs, so "no envelope"
    /// means empty).
    static bool has_pending(const context* c) noexcept {
        return c->handoff_ != nullptr || c->unreversed_ != nullptr || !c->inbox_.empty_approx();
    }
    void absorb_some(context* c) noexcept;
    void accept(context* c, std::uint32_t generation, envelope* e) noexcept;
    /// An envelope its actor will never take: a message becomes a dead letter, an event is freed.
    void discard(envelope* e) noexcept;
    void discard_all(envelope* list) noexcept {
        while (list != nullptr) discard(std::exchange(list, list->next));
    }
    // --- owners (ownership.cpp; ownership.hpp has the protocol) ---
    /// On worker `w`: delivers `e` to `to` as plain memory if `w` owns `to` and `to` is idle
    /// (claiming it if nobody does). False if the envelope must go through the inbox.
    bool try_local_send(worker& w, context* to, envelope* e);
    /// The push of a thread (`here`: its worker, or null outside) made `c`'s inbox non-empty:
    /// tells the owner, or acts as the owner.
    void tell_owner(worker* here, context* c);
    /// On owner `w`, under its guard: a notice for `c`. Returns `c` if it must be scheduled on
    /// `w` (it was idle and has envelopes: now busy), else null (passed on, or nothing to do).
    context* take_notice(worker& w, notice n);
    /// From worker `here` (null: another thread) to worker `owner`, which it wakes if parked.
    void send_notice(worker* here, std::uint16_t owner, notice n);
    /// At a turn boundary of `w`: takes its notices and schedules the actors they wake.
    void drain_notices(worker& w);
    /// `thief` saw `stuck` in one long turn: takes over the idle actors its notices are about.
    /// Returns one to run (the rest go to thief's deque), or null.
    context* take_stuck_notices(worker& thief, worker& stuck);
    /// Puts a ready actor on the global queue and wakes a worker for it.
    void inject_ready(context* c);
    context* take_injected(worker& w);

    // --- workers (worker.cpp) ---
    void turn(context* c, worker& w);
    void resume_turn(context* c, worker& w);  // turn's work, which a traced turn brackets
    void yield_turn(worker& w, context* c);
    context* steal(worker& w);
    /// The actor waiting in the LIFO slot of a worker that has stayed in one turn for a watch
    /// interval (a long computation without a co_await), or null.
    context* take_from_long_turn(worker& w);
    context* next_local(worker& w);
    void run_worker(worker& w);
    void background_worker(worker& w);

    // --- timers (timers.cpp) ---
    /// Takes the due timers under the lock, then delivers them without it. True if any fired.
    bool fire_timers(std::vector<timer_entry>& due);

    core& k_;
    const unsigned throughput_;  // messages per turn (runtime_options::throughput)
    static constexpr std::size_t envelope_limit = 4096;  // per worker; the rest in the depot
    // Declared before the workers (their pools refer to it), and on cache lines of its own:
    // workers lock it when they spill envelopes, while every turn reads the fields above.
    alignas(64) envelope_depot depot_;
    std::vector<std::unique_ptr<worker>> workers_;
    idle_workers idle_;
    moodycamel::ConcurrentQueue<context*> global_;  // ready actors from outside, or overflow
    std::atomic<std::uint32_t> next_claimer_{0};    // round robin: outside sends' claims
    alignas(64) std::atomic<std::int64_t> global_count_{0};
    std::atomic<bool> stopping_{false};  // serve(): request_stop() was called; workers leave
    std::atomic<bool> serving_{false};

    // The timers, and the cells' timer fields, under timers_mutex_.
    timer_queue timers_;
    std::mutex timers_mutex_;
    std::atomic<bool> timers_queued_{false};  // !timers_.empty(), as a hint

    // The worker threads other than the one calling run() live as long as the runtime: started
    // by the first run(), they wait between runs for the next one (a new epoch) on a condition
    // variable. Starting threads at every run() cost more than a short run itself.
    std::mutex epoch_mutex_;
    std::condition_variable epoch_changed_;  // a run starts, or the runtime goes away
    std::condition_variable all_done_;       // the last background worker left the run
    std::uint64_t epoch_ = 0;                // guarded by epoch_mutex_
    std::size_t in_run_ = 0;                 // guarded by epoch_mutex_: background workers in a run
    bool exiting_ = false;                   // guarded by epoch_mutex_
    std::vector<std::thread> threads_;       // workers 1..N-1
};

inline void work_stealing_scheduler::schedule_on(worker& w, context* c) {
    context* previous = w.lifo.put(c);
    if (previous == nullptr) return;
    // The displaced actor becomes stealable: tell a parked worker, if nobody searches. A hint
    // only (the push is a release store, not the seq_cst publication parking pairs with): if it
    // is missed, this worker runs the actor itself.
    if (w.deque.push(previous)) {
        idle_.notify_work();
    } else {
        inject_ready(previous);
    }
}

}  // namespace coact::detail
