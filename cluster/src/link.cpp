// cluster/src/link.cpp — the tables and the connection a node's actors share.
#include "link.hpp"

#include <cstdio>
#include <utility>
#include <vector>

#include "coact/detail/message/payload.hpp"
#include "coact/errors.hpp"
#include "coact/runtime.hpp"

namespace coact {

node_link::node_link(runtime& r, natsConnection* connection, cluster_subjects s, std::string n,
                     std::uint64_t i)
    : rt(r),
      subjects(std::move(s)),
      node(std::move(n)),
      incarnation(i),
      gate(std::make_shared<const proxy_gate>(node, natsConnection_GetMaxPayload(connection))),
      pools(*this, connection),
      connection_(connection) {}

std::uint64_t node_link::number_of(address a, bool& made) {
    const std::lock_guard lock(numbers_mutex_);
    const auto [it, added] = numbers_.try_emplace(a, next_number_);
    made = added;
    if (added) actors_.emplace(next_number_++, a);
    return it->second;
}

address node_link::actor_numbered(std::uint64_t n) const {
    const std::lock_guard lock(numbers_mutex_);
    const auto it = actors_.find(n);
    return it == actors_.end() ? address{} : it->second;
}

void node_link::forget(address a) {
    const std::lock_guard lock(numbers_mutex_);
    const auto it = numbers_.find(a);
    if (it == numbers_.end()) return;
    actors_.erase(it->second);
    numbers_.erase(it);
}

std::optional<address> node_link::proxy(const wire_address& w) const {
    const std::lock_guard lock(proxies_mutex_);
    const auto it = proxies_.find(key_of(w));
    if (it == proxies_.end()) return std::nullopt;
    return it->second;
}

std::optional<wire_address> node_link::remote_of(address a) const {
    const std::lock_guard lock(proxies_mutex_);
    const auto it = remotes_.find(a);
    if (it == remotes_.end()) return std::nullopt;
    return it->second;
}

void node_link::add_proxy(const wire_address& w, address p) {
    const std::lock_guard lock(proxies_mutex_);
    proxies_.try_emplace(key_of(w), p);  // the first stays: one proxy per remote actor
    remotes_.insert_or_assign(p, w);
}

void node_link::remove_proxy(const wire_address& w, address p) noexcept {
    const std::lock_guard lock(proxies_mutex_);
    if (const auto it = proxies_.find(key_of(w)); it != proxies_.end() && it->second == p) {
        proxies_.erase(it);
    }
    remotes_.erase(p);
}

std::vector<address> node_link::proxies() const {
    const std::lock_guard lock(proxies_mutex_);
    std::vector<address> all;
    all.reserve(remotes_.size());
    for (const auto& [p, w] : remotes_) all.push_back(p);
    return all;
}

void node_link::mark_lost(const std::string& n, std::uint64_t i) {
    const std::lock_guard lock(proxies_mutex_);
    lost_.emplace(n, i);
}

bool node_link::is_lost(const wire_address& w) const {
    const std::lock_guard lock(proxies_mutex_);
    return lost_.contains({w.node, w.incarnation});
}

std::uint64_t node_link::add_ask(pending_ask a) {
    const std::lock_guard lock(asks_mutex_);
    const std::uint64_t id = next_ask_++;
    asks_.emplace(id, std::move(a));
    return id;
}

std::optional<node_link::pending_ask> node_link::take_ask(std::uint64_t id) {
    const std::lock_guard lock(asks_mutex_);
    const auto it = asks_.find(id);
    if (it == asks_.end()) return std::nullopt;
    pending_ask a = std::move(it->second);
    asks_.erase(it);
    return a;
}

std::vector<node_link::pending_ask> node_link::take_asks_to(const std::string& n, std::uint64_t i) {
    const std::lock_guard lock(asks_mutex_);
    std::vector<pending_ask> gone;
    for (auto it = asks_.begin(); it != asks_.end();) {
        if (it->second.target.node == n && it->second.target.incarnation == i) {
            gone.push_back(std::move(it->second));
            it = asks_.erase(it);
        } else {
            ++it;
        }
    }
    return gone;
}

std::string node_link::reply_subject(std::uint64_t id) const {
    std::string s = subjects.replies(node, incarnation);  // "...r.<node>.<inc>.>"
    s.pop_back();
    return s + std::to_string(id);
}

node_link::outbound& node_link::stream_to(const wire_address& to) {
    const std::lock_guard order(sequence_mutex_);
    auto [it, made] = streams_.try_emplace({to.node, to.incarnation});
    if (made) it->second.subject = subjects.node_inbox(to.node, to.incarnation);
    return it->second;
}

bool node_link::send_to_node(const wire_address& to, msgpack::sbuffer& message, std::size_t seq_at,
                             const std::string& reply, bool counted) {
    return send_to_node(stream_to(to), message, seq_at, reply, counted);
}

bool node_link::send_to_node(outbound& to, msgpack::sbuffer& message, std::size_t seq_at,
                             const std::string& reply, bool counted) {
    const std::string& subject = to.subject;
    const std::lock_guard order(sequence_mutex_);
    detail::set_sequence(message, seq_at, ++to.last);
    const std::shared_lock lock(connection_mutex_);
    const bool ok =
        connection_ != nullptr &&
        (reply.empty() ? natsConnection_Publish(connection_, subject.c_str(), message.data(),
                                                static_cast<int>(message.size()))
                       : natsConnection_PublishRequest(
                             connection_, subject.c_str(), reply.c_str(), message.data(),
                             static_cast<int>(message.size()))) == NATS_OK;
    if (counted) (ok ? sent : dropped).fetch_add(1, std::memory_order_relaxed);
    return ok;
}

bool node_link::send_batch_to_node(outbound& to, const msgpack::sbuffer& items,
                                   const std::vector<std::size_t>& seq_at) {
    msgpack::sbuffer out;
    msgpack::packer<msgpack::sbuffer> p(out);
    p.pack_array(static_cast<std::uint32_t>(seq_at.size()));
    const std::size_t base = out.size();
    out.write(items.data(), items.size());
    const std::string& subject = to.subject;
    const std::lock_guard order(sequence_mutex_);
    for (const std::size_t at : seq_at) detail::set_sequence(out, base + at, ++to.last);
    const std::shared_lock lock(connection_mutex_);
    const bool ok =
        connection_ != nullptr && natsConnection_Publish(connection_, subject.c_str(), out.data(),
                                                         static_cast<int>(out.size())) == NATS_OK;
    (ok ? sent : dropped).fetch_add(seq_at.size(), std::memory_order_relaxed);
    return ok;
}

bool node_link::publish_request(const std::string& subject, const std::string& reply,
                                const char* data, std::size_t size) {
    const std::shared_lock lock(connection_mutex_);
    if (connection_ == nullptr ||
        natsConnection_PublishRequest(connection_, subject.c_str(), reply.c_str(), data,
                                      static_cast<int>(size)) != NATS_OK) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    sent.fetch_add(1, std::memory_order_relaxed);
    return true;
}

bool node_link::publish_control(const std::string& subject, const char* data, std::size_t size,
                                const char* reply) {
    const std::shared_lock lock(connection_mutex_);
    if (connection_ == nullptr) return false;
    const int n = static_cast<int>(size);
    return (reply != nullptr
                ? natsConnection_PublishRequest(connection_, subject.c_str(), reply, data, n)
                : natsConnection_Publish(connection_, subject.c_str(), data, n)) == NATS_OK;
}

bool node_link::publish(const std::string& subject, const char* data, std::size_t size) {
    const std::shared_lock lock(connection_mutex_);
    if (connection_ == nullptr || natsConnection_Publish(connection_, subject.c_str(), data,
                                                         static_cast<int>(size)) != NATS_OK) {
        dropped.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    sent.fetch_add(1, std::memory_order_relaxed);
    return true;
}

void node_link::close() noexcept {
    pools.close();
    const std::unique_lock lock(connection_mutex_);
    connection_ = nullptr;
}

bool node_link::open() const {
    const std::shared_lock lock(connection_mutex_);
    return connection_ != nullptr;
}

void node_link::not_serializable(const std::type_info& type) {
    unserializable.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock(said_mutex_);
    const char* name = detail::type_name(type);  // demangled
    if (said_.insert(name).second) {
        std::fprintf(stderr,
                     "coact::cluster: a message of type %s was sent to a remote actor, and that "
                     "type has no wire name (COACT_REMOTE): dropped, and counted in "
                     "remote_dropped; this is said once per type\n",
                     name);
    }
}

void node_link::bury(natsSubscription* s) noexcept {
    if (s == nullptr) return;
    try {
        const std::lock_guard lock(buried_mutex_);
        buried_.push_back(s);
    } catch (...) {  // out of memory: kept for good (a leak, not a crash)
    }
}

void node_link::destroy_buried() noexcept {
    std::vector<natsSubscription*> all;
    {
        const std::lock_guard lock(buried_mutex_);
        all.swap(buried_);
    }
    for (natsSubscription* s : all) natsSubscription_Destroy(s);
}

void node_link::hand_to_gateway(natsMsg* msg, std::optional<std::uint64_t> member,
                                const char* what) noexcept {
    try {
        const std::string_view bytes(natsMsg_GetData(msg),
                                     static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
        const char* reply = natsMsg_GetReply(msg);
        std::vector<wire_message> all;
        if (member) {  // NATS picked the member: the message names none
            all.push_back(decode_message(bytes));
            wire_message& m = all.front();
            if (m.to) throw wire_error("a message to a pool names a receiver (NATS picks it)");
            m.to = member;
            if (reply != nullptr && !pool_members::plain(reply)) m.reply = reply;
        } else {
            all = decode_messages(bytes);
            for (const wire_message& m : all) {
                if (!m.to) throw wire_error("a message to a node's inbox names no receiver");
            }
            if (reply != nullptr && all.size() != 1) {
                throw wire_error("a batch of messages with a reply subject (an ask goes alone)");
            }
            if (reply != nullptr) all.front().reply = reply;
        }
        rt.send(gateway, inbound{std::move(all)});
    } catch (const wire_error& e) {
        reject(what, e);
    } catch (...) {  // the runtime refused it (shutting down): as lost as a dropped message
        dropped.fetch_add(1, std::memory_order_relaxed);
    }
}

void node_link::reject(const char* what, const std::exception& e) noexcept {
    if (rejected.fetch_add(1, std::memory_order_relaxed) != 0) return;
    std::fprintf(stderr,
                 "coact::cluster: node '%s' rejected %s: %s (counted in remote_rejected; later "
                 "ones are not printed)\n",
                 node.c_str(), what, e.what());
}

void node_link::pool_without_members() {
    dropped.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock(said_mutex_);
    if (!said_.insert("(a pool without members)").second) return;
    std::fprintf(stderr,
                 "coact::cluster: a message to a pool found no member on any node (NATS: no "
                 "responders): dropped, and counted in remote_dropped; later ones are not "
                 "printed\n");
}

}  // namespace coact
