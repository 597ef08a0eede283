// coact/cluster/errors.hpp — what the cluster layer throws (contract §6).
#pragma once

#include <string>

#include "coact/errors.hpp"

namespace coact {

/// Joining or talking to the cluster failed; what() names the server or subject and the reason.
class cluster_error : public error {
  public:
    using error::error;
};

/// Bytes from the network that are not a coact wire message of a known type; what() says what
/// was wrong with them. The node counts such a message (net.stats().remote_rejected) and drops
/// it: it never reaches an actor, and never ends the node.
class wire_error : public cluster_error {
  public:
    using cluster_error::cluster_error;
};

/// A send to a remote actor of a type with no wire name (see COACT_REMOTE); what() names the type.
class not_serializable : public error {
  public:
    using error::error;
};

}  // namespace coact
