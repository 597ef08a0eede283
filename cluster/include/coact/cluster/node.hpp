// coact/cluster/node.hpp — coact::cluster: this process as a node of a coact cluster.
//
// Constructing one joins: it connects to NATS (failing over between `servers`), takes a fresh
// incarnation (a random number: a node that leaves and joins again is a new node, and addresses
// of its earlier life go nowhere), and subscribes to its inbox. If the others lose it while it
// lives (it froze, or the network was cut) and then hear it again, they tell it, and it joins
// again by itself as a new incarnation (stats().rejoins). Destroying it leaves. It never
// hangs past `connect_timeout`: an unreachable or refusing server, bad credentials or a name NATS
// would misread throw coact::cluster_error naming the server or the name and the reason.
//
// A program that does not make one needs no NATS server and runs exactly as before.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "coact/cluster/options.hpp"

namespace coact {

class runtime;

class cluster {
  public:
    /// Joins `options.cluster` as `options.node`, for the actors of `rt` (which must outlive it).
    cluster(runtime& rt, cluster_options options);
    ~cluster();
    cluster(const cluster&) = delete;
    cluster& operator=(const cluster&) = delete;

    /// This node's name.
    [[nodiscard]] const std::string& node() const noexcept;
    /// This node's incarnation: random, never 0, new at every join (0 while joining again).
    [[nodiscard]] std::uint64_t incarnation() const noexcept;
    /// The URL of the server it is connected to now (empty while reconnecting).
    [[nodiscard]] std::string server() const;
    /// What it has sent and received so far.
    [[nodiscard]] cluster_stats stats() const noexcept;

    class node_state;  // one incarnation: its connection, counters (cluster/src/node_state.hpp)
    class membership;  // the incarnation now, and joining again (cluster/src/membership.hpp)

  private:
    std::unique_ptr<membership> membership_;
};

}  // namespace coact
