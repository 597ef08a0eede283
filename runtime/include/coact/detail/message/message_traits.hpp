// coact/detail/message/message_traits.hpp — which type a sent value is stored as, and what a
// handler takes.
#pragma once

#include <string>
#include <string_view>
#include <type_traits>

namespace coact::detail {

/// The stored type of a message: its decayed type, except that C strings and string_views become
/// std::string (so `self.send("log", "hello")` is received as a std::string and never dangles).
template <class T>
struct message_type {
    using type = std::decay_t<T>;
};
template <>
struct message_type<const char*> {
    using type = std::string;
};
template <>
struct message_type<char*> {
    using type = std::string;
};
template <>
struct message_type<std::string_view> {  // a view would dangle by the time it is received
    using type = std::string;
};
template <class T>
using message_type_t = typename message_type<std::decay_t<T>>::type;

/// The (decayed) parameter type of a one-argument handler: a lambda, function object or function.
template <class F>
struct handler_traits : handler_traits<decltype(&F::operator())> {};
template <class R, class A>
struct handler_traits<R (*)(A)> {
    using arg = std::remove_cvref_t<A>;
    using param = A;
    using result = R;
};
template <class R, class C, class A>
struct handler_traits<R (C::*)(A)> : handler_traits<R (*)(A)> {};
template <class R, class C, class A>
struct handler_traits<R (C::*)(A) const> : handler_traits<R (*)(A)> {};
template <class R, class C, class A>
struct handler_traits<R (C::*)(A) noexcept> : handler_traits<R (*)(A)> {};
template <class R, class C, class A>
struct handler_traits<R (C::*)(A) const noexcept> : handler_traits<R (*)(A)> {};
template <class R, class A>
struct handler_traits<R (*)(A) noexcept> : handler_traits<R (*)(A)> {};

template <class F>
using handler_arg_t = typename handler_traits<std::remove_cvref_t<F>>::arg;
template <class F>
using handler_param_t = typename handler_traits<std::remove_cvref_t<F>>::param;
template <class F>
using handler_result_t = typename handler_traits<std::remove_cvref_t<F>>::result;

}  // namespace coact::detail
