// coact/detail/actor/core.hpp — the engine behind coact::runtime: what every actor of one
// runtime shares, whichever scheduler runs them.
//
// It holds the cells (an actor's context, recycled with a new generation when the actor ends),
// the registry of names, the topic table, the watch table (monitors and links), the counters,
// the offload pool, the clock, and the scheduler (core::sched, detail/scheduler/scheduler.hpp).
// Its members are defined by concern:
//   delivery, the envelope pool, counters     detail/scheduler/dispatch.hpp (inline, hot)
//   spawn                                     detail/actor/spawn.hpp
//   cells, turns' ends, termination, retire   src/actor/lifecycle.cpp
//   dead letters, replies, ask timeouts       src/actor/requests.cpp
//   monitors and links                        src/actor/watches.cpp
//   bounded mailboxes                         src/actor/bounded_mailbox.cpp
//   supervision                               src/actor/supervision.cpp
//   names, the outside door, threads, run     src/runtime.cpp
// No member tests which scheduler runs the actors: what differs is the scheduler's.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/detail/actor/cell_policy.hpp"
#include "coact/detail/actor/deadline.hpp"
#include "coact/detail/actor/name_claims.hpp"
#include "coact/detail/actor/node_monitors.hpp"
#include "coact/detail/actor/registry.hpp"
#include "coact/detail/actor/topic_bridge.hpp"
#include "coact/detail/actor/topics.hpp"
#include "coact/detail/actor/watches.hpp"
#include "coact/detail/message/envelope.hpp"
#include "coact/detail/scheduler/scheduler.hpp"
#include "coact/detail/trace/trace_hooks.hpp"
#include "coact/errors.hpp"
#include "coact/runtime_options.hpp"
#include "coact/spawn_options.hpp"
#include "coact/thread_pool.hpp"

namespace coact {

/// Reaches the private parts of address and context for the runtime and the test fixture.
struct detail_access {
    static context* cell(const address& a) noexcept { return a.cell_; }
    static std::uint32_t generation(const address& a) noexcept { return a.generation_; }
    static address make(context* c, std::uint32_t generation) noexcept { return {c, generation}; }
    static detail::mailbox& box(context& c) noexcept { return c.box_; }
    static std::uint32_t serial(const context& c) noexcept {
        return c.serial_.load(std::memory_order_relaxed);
    }
    static std::pair<context*, std::uint32_t> address_of(context& c) noexcept {
        return {&c, c.generation()};
    }
    static detail::core& core_of(runtime& rt) noexcept;
};

namespace detail {

/// Adds one to a counter that only one thread writes and anyone may read.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

enum class exit_kind_internal : std::uint8_t { normal, closed, failed };

/// "'name'" or "<anonymous #serial>", for messages (src/actor/describe.cpp).
std::string describe_actor(const context* c);
/// "runtime #id", for messages that name a runtime.
std::string describe_runtime(const core* k);
/// "kind: what" of an exception, for the line a failure prints.
std::string describe_exception(const std::exception_ptr& e);

struct core {
    explicit core(runtime& owner, runtime_options opts);
    ~core();
    core(const core&) = delete;
    core& operator=(const core&) = delete;

    // --- delivery and the envelope pool (dispatch.hpp: inline, one branch per scheduler) ---
    /// A message for `to` from a turn of this runtime (or the thread driving it while no run()
    /// is active): checks the generation, queues it, makes the receiver ready if it waits.
    void deliver(context* to, std::uint32_t generation, envelope* e);
    /// deliver() of a message whose send the trace recorded already (send_after's, when its
    /// timer fires).
    void deliver_timed(context* to, std::uint32_t generation, envelope* e);
    /// The envelope pool of the calling thread (null where it has none: outside the workers).
    [[nodiscard]] envelope_pool* pool_here() noexcept;
    /// Frees an envelope into the calling thread's pool.
    void release(envelope* e) noexcept { free_envelope(pool_here(), e); }
    /// Adds to / takes from a counter others read: plain with one thread, atomic with many.
    void count(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept;
    void uncount(std::atomic<std::uint64_t>& counter) noexcept;
    /// Adds one and returns the new value (unique among concurrent callers).
    std::uint64_t count_and_read(std::atomic<std::uint64_t>& counter) noexcept;
    /// The actor named `name` (no_such_actor if none), from a turn.
    [[nodiscard]] context* resolve_local(std::string_view name) const;
    /// describe_actor(c) under its runtime's names lock (its name cannot be freed meanwhile),
    /// from any thread: for a send_gate's refusal.
    static std::string describe_locked(const context& c);
    /// Lets a publication's payload count its references without atomics where one thread
    /// runs every subscriber.
    void localise_payload(envelope* e) const noexcept;

    [[nodiscard]] clock::time_point now() const noexcept {
        return virtual_time ? virtual_now : clock::now();
    }

    // --- spawn (spawn.hpp) ---
    template <class Fn, class... Args>
    coact::address spawn(std::string_view name, Fn&& fn, Args&&... args);
    template <class Fn, class... Args>
    coact::address spawn(const spawn_options& options, Fn&& fn, Args&&... args) {
        return spawn_gated(options, nullptr, std::forward<Fn>(fn), std::forward<Args>(args)...);
    }
    /// spawn, with a gate every send to the actor passes (cell_policy.hpp; null: none).
    template <class Fn, class... Args>
    coact::address spawn_gated(const spawn_options& options, const send_gate* gate, Fn&& fn,
                               Args&&... args);
    /// Sets up (or clears, for a cell reused without options) the cell's bound, supervisor and
    /// gate.
    void set_policy(context* c, const spawn_options& options, const send_gate* gate);

    // --- bounded mailboxes (cell_policy.hpp, src/actor/bounded_mailbox.cpp) ---
    /// Before delivering a send: false if `e` was dropped (overflow::drop_newest); throws
    /// mailbox_full (overflow::reject, wait), or the gate's refusal (`e` freed either way). `pool`
    /// is where `e` came from. `generation` is the target address's: a send to an ended actor whose
    /// cell was reused is not held to the new actor's bound (delivery makes it a dead letter).
    bool admit(context* to, std::uint32_t generation, envelope* e, envelope_pool* pool) {
        cell_policy* x = to->policy_.load(std::memory_order_acquire);
        if (x == nullptr) [[likely]]
            return true;
        return to->core_->admit_bounded(to, generation, x, e, pool);  // the owner counts drops
    }
    bool admit_bounded(context* to, std::uint32_t generation, cell_policy* x, envelope* e,
                       envelope_pool* pool);
    /// The receiver took `e`, which held a place: give it back, or hand it to a waiting sender.
    void took_bounded(context* c, envelope* e) noexcept;
    /// put() into `to`, this runtime's actor (`self` may be another runtime's): true if `e` may
    /// be delivered now; false if `self` now waits for a place. Throws coact::error if `self`
    /// would wait for a place in its own mailbox, which only it empties.
    bool try_put(context* self, context* to, std::uint32_t generation, envelope* e);
    void forget_put(context* self, context* to) noexcept;
    void wake_all_waiters(context* c) noexcept;

    // --- supervision (src/actor/supervision.cpp) ---
    bool restart(context* self, coact::address child);
    /// At the end of a supervised body (or one asked to restart): false if it must end for good.
    bool hold_or_restart(context* c, exit_kind_internal kind, const std::exception_ptr& error);
    void start_again(context* c);
    /// stop() of a held actor: ends it for good (true); false if it is not held.
    bool stop_held(context* c, std::uint32_t generation);
    void reset_incarnation(context* c) noexcept;

    // --- pub/sub (a turn, or the thread taking publications from outside) ---
    /// Hands `original` (a shared envelope) to every subscriber: a clone each, the original to
    /// the last one. Frees it if there is nobody. Returns how many got it. The caller holds
    /// topics_mutex.
    std::size_t fan_out(std::string_view topic, std::span<const topic_table::subscriber> subs,
                        envelope* original);

    // --- requests and dead letters (src/actor/requests.cpp) ---
    void dead_letter(envelope* e) noexcept;
    /// A dead letter made outside a turn (a send from outside to an ended actor, or any send
    /// from outside while shutdown() runs). Counted atomically; an ask gets its no_reply
    /// through its asker's thread-safe path.
    void refuse(envelope* e) noexcept;
    /// A reply (or no_reply) for `to`: true if it is the one `to` waits for (now in reply_);
    /// false if late or duplicate (a dead letter, freed).
    bool accept_reply(context* to, envelope* e) noexcept;
    void abandon_request(context* c, const char* why) noexcept;
    /// ask_for() ran out of time waiting for `target`'s reply.
    [[noreturn]] static void throw_ask_timeout(coact::address target, clock::duration timeout);

    // --- from outside a turn (src/runtime.cpp) ---
    /// A message for `to` from a thread that may not run this runtime's actors: rt.send, an
    /// offload's result, a send from another runtime (to `to`'s own runtime).
    void inject(context* to, std::uint32_t generation, envelope* e);
    void inject_publish(std::string_view topic, envelope* e);
    /// rt.stop(), or a stop of this runtime's actor by another runtime's code.
    bool stop_from_outside(context* c, std::uint32_t generation);
    [[nodiscard]] std::pair<context*, std::uint32_t> resolve_shared(std::string_view name) const;
    bool stop(context* c, std::uint32_t generation);

    // --- threads and the run (src/runtime.cpp) ---
    [[nodiscard]] bool on_scheduler_thread() const noexcept;
    /// Claims the scheduler for run()/serve() on this thread (coact::error if taken).
    void enter_run();
    void leave_run() noexcept;
    void run(bool serve) { sched->run(serve); }
    void request_stop() noexcept;
    std::size_t shutdown();
    void advance_time(clock::duration d);

    // --- cells and the end of an actor (src/actor/lifecycle.cpp) ---
    context* acquire_cell();
    /// spawn_options::scope beyond local: asks the claims (name_claims.hpp); throws.
    void claim_name(context* c, const spawn_options& options);
    /// A named actor ended or its spawn was undone: tells the claims, if any.
    void name_released(const std::string& name, context* c, std::uint32_t generation) noexcept;
    void abandon_spawn(context* c) noexcept;
    /// Whether an actor that just suspended can continue at once (what it waits for is there).
    [[nodiscard]] static bool runnable(const context* c) noexcept {
        if (c->wait_ == wait_kind::message && !c->stop_requested_) [[likely]]
            return !c->box_.empty();
        return runnable_slow(c);
    }
    [[nodiscard]] static bool runnable_slow(const context* c) noexcept;
    /// Whether a stop taken before the first turn ends the actor without running its body (as
    /// closing a Python generator before its first next()). Not for a relay spawned with a gate
    /// (spawn_gated): its body starts and its first wait throws generator_exit, so that it can
    /// pass the stop on (a cluster proxy tells its remote actor, and leaves its node's table).
    [[nodiscard]] static bool closes_unstarted(const context* c) noexcept;
    void close_unstarted(context* c) noexcept;
    /// After a turn at whose end the body finished (or ignored generator_exit).
    void after_last_turn(context* c);
    void finish(context* c);
    void terminate(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept;
    /// The teardown: frees the name, tells monitors and links, drops the queue, frees the cell.
    void retire(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept;
    /// Shutdown's pass over every live actor: returns the messages that were left.
    std::size_t retire_all_cells();

    // --- monitors and links (watches.hpp, src/actor/watches.cpp) ---
    void watch(context* self, coact::address target, bool link, const char* operation);
    void trap_exits(context* self, bool on);
    /// Takes back one monitor (link == false) or the link between self and target.
    bool unwatch(context* self, coact::address target, bool link);
    /// The watchers of `self` hear `reason` when it ends, whatever its own (relay::end_as).
    void end_as(context* self, exit_reason reason);
    void end_watches(context* c, std::uint32_t generation, exit_kind_internal kind,
                     const std::exception_ptr& error) noexcept;

    // --- context::offload (offload.hpp) ---
    thread_pool& offload_pool();
    void stop_offloads() noexcept;

    runtime* owner;
    const std::uint64_t id;  // this runtime's number in the process (runtime::id)
    runtime_options options;
    scheduler_handle sched;
    registry names;
    topic_table topics;
    actor_mutex topics_mutex;
    std::vector<std::unique_ptr<context[]>> chunks;
    context* free_cells = nullptr;
    actor_mutex cells_mutex;  // chunks and free_cells
    // Always a lock: held while a chunk is added, and by runtime::metrics() (any thread, also
    // where cells_mutex is a no-op) while it walks the chunks.
    std::mutex chunks_mutex;
    std::atomic<std::thread::id> run_thread{};
    std::atomic<bool> stop_serving{false};  // set by request_stop(), taken by serve()
    // Monitors and links (watches.hpp).
    std::unordered_map<context*, watch_entry> watches;
    actor_mutex watches_mutex;
    // Set for good by the first monitor, link or trap_exits: from then on every actor's end
    // looks itself up in the table (a flag per runtime rather than one per cell: the context stays
    // at 168 bytes).
    std::atomic<bool> watches_used{false};
    // The order of an actor's end (its new generation) against watches_used: seq_cst where a
    // monitor may be registered on another thread at the same time (set by the scheduler's
    // factory), relaxed where one thread does both (a locked store per actor's end saved).
    std::memory_order end_order = std::memory_order_relaxed;
    // Always locked (a put from outside a turn is impossible, but a bound's waiters and the
    // held state change from two actors' threads): the waiters and supervision of cell_policy.
    std::mutex policy_mutex;
    bool retiring = false;  // shutdown is ending every actor: nothing is held or restarted
    // context::offload: the pool, made at the first offload, and the offloads whose actor has
    // not taken the result yet (run() does not return while there are any).
    std::unique_ptr<thread_pool> offloads;
    std::once_flag offloads_made;
    std::atomic<std::size_t> offloads_pending{0};
    bool virtual_time = false;
    clock::time_point virtual_now{};
    // Names known beyond this runtime (name_claims.hpp): set by a cluster node while it is
    // joined, null otherwise.
    std::atomic<name_claims*> claims{nullptr};
    // Whether the nodes of that cluster are alive (node_monitors.hpp): set with `claims`.
    std::atomic<node_monitors*> nodes{nullptr};
    // Topics shared with the other nodes (topic_bridge.hpp): set while joined with shared topics.
    std::atomic<topic_bridge*> bridge{nullptr};
    // What `nodes` and `bridge` pointed to, once their node has left: an actor's turn may still
    // be inside one of their calls, so they are freed with the runtime, not with the node.
    std::mutex retired_seams_mutex;
    std::vector<std::shared_ptr<void>> retired_seams;
    void retire_seam(std::shared_ptr<void> seam) {
        const std::lock_guard lock(retired_seams_mutex);
        retired_seams.push_back(std::move(seam));
    }

    // The trace (runtime_options::trace, COACT_TRACE): null when nothing is traced, which
    // every hook tests first (trace_hooks.hpp). Made by the scheduler's factory.
    tracer* trace = nullptr;
    std::unique_ptr<tracer> trace_owner;
    std::string trace_path;  // options.trace views it

    std::atomic<std::uint64_t> dead_letters{0};
    std::atomic<std::uint64_t> refused{0};  // dead letters counted by refuse(), on any thread
    std::atomic<std::uint64_t> failed{0};
    std::atomic<std::uint64_t> restarts{0};
    std::atomic<std::uint64_t> dropped{0};  // any thread (a sender's): always atomic
    std::atomic<std::uint64_t> alive{0};
    std::atomic<std::uint64_t> spawned{0};
    std::atomic<std::uint64_t> published{0};
    std::atomic<std::uint64_t> unheard{0};
};

}  // namespace detail
}  // namespace coact
