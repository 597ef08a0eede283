// coact/cluster/wire_size.hpp — an upper bound of a value's msgpack size, found without writing
// it.
//
// A send to a remote actor must throw coact::message_too_large at the send when the message is
// larger than the servers take (cluster/src/proxy_gate.hpp). Encoding every message once more to
// measure it cost 14 % of the one-way stream; this bound costs a few additions, and only a
// message whose bound is over the limit is encoded to measure it exactly.
//
//   bool 1 byte; any other number 9 (msgpack's widest int, float 64);
//   string, list, map: 5 (the widest header) plus their contents;
//   optional: nil (1) or the value; COACT_REMOTE types: 5 plus their fields (named ones plus
//   each name as a string).
// A type whose remote<T> a user wrote by hand has no known bound (unknown_wire_size): the caller
// measures it by encoding.
#pragma once

#include <cstddef>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

#include "coact/cluster/aggregate_fields.hpp"
#include "coact/cluster/wire_types.hpp"

namespace coact::detail {

/// No bound known: measure by encoding.
inline constexpr std::size_t unknown_wire_size = std::numeric_limits<std::size_t>::max();

/// The widest msgpack header of a string, array or map (a tag and four bytes of length).
inline constexpr std::size_t widest_header = 5;

/// a + b, staying at unknown_wire_size instead of wrapping around.
constexpr std::size_t add_wire_sizes(std::size_t a, std::size_t b) noexcept {
    return b > unknown_wire_size - a ? unknown_wire_size : a + b;
}

template <class T>
struct is_wire_vector : std::false_type {};
template <class T>
struct is_wire_vector<std::vector<T>> : std::true_type {};
template <class T>
struct is_wire_optional : std::false_type {};
template <class T>
struct is_wire_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_wire_map : std::false_type {};
template <class K, class V>
struct is_wire_map<std::map<K, V>> : std::true_type {};

/// At least as many bytes as remote<T>::encode writes for `v`, or unknown_wire_size.
template <class T>
std::size_t wire_size_bound(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
        return 1;
    } else if constexpr (std::is_arithmetic_v<T>) {
        return 9;
    } else if constexpr (std::is_same_v<T, std::string>) {
        return add_wire_sizes(widest_header, v.size());
    } else if constexpr (is_wire_vector<T>::value) {
        using element = typename T::value_type;
        if constexpr (std::is_arithmetic_v<element>) {  // no walk over the elements
            constexpr std::size_t each = std::is_same_v<element, bool> ? 1 : 9;
            return v.size() > (unknown_wire_size - widest_header) / each
                       ? unknown_wire_size
                       : widest_header + v.size() * each;
        } else {
            std::size_t n = widest_header;
            for (const element& x : v) n = add_wire_sizes(n, wire_size_bound(x));
            return n;
        }
    } else if constexpr (is_wire_optional<T>::value) {
        return v ? wire_size_bound(*v) : 1;
    } else if constexpr (is_wire_map<T>::value) {
        std::size_t n = widest_header;
        for (const auto& [key, value] : v) {
            n = add_wire_sizes(n, add_wire_sizes(wire_size_bound(key), wire_size_bound(value)));
        }
        return n;
    } else if constexpr (requires { remote<T>::fields(); }) {  // COACT_REMOTE
        constexpr auto fields = remote<T>::fields();
        if constexpr (std::tuple_size_v<decltype(fields)> == 0) {  // positional
            return with_fields(v, [](const auto&... f) {
                std::size_t n = widest_header;
                ((n = add_wire_sizes(n, wire_size_bound(f))), ...);
                return n;
            });
        } else {  // a map of named fields
            return std::apply(
                [&](const auto&... f) {
                    std::size_t n = widest_header;
                    ((n = add_wire_sizes(n, add_wire_sizes(widest_header + f.name.size(),
                                                           wire_size_bound(v.*(f.member))))),
                     ...);
                    return n;
                },
                fields);
        }
    } else {
        return unknown_wire_size;  // a remote<T> written by hand
    }
}

}  // namespace coact::detail
