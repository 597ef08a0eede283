// cluster/src/link.cpp — the tables and the connection a node's actors share.
#include "link.hpp"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "coact/detail/message/payload.hpp"
#include "coact/errors.hpp"
#include "coact/runtime.hpp"

namespace coact {

namespace {

/// A remote send or receive in the runtime's trace, if it is traced (contract §7): the
/// subject and how many messages the NATS message carried.
void trace_remote(runtime& rt, detail::trace_kind kind, const char* subject,
                  std::size_t messages) noexcept {
    detail::core& k = detail_access::core_of(rt);
    if (k.trace == nullptr) [[likely]]
        return;
    detail::trace_text_event(*k.trace, kind, nullptr, 0, static_cast<std::uint32_t>(messages),
                             subject != nullptr ? subject : "");
}

}  // namespace

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

// Two locks keep the numbers in order on the wire: sequence_mutex_ numbers (and guards the
// queues), publish_mutex_ publishes. A publisher takes publish_mutex_ before it lets
// sequence_mutex_ go, so what is numbered first is published first, while the proxies may queue
// again during the publish itself (the system call of SendAsap).
bool node_link::send_to_node(outbound& to, msgpack::sbuffer& message, std::size_t seq_at,
                             const std::string& reply, bool counted) {
    const std::string& subject = to.subject;
    std::unique_lock order(sequence_mutex_);
    const std::lock_guard publishing(publish_mutex_);
    take_queued_locked();  // what was queued before it goes first
    detail::set_sequence(message, seq_at, ++to.last);
    order.unlock();
    publish_taken();
    const std::shared_lock lock(connection_mutex_);
    const bool ok =
        connection_ != nullptr &&
        (reply.empty() ? natsConnection_Publish(connection_, subject.c_str(), message.data(),
                                                static_cast<int>(message.size()))
                       : natsConnection_PublishRequest(
                             connection_, subject.c_str(), reply.c_str(), message.data(),
                             static_cast<int>(message.size()))) == NATS_OK;
    if (counted) {
        (ok ? sent : dropped).fetch_add(1, std::memory_order_relaxed);
        if (ok) published.fetch_add(1, std::memory_order_relaxed);
    }
    if (ok) trace_remote(rt, detail::trace_kind::remote_send, subject.c_str(), 1);
    return ok;
}

namespace {
// Room for a batch's array header in front of the queued messages: array 16 (0xdc and two
// bytes), which every msgpack reader takes for any count up to 65,535 (batch_limit is less).
constexpr std::size_t batch_header_room = 3;
}  // namespace

bool node_link::queue_for_node(outbound& to, const msgpack::sbuffer& items,
                               const std::vector<std::size_t>& seq_at, bool wake) {
    if (seq_at.empty()) return false;
    const std::size_t max_payload = gate->max_payload();
    const std::lock_guard order(sequence_mutex_);
    if (outbox_closed_) {  // the node has left: nothing goes out any more
        dropped.fetch_add(seq_at.size(), std::memory_order_relaxed);
        return false;
    }
    if (!to.queued_seq.empty() &&
        (to.queued_seq.size() + seq_at.size() > batch_limit ||
         (max_payload != 0 && to.queued.size() + items.size() > max_payload))) {
        // Full: what is queued goes now (rare: both locks held through the publish), and the
        // new ones start a queue anew.
        const std::lock_guard publishing(publish_mutex_);
        take_queued_locked();
        publish_taken();
    }
    if (to.queued_seq.empty()) {
        if (to.queued.size() == 0) to.queued.write("\0\0\0", batch_header_room);
        if (std::find(dirty_.begin(), dirty_.end(), &to) == dirty_.end()) dirty_.push_back(&to);
    }
    const std::size_t base = to.queued.size();
    to.queued.write(items.data(), items.size());
    for (const std::size_t at : seq_at) to.queued_seq.push_back(base + at);
    anything_queued_.store(true, std::memory_order_release);
    // Not woken when the caller publishes itself, or when a wake-up is on its way already.
    if (!wake || courier_wakes_ != 0) return false;
    ++courier_wakes_;
    return true;
}

void node_link::take_queued_locked() {
    for (outbound* o : dirty_) {
        for (const std::size_t at : o->queued_seq) detail::set_sequence(o->queued, at, ++o->last);
        std::swap(o->queued, o->sending);  // the queue starts anew in the buffer sent before
        o->sending_count = o->queued_seq.size();
        o->queued.clear();
        o->queued_seq.clear();
        taken_.push_back(o);
    }
    dirty_.clear();
    anything_queued_.store(false, std::memory_order_relaxed);
}

void node_link::publish_taken() {
    for (outbound* o : taken_) {
        const std::size_t n = o->sending_count;
        char* data = o->sending.data();
        std::size_t size = o->sending.size();
        if (n == 1) {  // one message goes alone, as it would without the outbox
            data += batch_header_room;
            size -= batch_header_room;
        } else {
            data[0] = static_cast<char>(0xdc);
            data[1] = static_cast<char>((n >> 8) & 0xff);
            data[2] = static_cast<char>(n & 0xff);
        }
        bool ok = false;
        {
            const std::shared_lock lock(connection_mutex_);
            ok = connection_ != nullptr &&
                 natsConnection_Publish(connection_, o->subject.c_str(), data,
                                        static_cast<int>(size)) == NATS_OK;
        }
        (ok ? sent : dropped).fetch_add(n, std::memory_order_relaxed);
        if (ok) published.fetch_add(1, std::memory_order_relaxed);
        if (ok) trace_remote(rt, detail::trace_kind::remote_send, o->subject.c_str(), n);
        o->sending.clear();
        o->sending_count = 0;
    }
    taken_.clear();
}

void node_link::publish_queued() {
    std::unique_lock order(sequence_mutex_);
    if (dirty_.empty()) return;
    const std::lock_guard publishing(publish_mutex_);
    take_queued_locked();
    order.unlock();
    publish_taken();
}

void node_link::publish_queued_if_any() {
    // A hint: a thread sees its own queueing; another thread's is not ordered with this
    // publish anyway (two senders' messages have no order between them).
    if (anything_queued_.load(std::memory_order_acquire)) publish_queued();
}

void node_link::courier_woken() {
    {
        const std::lock_guard order(sequence_mutex_);
        if (courier_wakes_ != 0) --courier_wakes_;
    }
    publish_queued();
}

bool node_link::courier_idle() {
    const std::lock_guard order(sequence_mutex_);
    return courier_wakes_ == 0;
}

bool node_link::publish_request(const std::string& subject, const std::string& reply,
                                const char* data, std::size_t size) {
    publish_queued_if_any();
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
    publish_queued_if_any();
    const std::shared_lock lock(connection_mutex_);
    if (connection_ == nullptr) return false;
    const int n = static_cast<int>(size);
    return (reply != nullptr
                ? natsConnection_PublishRequest(connection_, subject.c_str(), reply, data, n)
                : natsConnection_Publish(connection_, subject.c_str(), data, n)) == NATS_OK;
}

bool node_link::publish(const std::string& subject, const char* data, std::size_t size) {
    publish_queued_if_any();
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
    {
        const std::lock_guard order(sequence_mutex_);
        const std::lock_guard publishing(publish_mutex_);
        take_queued_locked();  // what the proxies queued goes out, and nothing after it
        publish_taken();
        outbox_closed_ = true;
    }
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
        trace_remote(rt, detail::trace_kind::remote_receive, natsMsg_GetSubject(msg), all.size());
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
