// cluster/src/node_actors.cpp — a node's gateway and its proxies.
#include "node_actors.hpp"

#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <utility>

#include "coact/cluster/wire_registry.hpp"
#include "coact/coact.hpp"
#include "coact/detail/actor/relay.hpp"

namespace coact {

namespace {

/// The proxy for `w`: the one there is, or a new one.
address proxy_for(context& self, const std::shared_ptr<node_link>& link, const wire_address& w) {
    if (std::optional<address> p = link->proxy(w)) return *p;
    const address p = self.spawn(remote_proxy, link, w);
    link->add_proxy(w, p);
    return link->proxy(w).value_or(p);
}

void deliver(context& self, const std::shared_ptr<node_link>& link, wire_message& m) {
    const address to = link->actor_numbered(*m.to);
    if (!to) {  // an actor that has ended (its number forgotten), or a number never given out
        link->unknown_receiver.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    address from;
    if (m.from) {
        if (m.from->node == link->node && m.from->incarnation == link->incarnation) {
            from = link->actor_numbered(m.from->actor);  // from this node (through NATS)
        } else {
            from = proxy_for(self, link, *m.from);
        }
    }
    try {
        std::move(*m.body).send_as(self, from, to);
        link->received.fetch_add(1, std::memory_order_relaxed);
    } catch (const error&) {  // a full bounded mailbox that rejects: the remote send is lost
        link->dropped.fetch_add(1, std::memory_order_relaxed);
    }
}

void name_changed(context& self, const std::shared_ptr<node_link>& link, const name_seen& n) {
    const address here = self.runtime().lookup(n.name);
    if (!n.holder) {  // given back: the proxy standing for it goes
        if (here && link->remote_of(here)) self.stop(here);
        return;
    }
    if (n.holder->node == link->node && n.holder->incarnation == link->incarnation) return;
    if (here) {
        // Already a proxy for that holder, or a local actor of that name: nothing to make.
        return;
    }
    try {
        const address p = self.spawn(spawn_options{.name = n.name}, remote_proxy, link, *n.holder);
        link->add_proxy(*n.holder, p);
    } catch (const name_taken&) {  // a local actor took the name meanwhile: it is seen first
    }
}

}  // namespace

actor node_gateway(context& self, std::shared_ptr<node_link> link) {
    for (;;) {
        co_await self.receive([&](inbound in) { deliver(self, link, *in.message); },
                              [&](const name_seen& n) { name_changed(self, link, n); },
                              [&](const export_watch& w) { self.monitor(w.who); },
                              [&](const down& d) { link->forget(d.who); });
    }
}

actor remote_proxy(context& self, std::shared_ptr<node_link> link, wire_address target) {
    // Out of the table when it ends (stopped, or the runtime going away).
    struct leave {
        node_link& link;
        const wire_address& target;
        address me;
        ~leave() { link.remove_proxy(target, me); }
    } on_end{*link, target, self.address()};
    const std::string subject = link->subjects.node_inbox(target.node, target.incarnation);
    const wire_registry& registry = wire_registry::global();
    msgpack::sbuffer buffer;
    for (;;) {
        detail::relayed m = co_await detail::relay::receive_any(self);
        if (m.is_ask()) {
            detail::relay::refuse_ask(self,
                                      "stands for a remote actor (asks across nodes are not built "
                                      "yet) and went on");
            continue;
        }
        const wire_registry::encoding* encoding = registry.find_encoder(m.type());
        if (encoding == nullptr) {
            link->not_serializable(m.type());
            continue;
        }
        std::optional<wire_address> from;
        if (const address sender = m.sender()) {
            if (std::optional<wire_address> remote = link->remote_of(sender)) {
                from = *remote;  // relayed from another node's actor: its own address
            } else {
                bool made = false;
                const std::uint64_t n = link->number_of(sender, made);
                if (made) self.send(link->gateway, export_watch{sender});
                from = wire_address{link->node, link->incarnation, n};
            }
        }
        buffer.clear();
        wire_packer p(buffer);
        detail::encode_header(p, encoding->name, from, 0, /*with_to=*/true);
        encoding->encode(p, m.raw());
        p.pack(target.actor);
        link->publish(subject, buffer.data(), buffer.size());
    }
}

}  // namespace coact
