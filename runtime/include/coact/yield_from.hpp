// coact/yield_from.hpp — `co_yield coact::yield_from(x)`, Python's `yield from x`.
//
// In a generator or coroutine body:
//   co_yield coact::yield_from(sub());                 // delegate to a coroutine or generator
//   auto r = co_yield coact::yield_from(std::move(s)); // r is the delegate's co_return value
//   co_yield coact::yield_from(vec);                   // an lvalue range is iterated in place
//   co_yield coact::yield_from(fib() | std::views::take(3));  // an rvalue range is moved in
//
// A delegate coroutine or generator must have the same Yield and Send types as the delegator.
// An rvalue is moved into the delegator's frame; an lvalue is borrowed: driven in place (and
// left closed, its result() still there), like Python's `yield from g` on a variable. Either
// way, while it runs, next/send/raise/close on the outermost coroutine go straight to it, at any
// depth, in O(1) and without native stack growth.
//
// yield_from() only wraps a reference: use it inside the co_yield expression, never store it.
#pragma once

#include <utility>

namespace coact {

/// What yield_from() returns: a reference to the source, for the co_yield that delegates to it.
/// Use it only inside that expression.
template <class Source>
struct yield_from_t {
    /// The generator, coroutine or range to delegate to.
    Source&& source;
};

/// Marks `source` for delegation in `co_yield coact::yield_from(source)`.
template <class Source>
[[nodiscard]] constexpr yield_from_t<Source> yield_from(Source&& source) noexcept {
    return yield_from_t<Source>{std::forward<Source>(source)};
}

}  // namespace coact
