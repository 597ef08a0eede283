// coact/cluster/errors.hpp — what the cluster layer throws (contract §6).
#pragma once

#include <string>
#include <utility>

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

/// Why a remote actor failed (the exit_reason of a proxy's down, kind failed): the exception's
/// type name, as its node spelled it, and its what().
class remote_error : public error {
  public:
    remote_error(std::string type_name, const std::string& message, std::string node)
        : error(message), type_name_(std::move(type_name)), node_(std::move(node)) {}
    /// The type of the exception that ended the remote actor ("std::runtime_error").
    [[nodiscard]] const std::string& type_name() const noexcept { return type_name_; }
    /// The node it ran on.
    [[nodiscard]] const std::string& node() const noexcept { return node_; }

  private:
    std::string type_name_;
    std::string node_;
};

/// A message bigger than the servers' largest payload (1 MB by default); what() says both sizes.
class message_too_large : public error {
  public:
    using error::error;
};

/// A send to a remote actor of a type with no wire name (see COACT_REMOTE); what() names the type.
class not_serializable : public error {
  public:
    using error::error;
};

}  // namespace coact
