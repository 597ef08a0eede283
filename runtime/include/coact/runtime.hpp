// coact/runtime.hpp — the actor system: a registry of named actors and the scheduler that runs
// them.
//
//   coact::runtime rt;                 // single-threaded, deterministic
//   rt.spawn("ping", ping);
//   rt.spawn("pong", pong);
//   rt.send("ping", 0);
//   rt.run();                          // until no actor has a message or a pending timer
//
//   coact::runtime mt{{.workers = 2}};  // the same programs on two threads (work stealing)
//
// Threads: send(), stop(), publish(), request_stop(), stats() and metrics() may be called from
// any thread, also while run() or serve() runs on another; a message then goes through a
// lock-free queue and wakes the scheduler. Everything else (spawn, shutdown) is for the thread
// that runs the scheduler, or for any single thread while the scheduler is not running; with
// workers >= 2, spawn() may also be called from any thread. Lifetime: the destructor calls
// shutdown(): every remaining actor's frame is destroyed (its locals' destructors run) and
// queued messages are counted as dead letters.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include "coact/actor.hpp"
#include "coact/address.hpp"
#include "coact/context.hpp"
#include "coact/metrics.hpp"
#include "coact/runtime_options.hpp"

namespace coact {

/// The actor system: a registry of named actors and the scheduler that runs them, on the
/// calling thread or on several (runtime_options::workers). send, stop, publish and
/// request_stop may be called from any thread. The destructor calls shutdown().
class runtime {
  public:
    /// A runtime set up as `options` says; by default one worker: every actor runs on the
    /// thread that calls run() or serve().
    explicit runtime(runtime_options options = {});
    ~runtime();
    runtime(const runtime&) = delete;
    runtime& operator=(const runtime&) = delete;

    /// spawn(name, fn, args...) or spawn(fn, args...): starts fn(context&, args...) as an actor.
    /// Throws name_taken if a live actor has the name. The actor first runs inside run().
    /// spawn(spawn_options, fn, args...): with a bounded mailbox or a supervisor
    /// (spawn_options.hpp).
    template <class First, class... Rest>
    address spawn(First&& first, Rest&&... rest) {
        if constexpr (std::is_same_v<std::decay_t<First>, spawn_options>) {
            return core_->spawn(static_cast<const spawn_options&>(first),
                                std::forward<Rest>(rest)...);
        } else if constexpr (std::is_convertible_v<First, std::string_view>) {
            return core_->spawn(std::string_view(first), std::forward<Rest>(rest)...);
        } else {
            return core_->spawn(std::string_view(), std::forward<First>(first),
                                std::forward<Rest>(rest)...);
        }
    }

    /// Queues `message` for the actor named `target` (no_such_actor if none). Any thread.
    template <class T>
    void send(std::string_view target, T&& message) {
        auto [cell, generation] = core_->resolve_shared(target);
        core_->inject(cell, generation, make(std::forward<T>(message)));
    }

    /// Queues `message` for `target`; a dead letter if that actor has ended. Any thread. An
    /// address of another runtime is served by that runtime (docs/concepts/actors.md).
    template <class T>
    void send(address target, T&& message) {
        if (!target) throw error("coact::runtime::send: the target address is null");
        core_->inject(detail_access::cell(target), detail_access::generation(target),
                      make(std::forward<T>(message)));
    }

    /// Publishes `message` to `topic` as context::publish does, from outside any actor. Like
    /// send() it is queued (any thread): the topic's subscribers are the ones following it when
    /// the scheduler takes the message from the queue (at once while run()/serve() runs, else at
    /// the start of the next run()). Throws coact::bad_topic for an empty name or a pattern.
    template <class T>
    void publish(std::string_view topic, T&& message) {
        detail::topic_table::check_publish_name(topic, "coact::runtime::publish");
        detail::envelope* e = detail::make_shared_envelope<detail::message_type_t<T>>(
            nullptr, std::forward<T>(message));
        if (detail::topic_bridge* b = core_->bridge.load(std::memory_order_acquire);
            b != nullptr && b->shares(topic)) [[unlikely]] {
            try {
                b->published(topic, *e, address());  // to the other nodes (topic_bridge.hpp)
            } catch (...) {
                core_->release(e);
                throw;
            }
        }
        core_->inject_publish(topic, e);
    }

    /// Runs actors until none has a message or a pending timer, then returns. May be called again.
    void run();
    /// Runs actors until request_stop(), sleeping (no busy wait) while there is nothing to do.
    void serve();
    /// Makes serve() return once the current turn ends. Any thread.
    void request_stop() noexcept;

    /// Closes an actor: generator_exit is thrown out of its pending co_await, so its catch blocks
    /// and destructors run. Returns false if the actor had already ended. Any thread; an address
    /// of another runtime is stopped by that runtime.
    bool stop(address target);
    /// As stop(address); throws no_such_actor if no actor has the name.
    bool stop(std::string_view target);

    /// Ends every actor by destroying its suspended frame (destructors run, nothing is thrown
    /// into it) and drops queued messages, counting them as dead letters. Returns how many
    /// messages it dropped: those still queued, and those sent while it ran (from other
    /// threads, or from the destructors it runs), which are dead letters at once. The runtime
    /// can be used again afterwards. Throws coact::error from inside an actor,
    /// or while run() or serve() is active on another thread.
    std::size_t shutdown();

    /// The address of the live actor named `name`: this runtime's names, which include the names
    /// of actors on the other nodes of a joined cluster (their proxies here). Throws
    /// coact::no_such_actor if no actor has it. Any thread.
    [[nodiscard]] address lookup(std::string_view name) const;
    /// As lookup(), but a null address where no actor has the name (to test whether it has, or
    /// to wait for it).
    [[nodiscard]] address try_lookup(std::string_view name) const;

    /// A snapshot of the counters.
    [[nodiscard]] runtime_stats stats() const noexcept;
    /// A snapshot of the counters and of every live actor: its address, name, spawn number,
    /// mailbox length, messages handled, failures and restarts (coact/metrics.hpp). Any thread,
    /// also while run() or serve() runs on another; render it with coact::prometheus_text().
    [[nodiscard]] runtime_metrics metrics() const;
    /// The options the runtime was made with.
    [[nodiscard]] const runtime_options& options() const noexcept { return core_->options; }
    /// This runtime's number, unique among the runtimes of the process (the first is 1). Error
    /// messages name a runtime by it: "runtime #2".
    [[nodiscard]] std::uint64_t id() const noexcept { return core_->id; }

  private:
    friend struct detail_access;

    template <class T>
    static detail::envelope* make(T&& message) {
        return detail::make_envelope<detail::message_type_t<T>>(nullptr, std::forward<T>(message));
    }

    std::unique_ptr<detail::core> core_;
};

/// \cond
inline detail::core& detail_access::core_of(runtime& rt) noexcept { return *rt.core_; }
/// \endcond

}  // namespace coact
