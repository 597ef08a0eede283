// coact/cluster/node_down.hpp — what self.monitor_node(node) delivers (contract §6).
#pragma once

#include <string>

namespace coact {

/// To an actor that called monitor_node(node): that node of the cluster is lost.
struct node_down {
    /// The node's name.
    std::string node;
    /// Why: it left, crashed (its connection is gone), froze or is cut off (no heartbeat for
    /// cluster_options::node_timeout), joined again as a new incarnation, or was never alive.
    std::string why;
};

}  // namespace coact
