// coact/detail/actor/cell_policy.hpp — the part of an actor's cell that only some actors need:
// a bounded mailbox (mailbox_bound), a supervisor (supervision_state), and a gate that refuses,
// at the send, what the actor could never take (send_gate: a cluster's proxy for a remote actor
// refuses a type with no wire name and a message too large for the servers).
//
// Allocated at the first spawn into a cell that asks for either, and kept with the cell (cells
// live as long as the runtime), so a sender holding a stale address may read it safely. Its
// fields are reset at each spawn that uses the cell.
//
// The bound (docs/concepts/mailboxes.md): `queued` counts the envelopes admitted to the cell and
// not yet taken. An admitted envelope points at it (envelope::slot); the count goes down when
// the actor takes the envelope, or when it is freed untaken (a dead letter, a shutdown), so no
// path can leak a slot. Waiting senders (overflow::wait) are listed under core::policy_mutex:
//   1. A sender finding the mailbox full registers (waiting += 1, seq_cst) and tries again.
//   2. A taker lowers `queued` (seq_cst), then reads `waiting`; if not zero, it wakes one.
//   Steps 1 and 2 are Dekker's pattern: either the retry sees the room, or the taker sees the
//   waiter.
//
// Supervision: `held`, `incarnation` and `failures` change under core::policy_mutex only
// (runtime::metrics() reads the last two under it).
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <vector>

#include "coact/address.hpp"
#include "coact/spawn_options.hpp"

namespace coact {
class context;
}

namespace coact::detail {

struct envelope;

/// The bound of a mailbox (src/actor/bounded_mailbox.cpp).
struct mailbox_bound {
    std::atomic<std::uint32_t> queued{0};
    std::atomic<std::uint32_t> capacity{0};  // 0: no bound
    std::atomic<coact::overflow> on_full{coact::overflow::reject};
    std::atomic<std::uint32_t> waiting{0};  // senders in `waiters`
    struct waiter {
        coact::address who;
        std::uint32_t request;  // the put it waits in: its wake-up answers that request
    };
    std::vector<waiter> waiters;  // under core::policy_mutex
};

/// A supervised actor's state (src/actor/supervision.cpp), under core::policy_mutex.
struct supervision_state {
    coact::address supervisor;
    bool held = false;              // failed, frame gone, waiting for restart or stop
    std::uint32_t incarnation = 0;  // bodies started in this cell since the spawn, minus one
    std::uint32_t failures = 0;     // bodies since the spawn that an exception ended
    std::exception_ptr failure;     // why it is held
    // The actor's own: set when it takes a restart request, read at its end.
    bool restart_on_end = false;
};

/// Refuses, at the send, a message its actor could never take. Set at spawn
/// (core::spawn_gated) by a layer above the core; kept as long as the runtime (core::retire_seam),
/// since a sender holding a stale address may still read it.
class send_gate {
  public:
    /// Throws (the sender's exception) if `to` cannot take `message`; `to` is alive when asked.
    virtual void check(const envelope& message, const context& to) const = 0;

  protected:
    send_gate() = default;
    send_gate(const send_gate&) = default;
    send_gate& operator=(const send_gate&) = default;
    ~send_gate() = default;
};

/// One allocation per cell that needs any of them.
struct cell_policy : mailbox_bound, supervision_state {
    // Release-stored at spawn, acquire-loaded by senders: the gate is fully made before.
    std::atomic<const send_gate*> gate{nullptr};
};

}  // namespace coact::detail
