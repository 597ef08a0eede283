// coact/detail/scheduler/scheduler.hpp — the seam between the actors and whatever runs them.
//
// The actor layer (detail/actor/, src/actor/) keeps cells, names, topics, watches and the
// lifecycle of an actor; a scheduler decides on which thread and when each actor's turn comes.
// Three implement this interface, each behind a factory (src/scheduler/factory.cpp):
//   local          one thread runs every actor: a ready deque, a remote queue for other threads
//                  (detail/scheduler/local.hpp, src/scheduler/local/);
//   deterministic  the local one, driven a turn at a time by testing::deterministic;
//   work_stealing  N workers with LIFO slots, Chase-Lev deques and actor inboxes
//                  (src/scheduler/work_stealing/).
//
// Two speeds of call:
//   - cold (per run, per actor, per timer, per message from outside a turn): the virtual members
//     below, reached through core::sched;
//   - hot (per message inside a turn: deliver, the envelope pool, the counters): inline
//     functions in detail/scheduler/dispatch.hpp, the one place that tells the implementations
//     apart, with a branch the single-threaded path predicts (no virtual call per message).
//
// Threads: each member says which thread calls it. "Turn" means a thread running one of this
// runtime's actors; "outside" means any other thread, or another runtime's actor.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "coact/detail/message/envelope.hpp"

namespace coact {
class context;
}

namespace coact::detail {

struct core;
class tracer;
class trace_ring;
class local_scheduler;
class work_stealing_scheduler;

using clock = std::chrono::steady_clock;

/// What a scheduler does beyond the per-message path.
class scheduler {
  public:
    scheduler() = default;
    scheduler(const scheduler&) = delete;
    scheduler& operator=(const scheduler&) = delete;
    virtual ~scheduler() = default;

    // --- running (the thread calling runtime::run/serve/shutdown; request_stop: any thread) ---
    virtual void run(bool serve) = 0;
    virtual void request_stop() noexcept = 0;
    /// Throws coact::error if shutdown() may not run on this thread (from inside an actor).
    virtual void check_shutdown() const {}
    /// Ends every actor; the caller holds the scheduler (core::run_thread). Returns the
    /// messages left undelivered, which it has counted as dead letters.
    virtual std::size_t shutdown() = 0;
    /// Throws coact::error if runtime::spawn may not run on this thread now.
    virtual void check_spawn_thread() const = 0;
    /// The actor being resumed by the calling thread, if the scheduler knows it (for messages).
    [[nodiscard]] virtual context* running() const noexcept { return nullptr; }

    // --- from outside (any thread) ---
    /// A message for `to`, admitted by its bound; a stale address makes a dead letter.
    virtual void post(context* to, std::uint32_t generation, envelope* e) = 0;
    virtual void post_stop(context* to, std::uint32_t generation) = 0;
    /// Hands a publication (a shared envelope, from the heap) to the topic's subscribers.
    virtual void post_publish(std::string_view topic, envelope* e) = 0;
    /// rt.stop(), or another runtime's code stopping this runtime's actor.
    virtual bool stop_from_outside(context* c, std::uint32_t generation) = 0;

    // --- an actor's life (a turn, or outside while nothing runs; start: also outside) ---
    /// A new body (spawn, restart) is ready for its first turn. The last touch of `c`: another
    /// thread may run it from here on.
    virtual void start(context* c) = 0;
    /// Asks a live, not held actor to end (generator_exit at its next co_await).
    virtual bool stop(context* c, std::uint32_t generation) = 0;
    /// A supervisor restarts its live child: a stop that starts body number incarnation + 1.
    virtual void restart(context* c, std::uint32_t generation, std::uint32_t incarnation) = 0;
    /// A supervised actor failed and is held: nothing may schedule it until restart or stop.
    virtual void hold(context* c) noexcept = 0;
    /// A cell is taken for a new actor / given back: open and close what reaches it.
    virtual void cell_opened(context* c) noexcept = 0;
    virtual void cell_closed(context* c) noexcept = 0;
    /// shutdown(): frees what waits for `c` besides its mailbox; returns the messages among it.
    virtual std::size_t cell_dropped(context* c) noexcept = 0;

    // --- timers (a turn; send_after and advance_time: also outside while nothing runs) ---
    virtual void arm_timer(context* c, clock::duration delay) = 0;
    /// Called only while c->timer_armed_ (context::disarm_timer checks it inline).
    virtual void disarm_timer(context* c) noexcept = 0;
    virtual void send_after(clock::duration delay, context* to, std::uint32_t generation,
                            envelope* e) = 0;
    /// Virtual time only: moves the clock and fires what fell due.
    virtual void advance_time(clock::duration d) = 0;

    // --- tracing (core's constructor, before anything runs) ---
    /// Gives each scheduler thread its ring of `t` (worker_local::trace).
    virtual void trace_to(tracer& t) noexcept = 0;

    // --- counts (any thread) ---
    [[nodiscard]] virtual std::uint64_t delivered() const noexcept = 0;

    // --- testing::deterministic (its thread; other schedulers refuse or see nothing) ---
    /// One turn of one actor, taking at most one message; false if none could run.
    virtual bool step();
    /// The actor the next step() runs, or null.
    [[nodiscard]] virtual context* next_ready() { return nullptr; }
    /// Delivers what other threads sent, now (so that a test sees it in the mailbox).
    virtual void take_from_outside() {}
};

/// A mutex for the tables actors reach from their own turns (topics, watches, cells): locked
/// when the scheduler runs actors on several threads, a no-op when one thread runs them all.
/// Fixed by the scheduler's factory before anything runs.
class actor_mutex {
  public:
    void lock() {
        if (shared_) mutex_.lock();
    }
    void unlock() {
        if (shared_) mutex_.unlock();
    }
    void share() noexcept { shared_ = true; }

  private:
    std::mutex mutex_;
    bool shared_ = false;
};

/// Work-stealing: the part of a worker the actor it runs uses on every message, reached through
/// context::local_ rather than a thread_local (see context::pool() in dispatch.hpp).
struct worker_local {
    envelope_pool pool;
    std::atomic<std::uint64_t> delivered{0};  // written by this worker only, read by stats()
    // Envelopes its turns walked in runs taken from inboxes since it last looked at its timers:
    // a flood makes a few turns long, and the look comes after so many of them as after 61 turns.
    std::size_t absorbed = 0;
    // The ring this thread's turns are traced into (trace/trace_ring.hpp); null: no trace.
    trace_ring* trace = nullptr;
};

/// core::sched: the scheduler for cold calls, and the one the hot path (dispatch.hpp) calls
/// directly. Exactly one of `local` and `stealing` is set, by the factory.
struct scheduler_handle {
    std::unique_ptr<scheduler> impl;
    local_scheduler* local = nullptr;
    work_stealing_scheduler* stealing = nullptr;

    scheduler* operator->() const noexcept { return impl.get(); }
    /// Destroys the scheduler; nothing may reach it afterwards.
    void reset() noexcept {
        impl.reset();
        local = nullptr;
        stealing = nullptr;
    }
};

/// Picks and installs the scheduler runtime_options ask for (core's constructor).
void install_scheduler(core& k);
/// testing::deterministic: replaces a fresh runtime's local scheduler by the deterministic one
/// (a runtime with workers >= 2 keeps its own: step() then throws).
void install_deterministic_scheduler(core& k);

}  // namespace coact::detail
