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
    [[nodiscard]] std::size_t size() const noexcept { return size_; }
    [[nodiscard]] envelope* front() const noexcept { return head_; }

    void push(envelope* e) noexcept {
        e->next = nullptr;
        if (tail_ != nullptr) {
            tail_->next = e;
        } else {
            head_ = e;
        }
        tail_ = e;
        ++size_;
    }

    [[nodiscard]] envelope* pop() noexcept {
        envelope* e = head_;
        head_ = e->next;
        if (head_ == nullptr) tail_ = nullptr;
        --size_;
        return e;
    }

  private:
    envelope* head_ = nullptr;
    envelope* tail_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace coact::detail
