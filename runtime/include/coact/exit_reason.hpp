// coact/exit_reason.hpp — why an actor ended, and the messages that say so: down and exit.
//
// An actor that monitors another (self.monitor(target)) receives a coact::down when it ends; an
// actor linked to another (self.link(target)) that traps exits (self.trap_exits(true)) receives a
// coact::exit instead of being stopped when its partner fails. Both carry the ended actor's
// address and its exit_reason. Values: copy them freely, from any thread.
//
//   co_await self.receive([&](const coact::down& d) {
//       if (d.reason.failed()) std::cerr << "worker failed: " << d.reason.what() << '\n';
//   });
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "coact/address.hpp"

namespace coact {

/// How an actor ended.
enum class exit_kind : std::uint8_t {
    normal,    ///< the body returned
    closed,    ///< stopped (rt.stop, self.stop, shutdown, a linked partner's failure), or never
               ///< started
    failed,    ///< an exception escaped the body
    no_actor,  ///< the address named no live actor when it was monitored
    /// the actor is on another node of a cluster, and that node can no longer be reached (it
    /// crashed, froze, left, or messages between the two were lost); `error` says which node and
    /// why (contract §6)
    noconnection,
};

/// Why an actor ended: a value (copy it freely, from any thread).
struct exit_reason {
    /// How the actor ended.
    exit_kind kind = exit_kind::normal;
    /// The exception that ended a failed actor (null otherwise).
    std::exception_ptr error{};

    /// The exception's what() for a failed actor, which node was lost and why for noconnection;
    /// otherwise "normal", "closed" or "no actor".
    [[nodiscard]] std::string what() const;
    /// Whether the body returned.
    [[nodiscard]] bool normal() const noexcept { return kind == exit_kind::normal; }
    /// Whether the actor was stopped, or never started.
    [[nodiscard]] bool closed() const noexcept { return kind == exit_kind::closed; }
    /// Whether an exception escaped the body.
    [[nodiscard]] bool failed() const noexcept { return kind == exit_kind::failed; }
    /// Whether its node was lost (a remote actor: cluster).
    [[nodiscard]] bool noconnection() const noexcept { return kind == exit_kind::noconnection; }
};

/// To a monitoring actor: `who` has ended, for `reason`.
struct down {
    /// The actor that ended.
    coact::address who;
    /// Why it ended.
    exit_reason reason;
};

/// To an actor that traps exits: its linked partner `who` has ended, for `reason`.
struct exit {
    /// The partner that ended.
    coact::address who;
    /// Why it ended.
    exit_reason reason;
};

/// To a supervisor: its child `who` (spawned with spawn_options::supervisor) failed and is held,
/// waiting for the supervisor to restart it (self.restart) or end it (self.stop).
struct child_failed {
    /// The child that failed: held at this address until it is restarted or stopped.
    coact::address who;
    /// Its failure: kind failed, with the exception.
    exit_reason reason;
};

}  // namespace coact
