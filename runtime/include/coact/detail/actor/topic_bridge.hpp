// coact/detail/actor/topic_bridge.hpp — the seam between the topic table and a cluster: topics
// published beyond this runtime (cluster_options::shared_topics).
//
// A runtime that joined a cluster with shared topics has a bridge (the cluster library's node
// sets it on the core; nothing else does). A publication, from an actor or from outside, asks
// it whether the topic is shared and, if so, hands it the message before the local subscribers
// get it: the bridge encodes it and publishes it to the other nodes (or throws, e.g.
// not_serializable for a type with no wire name, and then nobody gets it). A publication that
// arrives from another node is delivered here with relay::publish_as, which does not ask the
// bridge again.
//
// Threads: the publishing thread (an actor's turn on any worker, or any thread for
// runtime::publish); an implementation locks what it shares.
#pragma once

#include <string_view>

#include "coact/address.hpp"
#include "coact/detail/message/envelope.hpp"

namespace coact::detail {

class topic_bridge {
  public:
    virtual ~topic_bridge() = default;
    /// Whether `topic` crosses to the other nodes.
    [[nodiscard]] virtual bool shares(std::string_view topic) const noexcept = 0;
    /// `message` (its payload, read-only) is published to the shared `topic` by `sender` (null
    /// from outside an actor). May throw: the publication then fails as a whole.
    virtual void published(std::string_view topic, const envelope& message, address sender) = 0;
};

}  // namespace coact::detail
