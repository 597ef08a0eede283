// cluster/src/node.cpp — joining and leaving: the NATS connection of a coact node.
//
// The connection is made with the settings cluster.md measured: SendAsap (cnats' flusher would
// otherwise wait up to 1 ms to batch writes: a 1 ms floor under every round trip), and global
// message delivery on a pool of one thread (a thread per subscription reorders interleaved
// streams). Reconnecting is cnats' own: it resubscribes and resends its buffer; the node counts
// the losses and the returns.
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "coact/cluster/wire_registry.hpp"
#include "coact/runtime.hpp"
#include "control.hpp"
#include "nats_status.hpp"
#include "node_actors.hpp"
#include "node_state.hpp"

namespace coact {

namespace {

constexpr int inbox_pending_bytes = 512 * 1024 * 1024;

std::string joined(const std::vector<std::string>& servers) {
    std::string all;
    for (const std::string& s : servers) {
        if (!all.empty()) all += ", ";
        all += s;
    }
    return all;
}

/// "<host name>-<process id>", with what NATS would misread replaced by '-'.
std::string default_node_name() {
    std::array<char, 256> host{};
    if (gethostname(host.data(), host.size() - 1) != 0) host = {'h', 'o', 's', 't'};
    std::string name = std::string(host.data()) + "-" + std::to_string(getpid());
    for (char& c : name) {
        const bool fine = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!fine) c = '-';
    }
    return name;
}

/// Random, never 0, below 2^53 (a JavaScript number holds it exactly).
std::uint64_t new_incarnation() {
    std::random_device entropy;
    std::uint64_t n = 0;
    while (n == 0) {
        n = ((static_cast<std::uint64_t>(entropy()) << 32U) | entropy()) & ((1ULL << 53U) - 1);
    }
    return n;
}

void open_library() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (const natsStatus s = nats_Open(-1); s != NATS_OK) {
            throw cluster_error("coact::cluster: cannot start the NATS client library: " +
                                nats_reason(s));
        }
        // Global delivery on one thread: the messages of every subscription in arrival order.
        static_cast<void>(nats_SetMessageDeliveryPoolSize(1));
    });
}

struct options_guard {
    natsOptions* opts = nullptr;
    ~options_guard() { natsOptions_Destroy(opts); }
};

void check(natsStatus s, const std::string& what) {
    if (s != NATS_OK) throw cluster_error("coact::cluster: " + what + ": " + nats_reason(s));
}

void on_disconnected(natsConnection* /*nc*/, void* closure) {
    auto* state = static_cast<cluster::node_state*>(closure);
    state->disconnects.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock(state->closing);
    if (state->live != nullptr) state->live->connection_lost();
}

void on_reconnected(natsConnection* /*nc*/, void* closure) {
    auto* state = static_cast<cluster::node_state*>(closure);
    state->reconnects.fetch_add(1, std::memory_order_relaxed);
    const std::lock_guard lock(state->closing);
    if (state->live != nullptr) state->live->connection_back();
}

/// cnats' delivery thread: a message on the node's inbox, handed to the gateway.
void on_inbox(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg, void* closure) {
    static_cast<cluster::node_state*>(closure)->link->hand_to_gateway(msg, std::nullopt,
                                                                      "a message on its inbox");
    natsMsg_Destroy(msg);
}

/// cnats' delivery thread: the reply to an ask this node sent on, on <replies>.<id>; or NATS's
/// "no responders" there, when nobody subscribed to the asked node's inbox.
void on_reply(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg, void* closure) {
    auto* state = static_cast<cluster::node_state*>(closure);
    node_link& link = *state->link;
    try {
        const std::string_view subject = natsMsg_GetSubject(msg);
        control::ask_answered a;
        const std::string_view id = subject.substr(subject.rfind('.') + 1);
        const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), a.id);
        if (ec != std::errc() || end != id.data() + id.size()) {
            throw wire_error("a reply on '" + std::string(subject) + "', which names no ask");
        }
        if (a.id == 0) {  // the mark of a plain message to a pool: only "no member" comes here
            if (!natsMsg_IsNoResponders(msg)) {
                throw wire_error("a reply to a plain message to a pool, which asks for none");
            }
            link.pool_without_members();
            natsMsg_Destroy(msg);
            return;
        }
        if (!natsMsg_IsNoResponders(msg)) {
            a.message = std::make_unique<wire_message>(decode_message(std::string_view(
                natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)))));
        }
        link.rt.send(link.gateway, std::move(a));
    } catch (const wire_error& e) {
        link.reject("a reply", e);
    } catch (...) {
        link.dropped.fetch_add(1, std::memory_order_relaxed);
    }
    natsMsg_Destroy(msg);
}

void on_replies_done(void* closure) {
    auto* state = static_cast<cluster::node_state*>(closure);
    const std::lock_guard lock(state->closing);
    state->replies_done = true;
    state->inbox_done_cv.notify_all();
}

void on_inbox_done(void* closure) {
    auto* state = static_cast<cluster::node_state*>(closure);
    const std::lock_guard lock(state->closing);
    state->inbox_done = true;
    state->inbox_done_cv.notify_all();
}

void on_closed(natsConnection* /*nc*/, void* closure) {
    auto* state = static_cast<cluster::node_state*>(closure);
    const std::lock_guard lock(state->closing);
    state->closed = true;
    state->closed_cv.notify_all();
}

}  // namespace

cluster::node_state::node_state(runtime& r, cluster_options o,
                                std::function<void(const std::string&)> expelled)
    : rt(r),
      options(std::move(o)),
      subjects(options.cluster),
      node(options.node.empty() ? default_node_name() : options.node),
      incarnation(new_incarnation()) {
    check_segment("node name", node);
    if (options.servers.empty()) throw cluster_error("coact::cluster: no server to join");
    if (options.heartbeat_interval <= std::chrono::milliseconds(0) ||
        options.node_timeout <= options.heartbeat_interval) {
        throw cluster_error(
            "coact::cluster: the failure detection timings need heartbeat_interval > 0 and "
            "node_timeout > heartbeat_interval (they are " +
            std::to_string(options.heartbeat_interval.count()) + " ms and " +
            std::to_string(options.node_timeout.count()) + " ms)");
    }
    if (const std::vector<std::string> conflicts = wire_registry::global().conflicts();
        !conflicts.empty()) {
        throw cluster_error("coact::cluster: two types under one wire name: " + conflicts.front());
    }
    open_library();

    options_guard g;
    check(natsOptions_Create(&g.opts), "cannot make the connection's options");
    std::vector<const char*> urls;
    urls.reserve(options.servers.size());
    for (const std::string& s : options.servers) urls.push_back(s.c_str());
    check(natsOptions_SetServers(g.opts, urls.data(), static_cast<int>(urls.size())),
          "bad server list '" + joined(options.servers) + "'");
    check(natsOptions_SetNoRandomize(g.opts, !options.randomize_servers), "server order");
    // "<cluster>.<node>": the name the servers' disconnect advisories give (liveness.cpp).
    const std::string connection_name = options.cluster + "." + node;
    check(natsOptions_SetName(g.opts, connection_name.c_str()), "bad node name");
    check(natsOptions_SetTimeout(g.opts, options.connect_timeout.count()), "bad connect timeout");
    check(natsOptions_SetSendAsap(g.opts, true), "cannot set SendAsap");
    check(natsOptions_UseGlobalMessageDelivery(g.opts, true), "cannot use global delivery");
    check(natsOptions_SetDisconnectedCB(g.opts, on_disconnected, this), "callbacks");
    check(natsOptions_SetReconnectedCB(g.opts, on_reconnected, this), "callbacks");
    check(natsOptions_SetClosedCB(g.opts, on_closed, this), "callbacks");
    // Keep trying while the servers come back (a restart), until the node leaves.
    check(natsOptions_SetMaxReconnect(g.opts, -1), "reconnects");
    check(natsOptions_SetReconnectWait(g.opts, 100), "reconnect wait");

    const cluster_credentials& c = options.credentials;
    if (!c.creds_file.empty()) {
        check(natsOptions_SetUserCredentialsFromFiles(g.opts, c.creds_file.c_str(), nullptr),
              "credentials file '" + c.creds_file + "'");
    }
    if (!c.nkey_seed_file.empty()) {
        check(natsOptions_SetNKeyFromSeed(g.opts, c.nkey_public.c_str(), c.nkey_seed_file.c_str()),
              "NKey seed file '" + c.nkey_seed_file + "'");
    }
    if (!c.user.empty()) {
        check(natsOptions_SetUserInfo(g.opts, c.user.c_str(), c.password.c_str()), "user");
    }
    if (!c.token.empty()) check(natsOptions_SetToken(g.opts, c.token.c_str()), "token");
    const cluster_tls& t = options.tls;
    if (!t.ca_file.empty() || !t.cert_file.empty()) {
        check(natsOptions_SetSecure(g.opts, true), "TLS");
    }
    if (!t.ca_file.empty()) {
        check(natsOptions_LoadCATrustedCertificates(g.opts, t.ca_file.c_str()),
              "TLS CA file '" + t.ca_file + "'");
    }
    if (!t.cert_file.empty()) {
        check(natsOptions_LoadCertificatesChain(g.opts, t.cert_file.c_str(), t.key_file.c_str()),
              "TLS certificate '" + t.cert_file + "' or key '" + t.key_file + "'");
    }

    if (const natsStatus s = natsConnection_Connect(&connection, g.opts); s != NATS_OK) {
        connection = nullptr;
        throw cluster_error("coact::cluster: cannot join cluster '" + options.cluster + "' at " +
                            joined(options.servers) + ": " + nats_reason(s));
    }
    try {
        link = std::make_shared<node_link>(rt, connection, subjects, node, incarnation);
        names = std::make_unique<cluster_names>(connection, options.cluster, link);
        detail::name_claims* none = nullptr;
        if (!detail_access::core_of(rt).claims.compare_exchange_strong(none, names.get())) {
            names.reset();  // not installed: leave() must not take another node's claims out
            throw cluster_error(
                "coact::cluster: this runtime has joined a cluster already (one "
                "coact::cluster per runtime)");
        }
        link->gateway = rt.spawn(node_gateway, link);
        link->courier = rt.spawn(node_courier, link);  // before any proxy can queue
        {
            // A lost node's names are given back (names outlives the liveness: leave()).
            cluster_names* n = names.get();
            auto l = std::make_shared<liveness>(
                connection, link, options,
                [n](const std::string& node, std::uint64_t i) { n->release_held_by(node, i); },
                std::move(expelled));
            l->start();
            const std::lock_guard lock(closing);
            live = std::move(l);
        }
        detail::node_monitors* no_nodes = nullptr;
        detail_access::core_of(rt).nodes.compare_exchange_strong(no_nodes, live.get());
        if (!options.shared_topics.empty()) {
            topics = std::make_shared<shared_topics>(connection, link, options.shared_topics);
            topics->start();
            detail::topic_bridge* no_bridge = nullptr;
            detail_access::core_of(rt).bridge.compare_exchange_strong(no_bridge, topics.get());
        }
        names->start_watching();  // from here on, the watcher may hand names to the gateway
        const std::string inbox_subject = subjects.node_inbox(node, incarnation);
        check(natsConnection_Subscribe(&inbox, connection, inbox_subject.c_str(), on_inbox, this),
              "cannot subscribe to the node's inbox '" + inbox_subject + "'");
        check(natsSubscription_SetOnCompleteCB(inbox, on_inbox_done, this),
              "cannot follow the node's inbox");
        // cnats drops what waits beyond a subscription's limits (65,536 messages by default): a
        // stream faster than the delivery thread takes it would lose messages. Room for
        // options.inbox_limit; what is dropped beyond that is counted (remote_lost).
        check(natsSubscription_SetPendingLimits(inbox, options.inbox_limit, inbox_pending_bytes),
              "cannot size the node's inbox");
        const std::string replies_subject = subjects.replies(node, incarnation);
        check(
            natsConnection_Subscribe(&replies, connection, replies_subject.c_str(), on_reply, this),
            "cannot subscribe to the node's replies '" + replies_subject + "'");
        check(natsSubscription_SetOnCompleteCB(replies, on_replies_done, this),
              "cannot follow the node's replies");
        refuse_if_not_permitted();
        // Last, and on its own: an account may forbid the system's subjects, and a node whose
        // account does can still join (heartbeats and probes find crashes without them).
        if (!options.disconnect_advisories.empty() && !live->follow_advisories()) {
            std::fprintf(stderr,
                         "coact::cluster: node '%s' may not subscribe to '%s': crashes are found "
                         "by heartbeats and probes only\n",
                         node.c_str(), options.disconnect_advisories.c_str());
        }
    } catch (...) {
        leave();
        close();
        throw;
    }
}

void cluster::node_state::refuse_if_not_permitted() {
    // A subscription or publication the servers' permissions refuse is answered by an error
    // before the answer to this flush, and stays the connection's last error.
    check(natsConnection_FlushTimeout(connection, options.connect_timeout.count()),
          "the servers did not answer a flush while joining");
    const char* text = nullptr;
    if (natsConnection_GetLastError(connection, &text) == NATS_NOT_PERMITTED) {
        throw cluster_error("coact::cluster: cannot join cluster '" + options.cluster +
                            "': the servers refuse this node a subject it needs: " +
                            (text != nullptr ? text : "permissions violation") +
                            " (a node publishes and subscribes to 'coact." + options.cluster +
                            ".>', and uses JetStream's API and '_INBOX.>' for its names)");
    }
}

cluster::node_state::~node_state() {
    leave();
    close();
}

void cluster::node_state::leave() noexcept {
    // The runtime asks for names and nodes no more.
    if (names != nullptr) {
        detail::name_claims* mine = names.get();
        detail_access::core_of(rt).claims.compare_exchange_strong(mine, nullptr);
    }
    // The seams the core points to are kept by the runtime once out (core::retire_seam): an
    // actor's turn on another thread may be inside one of their calls.
    if (topics != nullptr) {  // publications stay here from now on, and none comes in
        detail::topic_bridge* mine = topics.get();
        detail_access::core_of(rt).bridge.compare_exchange_strong(mine, nullptr);
        topics->stop();
        detail_access::core_of(rt).retire_seam(std::move(topics));
    }
    std::shared_ptr<liveness> l;
    {
        const std::lock_guard lock(closing);
        l = std::move(live);
    }
    if (link != nullptr) link->publish_queued();  // before the others hear this node leave
    if (l != nullptr) {
        detail::node_monitors* mine = l.get();
        detail_access::core_of(rt).nodes.compare_exchange_strong(mine, nullptr);
        l->leave();  // the others lose this node now, not after node_timeout
        l->stop();
        detail_access::core_of(rt).retire_seam(std::move(l));
    }
    // No message from the inbox after this (its last callback has run).
    if (inbox != nullptr) {
        if (natsSubscription_Unsubscribe(inbox) == NATS_OK) {
            std::unique_lock lock(closing);
            inbox_done_cv.wait_for(lock, std::chrono::seconds(5), [&] { return inbox_done; });
        }
        link->bury(std::exchange(inbox, nullptr));  // destroyed once the connection is closed
    }
    if (replies != nullptr) {
        if (natsSubscription_Unsubscribe(replies) == NATS_OK) {
            std::unique_lock lock(closing);
            inbox_done_cv.wait_for(lock, std::chrono::seconds(5), [&] { return replies_done; });
        }
        link->bury(std::exchange(replies, nullptr));
    }
    if (names != nullptr) {
        names->shutdown();  // the watcher stops, the names this node holds are given back
        // Kept by the runtime, as the other seams: released() may be running on a worker.
        detail_access::core_of(rt).retire_seam(std::shared_ptr<cluster_names>(std::move(names)));
    }
    if (link != nullptr) {
        // A sender may be in the gate of a proxy ending now (an address it held): kept with the
        // runtime.
        detail_access::core_of(rt).retire_seam(std::const_pointer_cast<proxy_gate>(link->gate));
        link->close();  // the proxies publish no more
        // The node's actors end at their runtime's next turns (stop is thread-safe).
        try {
            for (const address p : link->proxies()) {
                // Expelled: its proxies' watchers hear noconnection, as for a lost node (a stop
                // would overtake the gateway's own telling of it).
                const std::optional<wire_address> w =
                    expelled_why.empty() ? std::nullopt : link->remote_of(p);
                if (w) {
                    rt.send(p, control::remote_ended{
                                   control::lost_reason(w->node, w->incarnation, expelled_why)});
                } else {
                    rt.stop(p);
                }
            }
            if (link->gateway) rt.stop(link->gateway);
            // Not stopped: it ends once no proxy's wake-up is still on its way (courier.cpp).
            if (link->courier) rt.send(link->courier, courier_call{.leave = true});
        } catch (...) {
        }
    }
}

void cluster::node_state::close() noexcept {
    if (connection == nullptr) return;
    natsConnection_Close(connection);
    {
        // The callbacks hold `this`: wait for the last one (bounded: cnats runs it promptly).
        std::unique_lock lock(closing);
        closed_cv.wait_for(lock, std::chrono::seconds(5), [&] { return closed; });
    }
    if (link != nullptr) link->destroy_buried();  // the read loop has ended: nothing uses them
    natsConnection_Destroy(std::exchange(connection, nullptr));
}

std::vector<std::pair<std::string, address>> cluster::node_state::claimed() const {
    return names != nullptr ? names->claimed() : std::vector<std::pair<std::string, address>>{};
}

std::vector<std::pair<std::string, address>> cluster::node_state::pooled() const {
    return link != nullptr ? link->pools.members() : std::vector<std::pair<std::string, address>>{};
}

std::string cluster::node_state::server() const {
    std::array<char, 512> url{};
    if (natsConnection_GetConnectedUrl(connection, url.data(), url.size()) != NATS_OK) return {};
    return url.data();
}

cluster_stats cluster::node_state::stats() const noexcept {
    const node_link& l = *link;
    constexpr auto r = std::memory_order_relaxed;
    int64_t lost = 0;  // dropped by cnats: more waited on the inbox than its limits allow
    if (inbox != nullptr) static_cast<void>(natsSubscription_GetDropped(inbox, &lost));
    return {
        .remote_sent = l.sent.load(r),
        .remote_received = l.received.load(r),
        // A message cnats dropped shows as a gap when a later one from the same node arrives:
        // the larger count, not the sum (docs/design/cluster-failures.md, "Sequence numbers").
        .remote_lost = std::max(static_cast<std::uint64_t>(lost), l.gaps.load(r)),
        .remote_dropped = l.dropped.load(r) + l.unserializable.load(r) + l.unknown_receiver.load(r),
        .remote_rejected = l.rejected.load(r),
        .disconnects = disconnects.load(r),
        .reconnects = reconnects.load(r),
        .rejoins = 0,
        .remote_published = l.published.load(r)};
}

}  // namespace coact
