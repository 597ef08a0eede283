// coact/detail/scheduler/ready_queue.hpp — the single-threaded scheduler's deque of runnable
// actors.
//
// A growable ring buffer (power-of-two capacity): push_back/pop_front are O(1) and, once grown
// to the program's working size, allocate nothing (std::deque frees and reallocates a node every
// few dozen operations). Owned by the scheduler thread.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>

namespace coact::detail {

template <class T>
class ready_queue {
  public:
    [[nodiscard]] bool empty() const noexcept { return head_ == tail_; }
    [[nodiscard]] std::size_t size() const noexcept { return tail_ - head_; }

    void push_back(T value) {
        if (tail_ - head_ == capacity_) [[unlikely]]
            grow();
        slots_[tail_++ & mask_] = value;
    }

    [[nodiscard]] T pop_front() noexcept { return slots_[head_++ & mask_]; }
    [[nodiscard]] T front() const noexcept { return slots_[head_ & mask_]; }

    /// Calls fn on each element in order (for inspection and shutdown).
    template <class Fn>
    void for_each(Fn&& fn) const {
        for (std::size_t i = head_; i != tail_; ++i) fn(slots_[i & mask_]);
    }

    void clear() noexcept { head_ = tail_ = 0; }

  private:
    void grow() {
        const std::size_t new_capacity = capacity_ == 0 ? 64 : capacity_ * 2;
        auto bigger = std::make_unique<T[]>(new_capacity);
        for (std::size_t i = head_; i != tail_; ++i) bigger[i - head_] = slots_[i & mask_];
        tail_ -= head_;
        head_ = 0;
        storage_ = std::move(bigger);
        slots_ = storage_.get();
        capacity_ = new_capacity;
        mask_ = new_capacity - 1;
    }

    std::unique_ptr<T[]> storage_;
    T* slots_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t mask_ = 0;
    std::size_t head_ = 0;  // both grow without bound; masked on access
    std::size_t tail_ = 0;
};

}  // namespace coact::detail
