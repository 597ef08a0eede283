// coact/detail/message/mailbox.hpp — an actor's queue of envelopes, oldest first.
//
// Intrusive singly linked FIFO: push, pop and append are O(1) and allocate nothing.
// Single-threaded: only the thread that runs the actor touches it (messages from other threads
// arrive via the runtime's remote queue, or, for the work-stealing scheduler, via the actor's
// inbox, whose take_all() returns a mailbox to append here).
#pragma once

#include <cstddef>

#include "coact/detail/message/envelope.hpp"

namespace coact::detail {

class mailbox {
  public:
    mailbox() = default;
    /// Adopts a linked run of envelopes, oldest first; `tail` is the last one (tail->next null).
    mailbox(envelope* head, envelope* tail) noexcept : head_(head), tail_(tail) {}

    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
    /// O(n): for tests and diagnostics, not the hot path.
    [[nodiscard]] std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const envelope* e = head_; e != nullptr; e = e->next) ++n;
        return n;
    }
    [[nodiscard]] envelope* front() const noexcept { return head_; }
    [[nodiscard]] envelope* back() const noexcept { return tail_; }

    void push(envelope* e) noexcept {
        e->next = nullptr;
        if (tail_ != nullptr) {
            tail_->next = e;
        } else {
            head_ = e;
        }
        tail_ = e;
    }

    /// Moves all of `more` behind the last envelope, in O(1).
    void append(mailbox more) noexcept {
        if (more.empty()) return;
        if (empty()) {
            head_ = more.head_;
        } else {
            tail_->next = more.head_;
        }
        tail_ = more.tail_;
    }

    [[nodiscard]] envelope* pop() noexcept {
        envelope* e = head_;
        head_ = e->next;
        if (head_ == nullptr) {
            tail_ = nullptr;
        } else {
            __builtin_prefetch(head_);  // the next message's envelope: overlap its cache miss
        }
        return e;
    }

  private:
    envelope* head_ = nullptr;
    envelope* tail_ = nullptr;
};

}  // namespace coact::detail
