// scheduler/work_stealing/ownership.hpp — which worker owns an idle actor
// (docs/design/ownership.md, step one).
//
// Each actor that waits idle for a message has an owner: one worker, and only that worker
// schedules it again. A send from the owner's own thread to its idle actor is then plain memory:
// the envelope goes straight into the actor's lists and the actor onto the owner's LIFO slot,
// with no locked instruction (two locked instructions per message were the cost of the inbox's
// BLOCKED protocol). Every other send goes through the inbox; the push that makes the inbox
// non-empty tells the owner with a notice (notice_queue.hpp), and the owner wakes the actor on
// its own thread. An actor that is busy (scheduled, running, held by its supervisor, or ended)
// is public: whoever takes it from a queue runs it, and becomes its owner (adopt).
//
// The owner word of a cell (context::owner_, one 32-bit word read and written whole through
// std::atomic_ref): {id, state}.
//   id       the owning worker's index; no_owner after an actor's first turn left it idle (the
//            first worker to send to it claims it, so two actors that talk end up on one
//            worker); fresh_owner for a new actor that has not run yet.
//   state    busy or idle.
// The rules (J1-J6 of docs/design/ownership.md, in the terms of the code):
//   1. A turn that leaves its actor waiting publishes {owner, idle} (or {no_owner, idle} after a
//      first turn) in one release store, its last write to the cell's private state.
//   2. Only the owner moves {id, idle} to {id, busy}, under its owner_guard (owner_guard.hpp);
//      every other change of the word is a read-modify-write: claims ({no_owner, idle} -> ...),
//      the long-turn thief's take-over ({stuck, idle} -> {thief, busy}), adoption (an exchange
//      to {worker, busy} at the start of each turn), and confirmations (a CAS of the word onto
//      itself, which orders a push before the next adoption: a notice for a busy actor is
//      dropped only after one).
//   3. A push that finds the inbox empty always reaches the owner (a notice, or the owner itself
//      when it is the sender), so an idle actor never keeps a non-empty inbox unnoticed.
#pragma once

#include <atomic>
#include <cstdint>

#include "coact/context.hpp"

namespace coact::detail {

/// The owner word's ids besides a worker index (so at most 65,532 workers).
inline constexpr std::uint16_t no_owner = 0xffff;     // idle since its first turn: unclaimed
inline constexpr std::uint16_t fresh_owner = 0xfffe;  // not run yet
inline constexpr unsigned max_owned_workers = 0xfffc;

struct ownership {
    static constexpr cell_owner make(std::uint16_t id, owner_state state) noexcept {
        return {id, state, 0};
    }
    static cell_owner load(context* c, std::memory_order order) noexcept {
        return word(c).load(order);
    }
    static void store(context* c, cell_owner value, std::memory_order order) noexcept {
        word(c).store(value, order);
    }
    /// A strong CAS; on failure `expected` holds what was there (read with `failure`).
    static bool cas(context* c, cell_owner& expected, cell_owner desired,
                    std::memory_order failure = std::memory_order_acquire) noexcept {
        return word(c).compare_exchange_strong(expected, desired, std::memory_order_acq_rel,
                                               failure);
    }
    /// A new actor (cell_opened): busy and fresh, until the worker running its first turn
    /// adopts it. Before the inbox opens (its release publishes it).
    static void open(context* c) noexcept {
        store(c, make(fresh_owner, owner_state::busy), std::memory_order_relaxed);
    }
    /// Worker `w` starts a turn of `c`, which it took from a queue: it owns it from now on
    /// (rule 2). The exchange (acq_rel) follows every confirming CAS of an earlier owner, so the
    /// turn sees every push that such a confirmation covered.
    static void adopt(context* c, std::uint16_t w) noexcept {
        const cell_owner mine = make(w, owner_state::busy);
        if (load(c, std::memory_order_relaxed) != mine) {
            word(c).exchange(mine, std::memory_order_acq_rel);
        }
    }
    /// The owner, having made idle `c` busy: takes in its inbox, newest first (absorb walks
    /// unreversed_ first). False if it was empty.
    static bool take_inbox(context* c) noexcept {
        envelope* run = c->inbox_.take_all_newest_first();
        if (run == nullptr) return false;
        c->unreversed_ = run;  // idle: handoff_ and unreversed_ are empty
        return true;
    }

  private:
    static std::atomic_ref<cell_owner> word(context* c) noexcept {
        return std::atomic_ref<cell_owner>(c->owner_);
    }
};

static_assert(sizeof(cell_owner) == 4);
static_assert(std::atomic_ref<cell_owner>::is_always_lock_free);
static_assert(std::atomic_ref<cell_owner>::required_alignment <= alignof(cell_owner));

}  // namespace coact::detail
