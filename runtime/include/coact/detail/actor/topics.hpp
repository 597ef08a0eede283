// coact/detail/actor/topics.hpp — the pub/sub table: which actors follow which topic.
//
// A topic is a dotted name ("prices.aapl"). A subscription is a topic or a pattern whose last
// segment is `*` ("prices.*" follows every topic that starts with "prices.", at any depth; "*"
// follows everything). Publishing looks up the exact topic and, only if some pattern exists at
// all, each pattern that could match it (one hash lookup per dot), and yields each subscriber
// once even if it follows several matching entries.
//
// Layout: topic name -> vector of (cell, generation), plus, per subscribed actor, where it sits
// in each vector, so that unsubscribing (and the automatic unsubscription when an actor ends) is
// O(topics of that actor), not O(subscribers). Removal swaps the last subscriber into the hole:
// the order among a topic's subscribers is therefore unspecified (but, like everything in
// single-threaded mode, deterministic). A topic nobody follows any more is removed.
//
// Threads: the scheduler thread only (actors subscribe from their own turn; rt.publish goes
// through the remote queue).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "coact/detail/actor/registry.hpp"

namespace coact {
class context;
}  // namespace coact

namespace coact::detail {

class topic_table {
  public:
    struct subscriber {
        context* cell;
        std::uint32_t generation;
    };

    /// Throws coact::bad_topic unless `topic` is a name one can publish to (non-empty, no `*`).
    static void check_publish_name(std::string_view topic, const char* caller);
    /// Throws coact::bad_topic unless `topic` is a topic or a pattern ending in a `*` segment.
    static void check_subscribe_name(std::string_view topic, const char* caller);

    /// Adds the actor to `topic` (a name or a pattern); false if it already follows exactly that.
    bool subscribe(context* cell, std::uint32_t generation, std::string_view topic);
    /// Removes the actor from `topic` (exactly as subscribed); false if it did not follow it.
    bool unsubscribe(context* cell, std::string_view topic);
    /// Removes every subscription of the actor (it is ending).
    void unsubscribe_all(context* cell) noexcept;

    /// Whether no actor follows anything (the common case, checked before unsubscribe_all).
    [[nodiscard]] bool empty() const noexcept { return by_actor_.empty(); }

    /// The actors following `topic` now, each once. Valid until the table is next changed or
    /// queried.
    [[nodiscard]] std::span<const subscriber> subscribers(std::string_view topic);

    /// How many topics and patterns have at least one subscriber.
    [[nodiscard]] std::size_t size() const noexcept { return topics_.size(); }

    void clear() noexcept;

  private:
    struct topic {
        std::string name;
        std::vector<subscriber> subs;
        bool pattern = false;
    };
    struct subscription {
        topic* where;
        std::size_t index;  // position in where->subs
    };

    void remove(std::vector<subscription>& mine, std::size_t k) noexcept;
    void add_matches(const topic* t);

    std::unordered_map<std::string, std::unique_ptr<topic>, name_hash, std::equal_to<>> topics_;
    std::unordered_map<context*, std::vector<subscription>> by_actor_;
    std::size_t patterns_ = 0;  // entries of topics_ that are patterns
    std::vector<subscriber> scratch_;
    std::unordered_set<context*> seen_;
    std::string key_;
};

}  // namespace coact::detail
