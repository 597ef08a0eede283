// cluster/src/node_actors.hpp — the two kinds of actor a node runs in its runtime
// (docs/design/cluster.md, "The message path"):
//   gateway  one per node: takes what cnats' delivery thread and the name watcher hand it (it
//            is the only way in from those threads), makes proxies, and delivers each remote
//            message to its local receiver with the remote sender's proxy as its sender;
//   proxy    one per remote actor in use: every message sent to it is encoded (its type's wire
//            name, the local sender's number) and published to the remote actor's node; an ask
//            is detached and answered when its reply comes to the node's reply subject;
//   responder one per ask from another node: asks the local actor, sends the reply back.
#pragma once

#include <memory>

#include "coact/actor.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/context.hpp"
#include "link.hpp"

namespace coact {

actor node_gateway(context& self, std::shared_ptr<node_link> link);
actor remote_proxy(context& self, std::shared_ptr<node_link> link, wire_address target);
/// One per ask from another node: asks the local actor `to` and publishes its reply (or why none
/// comes) to the ask's reply subject. The asked actor's self.sender() is this responder.
actor ask_responder(context& self, std::shared_ptr<node_link> link,
                    std::unique_ptr<remote_value> question, address to, std::string reply);

}  // namespace coact
