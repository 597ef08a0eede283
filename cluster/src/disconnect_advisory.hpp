// cluster/src/disconnect_advisory.hpp — what a NATS server's client-disconnect advisory says
// (docs/design/cluster.md, "Failure detection"). The servers publish one on
// `$SYS.ACCOUNT.<account>.DISCONNECT` each time a client's connection closes: a JSON object
// whose `client.name` is the connection's name (a node's is `<cluster>.<node>`, node.cpp) and
// whose `reason` says why. Accounts import it from the system account (docs/concepts/cluster.md,
// "Security and deployment"); liveness.cpp probes the node it names at once.
//
// Only the reasons that mean the client's process or its link went away count: a server
// shutting down, or dropping a slow consumer, leaves a node that reconnects at once, and a probe
// racing that reconnection would lose a live node.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace coact {

struct client_disconnect {
    std::string client;  ///< the connection's name (empty if it gave none)
    std::string
        reason;  ///< the server's words, e.g. "Client Closed", "Slow Consumer (Write Deadline)"
    /// Whether the client went away (crashed, killed, closed, its link broken or stale), rather
    /// than being dropped by a server it will reconnect to.
    [[nodiscard]] bool gone() const noexcept;
};

/// The advisory `json`, or nothing if it is not one this can read (the caller counts it as
/// rejected). Never throws.
std::optional<client_disconnect> read_disconnect_advisory(std::string_view json) noexcept;

}  // namespace coact
