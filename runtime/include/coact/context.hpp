// coact/context.hpp — what an actor sees of itself and of the world: `self`.
//
//   coact::actor counter(coact::context& self) {
//       int n = 0;
//       for (;;) {
//           co_await self.receive(
//               [&](int by) { n += by; },
//               [&](const std::string& cmd) { if (cmd == "get") self.reply(n); });
//       }
//   }
//
// Threads: a context is used only from inside its own actor's body (and the functions it
// calls), on whichever thread the scheduler runs that actor. Lifetime: the runtime owns it; it
// lives exactly as long as the actor. An actor never runs on two threads at once and never
// re-enters itself, so nothing here needs a lock.
//
// The context is also the actor's cell: the scheduler's bookkeeping lives in its private part.
#pragma once

#include <atomic>
#include <chrono>
#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>
#include <utility>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/detail/actor/cell_policy.hpp"
#include "coact/detail/message/envelope.hpp"
#include "coact/detail/message/mailbox.hpp"
#include "coact/detail/message/message_traits.hpp"
#include "coact/detail/scheduler/inbox.hpp"
#include "coact/exit_reason.hpp"
#include "coact/spawn_options.hpp"

namespace coact {

class runtime;
struct detail_access;

namespace detail {
struct core;
struct spawn_holder;
template <class T>
struct receive_awaiter;
template <class... H>
struct handlers_awaiter;
template <class T>
struct receive_for_awaiter;
struct reply_wait;
template <class R>
struct ask_awaiter;
template <class R>
struct ask_for_awaiter;
template <class R>
struct offload_awaiter;
struct sleep_awaiter;
struct put_awaiter;
struct envelope_guard;
struct relay;
class topic_bridge;
struct worker_local;
class local_scheduler;
class deterministic_scheduler;
class work_stealing_scheduler;
struct ownership;
enum class run_state : std::uint8_t { free, scheduled, running, idle, held };
/// Work-stealing mode: whether an actor waits idle for its owner to wake it (busy: it runs, is
/// queued to run, is held by its supervisor, or has ended;
/// src/scheduler/work_stealing/ownership.hpp).
enum class owner_state : std::uint8_t { busy, idle };
/// Work-stealing mode: which worker owns an idle actor, and whether it is idle. One word, read
/// and written whole through std::atomic_ref (src/scheduler/work_stealing/ownership.hpp), so
/// that it can share its place with a field of the single-threaded mode.
struct alignas(4) cell_owner {
    std::uint16_t id;  // the owner's index among the scheduler's threads
    owner_state state;
    std::uint8_t unused;  // always 0: a compare-and-swap compares the whole word
    bool operator==(const cell_owner&) const = default;
};
enum class wait_kind : std::uint8_t {
    start,
    message,
    message_or_timer,
    timer,
    reply,
    reply_or_timer
};
}  // namespace detail

/// What an actor sees of itself and of the world (`self`): its messages, replies, timers,
/// topics, monitors, links and children. Used only from inside its own actor; the runtime owns
/// it, and it lives exactly as long as the actor.
class context {
  public:
    context(const context&) = delete;
    context& operator=(const context&) = delete;
    ~context() { delete policy_.load(std::memory_order_relaxed); }  // only the runtime does

    // --- identity ---
    /// This actor's address.
    [[nodiscard]] coact::address address() noexcept { return {this, generation()}; }
    /// This actor's registered name; empty for an anonymous actor.
    [[nodiscard]] std::string_view name() const noexcept {
        return name_ ? std::string_view(*name_) : std::string_view();
    }
    /// The sender of the message being handled (null for messages sent from outside).
    [[nodiscard]] coact::address sender() const noexcept { return sender_; }
    /// The runtime this actor runs in.
    [[nodiscard]] coact::runtime& runtime() const noexcept;

    // --- messages ---
    /// As send(address), to the actor named `target` (coact::no_such_actor if none).
    template <class T>
    void send(std::string_view target, T&& message);
    /// Queues `message` for `target`; a dead letter if that actor has ended. To a full bounded
    /// mailbox it throws coact::mailbox_full or drops the message, as its overflow policy says.
    template <class T>
    void send(coact::address target, T&& message);
    /// co_await: sends `message` to `target`, first waiting (this actor, not the thread) while
    /// target's bounded mailbox is full (spawn_options::capacity): backpressure. To an unbounded
    /// mailbox it is a plain send. Other messages to this actor stay queued while it waits.
    template <class T>
    [[nodiscard]] auto put(coact::address target, T&& message);
    /// As put(address), to the actor named `target` (coact::no_such_actor if none).
    template <class T>
    [[nodiscard]] auto put(std::string_view target, T&& message);

    /// co_await: the next message, which must be a T (otherwise coact::bad_message is thrown).
    template <class T>
    [[nodiscard]] auto receive();
    /// co_await: the next message, passed to the first handler whose parameter type matches.
    template <class... Handlers>
    requires(sizeof...(Handlers) > 0) [[nodiscard]] auto receive(Handlers&&... handlers);
    /// co_await: the next message as optional<T>, or nullopt when `timeout` passes first.
    template <class T, class Rep, class Period>
    [[nodiscard]] auto receive_for(std::chrono::duration<Rep, Period> timeout);

    /// co_await: sends `message` to `target` and waits for its reply(), which must be an R.
    /// Other messages arriving meanwhile stay queued, in order.
    template <class R, class T>
    [[nodiscard]] auto ask(std::string_view target, T&& message);
    /// As ask() by name, to the actor at `target`. Throws coact::error for a null address, or
    /// when an actor asks itself.
    template <class R, class T>
    [[nodiscard]] auto ask(coact::address target, T&& message);
    /// co_await: as ask(), but gives up once `timeout` has passed on the runtime's clock without
    /// a reply: throws coact::ask_timeout, which names the target. A reply that comes later is a
    /// dead letter (counted in stats().dead_letters), never a message. A timeout of zero or less
    /// times out at once; one past the clock's range waits like ask().
    template <class R, class Rep, class Period, class T>
    [[nodiscard]] auto ask_for(std::chrono::duration<Rep, Period> timeout, coact::address target,
                               T&& message);
    /// As ask_for() to an address, to the actor named `target` (coact::no_such_actor if none).
    template <class R, class Rep, class Period, class T>
    [[nodiscard]] auto ask_for(std::chrono::duration<Rep, Period> timeout, std::string_view target,
                               T&& message);
    /// Answers the message being handled: to an ask, the reply it waits for; to a plain message,
    /// a message to its sender. Reply before taking the next message: an ask left unanswered
    /// then (or when the actor ends) fails the asker with coact::no_reply.
    template <class T>
    void reply(T&& value);

    // --- blocking work ---
    /// co_await: runs `fn(args...)` on the runtime's thread pool (runtime_options::
    /// offload_threads) without blocking the scheduler, and resumes this actor with what fn
    /// returns, as a message would; an exception thrown by fn is rethrown here. Other messages
    /// stay queued meanwhile, and run() does not return while an offload is in flight. fn must
    /// not touch this actor's state: it runs on another thread, concurrently with the scheduler.
    /// fn and args are taken by value. Pass values as args (`self.offload(checksum, text)`), or
    /// name a capturing lambda before the co_await: g++ 12 corrupts a lambda temporary that
    /// captures a std::string inside a co_await expression (docs/concepts/tasks.md).
    template <class F, class... Args>
    requires std::is_invocable_v<F&, Args&...>
    [[nodiscard]] auto offload(F fn, Args... args);

    // --- time ---
    /// As send_after() to an address, to the actor named `target` now (coact::no_such_actor if
    /// none).
    template <class Rep, class Period, class T>
    void send_after(std::chrono::duration<Rep, Period> delay, std::string_view target, T&& message);
    /// Sends `message` to `target` once `delay` has passed on the runtime's clock (virtual
    /// with runtime_options::virtual_time). Throws coact::error for a null address.
    template <class Rep, class Period, class T>
    void send_after(std::chrono::duration<Rep, Period> delay, coact::address target, T&& message);
    /// co_await: suspends this actor (not the thread) for `duration`; messages wait meanwhile.
    template <class Rep, class Period>
    [[nodiscard]] auto sleep(std::chrono::duration<Rep, Period> duration);

    // --- pub/sub ---
    /// Follows `topic` ("prices.aapl") or a pattern whose last segment is `*` ("prices.*": every
    /// topic below "prices", "*": every topic). Returns false if already following exactly that.
    /// Throws coact::bad_topic for an empty name or a misplaced `*`.
    bool subscribe(std::string_view topic);
    /// Stops following `topic` (as it was subscribed). Returns false if it was not followed.
    bool unsubscribe(std::string_view topic);
    /// Sends `message` to every actor following `topic` now (exact or by pattern), each once, in
    /// publish order per publisher. One payload is shared by all of them: a subscriber that takes
    /// it by const& reads the shared one; one that takes it by value gets its own copy. Returns
    /// how many actors it went to; 0 is not an error (stats().unheard counts it).
    template <class T>
    std::size_t publish(std::string_view topic, T&& message);

    /// The address of the live actor named `name`: this runtime's names, which include the names
    /// of actors on the other nodes of a joined cluster (their proxies here). Throws
    /// coact::no_such_actor if no actor has it.
    [[nodiscard]] coact::address lookup(std::string_view name);

    // --- watching other actors (docs/concepts/actors.md, "Monitors and links") ---
    /// When `target` ends, this actor receives a coact::down with its address and exit_reason;
    /// at once, with reason no_actor, if it has ended already. Each call is one down.
    void monitor(coact::address target);
    /// As monitor(address), for the actor named `target` (coact::no_such_actor if none).
    void monitor(std::string_view target);
    /// Takes back one monitor(target): no down comes for it. False if there was none.
    bool demonitor(coact::address target);
    /// Links this actor and `target` both ways: when either fails, the other is closed (it ends
    /// with reason closed), unless it traps exits: then it receives a coact::exit for every end of
    /// its partner (normal, closed or failed) instead. Throws coact::error if `target` has ended
    /// already. Linking twice to the same actor is one link.
    void link(coact::address target);
    /// As link(address), with the actor named `target` (coact::no_such_actor if none).
    void link(std::string_view target);
    /// Takes back the link with `target`, both ways. False if there was none.
    bool unlink(coact::address target);
    /// Whether a linked partner's end comes as a coact::exit message instead of stopping this
    /// actor. Off by default.
    void trap_exits(bool on);
    /// In a runtime that joined a cluster (coact::cluster): when the node named `node` is lost
    /// (crashed, froze, left), this actor receives one coact::node_down{node, why}; at once if no
    /// such node is alive now. Throws coact::error when the runtime has joined no cluster.
    void monitor_node(std::string_view node);

    // --- other actors ---
    /// spawn(name, fn, args...), spawn(fn, args...) or spawn(spawn_options, fn, args...).
    template <class First, class... Rest>
    coact::address spawn(First&& first, Rest&&... rest);
    /// A child spawned with spawn_options::supervisor == this actor: if it is held (it failed),
    /// starts a new body from the same function and arguments, at the same address and name,
    /// with the messages queued for it; if it is live, closes it (as stop) and starts it again
    /// once it has ended. False if it has ended for good. Throws coact::error if `child` is not
    /// this actor's to supervise (docs/concepts/supervision.md).
    bool restart(coact::address child);
    /// Closes `target` as rt.stop() does.
    bool stop(coact::address target);
    /// As stop(address), for the actor named `target` (coact::no_such_actor if none).
    bool stop(std::string_view target);

  private:
    /// A topic shared with the other nodes of a cluster (topic_bridge.hpp): there, then here.
    template <class T>
    std::size_t publish_shared(detail::topic_bridge& b, std::string_view topic, T&& message);
    friend struct detail::core;
    friend class coact::runtime;
    // The schedulers (detail/scheduler/scheduler.hpp) keep the cell's run state and queues.
    friend class detail::local_scheduler;
    friend class detail::deterministic_scheduler;
    friend class detail::work_stealing_scheduler;
    friend struct detail::ownership;
    template <class T>
    friend struct detail::receive_awaiter;
    template <class... H>
    friend struct detail::handlers_awaiter;
    template <class T>
    friend struct detail::receive_for_awaiter;
    friend struct detail::reply_wait;
    template <class R>
    friend struct detail::ask_awaiter;
    template <class R>
    friend struct detail::ask_for_awaiter;
    template <class R>
    friend struct detail::offload_awaiter;
    friend struct detail::sleep_awaiter;
    friend struct detail::put_awaiter;
    friend struct detail::envelope_guard;
    friend struct detail::relay;
    friend struct coact::detail_access;

    context() = default;

    // Awaiter support (defined in detail/actor/context_inline.hpp and, for the per-message
    // path, detail/scheduler/dispatch.hpp).
    [[nodiscard]] bool message_ready() const noexcept;
    void suspend_for(detail::wait_kind kind) noexcept { wait_ = kind; }
    [[nodiscard]] detail::envelope_pool* pool() const noexcept;
    detail::envelope* take_message();
    [[nodiscard]] context* find_by_name(std::string_view name);
    /// Sends `message` to `target` as a request and makes this actor wait for its answer.
    template <class T>
    void send_request(coact::address target, T&& message, const char* operation);
    void check_stop();
    void arm_timer(std::chrono::steady_clock::duration delay);
    void disarm_timer() noexcept;
    [[noreturn]] void throw_bad_message(const detail::envelope* e, std::string_view expected) const;
    // Relaxed: only the thread running the actor (or the runtime ending it) writes the
    // generation; others read it as a hint and the inbox's reader checks it for real.
    [[nodiscard]] std::uint32_t generation() const noexcept {
        return generation_.load(std::memory_order_relaxed);
    }
    void next_generation(std::memory_order order = std::memory_order_relaxed) noexcept {
        generation_.store(generation() + 1, order);
    }
    /// Every push of a message on box_ calls it (runtime::metrics()'s mailbox length), on the
    /// thread that holds the actor's private state: a plain increment, no read-modify-write.
    void count_queued() noexcept {
        queued_.store(queued_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    }

    detail::core* core_ = nullptr;
    std::coroutine_handle<actor::promise_type> handle_;
    detail::mailbox box_;
    detail::inbox inbox_;  // work-stealing mode: where other threads' events arrive
    // A free cell links to the next free one; a live one may hold the event that woke it (work-
    // stealing mode, until its turn takes it). Never both: 8 bytes per actor saved.
    union {
        context* next_free_ = nullptr;
        detail::envelope* handoff_;
    };
    // The thread running this turn (its envelope pool, its count): with work stealing the worker,
    // set at each turn; single-threaded, the scheduler thread, set when the cell is opened.
    detail::worker_local* local_ = nullptr;
    detail::envelope* reply_ = nullptr;  // the reply an ask waits for, once it came
    const std::string* name_ = nullptr;  // the registry's key; null when anonymous
    coact::address sender_;
    std::uint32_t current_request_ = 0;       // the unanswered ask being handled
    std::uint32_t awaited_request_ = 0;       // the ask this actor waits on
    detail::spawn_holder* holder_ = nullptr;  // the spawned callable and arguments, kept alive
    union {
        // Single-threaded mode: the last actor sent to by name (checked before use).
        context* name_cache_ = nullptr;
        // Work-stealing mode (which looks every name up): what absorb() has still to walk of a
        // run taken from the inbox, newest first; it reverses it a batch at a time into
        // handoff_, so that no turn spends unbounded time on a flood.
        detail::envelope* unreversed_;
    };
    std::uint32_t next_request_ = 0;
    union {
        // Single-threaded mode: the generation name_cache_ had when it was filled.
        std::uint32_t name_cache_generation_ = 0;
        // Work-stealing mode: the worker that owns the actor while it idles, and its state.
        detail::cell_owner owner_;
    };
    // A bound or a supervisor (cell_policy.hpp): allocated once per cell that needs it, kept with
    // it. Next to generation_, which every delivery reads too.
    std::atomic<detail::cell_policy*> policy_{nullptr};
    // Spawn number, to tell anonymous actors apart in messages. Atomic (relaxed) because
    // runtime::metrics() reads it from any thread; written once per spawn.
    std::atomic<std::uint32_t> serial_{0};
    std::atomic<std::uint32_t> generation_{1};
    std::uint32_t budget_ = 0;  // messages this turn may still take
    std::uint32_t timer_token_ = 0;
    detail::run_state run_ = detail::run_state::free;
    detail::wait_kind wait_ = detail::wait_kind::start;
    bool stop_requested_ = false;
    bool exit_delivered_ = false;
    bool timer_pending_ = false;
    bool timed_out_ = false;
    // Written and read by the actor's own thread only, so that its end can skip the locks of
    // the work-stealing mode when there is nothing to undo:
    bool timer_armed_ = false;  // armed a timer not disarmed since (sleep, receive_for)
    bool subscribed_ = false;   // subscribed to a topic at some point
    // For runtime::metrics() (src/actor/metrics.cpp), which reads them relaxed from any thread.
    // Written only by the thread that holds the actor's private state (the one running it, or
    // the worker delivering to it while it idles), as load + 1 stores (detail::bump): no
    // read-modify-write on the per-message path.
    std::atomic<std::uint64_t> handled_{0};  // messages take_message() gave the actor
    // Messages put in box_, modulo 2^32: box_ holds queued_ - handled_ of them (mod 2^32).
    std::atomic<std::uint32_t> queued_{0};
    // The address generation of the live actor in this cell, 0 while the cell is free or its
    // actor is being made or torn down: set at the end of spawn, cleared as retire() begins.
    std::atomic<std::uint32_t> listed_{0};
};

}  // namespace coact

// The engine behind the declarations above; each includes what it needs first. Include this
// header, never these directly: they expect context to be complete.
#include "coact/detail/actor/awaiters.hpp"
#include "coact/detail/actor/context_inline.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/actor/offload.hpp"
#include "coact/detail/actor/spawn.hpp"
#include "coact/detail/scheduler/dispatch.hpp"
