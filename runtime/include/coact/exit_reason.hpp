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

class exit_reason {
  public:
    enum class kind : std::uint8_t {
        normal,    ///< the body returned
        closed,    ///< stopped (rt.stop, self.stop, shutdown), or never started
        failed,    ///< an exception escaped the body, or a linked actor's failure stopped it
        no_actor,  ///< the address named no live actor when it was monitored or linked
    };

    exit_reason() noexcept = default;
    explicit exit_reason(kind k, std::exception_ptr error = nullptr) noexcept
        : kind_(k), error_(std::move(error)) {}

    [[nodiscard]] kind how() const noexcept { return kind_; }
    [[nodiscard]] bool normal() const noexcept { return kind_ == kind::normal; }
    [[nodiscard]] bool closed() const noexcept { return kind_ == kind::closed; }
    [[nodiscard]] bool failed() const noexcept { return kind_ == kind::failed; }
    /// The exception that ended a failed actor (null otherwise).
    [[nodiscard]] const std::exception_ptr& error() const noexcept { return error_; }
    /// The exception's what() for a failed actor; otherwise "normal", "closed" or "no actor".
    [[nodiscard]] std::string what() const;

  private:
    kind kind_ = kind::normal;
    std::exception_ptr error_;
};

/// To a monitoring actor: `actor` has ended, for `reason`.
struct down {
    coact::address actor;
    exit_reason reason;
};

/// To an actor that traps exits: its linked partner `actor` has ended, for `reason`.
struct exit {
    coact::address actor;
    exit_reason reason;
};

}  // namespace coact
