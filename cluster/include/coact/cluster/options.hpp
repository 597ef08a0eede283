// coact/cluster/options.hpp — how a process joins a coact cluster (contract §6).
//
//   coact::cluster net{rt, coact::cluster_options{.servers = {"nats://127.0.0.1:4222"},
//                                                 .cluster = "demo", .node = "a"}};
//
// coact adds no security of its own: the credentials and TLS settings go to NATS as they are.
//
// Every member has a default (`{}` at least), so that designated initialisers may leave any out
// without -Wmissing-field-initializers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace coact {

/// NATS credentials, passed through (set at most one way of authenticating).
struct cluster_credentials {
    std::string creds_file{};      ///< a .creds file (user JWT and NKey seed): NATS accounts
    std::string nkey_seed_file{};  ///< with `nkey_public`: an NKey user
    std::string nkey_public{};
    std::string user{};  ///< with `password`
    std::string password{};
    std::string token{};
};

/// TLS towards the servers (used when `ca_file` or `cert_file` is set, or a URL is tls://).
struct cluster_tls {
    std::string ca_file{};    ///< the CA that signed the servers' certificates
    std::string cert_file{};  ///< this node's certificate, when the servers verify clients
    std::string key_file{};
};

struct cluster_options {
    /// NATS server URLs; the node connects to one and fails over to the others.
    std::vector<std::string> servers{"nats://127.0.0.1:4222"};
    /// true: the node picks among `servers` at random (cnats' default, which spreads nodes over
    /// the servers); false: it tries them in the order given, so the first is the one it prefers
    /// (the server on its own host, say) and the others are where it fails over to.
    bool randomize_servers = true;
    /// The cluster's name: nodes of one cluster see each other's names and topics. One segment
    /// of letters, digits, '_' and '-'.
    std::string cluster = "coact";
    /// This node's name, unique in the cluster; empty: "<host name>-<process id>" (characters
    /// other than letters, digits, '_' and '-' become '-').
    std::string node{};
    /// How long joining may take before it fails with cluster_error.
    std::chrono::milliseconds connect_timeout{2000};
    /// How many messages may wait on the node's inbox for cnats' delivery thread; beyond it cnats
    /// drops them (counted in remote_lost).
    int inbox_limit = 1'000'000;
    /// Failure detection (docs/concepts/cluster.md): every node publishes a heartbeat this
    /// often; a node silent for 1.5 intervals is probed (a crashed one is lost at once: its
    /// connection is gone), and one silent for `node_timeout` is lost (frozen, or cut off).
    std::chrono::milliseconds heartbeat_interval{500};
    std::chrono::milliseconds node_timeout{1500};
    /// Where the servers' client-disconnect advisories reach this node's account; empty: do not
    /// listen. With them a crashed node is lost within milliseconds instead of after up to 1.5
    /// heartbeat intervals; the account must import them from the system account
    /// (docs/concepts/cluster.md, "Security and deployment"). Without the import nothing
    /// arrives here and heartbeats and probes find the crash.
    std::string disconnect_advisories = "$SYS.ACCOUNT.*.DISCONNECT";
    /// Topics whose publications cross to every node of the cluster: topics ("news") and
    /// patterns ending in a `*` segment ("prices.*"; "*" is every topic). A publication to a
    /// topic one of these follows goes to the subscribers of every node; other topics stay
    /// local. Letters, digits, '_' and '-' in dotted segments.
    std::vector<std::string> shared_topics{};
    cluster_credentials credentials{};
    cluster_tls tls{};
};

/// What a node has sent and received so far (net.stats()).
struct cluster_stats {
    std::uint64_t remote_sent = 0;      ///< messages its proxies published
    std::uint64_t remote_received = 0;  ///< messages from other nodes handed to its actors
    /// Messages sent to this node that never reached it: dropped by cnats because more than
    /// cluster_options::inbox_limit (or 512 MB) waited on the node's inbox, or found missing by
    /// their sequence numbers (the larger of the two counts: a drop shows in both).
    std::uint64_t remote_lost = 0;
    /// Messages that went nowhere: not published (the node had left, or cnats refused), of a
    /// type with no wire name, for an actor of this node that has ended, or refused by a full
    /// bounded mailbox.
    std::uint64_t remote_dropped = 0;
    /// Arrived but not decodable (coact::wire_error), or a server advisory not understood.
    std::uint64_t remote_rejected = 0;
    std::uint64_t disconnects = 0;  ///< times the connection to the servers was lost
    std::uint64_t reconnects = 0;   ///< times it came back (cnats resubscribes and resends)
    /// Times it joined again as a new incarnation because the others had lost it (it froze, or
    /// was cut off); the counts above include every incarnation's.
    std::uint64_t rejoins = 0;
    /// NATS messages that carried remote_sent: the messages to one node queued in one round of
    /// the runtime go out as one (a batch), so this is at most remote_sent.
    std::uint64_t remote_published = 0;
};

}  // namespace coact
