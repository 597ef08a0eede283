// cluster/src/wire_message.cpp — encoding a message's header, decoding a whole message.
#include "coact/cluster/wire_message.hpp"

#include <exception>
#include <string>

namespace coact {

namespace detail {

namespace {

/// [version, type, from: the first three elements of a message of `size` elements.
void pack_start(wire_packer& p, std::uint32_t size, std::string_view type,
                const std::optional<wire_address>& from) {
    p.pack_array(size);
    p.pack(wire_version);
    p.pack(type);
    if (from) {
        p.pack_array(3);
        p.pack(from->node);
        p.pack(from->incarnation);
        p.pack(from->actor);
    } else {
        p.pack_nil();
    }
}

}  // namespace

void encode_header(wire_packer& p, std::string_view type, const std::optional<wire_address>& from,
                   std::uint64_t seq, bool with_to) {
    pack_start(p, with_to ? 6 : 5, type, from);
    p.pack(seq);
}

std::size_t encode_header_sequenced(wire_packer& p, const msgpack::sbuffer& out,
                                    std::string_view type,
                                    const std::optional<wire_address>& from) {
    pack_start(p, 6, type, from);
    const std::size_t at = out.size() + 1;
    p.pack_fix_uint64(0);
    return at;
}

void set_sequence(msgpack::sbuffer& out, std::size_t at, std::uint64_t seq) noexcept {
    for (std::size_t i = 0; i < 8; ++i) {
        out.data()[at + i] = static_cast<char>((seq >> (8U * (7 - i))) & 0xffU);
    }
}

}  // namespace detail

namespace {

constexpr std::string_view where = "coact wire message";

std::string to_string(const msgpack::object& s) { return {s.via.str.ptr, s.via.str.size}; }

std::uint64_t unsigned_field(const msgpack::object& o, std::string_view name) {
    if (o.type != msgpack::type::POSITIVE_INTEGER) {
        detail::wire_mismatch("an unsigned integer for " + std::string(name), o, where);
    }
    return o.via.u64;
}

}  // namespace

namespace {

msgpack::object_handle unpack_bounded(std::string_view bytes) {
    // Every msgpack value takes at least one byte, so no count in the input may exceed its size:
    // a forged length cannot make the unpacker reserve more than the message could hold.
    const std::size_t n = bytes.size();
    const msgpack::unpack_limit limit(n, n, n, n, n, /*depth=*/64);
    msgpack::object_handle handle;
    std::size_t offset = 0;
    try {
        handle = msgpack::unpack(bytes.data(), bytes.size(), offset, nullptr, nullptr, limit);
    } catch (const msgpack::insufficient_bytes&) {
        throw wire_error("coact wire message: cut short (" + std::to_string(n) + " bytes)");
    } catch (const msgpack::depth_size_overflow&) {
        throw wire_error("coact wire message: nested more than 64 deep");
    } catch (const msgpack::size_overflow&) {
        throw wire_error("coact wire message: a length larger than the whole message (" +
                         std::to_string(n) + " bytes)");
    } catch (const std::bad_alloc&) {
        throw;
    } catch (const std::exception& e) {
        throw wire_error(std::string("coact wire message: not msgpack (") + e.what() + ")");
    }
    if (offset != n) {
        throw wire_error("coact wire message: " + std::to_string(n - offset) +
                         " bytes after the message");
    }
    return handle;
}

wire_message decode_object(const msgpack::object& o, const wire_registry& registry) {
    if (o.type != msgpack::type::ARRAY || (o.via.array.size != 5 && o.via.array.size != 6)) {
        detail::wire_mismatch("an array of 5 or 6 ([version, type, from, seq, body, to])", o,
                              where);
    }
    const msgpack::object* f = o.via.array.ptr;
    const std::uint64_t version = unsigned_field(f[0], "the version");
    if (version != wire_version) {
        throw wire_error("coact wire message: format version " + std::to_string(version) +
                         " (this node reads version " + std::to_string(wire_version) + ")");
    }
    if (f[1].type != msgpack::type::STR) detail::wire_mismatch("a type name", f[1], where);
    wire_message m;
    m.type = to_string(f[1]);
    if (f[2].type != msgpack::type::NIL) {
        if (f[2].type != msgpack::type::ARRAY || f[2].via.array.size != 3 ||
            f[2].via.array.ptr[0].type != msgpack::type::STR) {
            detail::wire_mismatch("nil or [node, incarnation, actor] for the sender", f[2], where);
        }
        const msgpack::object* a = f[2].via.array.ptr;
        m.from = wire_address{to_string(a[0]), unsigned_field(a[1], "the sender's incarnation"),
                              unsigned_field(a[2], "the sender's actor")};
    }
    m.seq = unsigned_field(f[3], "the sequence number");
    const wire_registry::decoder decode = registry.find(m.type);
    if (decode == nullptr) {
        throw wire_error("coact wire message: unknown type '" + m.type +
                         "' (not a built-in, and no COACT_REMOTE on this node)");
    }
    if (o.via.array.size == 6) m.to = unsigned_field(f[5], "the receiver");
    m.body = decode(f[4]);
    return m;
}

}  // namespace

wire_message decode_message(std::string_view bytes, const wire_registry& registry) {
    const msgpack::object_handle handle = unpack_bounded(bytes);
    return decode_object(handle.get(), registry);
}

std::vector<wire_message> decode_messages(std::string_view bytes, const wire_registry& registry) {
    const msgpack::object_handle handle = unpack_bounded(bytes);
    const msgpack::object& o = handle.get();
    std::vector<wire_message> all;
    if (o.type == msgpack::type::ARRAY && o.via.array.size > 0 &&
        o.via.array.ptr[0].type == msgpack::type::ARRAY) {  // a batch: [message, message, ...]
        all.reserve(o.via.array.size);
        for (std::uint32_t i = 0; i < o.via.array.size; ++i) {
            all.push_back(decode_object(o.via.array.ptr[i], registry));
        }
        return all;
    }
    all.push_back(decode_object(o, registry));
    return all;
}

}  // namespace coact
