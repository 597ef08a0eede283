// coact/cluster/wire_registry.hpp — the wire names a node can decode, and COACT_REMOTE.
//
// A receiving node turns a wire name back into a C++ type: it keeps a table from each name to a
// decoder. The built-ins are in it from the start (wire_types.hpp lists them, with lists,
// optionals and maps of the scalars and of strings, one level deep); COACT_REMOTE adds a user
// type when the program starts. Only names in the table are ever decoded: nothing a peer sends
// makes a node build a type it did not register.
//
// Two different C++ types registered under one wire name are a conflict: the first keeps the
// name, and conflicts() lists the others (a cluster node refuses to join with one).
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <typeindex>
#include <typeinfo>
#include <unordered_map>
#include <utility>
#include <vector>

#include "coact/address.hpp"
#include "coact/cluster/wire_size.hpp"
#include "coact/cluster/wire_types.hpp"
#include "coact/detail/actor/relay.hpp"
#include "coact/detail/message/envelope.hpp"

namespace coact {

class runtime;
class context;

/// A decoded message body of some registered type.
class remote_value {
  public:
    virtual ~remote_value() = default;
    /// The C++ type it holds.
    [[nodiscard]] virtual const std::type_info& type() const noexcept = 0;
    /// Sends the value to a local actor, as rt.send(to, value) would.
    virtual void send_to(runtime& rt, address to) && = 0;
    /// From `self`'s turn: sends the value to `to` with `from` as its sender
    /// (detail::relay::send_as).
    virtual void send_as(context& self, address from, address to) && = 0;
    /// From `self`'s turn: answers the detached ask `a` with the value, `from` as the replier
    /// (detail::relay::answer).
    virtual void answer(context& self, const detail::detached_ask& a, address from) && = 0;
    /// From `self`'s turn: asks `to` with the value; co_await it for the reply, whatever its
    /// type (detail::relay::ask_any).
    virtual detail::relay::any_reply_awaiter ask_from(context& self, address to) && = 0;
    /// From `self`'s turn: publishes the value to the local subscribers of `topic` with `from`
    /// as its sender (detail::relay::publish_as).
    virtual void publish_as(context& self, address from, std::string_view topic) && = 0;
    /// Writes the value as its type's remote<T>::encode does.
    virtual void encode(wire_packer& p) const = 0;
    /// The value, if it is a T; else null.
    template <class T>
    [[nodiscard]] T* get() noexcept;
};

namespace detail {

template <class T>
class remote_value_of final : public remote_value {
  public:
    T value{};
    [[nodiscard]] const std::type_info& type() const noexcept override { return typeid(T); }
    void send_to(runtime& rt, address to) && override;
    void send_as(context& self, address from, address to) && override;
    void publish_as(context& self, address from, std::string_view topic) && override;
    void answer(context& self, const detail::detached_ask& a, address from) && override;
    detail::relay::any_reply_awaiter ask_from(context& self, address to) && override;
    void encode(wire_packer& p) const override { remote<T>::encode(p, value); }
};

}  // namespace detail

template <class T>
T* remote_value::get() noexcept {
    auto* held = dynamic_cast<detail::remote_value_of<T>*>(this);
    return held != nullptr ? &held->value : nullptr;
}

/// The wire names this process can decode.
class wire_registry {
  public:
    using decoder = std::unique_ptr<remote_value> (*)(const msgpack::object&);
    /// Writes the payload of an envelope holding the type it was registered for.
    using encoder = void (*)(wire_packer&, const detail::envelope&);
    /// At least the size `encode` writes for that envelope, or detail::unknown_wire_size
    /// (wire_size.hpp).
    using size_bound = std::size_t (*)(const detail::envelope&);
    struct encoding {
        std::string name;  // the wire name
        encoder encode;
        size_bound bound = nullptr;  // null: unknown, measure by encoding
    };

    /// The process's registry (built-ins included).
    static wire_registry& global();

    /// Registers T under remote<T>::name(). Registering the same type again changes nothing.
    template <remote_type T>
    void add() {
        add(remote<T>::name(), typeid(T), &decode_as<T>, &encode_from<T>, &bound_from<T>);
    }
    void add(std::string name, const std::type_info& type, decoder decode, encoder encode = nullptr,
             size_bound bound = nullptr);

    /// The decoder for a wire name, or null when the name is not registered.
    [[nodiscard]] decoder find(std::string_view name) const;
    /// How to write a message of the C++ type `type` (a proxy's envelope), or null when the type
    /// has no wire name here. The pointer stays valid.
    [[nodiscard]] const encoding* find_encoder(const std::type_info& type) const;
    /// "wire name 'x' is both A and B" for each conflicting registration; empty when none.
    [[nodiscard]] std::vector<std::string> conflicts() const;

  private:
    wire_registry();

    template <class T>
    static std::unique_ptr<remote_value> decode_as(const msgpack::object& o) {
        auto v = std::make_unique<detail::remote_value_of<T>>();
        remote<T>::decode(o, v->value, remote<T>::name());
        return v;
    }

    template <class T>
    static void encode_from(wire_packer& p, const detail::envelope& e) {
        remote<T>::encode(p, const_cast<detail::envelope&>(e).view<T>());
    }

    template <class T>
    static std::size_t bound_from(const detail::envelope& e) {
        return detail::wire_size_bound(const_cast<detail::envelope&>(e).view<T>());
    }

    struct entry {
        const std::type_info* type;
        decoder decode;
    };
    struct hash : std::hash<std::string_view> {
        using is_transparent = void;
    };
    mutable std::mutex mutex_;  // registrations may come from static initialisers of any TU
    std::unordered_map<std::string, entry, hash, std::equal_to<>> entries_;
    std::unordered_map<std::type_index, encoding> encoders_;
    std::vector<std::string> conflicts_;
};

namespace detail {

template <class T>
bool register_remote() {
    wire_registry::global().add<T>();
    return true;
}

template <class T, class Fields>
void remote_encode(wire_packer& p, const T& v, const Fields& fields) {
    if constexpr (std::tuple_size_v<Fields> == 0) {
        remote_positional<T>::encode(p, v);
    } else {
        remote_named<T, Fields>::encode(p, v, fields);
    }
}

template <class T, class Fields>
void remote_decode(const msgpack::object& o, T& out, std::string_view where, const Fields& fields) {
    if constexpr (std::tuple_size_v<Fields> == 0) {
        remote_positional<T>::decode(o, out, where);
    } else {
        remote_named<T, Fields>::decode(o, out, where, fields);
    }
}

}  // namespace detail

}  // namespace coact

// COACT_REMOTE(type, "wire.name") or COACT_REMOTE(type, "wire.name", field, ...): gives `type`
// a wire name (a plain aggregate by position, or a map of the named fields). At global scope,
// once per type; the type must be default-constructible and its fields remote types.
#define COACT_REMOTE(T, NAME, ...)                                                               \
    template <>                                                                                  \
    struct coact::remote<T> {                                                                    \
        static constexpr bool known = true;                                                      \
        static std::string name() { return NAME; }                                               \
        static constexpr auto fields() {                                                         \
            return std::make_tuple(__VA_OPT__(COACT_DETAIL_FIELDS(T, __VA_ARGS__)));             \
        }                                                                                        \
        static void encode(coact::wire_packer& p, const T& v) {                                  \
            coact::detail::remote_encode(p, v, fields());                                        \
        }                                                                                        \
        static void decode(const msgpack::object& o, T& out, std::string_view where) {           \
            coact::detail::remote_decode(o, out, where, fields());                               \
        }                                                                                        \
    };                                                                                           \
    [[maybe_unused]] static const bool COACT_DETAIL_CAT(coact_remote_registered_, __COUNTER__) = \
        coact::detail::register_remote<T>()

#define COACT_DETAIL_CAT(a, b) COACT_DETAIL_CAT2(a, b)
#define COACT_DETAIL_CAT2(a, b) a##b
// One make_field per field name (the __VA_OPT__ recursion, rescanned by COACT_DETAIL_EXPAND).
#define COACT_DETAIL_PARENS ()
#define COACT_DETAIL_EXPAND(...) \
    COACT_DETAIL_EXPAND3(        \
        COACT_DETAIL_EXPAND3(COACT_DETAIL_EXPAND3(COACT_DETAIL_EXPAND3(__VA_ARGS__))))
#define COACT_DETAIL_EXPAND3(...) \
    COACT_DETAIL_EXPAND2(         \
        COACT_DETAIL_EXPAND2(COACT_DETAIL_EXPAND2(COACT_DETAIL_EXPAND2(__VA_ARGS__))))
#define COACT_DETAIL_EXPAND2(...) \
    COACT_DETAIL_EXPAND1(         \
        COACT_DETAIL_EXPAND1(COACT_DETAIL_EXPAND1(COACT_DETAIL_EXPAND1(__VA_ARGS__))))
#define COACT_DETAIL_EXPAND1(...) __VA_ARGS__
#define COACT_DETAIL_FIELDS(T, ...) COACT_DETAIL_EXPAND(COACT_DETAIL_FIELD(T, __VA_ARGS__))
#define COACT_DETAIL_FIELD(T, f, ...)    \
    coact::detail::make_field(#f, &T::f) \
        __VA_OPT__(, COACT_DETAIL_FIELD_AGAIN COACT_DETAIL_PARENS(T, __VA_ARGS__))
#define COACT_DETAIL_FIELD_AGAIN() COACT_DETAIL_FIELD

#include "coact/detail/actor/relay.hpp"
#include "coact/runtime.hpp"

template <class T>
void coact::detail::remote_value_of<T>::send_to(runtime& rt, address to) && {
    rt.send(to, std::move(value));
}

template <class T>
void coact::detail::remote_value_of<T>::send_as(context& self, address from, address to) && {
    relay::send_as(self, from, to, std::move(value));
}

template <class T>
void coact::detail::remote_value_of<T>::answer(context& self, const detached_ask& a,
                                               address from) && {
    relay::answer(self, a, from, std::move(value));
}

template <class T>
coact::detail::relay::any_reply_awaiter coact::detail::remote_value_of<T>::ask_from(context& self,
                                                                                    address to) && {
    return relay::ask_any(self, to, std::move(value));
}

template <class T>
void coact::detail::remote_value_of<T>::publish_as(context& self, address from,
                                                   std::string_view topic) && {
    static_cast<void>(relay::publish_as(self, from, topic, std::move(value)));
}
