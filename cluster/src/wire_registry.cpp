// cluster/src/wire_registry.cpp — the table of decodable wire names, with the built-ins.
#include "coact/cluster/wire_registry.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace coact {

namespace detail {

std::string_view wire_kind(const msgpack::object& o) noexcept {
    switch (o.type) {
        case msgpack::type::NIL:
            return "nil";
        case msgpack::type::BOOLEAN:
            return "a bool";
        case msgpack::type::POSITIVE_INTEGER:
        case msgpack::type::NEGATIVE_INTEGER:
            return "an integer";
        case msgpack::type::FLOAT32:
        case msgpack::type::FLOAT64:
            return "a float";
        case msgpack::type::STR:
            return "a string";
        case msgpack::type::BIN:
            return "binary data";
        case msgpack::type::ARRAY:
            return "an array";
        case msgpack::type::MAP:
            return "a map";
        case msgpack::type::EXT:
            return "an extension value";
    }
    return "an unknown msgpack value";
}

void wire_mismatch(std::string_view expected, const msgpack::object& got, std::string_view where) {
    std::string what(where);
    what += ": expected ";
    what += expected;
    what += ", got ";
    what += wire_kind(got);
    if (got.type == msgpack::type::ARRAY) {
        what += " of " + std::to_string(got.via.array.size);
    } else if (got.type == msgpack::type::POSITIVE_INTEGER) {
        what += " " + std::to_string(got.via.u64);  // out of range
    } else if (got.type == msgpack::type::NEGATIVE_INTEGER) {
        what += " " + std::to_string(got.via.i64);
    }
    throw wire_error(what);
}

}  // namespace detail

namespace {

/// A scalar, with the one-level containers of it that need no registration (wire_types.hpp).
template <class T>
void add_with_containers(wire_registry& r) {
    r.add<T>();
    r.add<std::vector<T>>();
    r.add<std::optional<T>>();
    r.add<std::map<std::string, T>>();
    r.add<std::map<std::int64_t, T>>();
}

}  // namespace

wire_registry::wire_registry() {
    add_with_containers<bool>(*this);
    add_with_containers<std::int8_t>(*this);
    add_with_containers<std::int16_t>(*this);
    add_with_containers<std::int32_t>(*this);
    add_with_containers<std::int64_t>(*this);
    add_with_containers<std::uint8_t>(*this);
    add_with_containers<std::uint16_t>(*this);
    add_with_containers<std::uint32_t>(*this);
    add_with_containers<std::uint64_t>(*this);
    add_with_containers<float>(*this);
    add_with_containers<double>(*this);
    add_with_containers<std::string>(*this);
}

wire_registry& wire_registry::global() {
    static wire_registry registry;  // built on first use: static initialisers may register
    return registry;
}

void wire_registry::add(std::string name, const std::type_info& type, decoder decode,
                        encoder encode, size_bound bound) {
    const std::lock_guard lock(mutex_);
    if (encode != nullptr) {
        encoders_.try_emplace(std::type_index(type), encoding{name, encode, bound});
    }
    auto [it, added] = entries_.try_emplace(std::move(name), entry{&type, decode});
    if (added || *it->second.type == type) return;
    conflicts_.push_back("wire name '" + it->first + "' is both " + it->second.type->name() +
                         " and " + type.name());
}

wire_registry::decoder wire_registry::find(std::string_view name) const {
    const std::lock_guard lock(mutex_);
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : it->second.decode;
}

const wire_registry::encoding* wire_registry::find_encoder(const std::type_info& type) const {
    // Asked per message (a proxy's turn, a send's gate, a publication), mostly for the type asked
    // last on that thread: each thread keeps its last answer and skips the mutex and the hash.
    // An encoding never moves once registered (a node of the map), so the pointer stays valid.
    thread_local const wire_registry* last_registry = nullptr;
    thread_local const std::type_info* last_type = nullptr;
    thread_local const encoding* last_encoding = nullptr;
    if (last_registry == this && last_type != nullptr && *last_type == type) return last_encoding;
    const std::lock_guard lock(mutex_);
    const auto it = encoders_.find(std::type_index(type));
    if (it == encoders_.end()) return nullptr;  // not kept: the type may be registered later
    last_registry = this;
    last_type = &type;
    last_encoding = &it->second;
    return last_encoding;
}

std::vector<std::string> wire_registry::conflicts() const {
    const std::lock_guard lock(mutex_);
    return conflicts_;
}

}  // namespace coact
