// coact/testing.hpp — a deterministic, step-by-step runtime for testing actor programs.
//
//   coact::testing::deterministic sim;         // virtual time, one message per step
//   sim.spawn("ping", ping);
//   sim.spawn("pong", pong);
//   sim.send("ping", 0);
//   REQUIRE(sim.mailbox_size("ping") == 1);
//   REQUIRE(*sim.peek<int>("ping") == 0);
//   REQUIRE(sim.step());                      // ping starts and takes its 0
//   REQUIRE(*sim.peek<int>("pong") == 1);
//
// A step runs one actor for one turn in which it may take at most one message. Time is
// virtual: it moves only by advance_time() (and, inside run(), by jumping to the next timer).
// Single-threaded: use it from one thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <string_view>
#include <utility>

#include "coact/runtime.hpp"

/// Tools for testing actor programs step by step.
namespace coact::testing {

/// A step-by-step runtime for tests: each step() runs one actor for one turn, taking at most
/// one message, and virtual time moves only by advance_time() or run(). One thread only.
class deterministic {
  public:
    /// A runtime with one worker, one message per turn and virtual time, unless `options` says
    /// otherwise.
    explicit deterministic(runtime_options options = {.workers = 1,
                                                      .throughput = 1,
                                                      .virtual_time = true})
        : rt_(options) {
        detail::install_deterministic_scheduler(core());  // workers >= 2: step() throws
    }

    /// The runtime underneath, for the calls this class does not forward.
    [[nodiscard]] coact::runtime& runtime() noexcept { return rt_; }

    /// As runtime::spawn.
    template <class... A>
    address spawn(A&&... args) {
        return rt_.spawn(std::forward<A>(args)...);
    }

    /// As runtime::send, but the message is in the mailbox at once (peek and mailbox_size see
    /// it).
    template <class Target, class T>
    void send(Target&& target, T&& message) {
        rt_.send(std::forward<Target>(target), std::forward<T>(message));
        core().sched->take_from_outside();  // so that peek() sees it at once
    }

    /// As runtime::publish, but fanned out at once (peek and mailbox_size see it).
    template <class T>
    void publish(std::string_view topic, T&& message) {
        rt_.publish(topic, std::forward<T>(message));
        core().sched->take_from_outside();  // fanned out at once, so that peek() sees it
    }

    /// How many actors a publication to `topic` would reach now (patterns included).
    [[nodiscard]] std::size_t subscribers(std::string_view topic) {
        detail::topic_table::check_publish_name(topic,
                                                "coact::testing::deterministic::subscribers");
        return core().topics.subscribers(topic).size();
    }

    /// Runs one actor for one turn (at most one message). False if no actor could run.
    bool step() { return core().sched->step(); }

    /// Steps until no actor can run (timers are not advanced); returns the number of steps.
    std::size_t step_all(std::size_t limit = 1'000'000) {
        std::size_t n = 0;
        while (n < limit && step()) ++n;
        return n;
    }

    /// As runtime::run(): until quiescence, jumping virtual time to each pending timer.
    void run() { rt_.run(); }

    /// Moves virtual time forward and fires the timers that became due.
    void advance_time(std::chrono::steady_clock::duration d) { core().advance_time(d); }

    /// The actor the next step() will run (null if none is ready).
    [[nodiscard]] address next() {
        core().sched->take_from_outside();
        context* c = core().sched->next_ready();
        if (c == nullptr) return {};
        return detail_access::make(c, generation(c));
    }

    /// How many messages wait in the mailbox of the actor named `name` (coact::no_such_actor
    /// if none).
    [[nodiscard]] std::size_t mailbox_size(std::string_view name) {
        return detail_access::box(cell(name)).size();
    }
    /// How many messages wait in the mailbox of the actor at `a` (coact::error if null).
    [[nodiscard]] std::size_t mailbox_size(address a) { return detail_access::box(cell(a)).size(); }

    /// The message at the head of the actor's mailbox if it is a T (null otherwise).
    template <class T, class Target>
    [[nodiscard]] const T* peek(Target&& target) {
        detail::mailbox& box = detail_access::box(cell(std::forward<Target>(target)));
        if (box.empty() || !box.front()->holds<T>()) return nullptr;
        return &box.front()->view<T>();
    }

    /// Whether a live actor has the name `name`.
    [[nodiscard]] bool alive(std::string_view name) const {
        return static_cast<bool>(rt_.try_lookup(name));
    }
    /// As runtime::stats().
    [[nodiscard]] runtime_stats stats() const noexcept { return rt_.stats(); }

  private:
    detail::core& core() noexcept { return detail_access::core_of(rt_); }
    static std::uint32_t generation(context* c) noexcept {
        return detail_access::address_of(*c).second;
    }
    context& cell(std::string_view name) {
        address a = rt_.try_lookup(name);
        if (!a) throw no_such_actor(name);
        return *detail_access::cell(a);
    }
    static context& cell(address a) {
        if (!a) throw error("coact::testing: null address");
        return *detail_access::cell(a);
    }

    coact::runtime rt_;
};

}  // namespace coact::testing
