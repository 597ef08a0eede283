// coact/detail/mailbox.hpp — an actor's queue of envelopes, oldest first.
//
// Intrusive singly linked FIFO: push and pop are O(1) and allocate nothing. Single-threaded:
// only the thread that runs the scheduler touches it (messages from other threads arrive via
// the runtime's injection queue).
#pragma once

#include <cstddef>

#include "coact/detail/envelope.hpp"

namespace coact::detail {

class mailbox {
  public:
    [[nodiscard]] bool empty() const noexcept { return head_ == nullptr; }
    /// O(n): for tests and diagnostics, not the hot path.
    [[nodiscard]] std::size_t size() const noexcept {
        std::size_t n = 0;
        for (const envelope* e = head_; e != nullptr; e = e->next) ++n;
        return n;
    }
    [[nodiscard]] envelope* front() const noexcept { return head_; }

    void push(envelope* e) noexcept {
        e->next = nullptr;
        if (tail_ != nullptr) {
            tail_->next = e;
        } else {
            head_ = e;
        }
        tail_ = e;
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
