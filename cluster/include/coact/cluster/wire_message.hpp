// coact/cluster/wire_message.hpp — one remote message on the wire (cluster.md, "Wire format").
//
// A NATS message to a coact node or name carries one msgpack array:
//
//   [1, type, from, seq, body]  or, to a node's inbox,  [1, type, from, seq, body, to]
//    |   |     |     |    |                              to: the receiving actor's number -'
//    |   |     |     |    '- the value, as remote<T> writes it
//    |   |     |     '- the sequence number in its (sender node, destination) stream, or 0
//    |   |     '- the sending actor: [node, incarnation, actor], or nil (from outside an actor)
//    |   '- the body's wire name ("int32", "chat.line")
//    '- the format version
//
// decode_message() checks all of it and throws coact::wire_error naming what was wrong: bytes
// that are not msgpack, another version, an unknown wire name, a body of another shape. The
// unpacking is bounded by the input's size (no length field can make it allocate more), and
// nothing after the array is accepted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "coact/cluster/wire_registry.hpp"

namespace coact {

/// The wire format version this build writes and reads.
inline constexpr std::uint8_t wire_version = 1;

/// An actor anywhere in a cluster: its node, the node's incarnation (a new one at each join),
/// and the actor's number on that node.
struct wire_address {
    std::string node;
    std::uint64_t incarnation = 0;
    std::uint64_t actor = 0;
    friend bool operator==(const wire_address&, const wire_address&) = default;
};

/// A decoded message.
struct wire_message {
    std::string type;                  // the body's wire name
    std::optional<wire_address> from;  // nil on the wire: sent from outside an actor
    std::uint64_t seq = 0;
    std::unique_ptr<remote_value> body;
    std::optional<std::uint64_t> to;  // the receiver's number, in a message to a node's inbox
    std::string reply;  // an ask: the NATS subject its reply goes to (empty for a plain message)
};

namespace detail {
/// The array's header and its first four elements; the caller writes the body, then `to` when
/// `with_to`.
void encode_header(wire_packer& p, std::string_view type, const std::optional<wire_address>& from,
                   std::uint64_t seq, bool with_to = false);
/// As encode_header, for a message to a node's inbox whose sequence number is set later, as it is
/// published (node_link::send_to_node): the number is written as a msgpack uint 64 (0xcf and eight
/// bytes, zero for now). Returns where the eight bytes are in `out`.
std::size_t encode_header_sequenced(wire_packer& p, const msgpack::sbuffer& out,
                                    std::string_view type, const std::optional<wire_address>& from);
/// Writes `seq` into the eight bytes at `at` (big-endian, as msgpack wants).
void set_sequence(msgpack::sbuffer& out, std::size_t at, std::uint64_t seq) noexcept;
}  // namespace detail

/// Appends one message to `out` (with `to`: one for a node's inbox).
template <remote_type T>
void encode_message(msgpack::sbuffer& out, const T& body,
                    const std::optional<wire_address>& from = std::nullopt, std::uint64_t seq = 0,
                    std::optional<std::uint64_t> to = std::nullopt) {
    wire_packer p(out);
    static const std::string name = remote<T>::name();
    detail::encode_header(p, name, from, seq, to.has_value());
    remote<T>::encode(p, body);
    if (to) p.pack(*to);
}

/// Decodes one message with the types of `registry`. Throws coact::wire_error.
wire_message decode_message(std::string_view bytes,
                            const wire_registry& registry = wire_registry::global());
/// Decodes one message, or a batch of them (an array of messages, which a node's proxy sends to
/// another node's inbox when several messages wait in its mailbox). Throws coact::wire_error for
/// anything wrong in any of them: a batch is taken whole or not at all.
std::vector<wire_message> decode_messages(std::string_view bytes,
                                          const wire_registry& registry = wire_registry::global());

}  // namespace coact
