// cluster/src/link.hpp — what a node's gateway, its proxies and its NATS callbacks share
// (docs/design/cluster.md, "The message path"):
//   - numbers for the local actors other nodes may address (a message's `from`, a claimed
//     name's holder): a message to this node names its receiver by such a number, and only
//     actors in this table can be reached from outside;
//   - the proxies: one local actor per remote actor in use, by its wire address;
//   - publishing on the node's NATS connection, until the node leaves;
//   - the node's counters (net.stats()).
// Threads: the gateway's and the proxies' turns (any worker), cnats' delivery thread, the
// name watcher's thread. Every table is behind its mutex; the connection behind a shared mutex,
// so that leaving (close) waits for a publish under way and every later one is refused.
#pragma once

#include <atomic>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <tuple>
#include <typeinfo>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nats/nats.h>

#include "coact/address.hpp"
#include "coact/cluster/subjects.hpp"
#include "coact/cluster/wire_message.hpp"
#include "coact/detail/actor/relay.hpp"
#include "pool_members.hpp"
#include "proxy_gate.hpp"

namespace coact {

class runtime;

/// Messages to the gateway, from cnats' delivery thread, the name watcher, the proxies and the
/// publishers of shared topics.
struct inbound {
    // Decoded, each addressed to an actor of this node: one NATS message's worth (a batch, or
    // one message), handed over at once. Move-only (a std::vector claims to be copyable).
    explicit inbound(std::vector<wire_message> m) : messages(std::move(m)) {}
    inbound(inbound&&) = default;
    inbound& operator=(inbound&&) = default;
    inbound(const inbound&) = delete;
    inbound& operator=(const inbound&) = delete;
    ~inbound() = default;
    std::vector<wire_message> messages;
};
struct inbound_publication {  // from another node, to a shared topic
    std::string topic;
    std::unique_ptr<wire_message> message;
};
struct name_seen {
    std::string name;
    std::optional<wire_address> holder;  // none: the name was given back, or it is a pool's
    bool pool = false;                   // the name of a pool (its members are anywhere)
};
struct export_watch {
    address who;  // a local actor that was given a number: forget it when it ends
};

class node_link {
  public:
    node_link(runtime& rt, natsConnection* connection, cluster_subjects subjects, std::string node,
              std::uint64_t incarnation);

    runtime& rt;
    const cluster_subjects subjects;
    const std::string node;
    const std::uint64_t incarnation;
    address gateway;  // set once, before any message can arrive
    // What a send to one of this node's proxies refuses at once (proxy_gate.hpp); the runtime
    // keeps it after the node leaves (node_state::leave).
    const std::shared_ptr<const proxy_gate> gate;

    // --- numbers of local actors ---
    /// `a`'s number, made on first use (`made` tells whether it is new).
    std::uint64_t number_of(address a, bool& made);
    /// The actor with number `n`, or null (unknown, or forgotten when it ended).
    [[nodiscard]] address actor_numbered(std::uint64_t n) const;
    void forget(address a);

    // --- proxies ---
    [[nodiscard]] std::optional<address> proxy(const wire_address& w) const;
    /// The remote actor a local proxy stands for, if `a` is one.
    [[nodiscard]] std::optional<wire_address> remote_of(address a) const;
    void add_proxy(const wire_address& w, address p);
    void remove_proxy(const wire_address& w, address p) noexcept;
    /// Every proxy, for the node's leaving.
    [[nodiscard]] std::vector<address> proxies() const;
    /// A node incarnation is lost (liveness): a proxy for one of its actors ends as it starts.
    void mark_lost(const std::string& node, std::uint64_t incarnation);
    [[nodiscard]] bool is_lost(const wire_address& w) const;

    // --- asks waiting for a reply from another node ---
    struct pending_ask {
        detail::detached_ask ask;
        address proxy;        // the proxy it went through: the replier the asker sees
        wire_address target;  // the remote actor asked
    };
    /// Keeps `a` until its reply comes; its number goes into the reply subject.
    std::uint64_t add_ask(pending_ask a);
    [[nodiscard]] std::optional<pending_ask> take_ask(std::uint64_t id);
    /// Every ask waiting on a node incarnation (it is lost).
    [[nodiscard]] std::vector<pending_ask> take_asks_to(const std::string& node,
                                                        std::uint64_t incarnation);
    /// The subject the reply to ask `id` goes to.
    [[nodiscard]] std::string reply_subject(std::uint64_t id) const;

    // --- the connection ---
    /// False once the node has left, or when cnats refuses (counted as dropped).
    bool publish(const std::string& subject, const char* data, std::size_t size);
    /// A message to node `to.node` (incarnation `to.incarnation`), made with
    /// detail::encode_header_sequenced: its sequence number in the stream from this node to that
    /// one is set here, under one lock with the publish, so numbers go out in order (the receiver
    /// sees a gap when one is lost). `reply`: an ask's reply subject. `counted`: in
    /// remote_sent/remote_dropped (user messages), or not (control).
    bool send_to_node(const wire_address& to, msgpack::sbuffer& message, std::size_t seq_at,
                      const std::string& reply, bool counted);
    /// The stream to one node incarnation: its inbox subject, the last number sent, and what is
    /// queued for it (the outbox, below). Made on first use and kept (a proxy holds its own, so
    /// that a message costs no lookup and no subject string).
    struct outbound {
        std::string subject;
        std::uint64_t last = 0;  // under sequence_mutex_
        // Queued, not yet published, under sequence_mutex_: messages back to back after
        // batch_header_room bytes kept for the batch's array header, and the places of their
        // sequence numbers.
        msgpack::sbuffer queued;
        std::vector<std::size_t> queued_seq;
        // Numbered and being published, under publish_mutex_ (the queue's buffer before).
        msgpack::sbuffer sending;
        std::size_t sending_count = 0;
    };
    outbound& stream_to(const wire_address& to);
    /// Publishes what is queued for any node first, so that a message never overtakes one
    /// queued before it.
    bool send_to_node(outbound& to, msgpack::sbuffer& message, std::size_t seq_at,
                      const std::string& reply, bool counted);

    // --- the outbox: messages to other nodes, gathered over a round of the runtime ---
    // A proxy queues what it took in one turn; the courier (courier.cpp), woken by a timer of
    // no delay that fires once its worker has nothing else to run, publishes everything queued
    // for one node as one NATS message (a batch). So a hundred actors answering a hundred
    // remote ones in one round make one NATS message, not a hundred.
    /// Queues messages to one node: made with detail::encode_header_sequenced back to back in
    /// `items`, the places of their sequence numbers in `seq_at`. True: the caller must wake the
    /// courier (one wake-up more is counted in flight, which keeps the courier alive until it
    /// comes); never with `wake` false (the caller publishes the queue itself, at once). What
    /// would take the queue past the servers' max_payload or batch_limit messages publishes the
    /// queue first, here. After close(), nothing is queued: counted as dropped.
    bool queue_for_node(outbound& to, const msgpack::sbuffer& items,
                        const std::vector<std::size_t>& seq_at, bool wake = true);
    /// Publishes everything queued: one NATS message per node (a batch, or one message alone).
    void publish_queued();
    /// The courier's wake-up: one fewer in flight, and everything queued published.
    void courier_woken();
    /// No courier wake-up is in flight (the courier may end once the node has left).
    [[nodiscard]] bool courier_idle();
    /// At most this many messages in one NATS message.
    static constexpr std::size_t batch_limit = 1024;
    address courier;  // set once, at join
    /// Messages from other nodes found missing by their sequence numbers (the gateway).
    std::atomic<std::uint64_t> gaps{0};
    /// An ask: as publish, with the subject its reply goes to.
    bool publish_request(const std::string& subject, const std::string& reply, const char* data,
                         std::size_t size);
    /// A control message (coact.watch, coact.down): as publish, counted nowhere.
    /// With `reply`: a message handed on as it came (a pool's, to another member).
    bool publish_control(const std::string& subject, const char* data, std::size_t size,
                         const char* reply = nullptr);
    void close() noexcept;
    /// False once closed (the node is leaving).
    [[nodiscard]] bool open() const;
    /// Instead of natsSubscription_Destroy while the connection is open: cnats 3.4's read loop
    /// takes a subscription from its table and uses it after letting go of the table's lock,
    /// so a subscription destroyed meanwhile is freed memory it writes to (nats.c#637, fixed
    /// in 3.6; here one crash in about 60 loaded runs of names_test.cpp). Unsubscribed ones are
    /// kept until the connection is closed, then destroy_buried() frees them.
    void bury(natsSubscription* s) noexcept;
    /// After natsConnection_Close: the read loop has ended, the buried ones can go.
    void destroy_buried() noexcept;

    /// A message of a type with no wire name reached a proxy: counted, and said once per type.
    void not_serializable(const std::type_info& type);
    /// cnats' delivery thread: what `msg` carries, handed to the gateway in one rt.send. With
    /// `member` (a pool's), one message that names no receiver, for that member; else one
    /// message or a batch, each naming its receiver (a message to the node's inbox). What does
    /// not decode is rejected (`what` says where it came), never handed on; what the runtime
    /// refuses (shutting down) is counted as dropped.
    void hand_to_gateway(natsMsg* msg, std::optional<std::uint64_t> member,
                         const char* what) noexcept;
    /// A message from NATS that `e` says is bad (`what`: "a reply", ...): counted in
    /// remote_rejected, and said on stderr the first time the node rejects anything.
    void reject(const char* what, const std::exception& e) noexcept;
    /// A plain message to a pool found no member (NATS's "no responders"): counted as dropped,
    /// said once.
    void pool_without_members();

    /// This node's members of pools (closed with the link).
    pool_members pools;

    std::atomic<std::uint64_t> sent{0};
    std::atomic<std::uint64_t> published{
        0};  // NATS messages that carried `sent` (batches count once)
    std::atomic<std::uint64_t> received{0};
    std::atomic<std::uint64_t> rejected{0};
    std::atomic<std::uint64_t> dropped{0};
    std::atomic<std::uint64_t> unknown_receiver{0};  // to a number no actor has (now)
    std::atomic<std::uint64_t> unserializable{0};

  private:
    using key = std::tuple<std::string, std::uint64_t, std::uint64_t>;
    static key key_of(const wire_address& w) { return {w.node, w.incarnation, w.actor}; }

    mutable std::mutex numbers_mutex_;
    std::unordered_map<address, std::uint64_t> numbers_;
    std::unordered_map<std::uint64_t, address> actors_;
    std::uint64_t next_number_ = 1;

    mutable std::mutex proxies_mutex_;
    std::map<key, address> proxies_;
    std::unordered_map<address, wire_address> remotes_;
    std::set<std::pair<std::string, std::uint64_t>> lost_;

    // Numbering messages to node inboxes and queueing them (link.cpp: how the two locks keep
    // the numbers in order on the wire). Always taken before publish_mutex_.
    std::mutex sequence_mutex_;
    std::map<std::pair<std::string, std::uint64_t>, outbound> streams_;  // nodes never leave it
    std::vector<outbound*> dirty_;     // streams with messages queued, under sequence_mutex_
    std::uint64_t courier_wakes_ = 0;  // in flight, under sequence_mutex_
    bool outbox_closed_ = false;       // under sequence_mutex_
    std::atomic<bool> anything_queued_{false};  // dirty_ is not empty (a hint, read unlocked)
    // Publishing numbered messages to node inboxes, in the order they were numbered.
    std::mutex publish_mutex_;
    std::vector<outbound*> taken_;  // numbered, to publish, under publish_mutex_
    /// Under both locks: numbers what is queued and moves it to the streams' `sending`.
    void take_queued_locked();
    /// Under publish_mutex_: publishes what take_queued_locked took, one NATS message a stream.
    void publish_taken();
    /// Publishes what is queued, if anything (the other publishing paths call it first).
    void publish_queued_if_any();

    std::mutex asks_mutex_;
    std::unordered_map<std::uint64_t, pending_ask> asks_;
    std::uint64_t next_ask_ = 1;

    mutable std::shared_mutex connection_mutex_;
    natsConnection* connection_;

    std::mutex buried_mutex_;
    std::vector<natsSubscription*> buried_;

    std::mutex said_mutex_;
    std::unordered_set<std::string> said_;
};

}  // namespace coact
