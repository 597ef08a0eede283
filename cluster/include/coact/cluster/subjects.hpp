// coact/cluster/subjects.hpp — the NATS subjects of one coact cluster (cluster.md, "Subjects").
//
//   coact.<cluster>.n.<node>.<incarnation>    a node's inbox: messages to addresses, control
//   coact.<cluster>.r.<node>.<incarnation>.>  one wildcard subscription for all ask replies
//   coact.<cluster>.name.<name>               a cluster-scoped or pooled name
//   coact.<cluster>.claims.<name>             the names bucket's stored changes, republished
//   coact.<cluster>.t.<topic>                 a shared topic; coact's "prices.*" is "prices.>"
//   coact.<cluster>.hb.<node>                 heartbeats
//   coact.<cluster>.ping.<node>.<incarnation> the liveness probe
//   coact.<cluster>.ping.<node>               the probe of any incarnation (monitor_node)
//
// Cluster and node names are one segment of [A-Za-z0-9_-]; actor names and topics are such
// segments joined by dots (topic patterns end in a `*` segment, as local ones do). Anything else
// throws coact::cluster_error naming the offending text, before it reaches NATS, where `*`, `>`,
// spaces and empty segments mean something else.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "coact/cluster/errors.hpp"

namespace coact {

class cluster_subjects {
  public:
    /// Throws cluster_error if `cluster` is not one segment.
    explicit cluster_subjects(std::string_view cluster);

    [[nodiscard]] std::string node_inbox(std::string_view node, std::uint64_t incarnation) const;
    [[nodiscard]] std::string replies(std::string_view node, std::uint64_t incarnation) const;
    [[nodiscard]] std::string name(std::string_view actor_name) const;
    /// Where the names bucket republishes each change it stored (a claim, or its end): one
    /// subscription for all names. Only stored changes come here, never a rejected write.
    [[nodiscard]] std::string claims() const;
    /// The name a subject of claims() is about, or "" for another subject.
    [[nodiscard]] std::string claim_of(std::string_view subject) const;
    /// A topic, or a pattern ending in `*`, which becomes NATS's `>`.
    [[nodiscard]] std::string topic(std::string_view topic) const;
    [[nodiscard]] std::string heartbeat(std::string_view node) const;
    /// Every node's heartbeats (one subscription).
    [[nodiscard]] std::string heartbeats() const;
    [[nodiscard]] std::string probe(std::string_view node, std::uint64_t incarnation) const;
    /// The probe of whichever incarnation of `node` is alive (its answer names it).
    [[nodiscard]] std::string probe(std::string_view node) const;

    /// The topic a subject of topic() names back (for a message that arrived on it).
    [[nodiscard]] std::string topic_of(std::string_view subject) const;

  private:
    std::string prefix_;  // "coact.<cluster>."
};

/// Whether the coact topic `topic` is `pattern` or is followed by it ("prices.*" follows
/// "prices.eur" and "prices.eur.spot"; "*" follows every topic).
[[nodiscard]] bool topic_matches(std::string_view pattern, std::string_view topic) noexcept;

/// Throws cluster_error unless `text` is one segment of [A-Za-z0-9_-]; `what` names it.
void check_segment(std::string_view what, std::string_view text);
/// Throws cluster_error unless `text` is such segments joined by dots.
void check_dotted(std::string_view what, std::string_view text);

}  // namespace coact
