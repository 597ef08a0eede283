// cluster/src/proxy_gate.cpp — the refusals at the send (proxy_gate.hpp).
#include "proxy_gate.hpp"

#include <limits>
#include <optional>
#include <string>
#include <typeinfo>
#include <utility>

#include <msgpack.hpp>

#include "coact/cluster/errors.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/cluster/wire_registry.hpp"
#include "coact/detail/actor/core.hpp"
#include "coact/detail/message/envelope.hpp"
#include "control.hpp"

namespace coact {

namespace {

/// A sender's scratch: kept between sends (no allocation for a small message), given back after
/// a large one.
constexpr std::size_t scratch_kept = 64 * 1024;

}  // namespace

std::size_t proxy_gate::header_bound(const std::string& type) const noexcept {
    // [version, type, [node, incarnation, number], seq, body, to] (wire_message.hpp): two array
    // headers and two strings' (5 each at most), five integers (9 each at most), the two names.
    return 4 * detail::widest_header + 5 * 9 + type.size() + node_.size();
}

proxy_gate::proxy_gate(std::string node, std::int64_t max_payload)
    : node_(std::move(node)),
      max_payload_(max_payload > 0 ? static_cast<std::size_t>(max_payload) : 0) {}

void proxy_gate::check(const detail::envelope& message, const context& to) const {
    if (message.kind != detail::envelope_kind::plain && message.kind != detail::envelope_kind::ask)
        return;
    const std::type_info& type = *message.ops->type;
    if (type == typeid(control::remote_ended)) return;  // the gateway's news for the proxy
    const wire_registry::encoding* encoding = wire_registry::global().find_encoder(type);
    if (encoding == nullptr) {
        throw not_serializable("coact::cluster: cannot send a message of type " +
                               std::string(detail::type_name(type)) + " to actor " +
                               detail::core::describe_locked(to) +
                               ", which stands for a remote actor: the type has no wire name "
                               "(COACT_REMOTE)");
    }
    if (max_payload_ == 0) return;
    // The bound first (wire_size.hpp): most messages are far under the limit, and adding up a
    // bound is much cheaper than encoding. Only a message that may be over it is encoded.
    if (encoding->bound != nullptr) {
        const std::size_t body = encoding->bound(message);
        if (body != detail::unknown_wire_size &&
            detail::add_wire_sizes(body, header_bound(encoding->name)) <= max_payload_) {
            return;
        }
    }
    // As the proxy will write it, with the largest sender address, sequence number and receiver
    // number it could put around the body.
    thread_local msgpack::sbuffer scratch;
    scratch.clear();
    {
        wire_packer p(scratch);
        constexpr std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
        detail::encode_header(p, encoding->name, wire_address{node_, most, most}, most,
                              /*with_to=*/true);
        encoding->encode(p, message);
        p.pack(most);
    }
    const std::size_t size = scratch.size();
    if (size > scratch_kept) scratch = msgpack::sbuffer();
    if (size > max_payload_) {
        throw message_too_large(
            "coact::cluster: a message of type " + std::string(detail::type_name(type)) +
            " to actor " + detail::core::describe_locked(to) + " is " + std::to_string(size) +
            " bytes on the wire; the servers take at most " + std::to_string(max_payload_));
    }
}

}  // namespace coact
