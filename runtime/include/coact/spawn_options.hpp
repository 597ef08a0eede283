// coact/spawn_options.hpp — how an actor is spawned: its name and where it is known, a bound on
// its mailbox, and the supervisor that decides what happens when it fails.
//
//   rt.spawn(coact::spawn_options{.name = "parser", .capacity = 100,
//                                 .overflow = coact::overflow::drop_newest},
//            parser);
//   self.spawn(coact::spawn_options{.name = "worker", .supervisor = self.address()}, worker);
//
// Values: build one anywhere, pass it to rt.spawn or self.spawn (docs/concepts/mailboxes.md and
// docs/concepts/supervision.md).
#pragma once

#include <cstdint>
#include <string_view>

#include "coact/address.hpp"

namespace coact {

/// What a send does when the receiver's bounded mailbox is full.
enum class overflow : std::uint8_t {
    reject,       ///< the send throws coact::mailbox_full; the message is not queued
    drop_newest,  ///< the new message is dropped and counted in stats().dropped
    wait,         ///< `co_await self.put(...)` waits for room; a plain send throws mailbox_full
};

/// Where an actor's name is known.
enum class scope : std::uint8_t {
    local,    ///< in its runtime only (the default)
    cluster,  ///< in every node of the cluster its runtime joined: unique in the cluster
    pool,     ///< in every node: the members of a pool share the name, a message goes to one
};

/// How an actor is spawned: its name, a bound on its mailbox and what happens when it is full,
/// and its supervisor. Pass it first to runtime::spawn or context::spawn.
struct spawn_options {
    /// The actor's name; empty for an anonymous actor.
    std::string_view name{};
    /// Where the name is known: scope::cluster and scope::pool need a name and a runtime that
    /// has joined a cluster (coact::cluster, <coact/cluster.hpp>); a name another node holds
    /// throws name_taken.
    coact::scope scope = coact::scope::local;
    /// The most messages its mailbox holds (sent but not yet taken); 0 means no bound.
    std::uint32_t capacity = 0;
    /// What a send does when the bounded mailbox is full.
    coact::overflow overflow = coact::overflow::reject;
    /// Not null: when the actor fails it is held (not ended) and `supervisor` receives a
    /// coact::child_failed, then restarts it (context::restart) or ends it (context::stop).
    coact::address supervisor{};
};

}  // namespace coact
