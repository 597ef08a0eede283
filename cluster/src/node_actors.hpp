// cluster/src/node_actors.hpp — the two kinds of actor a node runs in its runtime
// (docs/design/cluster.md, "The message path"):
//   gateway  one per node: takes what cnats' delivery thread and the name watcher hand it (it
//            is the only way in from those threads), makes proxies, and delivers each remote
//            message to its local receiver with the remote sender's proxy as its sender;
//   proxy    one per remote actor in use: every message sent to it is encoded (its type's wire
//            name, the local sender's number) and published to the remote actor's node; an ask
//            is detached and answered when its reply comes to the node's reply subject;
//   responder one per ask from another node: asks the local actor, sends the reply back;
//   pool proxy one per pool name on every node (pool_proxy.cpp): publishes each message to the
//            pool's subject, where NATS hands it to one member;
//   courier  one per node (courier.cpp): publishes what the proxies queued in one round of the
//            runtime, one NATS message per node.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "coact/actor.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/context.hpp"
#include "link.hpp"

namespace coact {

actor node_gateway(context& self, std::shared_ptr<node_link> link);
/// The courier's one message: a proxy's wake-up, or (leave) the node has left.
struct courier_call {
    bool leave = false;
};
actor node_courier(context& self, std::shared_ptr<node_link> link);
actor remote_proxy(context& self, std::shared_ptr<node_link> link, wire_address target);
/// One per ask from another node: asks the local actor `to` and publishes its reply (or why none
/// comes) to the ask's reply subject. The asked actor's self.sender() is this responder.
/// One per pool name, on every node, under that name: each message to it goes to one member.
actor pool_proxy(context& self, std::shared_ptr<node_link> link, std::string pool);
/// How a message's local sender is named on the wire: a proxy as the remote actor it stands
/// for, a local actor by its number (made, and watched by the gateway, on first use).
std::optional<wire_address> wire_sender(context& self, node_link& link, address sender);
actor ask_responder(context& self, std::shared_ptr<node_link> link,
                    std::unique_ptr<remote_value> question, address to, std::string reply);

}  // namespace coact
