// cluster/src/node_state.hpp — the state behind coact::cluster: the NATS connection, the inbox
// subscription, the link its actors share (link.hpp), its names. One NATS connection per node;
// cnats' callbacks (disconnected, reconnected, a message on the inbox) run on its own threads,
// so the counters are atomics.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nats/nats.h>

#include "cluster_names.hpp"
#include "coact/cluster/node.hpp"
#include "coact/cluster/subjects.hpp"
#include "liveness.hpp"
#include "shared_topics.hpp"

namespace coact {

class cluster::node_state {
  public:
    /// Joins as a new incarnation (throws cluster_error). `expelled`: liveness's, when the others
    /// had lost this incarnation (membership.cpp joins again).
    node_state(runtime& rt, cluster_options options,
               std::function<void(const std::string&)> expelled = {});
    ~node_state();
    node_state(const node_state&) = delete;
    node_state& operator=(const node_state&) = delete;

    runtime& rt;
    const cluster_options options;
    const cluster_subjects subjects;
    const std::string node;
    const std::uint64_t incarnation;
    natsConnection* connection = nullptr;
    // What the gateway and the proxies share with the callbacks.
    std::shared_ptr<node_link> link;
    // Cluster-scoped names, installed on the runtime's core while the node is joined.
    std::unique_ptr<cluster_names> names;
    // Failure detection, installed on the core (node_monitors) while the node is joined; read by
    // the connection's callbacks under `closing`.
    std::shared_ptr<liveness> live;
    // Topics shared with the other nodes, installed on the core (topic_bridge) while joined;
    // null without cluster_options::shared_topics.
    std::shared_ptr<shared_topics> topics;
    natsSubscription* inbox = nullptr;
    std::condition_variable inbox_done_cv;  // the inbox's last callback has run
    bool inbox_done = false;
    natsSubscription* replies = nullptr;  // replies to this node's asks, and no responders
    bool replies_done = false;            // its last callback has run (under `closing`)
    // Set before it leaves when the others had lost this incarnation (membership.cpp): its
    // proxies end with noconnection and this reason.
    std::string expelled_why;
    std::atomic<std::uint64_t> disconnects{0};
    std::atomic<std::uint64_t> reconnects{0};
    // cnats calls the connection's callbacks on a thread of its own, also after Close(): the
    // closed callback is its last, and the state lives until it has run.
    std::mutex closing;
    std::condition_variable closed_cv;
    bool closed = false;

    /// This incarnation's counts.
    [[nodiscard]] cluster_stats stats() const noexcept;
    /// The URL of the server it is connected to now (empty while reconnecting).
    [[nodiscard]] std::string server() const;

    /// The names this node claimed (scope::cluster), by actor, and its pools' members: what a
    /// new incarnation claims again.
    [[nodiscard]] std::vector<std::pair<std::string, address>> claimed() const;
    [[nodiscard]] std::vector<std::pair<std::string, address>> pooled() const;

  private:
    /// Throws cluster_error if the servers refused a subject (permissions) while joining.
    void refuse_if_not_permitted();
    void leave() noexcept;  // everything but the connection
    void close() noexcept;  // the connection, after the last callback
};

}  // namespace coact
