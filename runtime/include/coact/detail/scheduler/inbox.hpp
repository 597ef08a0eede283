// coact/detail/scheduler/inbox.hpp — an actor's thread-safe inbox: many senders, one reader, and
// the exactly-once decision of who schedules an idle actor.
//
// An intrusive LIFO stack of envelopes linked through envelope::next, pushed by compare-and-swap
// (R. K. Treiber, "Systems Programming: Coping with Parallelism", IBM RJ 5118, 1986). The reader
// never pops: it takes the whole stack with one exchange and reverses it into FIFO order, so the
// CAS only ever pushes and ABA cannot arise. Two tag values in the head say that the actor is
// idle (BLOCKED) or has ended (CLOSED); the sender whose push replaces BLOCKED is the one that
// schedules the actor, and it hands its envelope over with the actor instead of pushing it (one
// locked instruction less per wake-up). One atomic pointer: 8 bytes per actor.
//
// Threads: push() and empty_approx() from any thread. take_all(), try_block(), close() and
// reopen() by the reader only: the thread running the actor (or, for reopen(), the one setting up
// a reused cell). The inbox owns no envelope; it must outlive every call on it.
//
//   if (box.push(e) == push_result::woke) {                  // sender: only the waker schedules
//       cell->handoff = e;                                     //   and e goes with the actor
//       ready.push(cell);
//   }
//   if (box.push(e) == push_result::closed) dead_letter(e);   // the inbox did not take it
//   if (cell->handoff) pending.push(cell->handoff);            // reader: the waking one first,
//   pending.append(box.take_all());                            //   then the rest, oldest first
//   if (pending.empty() && box.try_block()) return;            // idle; the next push wakes us
//   dead_letters(box.close());                                 // the actor ended
//
// The protocol. The head is one of: empty (nullptr), a list of envelopes (newest first), BLOCKED
// or CLOSED. A new or reopened inbox is empty, and empty means "not idle": the actor is running
// or scheduled (the runtime schedules a spawned actor at once).
//   1. push (a sender): empty or list -> list with e on top; reports pushed.
//   2. push (a sender): BLOCKED -> empty; reports woke, to this sender only, which schedules the
//      actor and hands it e (not taken: only e->next may have been written by an earlier
//      attempt); the reader takes e before anything in the inbox. No other push can see BLOCKED
//      until the reader blocks again.
//   3. push (a sender): CLOSED -> CLOSED; reports closed and leaves e to the caller (only
//      e->next may have been written, by an attempt whose CAS the close made fail).
//   4. take_all (the reader): list -> empty, returning the list reversed (FIFO). Empty stays empty.
//   5. try_block (the reader): empty -> BLOCKED, true: the reader stops running the actor. If a
//      push came first (list), nothing changes and it returns false: take_all instead.
//   6. close (the reader): empty or list -> CLOSED, returning the list (FIFO) for dead letters.
//      Also BLOCKED -> CLOSED, for an idle actor that no sender can reach any more (shutdown,
//      once the workers are stopped); closing twice returns nothing the second time.
//   7. reopen (whoever sets up the reused cell): CLOSED -> empty. A late sender still holding
//      the old actor's address may then push into the new actor's inbox: the runtime checks the
//      generation in the envelope, as it does for every message.
// Senders only ever change the head by CAS from a value they read, so point 2 is decided by one
// CAS; the reader's transitions from a list (4, 6) are exchanges and cannot lose a push.
//
// Memory orders (the reasons are at each operation). push: CAS release onto a list (publishes e
// to the reader), acq_rel when it replaces BLOCKED (acquire hands the waker what the reader wrote
// before try_block), loads acquire (a refused sender synchronises with close). take_all:
// acquire. try_block: release (no acquire: nullptr is stored by the reader, or by the waker,
// which the reader synchronised with through the scheduler). close: acq_rel. reopen: release.
// No standalone fences, so ThreadSanitizer checks all of it.
#pragma once

#include <atomic>
#include <cstdint>

#include "coact/detail/message/envelope.hpp"
#include "coact/detail/message/mailbox.hpp"

namespace coact::detail {

/// What a push found, and so what its sender must do.
enum class push_result : std::uint8_t {
    pushed,  ///< taken; the actor is running or already scheduled: nothing else to do
    woke,    ///< not taken: the actor was idle, and this sender, no other, schedules it and hands
             ///< it `e` along with it (the reader must take `e` before anything in the inbox)
    closed,  ///< refused: the actor ended; the envelope is still the caller's (a dead letter),
             ///< untouched but for its `next`, which a failed CAS attempt may have written
};

/// What post() found (the ownership protocol, which never marks an inbox BLOCKED).
enum class post_result : std::uint8_t {
    queued,  ///< taken; the inbox held envelopes already: whoever made it non-empty told its owner
    first,   ///< taken; the inbox was empty: this sender must tell the actor's owner
    closed,  ///< refused, as push()'s closed
};

class inbox {
  public:
    inbox() = default;
    inbox(const inbox&) = delete;
    inbox& operator=(const inbox&) = delete;

    /// Any thread. Offers `e`, which the caller owns, to the actor (points 1-3).
    [[nodiscard]] push_result push(envelope* e) noexcept {
        // Acquire: a sender refused with `closed` synchronises with close() and sees what the
        // actor did before it ended (a plain load on x86).
        envelope* head = head_.load(std::memory_order_acquire);
        for (;;) {
            if (head == closed_tag()) return push_result::closed;
            if (head == blocked_tag()) {
                // Point 2: the wake. acq_rel. Acquire: this reads the value try_block() stored
                // with release, so the waking sender, and whoever it hands the actor to, sees
                // everything the reader did before it went idle (the actor's state, its private
                // queue). Release: the reader's later take_all() or close(), reading this empty
                // head or a list pushed on it, continues from here.
                if (head_.compare_exchange_weak(head, nullptr, std::memory_order_acq_rel,
                                                std::memory_order_acquire)) {
                    return push_result::woke;
                }
                continue;  // `head` was reloaded
            }
            e->next = head;
            // Release: the reader's acquire in take_all() or close() sees e's contents and
            // e->next; as every push is a read-modify-write, each continues the release
            // sequences of the pushes below it, so the reader sees the whole list. Acquire on
            // failure: the value read may be CLOSED, returned as above.
            if (head_.compare_exchange_weak(head, e, std::memory_order_release,
                                            std::memory_order_acquire)) {
                return push_result::pushed;
            }
        }
    }

    /// Any thread, for an inbox that is never BLOCKED (try_block() unused: the ownership protocol
    /// of the work-stealing scheduler). Offers `e`, which the caller owns; reports whether this
    /// push made the inbox non-empty (points 1 and 3).
    [[nodiscard]] post_result post(envelope* e) noexcept {
        // Acquire, as in push().
        envelope* head = head_.load(std::memory_order_acquire);
        for (;;) {
            if (head == closed_tag()) return post_result::closed;
            e->next = head;
            // Release, as in push(). Acquire on failure: the value read may be CLOSED.
            if (head_.compare_exchange_weak(head, e, std::memory_order_release,
                                            std::memory_order_acquire)) {
                return head == nullptr ? post_result::first : post_result::queued;
            }
        }
    }

    /// Reader only, while the inbox is open and not blocked. Takes every envelope pushed so far,
    /// oldest first (point 4); for each sender in the order it pushed them.
    [[nodiscard]] mailbox take_all() noexcept {
        // Relaxed: seeing empty takes nothing and needs nothing (nullptr is written by the reader,
        // or by the sender that woke it, which the reader synchronised with through the
        // scheduler), so an idle reader polling its inbox does no read-modify-write.
        if (head_.load(std::memory_order_relaxed) == nullptr) return {};
        // Acquire: pairs with the pushes' release (see push).
        return reversed(head_.exchange(nullptr, std::memory_order_acquire));
    }

    /// As take_all(), but the run as pushed, newest first (linked through next, ending in
    /// null), for a reader that reverses it a part at a time.
    [[nodiscard]] envelope* take_all_newest_first() noexcept {
        if (head_.load(std::memory_order_relaxed) == nullptr) return nullptr;  // as take_all()
        return head_.exchange(nullptr, std::memory_order_acquire);
    }

    /// Reader only, with its private queue empty. Declares the actor idle (point 5): true if
    /// the inbox was empty and is now BLOCKED (the reader must stop running the actor: the next
    /// push's sender schedules it); false if something was pushed meanwhile (take it).
    [[nodiscard]] bool try_block() noexcept {
        envelope* expected = nullptr;
        // Release on success: published to the sender whose push replaces BLOCKED (see push).
        // No acquire needed: the nullptr it reads was stored by the reader itself or by the
        // sender that woke it (see take_all). Relaxed on failure: the reader then calls
        // take_all(), which acquires.
        return head_.compare_exchange_strong(expected, blocked_tag(), std::memory_order_release,
                                             std::memory_order_relaxed);
    }

    /// Reader only, as the actor ends (point 6). From now on every push is refused; the
    /// envelopes pushed before are returned, oldest first, for the runtime to dead-letter.
    [[nodiscard]] mailbox close() noexcept {
        // Acquire: pairs with the pushes' release, as in take_all(). Release: pairs with the
        // acquire of a push that reads CLOSED.
        envelope* head = head_.exchange(closed_tag(), std::memory_order_acq_rel);
        return is_envelope(head) ? reversed(head) : mailbox{};
    }

    /// Whoever sets up a reused cell, after close(): opens the inbox again, empty (point 7).
    void reopen() noexcept {
        // Release: a sender whose push lands on this nullptr sees the new actor's setup. A
        // store suffices: senders cannot change CLOSED, so nothing is overwritten.
        head_.store(nullptr, std::memory_order_release);
    }

    /// Any thread. True if no envelope waits (empty, BLOCKED or CLOSED). Relaxed: stale at once.
    [[nodiscard]] bool empty_approx() const noexcept {
        return !is_envelope(head_.load(std::memory_order_relaxed));
    }

  private:
    // The tags are the addresses 1 and 2. No envelope can have them: an envelope is aligned to
    // alignof(std::max_align_t) (its storage is), and the first page of memory is never mapped.
    // They are only compared, never dereferenced. Integers rather than the addresses of two
    // static objects, so that each test is a comparison with an immediate.
    static_assert(alignof(envelope) > 2, "the tags 1 and 2 must not be envelope addresses");
    static constexpr std::uintptr_t blocked_value = 1;
    static constexpr std::uintptr_t closed_value = 2;

    static envelope* blocked_tag() noexcept { return reinterpret_cast<envelope*>(blocked_value); }
    static envelope* closed_tag() noexcept { return reinterpret_cast<envelope*>(closed_value); }
    static bool is_envelope(const envelope* p) noexcept {
        return reinterpret_cast<std::uintptr_t>(p) > closed_value;
    }

    // Reverses a list pushed newest first: the newest becomes the tail.
    static mailbox reversed(envelope* newest) noexcept {
        envelope* const tail = newest;
        envelope* head = nullptr;
        while (newest != nullptr) {
            envelope* below = newest->next;
            newest->next = head;
            head = newest;
            newest = below;
        }
        return {head, tail};
    }

    std::atomic<envelope*> head_{nullptr};
};

static_assert(std::atomic<envelope*>::is_always_lock_free);
static_assert(sizeof(inbox) == sizeof(void*), "one pointer per actor");

}  // namespace coact::detail
