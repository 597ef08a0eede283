// coact/detail/core.hpp — the engine behind coact::runtime: cells, delivery, spawn, awaiters.
//
// The path of one message (single-threaded mode):
//   1. send() builds an envelope (payload inline, envelope from the frame pool).
//   2. deliver() checks the receiver's generation (a stale address makes a dead letter), pushes
//      the envelope on its mailbox and, if the receiver sits idle waiting for a message, pushes
//      it on the ready queue. Nothing is resumed here: send never runs the receiver.
//   3. The scheduler loop (runtime.cpp) pops the receiver and resumes its coroutine; the pending
//      receive awaiter takes the envelope, checks its type and moves the payload out.
//   4. The actor runs until its next co_await, which either continues at once (a message is
//      waiting and the turn's budget is not spent) or suspends the actor.
// Only the scheduler thread runs any of this; other threads reach the runtime through the
// injection queue (runtime.cpp).
#pragma once

#include <atomic>
#include <chrono>
#include <concepts>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/detail/deadline.hpp"
#include "coact/detail/envelope.hpp"
#include "coact/detail/message_traits.hpp"
#include "coact/detail/ready_queue.hpp"
#include "coact/detail/registry.hpp"
#include "coact/detail/timer_queue.hpp"
#include "coact/detail/topics.hpp"
#include "coact/detail/watches.hpp"
#include "coact/errors.hpp"
#include "coact/runtime_options.hpp"
#include "coact/thread_pool.hpp"

namespace coact {

/// Reaches the private parts of address and context for the runtime and the test fixture.
struct detail_access {
    static context* cell(const address& a) noexcept { return a.cell_; }
    static std::uint32_t generation(const address& a) noexcept { return a.generation_; }
    static address make(context* c, std::uint32_t generation) noexcept { return {c, generation}; }
    static detail::mailbox& box(context& c) noexcept { return c.box_; }
    static std::uint32_t serial(const context& c) noexcept { return c.serial_; }
    static std::pair<context*, std::uint32_t> address_of(context& c) noexcept {
        return {&c, c.generation()};
    }
    static detail::core& core_of(runtime& rt) noexcept;
};

namespace detail {

/// Adds one to a counter that only the scheduler thread writes and anyone may read.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

/// A spawned callable and its arguments, kept alive as long as the actor (its frame may refer
/// to them: a capturing lambda's captures, a `const std::string&` parameter).
struct spawn_holder {
    virtual ~spawn_holder() = default;
    virtual actor start_again(context& self) = 0;
};

/// How spawn keeps its arguments: decayed, except that C strings and string_views are kept as
/// std::string when the function accepts that (so a `const std::string&` parameter refers to the
/// kept string, not to a temporary that dies when spawn() returns).
template <class Fn, class... Args>
struct spawn_args {
    using strings = std::tuple<message_type_t<Args>...>;
    using decayed = std::tuple<std::decay_t<Args>...>;
    using type =
        std::conditional_t<std::is_invocable_r_v<actor, Fn&, context&, message_type_t<Args>&&...>,
                           strings, decayed>;
};
template <class Fn, class... Args>
using spawn_arg_t = typename spawn_args<Fn, Args...>::type;

template <class Fn, class Tuple>
struct spawn_holder_of;

template <class Fn, class... Args>
struct spawn_holder_of<Fn, std::tuple<Args...>> final : spawn_holder {
    template <class F, class... A>
    explicit spawn_holder_of(F&& f, A&&... a)
        : fn(std::forward<F>(f)), args(std::forward<A>(a)...) {}

    actor start(context& self) {
        return std::apply(
            [&](Args&... a) -> actor { return std::invoke(fn, self, std::move(a)...); }, args);
    }

    /// For a supervised actor's bodies: each gets copies, so that the next restart has them too.
    actor start_again(context& self) override {
        if constexpr ((std::is_copy_constructible_v<Args> && ...)) {
            return std::apply(
                [&](Args&... a) -> actor { return std::invoke(fn, self, Args(a)...); }, args);
        } else {
            throw error(
                "coact::spawn: a supervised actor's arguments must be copyable (each restart "
                "starts its function again with them)");
        }
    }

    Fn fn;
    std::tuple<Args...> args;
};

struct injector;  // runtime.cpp: the multi-producer queue for sends from other threads
struct injector_deleter {
    void operator()(injector* i) const noexcept;
};
struct engine;  // parallel.cpp: the work-stealing mode's workers, queues and parking
struct worker;  // parallel.cpp: one of them

/// Work-stealing mode: the part of a worker the actor it runs uses on every message, reached
/// through context::local_ rather than a thread_local (see context::pool()).
struct worker_local {
    envelope_pool pool;
    std::atomic<std::uint64_t> delivered{0};  // written by this worker only, read by stats()
    // Envelopes its turns walked in runs taken from inboxes since it last looked at its timers:
    // a flood makes a few turns long, and the look comes after so many of them as after 61 turns.
    std::size_t absorbed = 0;
};
struct engine_deleter {
    void operator()(engine* e) const noexcept;
};

enum class exit_kind_internal : std::uint8_t { normal, closed, failed };

/// "'name'" or "<anonymous #serial>", for messages (runtime.cpp).
std::string describe_actor(const context* c);
/// "runtime #id", for messages that name a runtime (runtime.cpp).
std::string describe_runtime(const core* k);

struct core {
    explicit core(runtime& owner, runtime_options opts);
    ~core();
    core(const core&) = delete;
    core& operator=(const core&) = delete;

    // --- delivery (scheduler thread) ---
    void deliver(context* to, std::uint32_t generation, envelope* e) {
        if (to->core_ != this) [[unlikely]] {  // an actor of another runtime: thread-safe path
            to->core_->inject(to, generation, e);
            return;
        }
        if (parallel) [[unlikely]] {
            deliver_parallel(to, generation, e);
            return;
        }
        if (to->generation() != generation) [[unlikely]] {
            dead_letter(e);
            return;
        }
        if (e->kind >= envelope_kind::reply) [[unlikely]] {
            deliver_reply(to, e);
            return;
        }
        to->box_.push(e);
        if (to->run_ == run_state::idle &&
            (to->wait_ == wait_kind::message || to->wait_ == wait_kind::message_or_timer)) {
            schedule(to);
        }
    }

    void schedule(context* c) {
        c->run_ = run_state::scheduled;
        ready.push_back(c);
    }

    [[nodiscard]] context* resolve_local(std::string_view name) const {
        if (parallel) [[unlikely]]
            return resolve_shared(name).first;
        context* c = names.find_local(name);
        if (c == nullptr) [[unlikely]]
            throw no_such_actor(name);
        return c;
    }

    [[nodiscard]] clock::time_point now() const noexcept {
        return virtual_time ? virtual_now : clock::now();
    }

    // --- spawn (scheduler thread, or any thread while run() is not active) ---
    template <class Fn, class... Args>
    coact::address spawn(std::string_view name, Fn&& fn, Args&&... args) {
        return spawn(spawn_options{.name = name}, std::forward<Fn>(fn),
                     std::forward<Args>(args)...);
    }

    template <class Fn, class... Args>
    coact::address spawn(const spawn_options& options, Fn&& fn, Args&&... args) {
        using fn_type = std::decay_t<Fn>;
        static_assert(std::is_invocable_r_v<actor, fn_type&, context&, std::decay_t<Args>&&...>,
                      "coact::spawn: the function must be callable as fn(coact::context&, args...) "
                      "and return coact::actor");
        check_spawn_thread();
        const bool supervised = static_cast<bool>(options.supervisor);
        if (supervised && detail_access::cell(options.supervisor)->core_ != this) {
            throw error("coact::spawn: the supervisor belongs to " +
                        describe_runtime(detail_access::cell(options.supervisor)->core_) +
                        ", not to " + describe_runtime(this) +
                        ", where the actor is spawned; a supervisor and its children share one "
                        "runtime");
        }
        context* c = acquire_cell();
        try {
            if (!options.name.empty()) {
                c->name_ = names.insert(options.name, c);
                if (c->name_ == nullptr) throw name_taken(options.name);
            }
            set_extras(c, options);
            if constexpr (std::is_pointer_v<fn_type> && sizeof...(Args) == 0) {
                if (!supervised) {
                    c->handle_ = std::invoke(fn, *c).release();  // a plain function: no keeping
                } else {
                    auto* h = new spawn_holder_of<fn_type, std::tuple<>>(fn);  // for restarts
                    c->holder_ = h;
                    c->handle_ = h->start_again(*c).release();
                }
            } else {
                auto* h = new spawn_holder_of<fn_type, spawn_arg_t<fn_type, Args...>>(
                    std::forward<Fn>(fn), std::forward<Args>(args)...);
                c->holder_ = h;
                c->handle_ = (supervised ? h->start_again(*c) : h->start(*c)).release();
            }
        } catch (...) {
            abandon_spawn(c);
            throw;
        }
        c->wait_ = wait_kind::start;
        const std::uint32_t generation = c->generation();
        if (parallel) [[unlikely]] {
            c->run_ = run_state::scheduled;  // not free: shutdown() looks at it
            c->serial_ = static_cast<std::uint32_t>(spawned.fetch_add(1) + 1);
            alive.fetch_add(1);
            schedule_parallel(c);  // from here on another worker may run (and end) it
            return detail_access::make(c, generation);
        }
        c->serial_ = static_cast<std::uint32_t>(spawned.load(std::memory_order_relaxed) + 1);
        schedule(c);
        bump(alive);
        bump(spawned);
        return detail_access::make(c, generation);
    }

    /// Sets up (or clears, for a cell reused without options) the cell's bound and supervisor.
    void set_extras(context* c, const spawn_options& options);

    // --- bounded mailboxes (extras.hpp) ---
    /// Before delivering a send: false if `e` was dropped (overflow::drop_newest); throws
    /// mailbox_full (overflow::reject, wait). `pool` is where `e` came from. `generation` is the
    /// target address's: a send to an ended actor whose cell was reused is not held to the new
    /// actor's bound (delivery makes it a dead letter).
    bool admit(context* to, std::uint32_t generation, envelope* e, envelope_pool* pool) {
        cell_extras* x = to->extras_.load(std::memory_order_acquire);
        if (x == nullptr) [[likely]]
            return true;
        return to->core_->admit_bounded(to, generation, x, e, pool);  // the owner counts drops
    }
    bool admit_bounded(context* to, std::uint32_t generation, cell_extras* x, envelope* e,
                       envelope_pool* pool);
    /// The receiver took `e`, which held a place: give it back, or hand it to a waiting sender.
    void took_bounded(context* c, envelope* e) noexcept;
    /// put() into `to`, this runtime's actor (`self` may be another runtime's): true if `e` may
    /// be delivered now; false if `self` now waits for a place. Throws coact::error if `self`
    /// would wait for a place in its own mailbox, which only it empties.
    bool try_put(context* self, context* to, std::uint32_t generation, envelope* e);
    void forget_put(context* self, context* to) noexcept;
    void wake_all_waiters(context* c) noexcept;

    // --- supervision ---
    bool restart(context* self, coact::address child);
    /// At the end of a supervised body (or one asked to restart): false if it must end for good.
    bool hold_or_restart(context* c, exit_kind_internal kind, const std::exception_ptr& error);
    void start_again(context* c);
    /// stop() of a held actor: ends it for good (true); false if it is not held.
    bool stop_held(context* c, std::uint32_t generation);
    void restart_parallel(context* c, std::uint32_t generation, std::uint32_t incarnation);
    void reset_incarnation(context* c) noexcept;

    // --- pub/sub (scheduler thread) ---
    /// Hands `original` (a shared envelope) to every subscriber: a clone each, the original to
    /// the last one. Frees it if there is nobody. Returns how many got it.
    /// In work-stealing mode the caller holds topics_mutex.
    std::size_t fan_out(std::span<const topic_table::subscriber> subs, envelope* original) {
        count(published);
        if (subs.empty()) {
            count(unheard);
            if (original != nullptr) release(original);
            return 0;
        }
        const std::size_t n = subs.size();
        // One thread runs every subscriber: reference updates need not be atomic. (A payload
        // made by rt.publish on another thread came through the injection queue, which orders
        // its construction before this.)
        if (!parallel && original->ops->single_threaded != nullptr)
            original->ops = original->ops->single_threaded;
        // The payload is not visible to anyone else yet: take every reference up front.
        add_shared_references(original, static_cast<std::uint32_t>(n - 1));
        envelope_pool* const pool = pool_here();  // once: in work-stealing mode it is a call
        std::size_t i = 0;
        try {
            for (; i + 1 < n; ++i) {
                deliver(subs[i].cell, subs[i].generation, clone_shared(pool, original));
            }
        } catch (...) {  // out of memory: the references not handed out go back, then the original
            drop_shared_references(original, static_cast<std::uint32_t>(n - 1 - i));
            release(original);
            throw;
        }
        deliver(subs[n - 1].cell, subs[n - 1].generation, original);
        return n;
    }

    // --- counters and envelope pools, in either mode ---
    /// Adds to a counter: a plain update on the one scheduler thread, an atomic one otherwise.
    void count(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
        if (parallel) [[unlikely]] {
            counter.fetch_add(by, std::memory_order_relaxed);
        } else {
            bump(counter, by);
        }
    }
    /// The envelope pool of the calling thread: the scheduler's, or in work-stealing mode the
    /// current worker's (null on a thread that is not one of this runtime's workers).
    [[nodiscard]] envelope_pool* pool_here() noexcept {
        if (!parallel) [[likely]]
            return &envelopes;
        return worker_pool();
    }
    /// Frees an envelope into the calling thread's pool.
    void release(envelope* e) noexcept { free_envelope(pool_here(), e); }
    [[nodiscard]] std::unique_lock<std::mutex> lock_if_parallel(std::mutex& m) {
        return parallel ? std::unique_lock<std::mutex>(m) : std::unique_lock<std::mutex>();
    }

    // --- work-stealing mode (parallel.cpp) ---
    [[nodiscard]] envelope_pool* worker_pool() noexcept;
    /// False if the actor had ended (the envelope was then dead-lettered or freed).
    bool deliver_parallel(context* to, std::uint32_t generation, envelope* e);
    void schedule_parallel(context* c);
    /// Takes what the inbox holds into the actor's private state, at most a batch at a time
    /// (parallel.cpp); what is left waits in handoff_ and unreversed_ for the next call.
    void absorb(context* c) noexcept {
        // The usual case after a resume, inline: nothing came (the inbox cannot be BLOCKED or
        // CLOSED while its actor runs, so "no envelope" means empty).
        if (c->handoff_ == nullptr && c->unreversed_ == nullptr && c->inbox_.empty_approx()) return;
        absorb_some(c);
    }
    void absorb_some(context* c) noexcept;
    void accept(context* c, std::uint32_t generation, envelope* e) noexcept;
    /// An envelope its actor will never take: a message becomes a dead letter, an event is freed.
    void discard(envelope* e) noexcept;
    /// discard() of every envelope of a list linked through next.
    void discard_all(envelope* list) noexcept {
        while (list != nullptr) discard(std::exchange(list, list->next));
    }
    void turn_parallel(context* c, worker& w);
    void run_parallel(bool serve);
    void arm_timer_parallel(context* c, clock::duration delay);
    void disarm_timer_parallel(context* c) noexcept;
    bool fire_timers_parallel(std::vector<timer_entry>& due);
    void push_timer(clock::duration delay, context* to, std::uint32_t generation, envelope* e);
    bool stop_parallel(context* c, std::uint32_t generation);
    void request_stop_parallel() noexcept;
    std::size_t shutdown_parallel();
    std::size_t drop_inbox(context* c) noexcept;
    [[nodiscard]] bool on_own_worker() const noexcept;
    void init_parallel();
    [[nodiscard]] std::uint64_t delivered_by_workers() const noexcept;

    // --- out of line (runtime.cpp) ---
    void dead_letter(envelope* e) noexcept;
    /// A dead letter made by a thread that is not the scheduler's (single-threaded mode): a send
    /// from outside to an ended actor, or any send from outside while shutdown() runs. Counted
    /// atomically; an ask gets its no_reply through its asker's thread-safe path.
    void refuse(envelope* e) noexcept;
    void deliver_reply(context* to, envelope* e) noexcept;
    void abandon_request(context* c, const char* why) noexcept;
    /// A message for `to` from a thread that may not be the scheduler's: rt.send, an offload's
    /// result, a send from another runtime (delivery, in the owner's mode, goes to `to`'s runtime).
    void inject(context* to, std::uint32_t generation, envelope* e);
    void inject_stop(context* to, std::uint32_t generation);
    void inject_publish(std::string_view topic, envelope* e);
    /// rt.stop(), or a stop of this runtime's actor by another runtime's code: from any thread
    /// but the one running this runtime's scheduler now, queued (single-threaded mode).
    bool stop_from_outside(context* c, std::uint32_t generation);
    /// ask_for() ran out of time waiting for `target`'s reply.
    [[noreturn]] static void throw_ask_timeout(coact::address target, clock::duration timeout);
    [[nodiscard]] std::pair<context*, std::uint32_t> resolve_shared(std::string_view name) const;
    void check_spawn_thread() const;
    context* acquire_cell();
    void abandon_spawn(context* c) noexcept;
    bool stop(context* c, std::uint32_t generation);
    [[nodiscard]] bool on_scheduler_thread() const noexcept;

    void run(bool serve);
    bool step();  // the test fixture's single delivery
    void request_stop() noexcept;
    std::size_t shutdown();
    void advance_time(clock::duration d);
    std::size_t retire_all_cells();

    /// One turn of one actor: resume it until its next co_await (or its end).
    void turn(context* c) {
        if (c->wait_ == wait_kind::start && c->stop_requested_) [[unlikely]] {
            close_unstarted(c);
            return;
        }
        c->run_ = run_state::running;
        c->budget_ = options.throughput;
        running = c;
        c->handle_.resume();
        running = nullptr;
        if (c->handle_.done() || c->exit_delivered_) [[unlikely]] {
            after_last_turn(c);
            return;
        }
        c->run_ = run_state::idle;
        if (runnable(c)) schedule(c);
    }
    void close_unstarted(context* c) noexcept;
    void after_last_turn(context* c);
    void finish(context* c);
    void terminate(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept;
    /// The teardown: frees the name, tells monitors and links, drops the queue, frees the cell.
    void retire(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept;
    bool fire_due_timers();
    /// Outside messages taken per round of the single-threaded loop: enough to amortise the
    /// queue, few enough that turns and timers come between rounds however fast threads send.
    static constexpr std::size_t injection_batch = 1024;
    /// Delivers at most `limit` items from the injection queue, oldest first.
    void drain_injection(std::size_t limit = injection_batch);
    /// Whether an actor that just suspended can continue at once (what it waits for is there).
    [[nodiscard]] static bool runnable(const context* c) noexcept {
        if (c->wait_ == wait_kind::message && !c->stop_requested_) [[likely]]
            return !c->box_.empty();
        return runnable_slow(c);
    }
    [[nodiscard]] static bool runnable_slow(const context* c) noexcept;
    void enter_run();
    void leave_run() noexcept;

    runtime* owner;
    const std::uint64_t id;  // this runtime's number in the process (runtime::id)
    runtime_options options;
    envelope_pool envelopes;
    ready_queue<context*> ready;
    registry names;
    topic_table topics;
    timer_queue timers;
    std::vector<std::unique_ptr<context[]>> chunks;
    context* free_cells = nullptr;
    context* running = nullptr;  // the actor being resumed right now
    std::unique_ptr<injector, injector_deleter> injection;
    std::atomic<std::thread::id> run_thread{};
    std::atomic<bool> stop_serving{false};  // set by request_stop(), taken by serve()
    bool parallel = false;  // work-stealing mode (workers >= 2), fixed at construction
    std::unique_ptr<engine, engine_deleter> mt;
    std::mutex timers_mutex;  // work-stealing mode: guards timers (and the cells' timer fields)
    std::atomic<bool> timers_queued{false};  // work-stealing mode: !timers.empty(), as a hint
    std::mutex topics_mutex;                 // work-stealing mode: guards topics
    std::mutex cells_mutex;                  // work-stealing mode: guards chunks and free_cells
    // Monitors and links (watches.hpp): the table, and its mutex in work-stealing mode.
    void watch(context* self, coact::address target, bool link, const char* operation);
    void trap_exits(context* self, bool on);
    /// Takes back one monitor (link == false) or the link between self and target.
    bool unwatch(context* self, coact::address target, bool link);
    void end_watches(context* c, std::uint32_t generation, exit_kind_internal kind,
                     const std::exception_ptr& error) noexcept;
    std::unordered_map<context*, watch_entry> watches;
    std::mutex watches_mutex;
    // Both modes (a put from outside a turn is impossible, but a bound's waiters and the held
    // state change from two actors' threads): the waiters and supervision of extras.hpp.
    std::mutex extras_mutex;
    bool retiring = false;  // shutdown is ending every actor: nothing is held or restarted
    // Set for good by the first monitor, link or trap_exits: from then on every actor's end
    // looks itself up in the table (a flag per runtime keeps the context at 144 bytes).
    std::atomic<bool> watches_used{false};
    // context::offload (offload.hpp): the pool, made at the first offload, and the offloads
    // whose actor has not taken the result yet (run() does not return while there are any).
    thread_pool& offload_pool();
    void stop_offloads() noexcept;
    std::unique_ptr<thread_pool> offloads;
    std::once_flag offloads_made;
    std::atomic<std::size_t> offloads_pending{0};
    bool virtual_time = false;
    clock::time_point virtual_now{};

    std::atomic<std::uint64_t> delivered{0};
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

/// Frees an envelope when the awaiter is done with it (also when a handler throws).
struct envelope_guard {
    envelope_pool* pool;
    envelope* e;
    envelope_guard(context& self, envelope* env) noexcept;
    envelope_guard(const envelope_guard&) = delete;
    envelope_guard& operator=(const envelope_guard&) = delete;
    COACT_HOT ~envelope_guard() { free_envelope(pool, e); }
};

template <class T>
struct receive_awaiter : actor_awaiter {
    context* self;

    [[nodiscard]] bool await_ready() const noexcept { return self->message_ready(); }
    void await_suspend(std::coroutine_handle<>) const noexcept {
        self->suspend_for(wait_kind::message);
    }
    COACT_HOT T await_resume() {
        envelope_guard g(*self, self->take_message());
        if (!g.e->holds<T>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(T)));
        return g.e->take<T>();
    }
};

template <class... H>
struct handlers_awaiter : actor_awaiter {
    using result = std::common_type_t<handler_result_t<H>...>;
    static_assert((std::is_same_v<result, handler_result_t<H>> && ...),
                  "coact::receive(handlers...): every handler must return the same type");

    context* self;
    std::tuple<H...> handlers;

    [[nodiscard]] bool await_ready() const noexcept { return self->message_ready(); }
    void await_suspend(std::coroutine_handle<>) const noexcept {
        self->suspend_for(wait_kind::message);
    }
    result await_resume() {
        envelope_guard g(*self, self->take_message());
        return dispatch<0>(g.e);
    }

  private:
    template <std::size_t I>
    result dispatch(envelope* e) {
        if constexpr (I == sizeof...(H)) {
            std::string expected;
            ((expected += (expected.empty() ? "" : " or "),
              expected += type_name(typeid(handler_arg_t<H>))),
             ...);
            self->throw_bad_message(e, expected);
        } else {
            using handler = std::tuple_element_t<I, std::tuple<H...>>;
            using arg = handler_arg_t<handler>;
            using param = handler_param_t<handler>;
            static_assert(
                !std::is_lvalue_reference_v<param> ||
                    std::is_const_v<std::remove_reference_t<param>>,
                "coact::receive(handlers...): a handler takes its message by value, by const& "
                "or by &&, not by non-const & (the message may be shared with other subscribers)");
            if (!e->holds<arg>()) return dispatch<I + 1>(e);
            if constexpr (std::is_lvalue_reference_v<param>) {
                return std::invoke(std::get<I>(handlers), e->view<arg>());  // never copied
            } else {
                if (e->ops->shared) [[unlikely]]
                    return std::invoke(std::get<I>(handlers), e->take<arg>());
                return std::invoke(std::get<I>(handlers), std::move(e->get<arg>()));
            }
        }
    }
};

template <class T>
struct receive_for_awaiter : actor_awaiter {
    context* self;
    clock::duration timeout;

    [[nodiscard]] bool await_ready() const noexcept {
        // A zero timeout is a poll: answer at once when the mailbox is empty, but when the turn's
        // budget is spent, suspend like any receive so that other actors get their turn.
        return self->message_ready() || (timeout <= clock::duration::zero() && self->box_.empty());
    }
    void await_suspend(std::coroutine_handle<>) const {
        self->suspend_for(wait_kind::message_or_timer);
        self->arm_timer(timeout);
    }
    std::optional<T> await_resume() {
        self->disarm_timer();
        if (self->timed_out_) {
            self->timed_out_ = false;
            self->check_stop();
            return std::nullopt;
        }
        if (self->box_.empty() && !self->stop_requested_) return std::nullopt;  // zero timeout
        envelope_guard g(*self, self->take_message());
        if (!g.e->holds<T>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(T)));
        return std::optional<T>(g.e->take<T>());
    }
};

/// Waiting for the answer to a request: an ask's reply, or an offload's result (offload.hpp).
struct reply_wait : actor_awaiter {
    context* self;

    [[nodiscard]] bool await_ready() const noexcept {
        return self->reply_ != nullptr || (self->stop_requested_ && !self->exit_delivered_);
    }
    void await_suspend(std::coroutine_handle<>) const noexcept {
        self->suspend_for(wait_kind::reply);
    }
    /// The answer, now the actor's to free; throws generator_exit if it was stopped instead.
    [[nodiscard]] envelope* take_reply() const {
        envelope* e = std::exchange(self->reply_, nullptr);
        self->awaited_request_ = 0;  // an answer arriving later is a dead letter
        if (e == nullptr) {
            self->check_stop();
            throw no_reply("coact::no_reply: resumed without an answer");  // not reached
        }
        return e;
    }
};

template <class R>
struct ask_awaiter : reply_wait {
    R await_resume() {
        envelope_guard g(*self, take_reply());
        if (g.e->kind == envelope_kind::no_reply) throw no_reply(g.e->get<std::string>());
        if (!g.e->holds<R>()) [[unlikely]]
            self->throw_bad_message(g.e, type_name(typeid(R)));
        return std::move(g.e->get<R>());
    }
};

/// co_await self.ask_for<R>(timeout, ...): an ask that also wakes when its timer fires.
template <class R>
struct ask_for_awaiter : ask_awaiter<R> {
    coact::address target;
    clock::duration timeout;  // saturated (deadline.hpp)

    ask_for_awaiter(context* s, coact::address t, clock::duration d) noexcept
        : ask_awaiter<R>{{{}, s}}, target(t), timeout(d) {}

    [[nodiscard]] bool await_ready() const noexcept {
        return this->reply_wait::await_ready() || timeout <= clock::duration::zero();
    }
    void await_suspend(std::coroutine_handle<>) const {
        this->self->suspend_for(wait_kind::reply_or_timer);
        this->self->arm_timer(timeout);
    }
    R await_resume() {
        context* const self = this->self;
        self->disarm_timer();
        self->timed_out_ = false;
        if (self->reply_ == nullptr && !(self->stop_requested_ && !self->exit_delivered_)) {
            self->awaited_request_ = 0;  // the reply, if it comes, is a dead letter
            core::throw_ask_timeout(target, timeout);
        }
        return ask_awaiter<R>::await_resume();  // the reply, or generator_exit if stopped
    }
};

/// co_await self.put(target, message): delivers at once when there is room (or no bound);
/// otherwise waits for a taker of target's mailbox to hand this actor a place (extras.hpp).
struct put_awaiter : reply_wait {
    context* to;
    std::uint32_t generation;
    envelope* e;  // until delivered; freed here if the actor is stopped or destroyed meanwhile

    put_awaiter(context* s, context* t, std::uint32_t g, envelope* m) noexcept
        : reply_wait{{}, s}, to(t), generation(g), e(m) {}
    put_awaiter(put_awaiter&& other) noexcept
        : reply_wait{{}, other.self},
          to(other.to),
          generation(other.generation),
          e(std::exchange(other.e, nullptr)) {}
    put_awaiter& operator=(put_awaiter&&) = delete;
    ~put_awaiter() {
        if (e != nullptr) self->core_->release(e);
    }

    [[nodiscard]] bool await_ready() {
        if (to->core_->try_put(self, to, generation, e)) {  // the bound is to's runtime's
            self->core_->deliver(to, generation, std::exchange(e, nullptr));
            return true;
        }
        return false;  // registered as a waiter: awaited_request_ is set
    }
    void await_resume() {
        if (e == nullptr) return;                                      // delivered in await_ready
        if (self->reply_ == nullptr) to->core_->forget_put(self, to);  // stopped meanwhile
        envelope_guard g(*self, take_reply());
        e->slot = std::exchange(g.e->slot, nullptr);  // the place the taker handed over (or none)
        self->core_->deliver(to, generation, std::exchange(e, nullptr));
    }
};

struct sleep_awaiter : actor_awaiter {
    context* self;
    clock::duration duration;

    [[nodiscard]] bool await_ready() const noexcept {
        return duration <= clock::duration::zero() ||
               (self->stop_requested_ && !self->exit_delivered_);
    }
    void await_suspend(std::coroutine_handle<>) const {
        self->suspend_for(wait_kind::timer);
        self->arm_timer(duration);
    }
    void await_resume() const {
        self->disarm_timer();
        self->timed_out_ = false;
        self->check_stop();
    }
};

}  // namespace detail

inline detail::envelope_guard::envelope_guard(context& self, envelope* env) noexcept
    : pool(self.pool()), e(env) {}

// --- context: inline parts ---

inline runtime& context::runtime() const noexcept { return *core_->owner; }

// The envelope pool of the thread running this actor: the scheduler's, or in work-stealing mode
// that of the worker running this turn (set by the worker at the start of every turn, so it is
// right after a co_await that resumed on another worker; a thread_local read here could be a
// stale address cached across the suspension).
COACT_HOT detail::envelope_pool* context::pool() const noexcept {
    if (core_->parallel) [[unlikely]]
        return local_ != nullptr ? &local_->pool : nullptr;
    return &core_->envelopes;
}

inline bool context::message_ready() const noexcept {
    if (stop_requested_) [[unlikely]]
        return !exit_delivered_;
    return !box_.empty() && budget_ > 0;
}

inline void context::check_stop() {
    if (stop_requested_ && !exit_delivered_) [[unlikely]] {
        exit_delivered_ = true;
        throw generator_exit{};
    }
}

COACT_HOT detail::envelope* context::take_message() {
    if (stop_requested_ || current_request_ != 0) [[unlikely]] {
        check_stop();
        if (current_request_ != 0) core_->abandon_request(this, "took its next message");
    }
    detail::envelope* e = box_.pop();
    budget_ -= budget_ != 0 ? 1U : 0U;  // a zero-timeout receive_for may take past the budget
    if (core_->parallel) [[unlikely]] {
        detail::bump(local_->delivered);  // the worker running this turn
    } else {
        detail::bump(core_->delivered);
    }
    if (e->slot != nullptr) [[unlikely]]
        core_->took_bounded(this, e);
    sender_ = detail_access::make(e->sender, e->sender_generation);
    current_request_ = e->kind == detail::envelope_kind::ask ? e->request : 0;
    return e;
}

inline void context::arm_timer(std::chrono::steady_clock::duration delay) {
    if (core_->parallel) [[unlikely]] {
        core_->arm_timer_parallel(this, delay);
        return;
    }
    const detail::clock::time_point deadline = detail::deadline_after(core_->now(), delay);
    if (deadline == detail::never) [[unlikely]]
        return;  // past the clock's range: only a message or a stop ends the wait
    timer_pending_ = true;
    ++timer_token_;
    core_->timers.push(deadline, this, generation(), timer_token_, nullptr);
}

inline void context::disarm_timer() noexcept {
    if (core_->parallel) [[unlikely]] {
        core_->disarm_timer_parallel(this);
        return;
    }
    if (timer_pending_) {
        timer_pending_ = false;
        ++timer_token_;
        core_->timers.retire_one();
    }
}

template <class T>
COACT_HOT void context::send(coact::address target, T&& message) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error("coact::context::send: the target address is null");
    detail::envelope_pool* const p = pool();
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        p, std::forward<T>(message), this, generation());
    if (!core_->admit(to, detail_access::generation(target), e, p)) [[unlikely]]
        return;
    core_->deliver(to, detail_access::generation(target), e);
}

template <class T>
auto context::put(coact::address target, T&& message) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error("coact::context::put: the target address is null");
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    return detail::put_awaiter(this, to, detail_access::generation(target), e);
}

template <class T>
auto context::put(std::string_view target, T&& message) {
    context* to = find_by_name(target);
    return put(detail_access::make(to, to->generation()), std::forward<T>(message));
}

// A one-entry cache saves the hash lookup when an actor keeps sending to the same name (the
// ping-pong case). It is only trusted if that cell still has the same generation (the actor
// did not end) and still carries the name.
inline context* context::find_by_name(std::string_view name) {
    // Work-stealing mode: the cached actor may be ending on another thread (its name freed),
    // so every lookup goes to the registry, under its shared lock.
    if (core_->parallel) [[unlikely]]
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

template <class T>
void context::send(std::string_view target, T&& message) {
    context* to = find_by_name(target);
    send(detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class T>
auto context::receive() {
    return detail::receive_awaiter<T>{{}, this};
}

template <class... Handlers>
requires(sizeof...(Handlers) > 0) auto context::receive(Handlers&&... handlers) {
    return detail::handlers_awaiter<Handlers...>{{}, this, {std::forward<Handlers>(handlers)...}};
}

template <class T, class Rep, class Period>
auto context::receive_for(std::chrono::duration<Rep, Period> timeout) {
    return detail::receive_for_awaiter<T>{{}, this, detail::saturated(timeout)};
}

template <class T>
void context::send_request(coact::address target, T&& message, const char* operation) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error(std::string(operation) + ": the target address is null");
    if (to == this && detail_access::generation(target) == generation()) [[unlikely]] {
        throw error(std::string(operation) +
                    ": an actor asking itself would wait forever for its own reply");
    }
    if (++next_request_ == 0) ++next_request_;  // 0 means "no request"
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation(), detail::envelope_kind::ask,
        next_request_);
    // Asks are not counted: admitted.
    static_cast<void>(core_->admit(to, detail_access::generation(target), e, pool()));
    awaited_request_ = e->request;
    core_->deliver(to, detail_access::generation(target), e);
}

template <class R, class T>
auto context::ask(coact::address target, T&& message) {
    send_request(target, std::forward<T>(message), "coact::context::ask");
    return detail::ask_awaiter<R>{{{}, this}};
}

template <class R, class T>
auto context::ask(std::string_view target, T&& message) {
    context* to = find_by_name(target);
    return ask<R>(detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class R, class Rep, class Period, class T>
auto context::ask_for(std::chrono::duration<Rep, Period> timeout, coact::address target,
                      T&& message) {
    send_request(target, std::forward<T>(message), "coact::context::ask_for");
    return detail::ask_for_awaiter<R>(this, target, detail::saturated(timeout));
}

template <class R, class Rep, class Period, class T>
auto context::ask_for(std::chrono::duration<Rep, Period> timeout, std::string_view target,
                      T&& message) {
    context* to = find_by_name(target);
    return ask_for<R>(timeout, detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class T>
void context::reply(T&& value) {
    const std::uint32_t request = current_request_;
    // If making the message throws (a copy that fails), the ask stays pending: a later reply
    // answers it, or the asker gets no_reply when this actor moves on or ends.
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(value), this, generation(),
        request != 0 ? detail::envelope_kind::reply : detail::envelope_kind::plain, request);
    current_request_ = 0;
    if (!sender_) {
        core_->dead_letter(e);  // the message came from outside: nobody to answer
        return;
    }
    core_->deliver(detail_access::cell(sender_), detail_access::generation(sender_), e);
}

template <class Rep, class Period, class T>
void context::send_after(std::chrono::duration<Rep, Period> delay, coact::address target,
                         T&& message) {
    context* to = detail_access::cell(target);
    if (to == nullptr) [[unlikely]]
        throw error("coact::context::send_after: the target address is null");
    detail::envelope* e = detail::make_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    const detail::clock::duration d = detail::saturated(delay);
    if (core_->parallel) [[unlikely]] {
        core_->push_timer(d, to, detail_access::generation(target), e);
        return;
    }
    core_->timers.push(detail::deadline_after(core_->now(), d), to,
                       detail_access::generation(target), 0, e);
}

template <class Rep, class Period, class T>
void context::send_after(std::chrono::duration<Rep, Period> delay, std::string_view target,
                         T&& message) {
    context* to = core_->resolve_local(target);
    send_after(delay, detail_access::make(to, to->generation()), std::forward<T>(message));
}

template <class Rep, class Period>
auto context::sleep(std::chrono::duration<Rep, Period> duration) {
    return detail::sleep_awaiter{{}, this, detail::saturated(duration)};
}

inline void context::monitor(coact::address target) {
    core_->watch(this, target, false, "coact::context::monitor");
}
inline void context::monitor(std::string_view target) {
    context* to = find_by_name(target);
    monitor(detail_access::make(to, to->generation()));
}
inline void context::link(coact::address target) {
    core_->watch(this, target, true, "coact::context::link");
}
inline void context::link(std::string_view target) {
    context* to = find_by_name(target);
    link(detail_access::make(to, to->generation()));
}
inline void context::trap_exits(bool on) { core_->trap_exits(this, on); }
inline bool context::restart(coact::address child) { return core_->restart(this, child); }
inline bool context::demonitor(coact::address target) {
    return core_->unwatch(this, target, false);
}
inline bool context::unlink(coact::address target) { return core_->unwatch(this, target, true); }

inline bool context::subscribe(std::string_view topic) {
    detail::topic_table::check_subscribe_name(topic, "coact::context::subscribe");
    subscribed_ = true;
    const auto lock = core_->lock_if_parallel(core_->topics_mutex);
    return core_->topics.subscribe(this, generation(), topic);
}

inline bool context::unsubscribe(std::string_view topic) {
    detail::topic_table::check_subscribe_name(topic, "coact::context::unsubscribe");
    const auto lock = core_->lock_if_parallel(core_->topics_mutex);
    return core_->topics.unsubscribe(this, topic);
}

template <class T>
std::size_t context::publish(std::string_view topic, T&& message) {
    detail::topic_table::check_publish_name(topic, "coact::context::publish");
    const auto lock = core_->lock_if_parallel(core_->topics_mutex);
    const auto subs = core_->topics.subscribers(topic);
    if (subs.empty()) return core_->fan_out(subs, nullptr);  // counted; no payload is made
    detail::envelope* e = detail::make_shared_envelope<detail::message_type_t<T>>(
        pool(), std::forward<T>(message), this, generation());
    return core_->fan_out(subs, e);
}

template <class First, class... Rest>
coact::address context::spawn(First&& first, Rest&&... rest) {
    if constexpr (std::is_same_v<std::decay_t<First>, spawn_options>) {
        return core_->spawn(static_cast<const spawn_options&>(first), std::forward<Rest>(rest)...);
    } else if constexpr (std::is_convertible_v<First, std::string_view>) {
        return core_->spawn(std::string_view(first), std::forward<Rest>(rest)...);
    } else {
        return core_->spawn(std::string_view(), std::forward<First>(first),
                            std::forward<Rest>(rest)...);
    }
}

}  // namespace coact
