// cluster/src/pool_members.hpp — this node's members of pools (spawn_options::scope::pool).
//
// Each member has a NATS queue subscription of its own on the pool's subject,
// `coact.<cluster>.name.<pool>`, in the queue group named after the pool: NATS hands each
// message published there to one subscription of the group in the whole cluster, so to one
// member. A message that arrives is decoded on cnats' delivery thread, addressed to the member's
// number and handed to the gateway, as a message to the node's inbox is. When the member ends
// (the gateway monitors it), its subscription is drained: what NATS had already routed to it
// still arrives, and is published to the pool again for another member (unsubscribing instead
// lost those messages without a trace: 64 of 200 in pool_test.cpp). A message that reaches the
// gateway between the member's end and that moment is a dead letter there, counted as any.
// When the node leaves, every subscription goes.
//
// Messages to a pool carry no sequence number (a pool has no one receiver to keep an order
// with). A plain message is published with the sender node's reply subject numbered 0, so that a
// pool with no member left is NATS's "no responders" there (counted, never silent); an ask with
// its own reply subject, as any ask.
//
// Threads: join from the spawning thread, left from the gateway's turns, the callbacks on
// cnats' delivery thread; everything shared is behind the mutex.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nats/nats.h>

#include "coact/address.hpp"

namespace coact {

class node_link;

class pool_members {
  public:
    pool_members(node_link& link, natsConnection* connection);
    ~pool_members();
    pool_members(const pool_members&) = delete;
    pool_members& operator=(const pool_members&) = delete;

    /// `member` (numbered on the link) takes messages to `pool` from now on; throws
    /// cluster_error when NATS refuses the subscription.
    void join(const std::string& pool, address member);
    /// `member` has ended: no more messages to it.
    void left(address member) noexcept;
    /// Every live member, with its pool's name.
    [[nodiscard]] std::vector<std::pair<std::string, address>> members();
    /// The node leaves: every member's subscription goes.
    void close() noexcept;

    /// Whether `reply`, the reply subject of a message to a pool, marks a plain message (the
    /// sender's reply subject numbered 0) rather than an ask.
    [[nodiscard]] static bool plain(std::string_view reply) noexcept;

  private:
    struct member {
        pool_members* owner;
        std::uint64_t number;  // on the link
        std::string pool;
        std::string subject;  // the pool's
        natsSubscription* subscription = nullptr;
        std::atomic<bool> gone{false};  // ended: what still comes is handed on
    };
    static void on_message(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);

    node_link& link_;
    std::mutex mutex_;
    natsConnection* connection_;  // null once closed
    std::unordered_map<address, std::unique_ptr<member>> members_;
    // Unsubscribed, but a last callback may still be running on cnats' thread: freed with this.
    std::vector<std::unique_ptr<member>> gone_;
};

}  // namespace coact
