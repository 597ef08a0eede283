// coact/cluster/aggregate_fields.hpp — the fields of a plain aggregate, found by the compiler.
//
// COACT_REMOTE(tick, "bench.tick") encodes a plain aggregate without naming its fields. Two
// pieces of C++20 do it, the technique Boost.PFR is built on (Boost 1.74, Debian 12's, has no
// PFR):
//   - field_count<T>: the largest N for which `T{any, any, ..., any}` (N of them) compiles, where
//     `any` converts to every type. A brace initialiser with more values than fields does not.
//   - with_fields(t, f): structured bindings `auto& [a, b, ...] = t` for that N, then f(a, b, ...).
// Up to max_aggregate_fields fields; an aggregate with more, a base class, or a reference or
// array member fails to compile with a static_assert naming the limit.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace coact::detail {

inline constexpr std::size_t max_aggregate_fields = 16;

/// Converts to an lvalue of anything (only ever used unevaluated, inside a requires-expression).
/// To a reference, not a value: a std::string field would otherwise find two ways to be made
/// (the conversion, and string's constructor from anything convertible to string_view).
struct any_field {
    template <class T>
    operator T&() const;  // NOLINT(google-explicit-constructor): that is its purpose
};

template <class T, std::size_t... I>
constexpr bool brace_constructible(std::index_sequence<I...>) {
    return requires { T{(static_cast<void>(I), any_field{})...}; };
}

template <class T, std::size_t N = max_aggregate_fields + 1>
constexpr std::size_t count_fields() {
    if constexpr (N == 0) {
        return 0;
    } else if constexpr (brace_constructible<T>(std::make_index_sequence<N>{})) {
        return N;
    } else {
        return count_fields<T, N - 1>();
    }
}

template <class T>
inline constexpr std::size_t field_count = count_fields<T>();

// clang-format off
#define COACT_DETAIL_BIND(N, ...)                                                  \
    if constexpr (n == N) { auto& [__VA_ARGS__] = t; return f(__VA_ARGS__); } else
// clang-format on

/// Calls f with a reference to each field of the aggregate `t`, in declaration order.
template <class T, class F>
decltype(auto) with_fields(T& t, F&& f) {
    constexpr std::size_t n = field_count<std::remove_const_t<T>>;
    static_assert(n <= max_aggregate_fields,
                  "COACT_REMOTE: a positional aggregate has at most 16 fields; name the fields "
                  "(COACT_REMOTE(type, \"name\", field, ...)) for more");
    COACT_DETAIL_BIND(1, a)
    COACT_DETAIL_BIND(2, a, b)
    COACT_DETAIL_BIND(3, a, b, c)
    COACT_DETAIL_BIND(4, a, b, c, d)
    COACT_DETAIL_BIND(5, a, b, c, d, e)
    COACT_DETAIL_BIND(6, a, b, c, d, e, g)
    COACT_DETAIL_BIND(7, a, b, c, d, e, g, h)
    COACT_DETAIL_BIND(8, a, b, c, d, e, g, h, i)
    COACT_DETAIL_BIND(9, a, b, c, d, e, g, h, i, j)
    COACT_DETAIL_BIND(10, a, b, c, d, e, g, h, i, j, k)
    COACT_DETAIL_BIND(11, a, b, c, d, e, g, h, i, j, k, l)
    COACT_DETAIL_BIND(12, a, b, c, d, e, g, h, i, j, k, l, m)
    COACT_DETAIL_BIND(13, a, b, c, d, e, g, h, i, j, k, l, m, o)
    COACT_DETAIL_BIND(14, a, b, c, d, e, g, h, i, j, k, l, m, o, p)
    COACT_DETAIL_BIND(15, a, b, c, d, e, g, h, i, j, k, l, m, o, p, q)
    COACT_DETAIL_BIND(16, a, b, c, d, e, g, h, i, j, k, l, m, o, p, q, r) {
        return f();  // no fields: an empty struct
    }
}

#undef COACT_DETAIL_BIND

}  // namespace coact::detail
