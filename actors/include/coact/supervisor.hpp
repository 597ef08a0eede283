// coact/supervisor.hpp — OTP-style supervisors: an actor that starts child actors, restarts the
// ones that fail, and gives up (fails itself) when they fail too often.
//
//   std::vector<coact::child_spec> children{{.name = "parser", .start = parser},
//                                           {.name = "logger", .start = logger}};
//   rt.spawn("sup", coact::supervise,
//            coact::supervisor_options{.strategy = coact::restart_strategy::one_for_one,
//                                      .max_restarts = 3, .within = std::chrono::seconds(5)},
//            children);
//
// supervise() is an actor body: spawn it like any other (with a name, an address, or under a
// supervisor of its own: a supervisor that gives up fails, so its own supervisor hears of it).
// It is built only on the public API (spawn_options::supervisor, coact::child_failed,
// context::restart, monitors); docs/concepts/supervision.md states what it guarantees.
// Threads: on_event and the clock are called inside the supervisor's turns, on whichever thread
// runs it (any worker in work-stealing mode). Lifetime: the children never outlive it by more
// than their own stop: when it ends (stopped, failed, gave up) it stops every child.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <coact/coact.hpp>

namespace coact {

/// Which children a failure restarts (OTP's strategies).
enum class restart_strategy : std::uint8_t {
    one_for_one,   ///< the failed child only
    one_for_all,   ///< every running child, in start order
    rest_for_one,  ///< the failed child and the running children started after it
};

/// One child: how to start it, and its mailbox. The supervisor starts the children in the order
/// of its vector, and restarts call `start` again (at the same address and name).
struct child_spec {
    /// The child's registered name; empty for an anonymous child (known by its address only).
    std::string name{};
    /// The child's body: `parser`, or `[n](coact::context& self) { return worker(self, n); }`.
    std::function<coact::actor(coact::context&)> start{};
    std::uint32_t capacity = 0;  ///< spawn_options::capacity: 0 means an unbounded mailbox
    /// spawn_options::overflow: what a send does when the bounded mailbox is full.
    coact::overflow overflow = coact::overflow::reject;
};

/// What a supervisor reports through supervisor_options::on_event.
struct supervisor_event {
    /// What happened.
    enum class kind : std::uint8_t {
        started,    ///< a child was spawned (at the supervisor's start)
        failed,     ///< a child failed (reason: its exception's what())
        restarted,  ///< a child was started again in place, after its own failure or a sibling's
        ended,      ///< a child returned, or someone else stopped it: it is not restarted
        gave_up,    ///< too many restarts: every child has ended, and the supervisor fails
    };
    /// Which event this is.
    kind what = kind::started;
    /// The child's name, or "#i" (its position in the vector, from 0) for an anonymous child.
    std::string child{};
    /// The child's address, the same across its restarts; null for gave_up.
    coact::address who{};
    /// failed: the exception's what(); ended: "normal", "closed"...; gave_up: restart_limit's.
    std::string reason{};
};

/// The kind's name: "started", "failed", "restarted", "ended" or "gave_up".
[[nodiscard]] constexpr std::string_view to_string(supervisor_event::kind k) noexcept {
    switch (k) {
        case supervisor_event::kind::started:
            return "started";
        case supervisor_event::kind::failed:
            return "failed";
        case supervisor_event::kind::restarted:
            return "restarted";
        case supervisor_event::kind::ended:
            return "ended";
        case supervisor_event::kind::gave_up:
            return "gave_up";
    }
    return "?";
}

/// How a supervisor restarts its children: the strategy, the restart intensity, and hooks for
/// its events and its clock.
struct supervisor_options {
    /// Which children a failure restarts.
    restart_strategy strategy = restart_strategy::one_for_one;
    /// Intensity (OTP's MaxR and MaxT): at most `max_restarts` restarts within any `within`.
    /// A failure that would make one more gives up instead. Restarting several children for one
    /// failure (one_for_all, rest_for_one) counts as one restart.
    unsigned max_restarts = 3;
    /// The period of the intensity (OTP's MaxT): see max_restarts. Must be positive: supervise
    /// fails at once with coact::error otherwise.
    std::chrono::milliseconds within{5000};
    /// Called for every supervisor_event, inside the supervisor's turn. May be empty.
    std::function<void(const supervisor_event&)> on_event{};
    /// Where restart times come from; empty: std::chrono::steady_clock::now. A test can pass a
    /// clock it moves by hand (the runtime's virtual time is not visible to actors).
    std::function<std::chrono::steady_clock::time_point()> clock{};
};

/// What a supervisor that gave up fails with: its child `child()` failed when `max_restarts()`
/// restarts had already happened within the last `within()`.
class restart_limit : public coact::error {
  public:
    /// The supervisor gave up when `child` failed; the other two are its options.
    restart_limit(std::string child, unsigned max_restarts, std::chrono::milliseconds within)
        : error("coact::restart_limit: child '" + child + "' failed after " +
                std::to_string(max_restarts) + (max_restarts == 1 ? " restart" : " restarts") +
                " within " + std::to_string(within.count()) +
                " ms, the most allowed: the supervisor gave up"),
          child_(std::move(child)),
          max_restarts_(max_restarts),
          within_(within) {}

    /// The child whose failure was one too many: its name, or "#i" for an anonymous one.
    [[nodiscard]] const std::string& child() const noexcept { return child_; }
    /// The supervisor's supervisor_options::max_restarts.
    [[nodiscard]] unsigned max_restarts() const noexcept { return max_restarts_; }
    /// The supervisor's supervisor_options::within.
    [[nodiscard]] std::chrono::milliseconds within() const noexcept { return within_; }

  private:
    std::string child_;
    unsigned max_restarts_;
    std::chrono::milliseconds within_;
};

}  // namespace coact

#include "coact/detail/supervision.hpp"

namespace coact {

/// The supervisor's body: starts `children` in order, each named, monitored and spawned with
/// spawn_options::supervisor = self, then restarts them as `options` says until it is stopped
/// (it stops its children first) or gives up (it stops its children, waits for their ends, and
/// fails with restart_limit). Throws coact::error for an invalid child list (no start function,
/// a name used twice) or a window (supervisor_options::within) of zero or less.
inline coact::actor supervise(coact::context& self, supervisor_options options,
                              std::vector<child_spec> children) {
    detail::supervision sup(self, std::move(options), std::move(children));
    try {
        sup.start_children();
        while (!sup.finished()) {
            try {
                co_await self.receive([&sup](const coact::child_failed& f) { sup.on_failed(f); },
                                      [&sup](const coact::down& d) { sup.on_down(d); });
            } catch (const coact::bad_message&) {
                // Not a supervisor's message: dropped, as an OTP supervisor drops it.
            }
        }
    } catch (...) {  // stopped (generator_exit), or a start or on_event threw
        sup.stop_children();
        throw;
    }
    sup.give_up();  // throws restart_limit
}

}  // namespace coact
