// cluster/src/pool_proxy.cpp — the proxy for a pool (spawn_options::scope::pool), one per pool
// name on every node, under that name: `self.send("workers", job)` and `self.ask` reach it as
// they would a local actor, and it publishes each message to the pool's subject, where NATS
// hands it to one member in the whole cluster (pool_members.hpp).
//
// Unlike a remote actor's proxy it mirrors no actor's life (a pool outlives its members), sends
// no batches (a batch would go to one member) and numbers nothing (a pool has no one receiver to
// keep an order with: messages are ordered per member only as NATS delivers them). A plain
// message carries the node's reply subject numbered 0: when no member is left anywhere, NATS
// answers "no responders" there and the message is counted as dropped (never silent). An ask
// waits for its reply as a remote actor's does, on the node's reply subject.
#include <optional>
#include <string>

#include "coact/cluster/wire_registry.hpp"
#include "coact/coact.hpp"
#include "coact/detail/actor/relay.hpp"
#include "node_actors.hpp"

namespace coact {

actor pool_proxy(context& self, std::shared_ptr<node_link> link, std::string pool) {
    const std::string subject = link->subjects.name(pool);
    const std::string plain_reply = link->reply_subject(0);
    const wire_registry& registry = wire_registry::global();
    msgpack::sbuffer buffer;
    for (;;) {
        detail::relayed m = co_await detail::relay::receive_any(self);
        const wire_registry::encoding* encoding = registry.find_encoder(m.type());
        if (encoding == nullptr) {
            if (m.is_ask()) {
                link->unserializable.fetch_add(1, std::memory_order_relaxed);
                detail::relay::refuse_ask(
                    self, (std::string("stands for pool '") + pool + "'; the ask's type, " +
                           detail::type_name(m.type()) + ", has no wire name (COACT_REMOTE), and")
                              .c_str());
            } else {
                link->not_serializable(m.type());
            }
            continue;
        }
        std::string ask_reply;  // a plain message uses plain_reply: no string made for it
        if (m.is_ask()) {       // no node to lose: a member's node lost while it works is a timeout
            const std::uint64_t id =
                link->add_ask({detail::relay::detach_ask(self), self.address(), wire_address{}});
            ask_reply = link->reply_subject(id);
        }
        const std::optional<wire_address> from = wire_sender(self, *link, m.sender());
        buffer.clear();
        wire_packer p(buffer);
        detail::encode_header(p, encoding->name, from, 0);
        encoding->encode(p, m.raw());
        link->publish_request(subject, m.is_ask() ? ask_reply : plain_reply, buffer.data(),
                              buffer.size());
    }
}

}  // namespace coact
