// cluster/src/proxy_gate.hpp — what a send to a remote actor refuses at once (contract §6): a
// message whose type has no wire name (coact::not_serializable) and one the servers would not
// take, being larger on the wire than their max_payload (coact::message_too_large).
//
// Every proxy of a node is spawned with this node's gate (detail::relay::spawn_gated); the core
// asks it on each send, ask and put to the proxy, before the message is queued
// (detail::send_gate, coact/detail/actor/cell_policy.hpp), so the exception reaches the sender's
// own line. Local actors have no gate and pay nothing. The size is first bounded without encoding
// (coact/cluster/wire_size.hpp); only a message whose bound is over the limit is encoded here to
// measure it, with the largest header the proxy could write, so what passes is never too large
// when the proxy encodes it for real.
//
// Threads: check() runs on any sender's thread; the gate is immutable once made, and kept by the
// runtime after its node leaves (core::retire_seam).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "coact/context.hpp"
#include "coact/detail/actor/cell_policy.hpp"

namespace coact {

class proxy_gate final : public detail::send_gate {
  public:
    /// `max_payload`: the servers' largest message in bytes (natsConnection_GetMaxPayload);
    /// 0 or less: no size check.
    proxy_gate(std::string node, std::int64_t max_payload);

    void check(const detail::envelope& message, const context& to) const override;

    /// The most bytes one NATS message may hold (a proxy's batch stays under it); 0: no limit.
    [[nodiscard]] std::size_t max_payload() const noexcept { return max_payload_; }

  private:
    /// At least the bytes a proxy writes around a body of type `type` (its wire name).
    [[nodiscard]] std::size_t header_bound(const std::string& type) const noexcept;

    std::string node_;
    std::size_t max_payload_;
};

}  // namespace coact
