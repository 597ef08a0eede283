// coact/detail/coroutine/promise.hpp — the promise shared by coact::coroutine and coact::generator.
//
// generator<T> and coroutine<T, void, void> have the same promise, so either can delegate to the
// other. The promise adds to frame<Yield, Send> the return value, the pooled frame allocation,
// and the co_yield overloads: a value, or a yield_from of a coroutine or of any range.
#pragma once

#include <concepts>
#include <coroutine>
#include <cstddef>
#include <exception>
#include <optional>
#include <ranges>
#include <type_traits>
#include <utility>

#include "coact/detail/coroutine/frame.hpp"
#include "coact/detail/coroutine/frame_allocator.hpp"
#include "coact/errors.hpp"
#include "coact/yield_from.hpp"

namespace coact {
template <class Yield, class Send, class Return>
class coroutine;
}  // namespace coact

namespace coact::detail {

template <class Yield, class Send, class Return>
struct promise;

/// What get_return_object() hands to the coroutine / generator constructor.
template <class Promise>
struct return_object {
    std::coroutine_handle<Promise> handle;
};

template <class Return>
struct return_slot {
    std::optional<Return> value_;

    template <class U = Return>
    requires std::convertible_to<U, Return>
    void return_value(U&& v) { value_.emplace(std::forward<U>(v)); }
};

template <>
struct return_slot<void> {
    static constexpr void return_void() noexcept {}
};

/// The promise type of the delegate in a yield_from: found through C::promise_type.
template <class C>
concept has_promise = requires {
    typename C::promise_type;
};

template <class C, class Yield, class Send>
concept delegate_for = has_promise<C> &&
    std::derived_from<typename C::promise_type, frame<Yield, Send>> && requires(C& c) {
    { c.release() } -> std::same_as<std::coroutine_handle<typename C::promise_type>>;
    { c.handle() } -> std::same_as<std::coroutine_handle<typename C::promise_type>>;
};

/// co_yield yield_from(coroutine): links the child below the delegator and lets drive() start it.
/// An rvalue child is owned (destroyed with the awaiter); an lvalue child is borrowed.
template <class Yield, class Send, class Return>
class delegate_awaiter {
  public:
    using child_promise = promise<Yield, Send, Return>;

    delegate_awaiter(frame<Yield, Send>* parent, std::coroutine_handle<child_promise> child,
                     bool borrowed) noexcept
        : parent_(parent), child_(child), borrowed_(borrowed) {}
    delegate_awaiter(const delegate_awaiter&) = delete;
    delegate_awaiter& operator=(const delegate_awaiter&) = delete;
    ~delegate_awaiter() {
        if (child_ && !borrowed_) child_.destroy();
    }

    bool await_ready() const {
        if (!child_ || child_.done()) return true;
        const coact::state s = promise_of().state_;
        if (s == coact::state::running) throw_already_running();
        return s ==
               coact::state::closed;  // closed (or raised into) before it ever ran: nothing to run
    }

    void await_suspend(std::coroutine_handle<>) noexcept {
        promise_of().adopt_into(parent_, borrowed_ ? nullptr : &child_);
        was_linked_ = true;
    }

    Return await_resume() {
        if (!child_)
            throw not_finished("coact::yield_from: the delegate coroutine is empty (moved from)");
        child_promise& c = promise_of();
        if (was_linked_) {
            if (borrowed_) c.release_borrowed();
            if (c.exc_) std::rethrow_exception(std::exchange(c.exc_, nullptr));
            if (std::exchange(c.exit_pending_, false)) throw generator_exit{};
        }
        if constexpr (!std::is_void_v<Return>) {
            if (!c.value_)
                throw not_finished("coact::yield_from: the delegate finished without a value");
            if constexpr (std::is_copy_constructible_v<Return>) {
                if (borrowed_) return *c.value_;  // its owner may still ask for result()
            }
            return std::move(*c.value_);
        }
    }

  private:
    child_promise& promise_of() const noexcept {
        return std::coroutine_handle<child_promise>::from_address(child_.address()).promise();
    }

    frame<Yield, Send>* parent_;
    std::coroutine_handle<> child_;  // owned unless borrowed; nulled by destroy_chain()
    bool borrowed_;
    bool was_linked_ = false;
};

/// yield_from of a range that is not a coact coroutine: a small coroutine iterates it.
template <class Yield, class Send, class Range>
coroutine<Yield, Send, void> iterate_range(Range range);

template <class Yield, class Send, class Return>
struct promise : frame<Yield, Send>, return_slot<Return> {
    using value_type = typename frame<Yield, Send>::value_type;
    static_assert(!std::is_reference_v<Yield>, "coact: Yield must be a value type");
    static_assert(!std::is_reference_v<Send>, "coact: Send must be a value type");

    static void* operator new(std::size_t size) { return frame_alloc(size); }
    static void operator delete(void* block, std::size_t size) noexcept { frame_free(block, size); }

    return_object<promise> get_return_object() noexcept {
        auto h = std::coroutine_handle<promise>::from_promise(*this);
        this->handle_ = h;
        return {h};
    }
    static constexpr std::suspend_always initial_suspend() noexcept { return {}; }
    static constexpr std::suspend_always final_suspend() noexcept { return {}; }
    void unhandled_exception() noexcept { this->exc_ = std::current_exception(); }

    yield_awaiter<Yield, Send> yield_value(value_type&& v) noexcept {
        this->root_->yielded_ = std::addressof(v);
        return {this};
    }

    yield_copy_awaiter<Yield, Send> yield_value(
        const value_type& v) requires std::copy_constructible<value_type> {
        return {{this}, v};
    }

    template <class U>
    requires(!std::same_as<std::remove_cvref_t<U>, value_type> &&
             std::convertible_to<U, value_type>)
        yield_copy_awaiter<Yield, Send> yield_value(U&& v) {
        return {{this}, value_type(std::forward<U>(v))};
    }

    /// yield_from(coroutine or generator): an rvalue is moved in, an lvalue is borrowed (it is
    /// driven in place and is closed afterwards, with its result() still available).
    template <class Source>
    requires delegate_for<std::remove_cvref_t<Source>, Yield, Send>
    auto yield_value(yield_from_t<Source> from) noexcept {
        using child = typename std::remove_cvref_t<Source>::promise_type;
        using awaiter =
            delegate_awaiter<Yield, Send, decltype(child_return(std::declval<child&>()))>;
        if constexpr (std::is_lvalue_reference_v<Source>) {
            return awaiter(this, from.source.handle(), true);
        } else {
            return awaiter(this, from.source.release(), false);
        }
    }

    /// yield_from(any other range): a small coroutine iterates it (an lvalue range in place).
    template <class Source>
    requires(!delegate_for<std::remove_cvref_t<Source>, Yield, Send> &&
             std::ranges::input_range<Source> &&
             std::convertible_to<std::ranges::range_reference_t<Source>,
                                 value_type>) auto yield_value(yield_from_t<Source> from) {
        auto sub = iterate_range<Yield, Send, Source>(std::forward<Source>(from.source));
        return delegate_awaiter<Yield, Send, void>(this, sub.release(), false);
    }

  private:
    template <class R>
    static R child_return(promise<Yield, Send, R>&);
};

}  // namespace coact::detail
