// coact/detail/actor/node_monitors.hpp — the seam behind context::monitor_node: whether the nodes
// of a cluster are alive is known only to the cluster library.
//
// A runtime that joined a cluster has one (the cluster library's node sets it on the core while
// it is joined; nothing else does). monitor_node hands it the watcher; when the node is lost it
// sends the watcher a coact::node_down (a cluster type: the core never makes one).
//
// Threads: called on the watching actor's turn (any worker); an implementation locks what it
// shares.
#pragma once

#include <string_view>

#include "coact/address.hpp"

namespace coact::detail {

class node_monitors {
  public:
    virtual ~node_monitors() = default;
    /// `watcher` hears of the loss of the cluster node named `node` (once), at once when no such
    /// node is alive now.
    virtual void monitor_node(std::string_view node, address watcher) = 0;
};

}  // namespace coact::detail
