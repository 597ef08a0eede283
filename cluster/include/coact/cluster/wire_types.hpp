// coact/cluster/wire_types.hpp — which C++ types cross the network, under which names, and how
// each is written in msgpack.
//
// A remote message carries its type's wire name (cluster.md, "Wire format"): the receiving node
// rebuilds exactly that C++ type, and only the types it knows by name. The names are the same in
// every language, so that a Node.js or Python client can send to a coact actor.
//
//   built-in       wire name              msgpack
//   bool           bool                   bool
//   intN_t         int8 .. int64          integer (uintN_t: uint8 .. uint64)
//   float, double  float32, float64       float
//   std::string    string                 str
//   vector<T>      list<T's name>         array
//   optional<T>    optional<T's name>     nil or the value
//   map<K, V>      map<K's name,V's name> map
//
// Integers travel by size: `int` is int32, `long` and `long long` are int64, and an int64 arrives
// as std::int64_t. A user type takes one line, at global scope (contract §6):
//
//   COACT_REMOTE(tick, "bench.tick");                // an array of its fields, in order
//   COACT_REMOTE(line, "chat.line", user, text);     // a map {"user": ..., "text": ...}
//
// Decoding checks every type and size, and says in a coact::wire_error what did not match.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include <msgpack.hpp>

#include "coact/cluster/aggregate_fields.hpp"
#include "coact/cluster/errors.hpp"

namespace coact {

/// How a type crosses the network. Specialised for the built-ins below and by COACT_REMOTE;
/// the primary template marks a type that does not.
template <class T>
struct remote {
    static constexpr bool known = false;
};

/// A type with a wire name.
template <class T>
concept remote_type = remote<T>::known;

/// The msgpack writer coact encodes with: msgpack-c's packer, plus floats that stay floats.
/// (msgpack-c 4.1 packs a whole-number double as an integer, so 2.0 reached another language as
/// the integer 2, and for 2^64 exactly it converts out of range, which is undefined behaviour:
/// the wire fuzzer's first finding, docs/design/fuzzing.md.)
class wire_packer : public msgpack::packer<msgpack::sbuffer> {
  public:
    explicit wire_packer(msgpack::sbuffer& out) : packer(out), out_(out) {}
    /// msgpack float 32 (0xca), whatever the value.
    void pack_float32(float v) { put(0xca, std::bit_cast<std::uint32_t>(v)); }
    /// msgpack float 64 (0xcb), whatever the value.
    void pack_float64(double v) { put(0xcb, std::bit_cast<std::uint64_t>(v)); }

  private:
    template <class Bits>
    void put(unsigned char tag, Bits bits) {
        char b[1 + sizeof(Bits)];
        b[0] = static_cast<char>(tag);
        for (std::size_t i = 0; i < sizeof(Bits); ++i) {  // big-endian, as msgpack wants
            b[1 + i] = static_cast<char>((bits >> (8U * (sizeof(Bits) - 1 - i))) & 0xffU);
        }
        out_.write(b, sizeof b);
    }
    msgpack::sbuffer& out_;
};

namespace detail {

[[noreturn]] void wire_mismatch(std::string_view expected, const msgpack::object& got,
                                std::string_view where);
std::string_view wire_kind(const msgpack::object& o) noexcept;

template <class Int>
struct remote_integer {
    static constexpr bool known = true;
    static std::string name() {
        return std::string(std::is_signed_v<Int> ? "int" : "uint") +
               std::to_string(sizeof(Int) * 8);
    }
    static void encode(wire_packer& p, const Int& v) { p.pack(v); }
    static void decode(const msgpack::object& o, Int& out, std::string_view where) {
        if (o.type == msgpack::type::POSITIVE_INTEGER) {
            if (o.via.u64 > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) {
                wire_mismatch(name(), o, where);
            }
            out = static_cast<Int>(o.via.u64);
        } else if (o.type == msgpack::type::NEGATIVE_INTEGER && std::is_signed_v<Int>) {
            if (o.via.i64 < static_cast<std::int64_t>(std::numeric_limits<Int>::min())) {
                wire_mismatch(name(), o, where);
            }
            out = static_cast<Int>(o.via.i64);
        } else {
            wire_mismatch(name(), o, where);
        }
    }
};

template <class Float>
struct remote_float {
    static constexpr bool known = true;
    static std::string name() { return sizeof(Float) == 4 ? "float32" : "float64"; }
    static void encode(wire_packer& p, const Float& v) {
        if constexpr (sizeof(Float) == 4) {
            p.pack_float32(v);
        } else {
            p.pack_float64(v);
        }
    }
    static void decode(const msgpack::object& o, Float& out, std::string_view where) {
        switch (o.type) {
            case msgpack::type::FLOAT32:
            case msgpack::type::FLOAT64:
                out = static_cast<Float>(o.via.f64);
                break;
            case msgpack::type::POSITIVE_INTEGER:  // JavaScript's 2.0 is packed as 2
                out = static_cast<Float>(o.via.u64);
                break;
            case msgpack::type::NEGATIVE_INTEGER:
                out = static_cast<Float>(o.via.i64);
                break;
            default:
                wire_mismatch(name(), o, where);
        }
    }
};

}  // namespace detail

template <>
struct remote<bool> {
    static constexpr bool known = true;
    static std::string name() { return "bool"; }
    static void encode(wire_packer& p, const bool& v) { p.pack(v); }
    static void decode(const msgpack::object& o, bool& out, std::string_view where) {
        if (o.type != msgpack::type::BOOLEAN) detail::wire_mismatch(name(), o, where);
        out = o.via.boolean;
    }
};

template <class T>
requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char> &&
         !std::is_same_v<T, wchar_t> && !std::is_same_v<T, char8_t> &&
         !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>) struct remote<T>
    : detail::remote_integer<T> {
};

template <class T>
requires(std::is_same_v<T, float> || std::is_same_v<T, double>) struct remote<T>
    : detail::remote_float<T> {
};

template <>
struct remote<std::string> {
    static constexpr bool known = true;
    static std::string name() { return "string"; }
    static void encode(wire_packer& p, const std::string& v) { p.pack(v); }
    static void decode(const msgpack::object& o, std::string& out, std::string_view where) {
        if (o.type != msgpack::type::STR) detail::wire_mismatch(name(), o, where);
        out.assign(o.via.str.ptr, o.via.str.size);
    }
};

template <remote_type T>
struct remote<std::vector<T>> {
    static constexpr bool known = true;
    static std::string name() { return "list<" + remote<T>::name() + ">"; }
    static void encode(wire_packer& p, const std::vector<T>& v) {
        p.pack_array(static_cast<std::uint32_t>(v.size()));
        for (const T& x : v) remote<T>::encode(p, x);
    }
    static void decode(const msgpack::object& o, std::vector<T>& out, std::string_view where) {
        if (o.type != msgpack::type::ARRAY) detail::wire_mismatch(name(), o, where);
        out.clear();
        out.reserve(o.via.array.size);
        for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
            T x{};  // not into emplace_back(): vector<bool> gives a proxy
            remote<T>::decode(o.via.array.ptr[i], x, where);
            out.push_back(std::move(x));
        }
    }
};

template <remote_type T>
struct remote<std::optional<T>> {
    static constexpr bool known = true;
    static std::string name() { return "optional<" + remote<T>::name() + ">"; }
    static void encode(wire_packer& p, const std::optional<T>& v) {
        if (v) {
            remote<T>::encode(p, *v);
        } else {
            p.pack_nil();
        }
    }
    static void decode(const msgpack::object& o, std::optional<T>& out, std::string_view where) {
        if (o.type == msgpack::type::NIL) {
            out.reset();
            return;
        }
        remote<T>::decode(o, out.emplace(), where);
    }
};

template <remote_type K, remote_type V>
struct remote<std::map<K, V>> {
    static constexpr bool known = true;
    static std::string name() { return "map<" + remote<K>::name() + "," + remote<V>::name() + ">"; }
    static void encode(wire_packer& p, const std::map<K, V>& m) {
        p.pack_map(static_cast<std::uint32_t>(m.size()));
        for (const auto& [k, v] : m) {
            remote<K>::encode(p, k);
            remote<V>::encode(p, v);
        }
    }
    static void decode(const msgpack::object& o, std::map<K, V>& out, std::string_view where) {
        if (o.type != msgpack::type::MAP) detail::wire_mismatch(name(), o, where);
        out.clear();
        for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
            K key{};
            remote<K>::decode(o.via.map.ptr[i].key, key, where);
            V value{};
            remote<V>::decode(o.via.map.ptr[i].val, value, where);
            out.insert_or_assign(std::move(key), std::move(value));
        }
    }
};

namespace detail {

/// A field of a named COACT_REMOTE type: its name on the wire and its member pointer.
template <class T, class M>
struct named_field {
    std::string_view name;
    M T::*member;
};

template <class T, class M>
constexpr named_field<T, M> make_field(std::string_view name, M T::*member) {
    return {name, member};
}

/// COACT_REMOTE(T, "name"): an array of the aggregate's fields, in declaration order.
template <class T>
struct remote_positional {
    static_assert(std::is_aggregate_v<T> && std::is_default_constructible_v<T>,
                  "COACT_REMOTE(type, \"name\") without field names needs a plain aggregate "
                  "that is default-constructible; name the fields otherwise");
    static constexpr bool known = true;
    static void encode(wire_packer& p, const T& v) {
        with_fields(v, [&](const auto&... f) {
            static_assert((remote_type<std::remove_cvref_t<decltype(f)>> && ...),
                          "COACT_REMOTE: every field must be a remote type (a built-in, or a "
                          "type with its own COACT_REMOTE)");
            p.pack_array(static_cast<std::uint32_t>(sizeof...(f)));
            (remote<std::remove_cvref_t<decltype(f)>>::encode(p, f), ...);
        });
    }
    static void decode(const msgpack::object& o, T& out, std::string_view where) {
        with_fields(out, [&](auto&... f) {
            constexpr std::uint32_t n = sizeof...(f);
            if (o.type != msgpack::type::ARRAY || o.via.array.size != n) {
                wire_mismatch("an array of " + std::to_string(n) + " fields", o, where);
            }
            std::uint32_t i = 0;
            (remote<std::remove_cvref_t<decltype(f)>>::decode(o.via.array.ptr[i++], f, where), ...);
        });
    }
};

/// COACT_REMOTE(T, "name", a, b): a map from field names to values (other keys are ignored, a
/// missing one is an error).
template <class T, class Fields>
struct remote_named {
    static constexpr bool known = true;
    static void encode(wire_packer& p, const T& v, const Fields& fields) {
        std::apply(
            [&](const auto&... f) {
                static_assert(
                    (remote_type<std::remove_cvref_t<decltype(v.*(f.member))>> && ...),
                    "COACT_REMOTE: every named field must be a remote type (a built-in, or a "
                    "type with its own COACT_REMOTE)");
                p.pack_map(static_cast<std::uint32_t>(sizeof...(f)));
                ((p.pack(f.name),
                  remote<std::remove_cvref_t<decltype(v.*(f.member))>>::encode(p, v.*(f.member))),
                 ...);
            },
            fields);
    }
    static void decode(const msgpack::object& o, T& out, std::string_view where,
                       const Fields& fields) {
        if (o.type != msgpack::type::MAP) wire_mismatch("a map of named fields", o, where);
        std::apply([&](const auto&... f) { (decode_field(o, out, f, where), ...); }, fields);
    }

  private:
    template <class F>
    static void decode_field(const msgpack::object& o, T& out, const F& f, std::string_view where) {
        for (std::uint32_t i = 0; i < o.via.map.size; ++i) {
            const msgpack::object& key = o.via.map.ptr[i].key;
            if (key.type == msgpack::type::STR &&
                std::string_view(key.via.str.ptr, key.via.str.size) == f.name) {
                using M = std::remove_cvref_t<decltype(out.*(f.member))>;
                remote<M>::decode(o.via.map.ptr[i].val, out.*(f.member), where);
                return;
            }
        }
        throw wire_error(std::string(where) + ": field '" + std::string(f.name) + "' is missing");
    }
};

}  // namespace detail

}  // namespace coact
