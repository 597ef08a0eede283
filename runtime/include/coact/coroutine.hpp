// coact/coroutine.hpp — two-way coroutines: Python's generator protocol (PEP 342 / PEP 380).
//
// coroutine<Yield, Send, Return> yields Yield values, receives Send values, and returns Return.
// Inside the body `co_yield y` evaluates to std::optional<Send> (nullopt is Python's None), so
// the seeds' walrus loop reads `while (auto s = co_yield out) ...`.
//
//   coact::coroutine<int, int, int> summer() {          // a tiny "nanoservice"
//       int total = 0;
//       while (auto x = co_yield total) total += *x;
//       co_return total;
//   }
//   auto s = coact::primed(summer());  // ran to its first co_yield
//   s.send(2); s.send(3);              // both return the running total
//   s.next();                          // None: the loop ends, the body returns
//   int five = s.result();
//
// Threads: a coroutine object is used by one thread at a time; it may move between threads
// while suspended. Lifetime: destroying a suspended coroutine destroys its frame and every
// delegate below it, innermost first, running their locals' destructors; nothing is thrown.
#pragma once

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include "coact/detail/coroutine/promise.hpp"
#include "coact/errors.hpp"
#include "coact/state.hpp"
#include "coact/yield_from.hpp"

namespace coact {

/// A two-way coroutine, Python's generator protocol: the body yields Yield values, receives
/// Send values (as std::optional, nullopt for None) and returns a Return. One thread at a time;
/// destroying it destroys its frame and every delegate below it.
template <class Yield, class Send = void, class Return = void>
class [[nodiscard]] coroutine {
  public:
    using promise_type = detail::promise<Yield, Send, Return>;
    /// What the body yields.
    using yield_type = Yield;
    /// What send() passes in (void: the coroutine takes no values).
    using send_type = Send;
    /// What the body returns (void: no value).
    using return_type = Return;

    coroutine() noexcept = default;
    /// Made by a call of a coroutine function (from its promise); not called by users.
    coroutine(detail::return_object<promise_type> r) noexcept : handle_(r.handle) {}  // NOLINT
    /// Takes the frame over from `other`, which is left empty (closed).
    coroutine(coroutine&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}
    /// Takes the frame over from `other`; the frame held before is destroyed.
    coroutine& operator=(coroutine other) noexcept {
        std::swap(handle_, other.handle_);
        return *this;
    }
    ~coroutine() {
        if (handle_) detail::destroy_root(handle_.promise());
    }

    /// created, running, suspended or closed. An empty (moved-from) coroutine is closed.
    [[nodiscard]] coact::state state() const noexcept {
        return handle_ ? handle_.promise().state_ : coact::state::closed;
    }

    /// Python's next(c) / c.send(None): the next yielded value, or nullopt once finished.
    std::optional<Yield> next() { return step(nullptr); }

    /// Python's c.send(v). Throws not_started on a just-created coroutine.
    std::optional<Yield> send(typename detail::frame<Yield, Send>::send_type value) requires(
        !std::is_void_v<Send>) {
        return step(std::addressof(value));
    }

    /// Python's c.throw(e): `e` is thrown out of the pending co_yield.
    std::optional<Yield> raise(std::exception_ptr e) {
        if (!e) throw error("coact::coroutine::raise: the exception_ptr is null");
        if (!handle_) std::rethrow_exception(std::move(e));
        if (handle_.promise().throw_in(std::move(e))) return take_yielded();
        return std::nullopt;
    }

    /// As raise(std::exception_ptr), with the exception object `e`.
    template <class E>
    requires(!std::is_same_v<std::remove_cvref_t<E>, std::exception_ptr>)
        std::optional<Yield> raise(E&& e) {
        return raise(std::make_exception_ptr(std::forward<E>(e)));
    }

    /// Python's c.close(): generator_exit is thrown out of the pending co_yield.
    void close() {
        if (handle_) handle_.promise().close();
    }

    /// The co_return value, once the body has returned; coact::not_finished before that, or if
    /// the body ended without returning a value.
    std::add_lvalue_reference_t<const Return> result() const requires(!std::is_void_v<Return>) {
        if (!handle_ || !handle_.promise().value_) throw_not_finished();
        return *handle_.promise().value_;
    }

    /// As result() const, for a value that may be modified or moved out.
    std::add_lvalue_reference_t<Return> result() requires(!std::is_void_v<Return>) {
        if (!handle_ || !handle_.promise().value_) throw_not_finished();
        return *handle_.promise().value_;
    }

    /// Gives up ownership of the frame (used by yield_from to move it into a delegator).
    std::coroutine_handle<promise_type> release() noexcept {
        return std::exchange(handle_, nullptr);
    }
    /// The frame, still owned by this object (used by yield_from to borrow it).
    [[nodiscard]] std::coroutine_handle<promise_type> handle() const noexcept { return handle_; }

  private:
    std::optional<Yield> step(typename detail::frame<Yield, Send>::send_type* sent) {
        if (!handle_) return std::nullopt;
        if (handle_.promise().step(sent)) [[likely]]
            return take_yielded();
        return std::nullopt;
    }

    std::optional<Yield> take_yielded() {
        return std::optional<Yield>(std::move(*handle_.promise().yielded_));
    }

    [[noreturn]] void throw_not_finished() const {
        const coact::state s = state();
        throw not_finished(
            s == coact::state::closed
                ? "coact::coroutine::result: the coroutine ended without returning a value"
                : "coact::coroutine::result: the coroutine has not returned yet (it is " +
                      std::string(to_string(s)) + ")");
    }

    std::coroutine_handle<promise_type> handle_;
};

/// Beazley's `@coroutine` decorator: returns `c` advanced to its first co_yield.
template <class Yield, class Send, class Return>
coroutine<Yield, Send, Return> primed(coroutine<Yield, Send, Return> c) {
    c.next();
    return c;
}

namespace detail {

template <class Yield, class Send, class Range>
coroutine<Yield, Send, void> iterate_range(Range range) {
    for (auto&& element : range)
        co_yield typename frame<Yield, Send>::value_type(std::forward<decltype(element)>(element));
}

}  // namespace detail

}  // namespace coact
