// coact/generator.hpp — lazy pull generators: a std::ranges input view over a coroutine body.
//
//   coact::generator<int> fib() {
//       int a = 0, b = 1;
//       for (;;) { co_yield a; std::tie(a, b) = std::pair{b, a + b}; }
//   }
//   for (int x : fib() | std::views::take(10)) std::cout << x << ' ';
//
// Nothing runs until begin() asks for the first element. An exception thrown in the body
// propagates out of the begin() or ++ that resumed it. `co_yield coact::yield_from(x)` delegates
// to another generator (in O(1) per element at any depth) or iterates any range.
//
// *it is a mutable reference to the yielded object, valid until the next ++: a move-only value
// may be moved out of it. Threads: one thread at a time. A generator<T> shares its promise with
// coroutine<T>, so the two can delegate to each other.
#pragma once

#include <cstddef>
#include <iterator>
#include <ranges>
#include <utility>

#include "coact/coroutine.hpp"
#include "coact/detail/coroutine/promise.hpp"

namespace coact {

/// A lazy pull generator: a std::ranges input view over a coroutine body that yields T values.
/// Nothing runs until begin(). One thread at a time.
template <class T>
class [[nodiscard]] generator {
  public:
    using promise_type = detail::promise<T, void, void>;

    /// The input iterator begin() returns; it equals end() once the body has finished.
    class iterator {
      public:
        /// The yielded type, without const or reference.
        using value_type = std::remove_cvref_t<T>;
        /// Required of an input iterator; a generator measures no distances.
        using difference_type = std::ptrdiff_t;

        iterator() noexcept = default;
        /// The yielded object, valid until the next ++: a move-only value may be moved out.
        value_type& operator*() const noexcept { return *root_->yielded_; }
        /// The address of the yielded object.
        value_type* operator->() const noexcept { return root_->yielded_; }
        /// Resumes the body to its next co_yield or its end; what the body throws comes out here.
        iterator& operator++() {
            root_->step(nullptr);
            return *this;
        }
        /// As ++it, returning nothing (as an input iterator may).
        void operator++(int) { ++*this; }
        /// True once the body has finished, and for a default-constructed iterator.
        friend bool operator==(const iterator& it, std::default_sentinel_t) noexcept {
            return it.root_ == nullptr || it.root_->state_ == coact::state::closed;
        }

      private:
        friend generator;
        explicit iterator(detail::frame<T, void>* root) noexcept : root_(root) {}
        detail::frame<T, void>* root_ = nullptr;
    };

    generator() noexcept = default;
    /// Made by a call of a generator function (from its promise); not called by users.
    generator(detail::return_object<promise_type> r) noexcept : handle_(r.handle) {}  // NOLINT
    /// Takes the frame over from `other`, which is left empty.
    generator(generator&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    /// Takes the frame over from `other`; the frame held before is destroyed.
    generator& operator=(generator other) noexcept {
        std::swap(handle_, other.handle_);
        return *this;
    }
    ~generator() {
        if (handle_) detail::destroy_root(handle_.promise());
    }

    /// Runs the body to its first co_yield (once; later calls continue where iteration is).
    iterator begin() {
        if (!handle_) return iterator{};
        promise_type& p = handle_.promise();
        if (p.state_ == coact::state::running) detail::throw_already_running();
        if (p.state_ == coact::state::created) p.step(nullptr);
        return iterator{&p};
    }
    /// The sentinel an iterator equals once the body has finished.
    static std::default_sentinel_t end() noexcept { return {}; }

    /// created, running, suspended or closed. An empty (moved-from) generator is closed.
    [[nodiscard]] coact::state state() const noexcept {
        return handle_ ? handle_.promise().state_ : coact::state::closed;
    }

    /// Gives up ownership of the frame (used by yield_from to move it into a delegator).
    std::coroutine_handle<promise_type> release() noexcept {
        return std::exchange(handle_, nullptr);
    }
    /// The frame, still owned by this object (used by yield_from to borrow it).
    [[nodiscard]] std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }

  private:
    std::coroutine_handle<promise_type> handle_;
};

}  // namespace coact

// A generator is a view (cheap to move, not copyable); it does not derive from view_interface
// because clang 14 evaluates view_interface's constraints on the still-incomplete class.
/// \cond
template <class T>
inline constexpr bool std::ranges::enable_view<coact::generator<T>> = true;
/// \endcond
