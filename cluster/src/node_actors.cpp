// cluster/src/node_actors.cpp — a node's gateway and its proxies.
#include "node_actors.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "coact/cluster/wire_registry.hpp"
#include "coact/coact.hpp"
#include "coact/detail/actor/relay.hpp"
#include "control.hpp"

namespace coact {

namespace {

/// The proxy for `w`: the one there is, or a new one.
address proxy_for(context& self, const std::shared_ptr<node_link>& link, const wire_address& w) {
    if (std::optional<address> p = link->proxy(w)) return *p;
    const address p =
        detail::relay::spawn_gated(self, spawn_options{}, link->gate.get(), remote_proxy, link, w);
    link->add_proxy(w, p);
    return link->proxy(w).value_or(p);
}

/// The gateway's own state: which local actors other nodes watch (through their proxies).
struct watch_table {
    struct watched {
        std::uint64_t number = 0;      // its number here
        std::vector<wire_address> by;  // the proxies watching it
    };
    std::unordered_map<address, watched> watched;
    std::unordered_set<address> monitored;  // the gateway monitors each once
    // The proxies standing for another node's cluster names, which the gateway made and
    // monitors: one cut off by lost messages is made again (named_proxy_ended).
    struct named_proxy {
        std::string name;
        wire_address holder;
    };
    std::unordered_map<address, named_proxy> named_proxies;
    std::unordered_map<std::string, wire_address> held;  // each cluster name's holder now
    // The last sequence number received from each node incarnation.
    std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> received_seq;
};

void refuse_remote(node_link& link, const std::string& reply, std::string why) {
    msgpack::sbuffer out;
    encode_message(out, control::refusal{std::move(why)},
                   wire_address{link.node, link.incarnation, 0});
    link.publish_control(reply, out.data(), out.size());
}

/// What came to the reply subject of an ask this node's proxy sent on.
void answered(context& self, const std::shared_ptr<node_link>& link, control::ask_answered& a) {
    std::optional<node_link::pending_ask> p = link->take_ask(a.id);
    if (!p) return;  // answered twice, or refused already (its node was lost)
    if (!a.message) {
        detail::relay::refuse_detached(
            self, p->ask, p->proxy,
            "coact::no_reply: nobody on node '" + p->target.node +
                "' could take the ask (no responders: that node has left or crashed)");
        return;
    }
    wire_message& m = *a.message;
    if (const auto* r = m.body->get<control::refusal>()) {
        detail::relay::refuse_detached(self, p->ask, p->proxy, r->what);
        return;
    }
    std::move(*m.body).answer(self, p->ask, p->proxy);
    link->received.fetch_add(1, std::memory_order_relaxed);
}

/// A control message to actor `to` of another node, numbered in the stream to that node.
template <class T>
void send_control(node_link& link, const wire_address& to, const T& body,
                  const wire_address& from) {
    msgpack::sbuffer out;
    wire_packer p(out);
    static const std::string name = remote<T>::name();
    const std::size_t at = detail::encode_header_sequenced(p, out, name, from);
    remote<T>::encode(p, body);
    p.pack(to.actor);
    link.send_to_node(to, out, at, {}, /*counted=*/false);
}

void monitor_once(context& self, watch_table& t, address a) {
    if (t.monitored.insert(a).second) self.monitor(a);
}

/// coact.watch from a proxy on another node: tell it when actor number `to` ends.
void watch(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
           const wire_message& m, const control::watch& w) {
    if (!m.from) return;  // a watch from outside any actor: nobody to tell
    const wire_address me{link->node, link->incarnation, *m.to};
    const address target = link->actor_numbered(*m.to);
    if (!target) {
        if (w.on) send_control(*link, *m.from, control::down{"no_actor", {}, "no actor"}, me);
        return;
    }
    auto& entry = t.watched[target];
    entry.number = *m.to;
    if (w.on) {
        entry.by.push_back(*m.from);
        monitor_once(self, t, target);  // ended meanwhile: the down (no_actor) tells them
    } else {
        std::erase(entry.by, *m.from);
    }
}

/// A local actor other nodes watched or addressed has ended.
void ended(const std::shared_ptr<node_link>& link, watch_table& t, const down& d) {
    t.monitored.erase(d.who);
    link->pools.left(d.who);  // a pool member: NATS hands its pool's messages to the others
    link->forget(d.who);
    const auto it = t.watched.find(d.who);
    if (it == t.watched.end()) return;
    const control::down body = control::down_of(d.reason);
    const wire_address me{link->node, link->incarnation, it->second.number};
    for (const wire_address& proxy : it->second.by) send_control(*link, proxy, body, me);
    t.watched.erase(it);
}

/// Everything between this node and node incarnation (node, incarnation) ends with `reason`
/// (noconnection): its proxies here, the asks waiting on it, what it watched here.
void cut(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
         const std::string& node, std::uint64_t incarnation, const exit_reason& reason) {
    for (const address p : link->proxies()) {
        const std::optional<wire_address> w = link->remote_of(p);
        if (w && w->node == node && w->incarnation == incarnation) {
            self.send(p, control::remote_ended{reason});
        }
    }
    for (const node_link::pending_ask& p : link->take_asks_to(node, incarnation)) {
        detail::relay::refuse_detached(self, p.ask, p.proxy, "coact::no_reply: " + reason.what());
    }
    for (auto& [a, entry] : t.watched) {
        std::erase_if(entry.by, [&](const wire_address& w) {
            return w.node == node && w.incarnation == incarnation;
        });
    }
}

/// A node is lost: everything between the two ends, and it stays lost.
void lost(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
          const control::node_lost& n) {
    link->mark_lost(n.node, n.incarnation);
    cut(self, link, t, n.node, n.incarnation, control::lost_reason(n.node, n.incarnation, n.why));
}

/// Sequence numbers of the stream from a node: false when messages are missing before `m`
/// (counted; everything between the two nodes has then ended, on both sides). Duplicates or
/// older numbers are dropped (at most once).
bool in_sequence(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
                 const wire_message& m, bool& duplicate) {
    duplicate = false;
    if (m.seq == 0 || !m.from) return true;  // from outside coact (another language's client)
    std::uint64_t& last = t.received_seq[{m.from->node, m.from->incarnation}];
    if (m.seq <= last) {
        duplicate = true;
        return true;
    }
    const std::uint64_t missing = m.seq - last - 1;
    last = m.seq;
    if (missing == 0) return true;
    link->gaps.fetch_add(missing, std::memory_order_relaxed);
    const std::string why = std::to_string(missing) + " message" + (missing == 1 ? "" : "s") +
                            " from it never arrived (its sequence went from " +
                            std::to_string(m.seq - missing - 1) + " to " + std::to_string(m.seq) +
                            ")";
    cut(self, link, t, m.from->node, m.from->incarnation,
        control::cut_reason(m.from->node, m.from->incarnation, why));
    // The other side ends everything between the two as well.
    send_control(*link, wire_address{m.from->node, m.from->incarnation, 0},
                 control::gap_notice{missing}, wire_address{link->node, link->incarnation, 0});
    return false;
}

void deliver(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
             wire_message& m) {
    bool duplicate = false;
    static_cast<void>(in_sequence(self, link, t, m, duplicate));  // a gap: the message still counts
    if (duplicate) {
        link->rejected.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    const std::type_info& type = m.body->type();
    if (type == typeid(control::gap_notice)) {  // the other side found our messages missing
        if (!m.from) {                          // not from a coact node: nothing to cut
            link->rejected.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        const std::uint64_t missing = m.body->get<control::gap_notice>()->missing;
        cut(self, link, t, m.from->node, m.from->incarnation,
            control::cut_reason(m.from->node, m.from->incarnation,
                                std::to_string(missing) + " message" + (missing == 1 ? "" : "s") +
                                    " to it never arrived"));
        return;
    }
    if (type == typeid(control::watch)) {
        watch(self, link, t, m, *m.body->get<control::watch>());
        return;
    }
    if (type == typeid(control::stop_order)) {  // a proxy on another node was stopped
        if (const address target = link->actor_numbered(*m.to)) self.stop(target);
        return;
    }
    if (type == typeid(control::down)) {  // to one of this node's proxies
        const address proxy = link->actor_numbered(*m.to);
        // Only a proxy ends this way: a down naming any other actor is a peer's mistake.
        if (proxy && m.from && link->remote_of(proxy)) {
            self.send(proxy, control::remote_ended{
                                 control::reason_of(*m.body->get<control::down>(), *m.from)});
        }
        return;
    }
    const address to = link->actor_numbered(*m.to);
    if (!to) {  // an actor that has ended (its number forgotten), or a number never given out
        link->unknown_receiver.fetch_add(1, std::memory_order_relaxed);
        if (!m.reply.empty()) {
            refuse_remote(*link, m.reply,
                          "coact::no_reply: actor #" + std::to_string(*m.to) + " of node '" +
                              link->node + "' has ended (or never was)");
        }
        return;
    }
    if (!m.reply.empty()) {  // an ask: a responder asks the actor here and sends the reply back
        self.spawn(ask_responder, link, std::move(m.body), to, std::move(m.reply));
        link->received.fetch_add(1, std::memory_order_relaxed);
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

/// A publication from another node: to the local subscribers, from the publisher's proxy.
void publication(context& self, const std::shared_ptr<node_link>& link, inbound_publication& in) {
    wire_message& m = *in.message;
    address from;
    if (m.from && m.from->actor != 0) from = proxy_for(self, link, *m.from);
    std::move(*m.body).publish_as(self, from, in.topic);
    link->received.fetch_add(1, std::memory_order_relaxed);
}

/// Makes the proxy standing for `name`, held by `holder`, and follows its end.
void make_named_proxy(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
                      const std::string& name, const wire_address& holder) {
    try {
        const address p = detail::relay::spawn_gated(self, spawn_options{.name = name},
                                                     link->gate.get(), remote_proxy, link, holder);
        link->add_proxy(holder, p);
        t.named_proxies.insert_or_assign(p, watch_table::named_proxy{name, holder});
        self.monitor(p);
    } catch (const name_taken&) {  // a local actor took the name meanwhile: it is seen first
    }
}

/// A proxy standing for a cluster name has ended. If lost messages cut it off (noconnection,
/// its node alive, this node not leaving), the name still names that live actor: a new proxy
/// stands for it, so that sends by name reach it again. (The old address stays dead: its
/// monitors heard noconnection.) Ended for any other reason, the name goes with it.
void named_proxy_ended(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
                       const down& d) {
    const auto it = t.named_proxies.find(d.who);
    if (it == t.named_proxies.end()) return;
    const watch_table::named_proxy np = std::move(it->second);
    t.named_proxies.erase(it);
    if (d.reason.kind != exit_kind::noconnection || link->is_lost(np.holder) || !link->open())
        return;
    const auto held = t.held.find(np.name);  // not given back meanwhile
    if (held == t.held.end() || !(held->second == np.holder)) return;
    if (self.runtime().try_lookup(np.name)) return;  // a local actor, or made already
    make_named_proxy(self, link, t, np.name, np.holder);
}

void name_changed(context& self, const std::shared_ptr<node_link>& link, watch_table& t,
                  const name_seen& n) {
    // Given back: nothing to do here. The proxy standing for the name mirrors its actor, so it
    // ends, taking the name with it, when the down of the actor or the loss of its node comes
    // (stopping it now would tell its monitors `closed` instead of the actor's real end).
    if (n.pool) {  // every node has a proxy for a pool, also one with members of it
        if (self.runtime().try_lookup(n.name)) return;  // made already, or a local actor's name
        try {
            detail::relay::spawn_gated(self, spawn_options{.name = n.name}, link->gate.get(),
                                       pool_proxy, link, n.name);
        } catch (const name_taken&) {  // a local actor took the name meanwhile
        }
        return;
    }
    if (!n.holder) {
        t.held.erase(n.name);
        return;
    }
    t.held.insert_or_assign(n.name, *n.holder);
    const address here = self.runtime().try_lookup(n.name);
    if (n.holder->node == link->node && n.holder->incarnation == link->incarnation) return;
    if (here) {
        // Already a proxy for that holder, or a local actor of that name: nothing to make.
        return;
    }
    make_named_proxy(self, link, t, n.name, *n.holder);
}

}  // namespace

std::optional<wire_address> wire_sender(context& self, node_link& link, address sender) {
    if (!sender) return std::nullopt;
    if (std::optional<wire_address> remote = link.remote_of(sender)) {
        return remote;  // relayed from another node's actor: its own address
    }
    bool made = false;
    const std::uint64_t n = link.number_of(sender, made);
    if (made) self.send(link.gateway, export_watch{sender});
    return wire_address{link.node, link.incarnation, n};
}

actor node_gateway(context& self, std::shared_ptr<node_link> link) {
    watch_table t;
    for (;;) {
        co_await self.receive(
            [&](inbound in) {
                for (wire_message& m : in.messages) deliver(self, link, t, m);
            },
            [&](inbound_publication p) { publication(self, link, p); },
            [&](const name_seen& n) { name_changed(self, link, t, n); },
            [&](const export_watch& w) { monitor_once(self, t, w.who); },
            [&](const control::node_lost& n) { lost(self, link, t, n); },
            [&](control::ask_answered a) { answered(self, link, a); },
            [&](const down& d) {
                named_proxy_ended(self, link, t, d);
                ended(link, t, d);
            });
    }
}

actor ask_responder(context& self, std::shared_ptr<node_link> link,
                    std::unique_ptr<remote_value> question, address to, std::string reply) {
    detail::relayed answer = co_await std::move(*question).ask_from(self, to);
    const wire_address me{link->node, link->incarnation, 0};
    if (answer.is_no_reply()) {
        refuse_remote(*link, reply, answer.view<std::string>());
        co_return;
    }
    const wire_registry::encoding* encoding = wire_registry::global().find_encoder(answer.type());
    if (encoding == nullptr) {
        link->unserializable.fetch_add(1, std::memory_order_relaxed);
        refuse_remote(*link, reply,
                      std::string("coact::no_reply: the reply is of type ") +
                          detail::type_name(answer.type()) +
                          ", which has no wire name (COACT_REMOTE)");
        co_return;
    }
    msgpack::sbuffer out;
    wire_packer p(out);
    detail::encode_header(p, encoding->name, me, 0);
    encoding->encode(p, answer.raw());
    link->publish(reply, out.data(), out.size());
}

actor remote_proxy(context& self, std::shared_ptr<node_link> link, wire_address target) {
    // Out of the table when it ends (stopped, its remote actor ended, or the runtime going away).
    struct leave {
        node_link& link;
        const wire_address& target;
        address me;
        ~leave() { link.remove_proxy(target, me); }
    } on_end{*link, target, self.address()};
    if (link->is_lost(target)) {  // its node was lost before this proxy was made
        detail::relay::end_as(
            self, control::lost_reason(target.node, target.incarnation, "it was lost before"));
        co_return;
    }
    if (detail::relay::stop_pending(self)) {
        // Stopped before its first turn (a gated relay runs anyway: relay.hpp): the remote actor
        // is stopped too, and there is nothing to watch. By the node leaving: the link is closed
        // already and nothing goes out.
        send_control(*link, target, control::stop_order{},
                     wire_address{link->node, link->incarnation, 0});
        static_cast<void>(co_await detail::relay::receive_any(self));  // throws generator_exit
    }
    // This proxy mirrors its remote actor's life: it asks the remote node to tell it of the end.
    bool made = false;
    const wire_address me{link->node, link->incarnation, link->number_of(self.address(), made)};
    if (made) self.send(link->gateway, export_watch{self.address()});
    send_control(*link, target, control::watch{true}, me);

    const wire_registry& registry = wire_registry::global();
    msgpack::sbuffer buffer;
    // Plain messages taken in one turn go together into the node's outbox (link.hpp), up to
    // batch_limit of them and the servers' max_payload: queued when the mailbox is empty, before
    // this proxy would wait. The courier publishes what the round's proxies queued for one node
    // as one NATS message.
    constexpr std::size_t batch_limit = 64;
    constexpr std::size_t batch_header = 5;  // a msgpack array header, at most
    const std::size_t max_payload = link->gate->max_payload();
    msgpack::sbuffer batch;
    std::vector<std::size_t> batch_seq;
    node_link::outbound& stream = link->stream_to(target);  // the subject and numbering, once
    const auto queue = [&] {
        if (link->queue_for_node(stream, batch, batch_seq))
            self.send_after(std::chrono::nanoseconds(0), link->courier, courier_call{});
        batch.clear();
        batch_seq.clear();
    };
    const auto flush = [&] {  // before this proxy ends: published now, no courier
        static_cast<void>(link->queue_for_node(stream, batch, batch_seq, /*wake=*/false));
        link->publish_queued();
        batch.clear();
        batch_seq.clear();
    };
    for (;;) {
        if (!batch_seq.empty() && !detail::relay::has_message(self)) queue();
        std::optional<detail::relayed> next;
        try {
            next.emplace(co_await detail::relay::receive_any(self));
        } catch (const generator_exit&) {
            // Stopped: by a user (self.stop(proxy), rt.stop), so the remote actor is stopped
            // too; by the node leaving, the link is closed already and nothing goes out.
            flush();
            send_control(*link, target, control::stop_order{}, me);
            throw;
        }
        detail::relayed& m = *next;
        if (m.type() == typeid(control::remote_ended)) {  // from the gateway
            flush();
            detail::relay::end_as(self, m.view<control::remote_ended>().reason);
            co_return;
        }
        const wire_registry::encoding* encoding = registry.find_encoder(m.type());
        if (encoding == nullptr) {
            if (m.is_ask()) {
                link->unserializable.fetch_add(1, std::memory_order_relaxed);
                detail::relay::refuse_ask(
                    self, (std::string("stands for a remote actor; the ask's type, ") +
                           detail::type_name(m.type()) + ", has no wire name (COACT_REMOTE), and")
                              .c_str());
            } else {
                link->not_serializable(m.type());
            }
            continue;
        }
        std::string reply;  // an ask: its reply comes to this node's reply subject, numbered
        if (m.is_ask()) {
            const std::uint64_t id =
                link->add_ask({detail::relay::detach_ask(self), self.address(), target});
            reply = link->reply_subject(id);
        }
        const std::optional<wire_address> from = wire_sender(self, *link, m.sender());
        if (!reply.empty()) {  // an ask goes alone: its reply subject is the NATS message's
            queue();           // and after what is queued (send_to_node publishes that first)
            buffer.clear();
            wire_packer p(buffer);
            const std::size_t seq_at =
                detail::encode_header_sequenced(p, buffer, encoding->name, from);
            encoding->encode(p, m.raw());
            p.pack(target.actor);
            link->send_to_node(stream, buffer, seq_at, reply, /*counted=*/true);
            continue;
        }
        const std::size_t mark = batch.size();
        wire_packer p(batch);
        const std::size_t seq_at = detail::encode_header_sequenced(p, batch, encoding->name, from);
        encoding->encode(p, m.raw());
        p.pack(target.actor);
        if (max_payload != 0 && !batch_seq.empty() && batch.size() + batch_header > max_payload) {
            // A batch stays one NATS message the servers take: this message would take it over,
            // so the batch before it goes first (the gate let only messages that fit alone pass).
            msgpack::sbuffer last;
            last.write(batch.data() + mark, batch.size() - mark);
            msgpack::sbuffer before;
            before.write(batch.data(), mark);
            batch = std::move(before);
            queue();
            batch.write(last.data(), last.size());
            batch_seq.push_back(seq_at - mark);
        } else {
            batch_seq.push_back(seq_at);
        }
        if (batch_seq.size() >= batch_limit) queue();
    }
}

}  // namespace coact
