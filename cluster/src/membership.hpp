// cluster/src/membership.hpp — what coact::cluster holds: the node's incarnation now
// (node_state), and joining again as a new one when the others had lost it
// (docs/design/cluster-failures.md, "A node the others lost").
//
// A node that froze, or was cut off, for longer than node_timeout is lost to the others: they
// ended their monitors and links of its actors, gave its names back and ignore its incarnation
// from then on. When one of them hears it again, it says so (control::lost_notice); the node's
// liveness ends everything between it and the others here and calls expelled(). The membership's
// actor (an actor, because a new incarnation spawns its gateway, which only the runtime's threads
// may do) then leaves as that incarnation in its turn, joins as a new one (again every 500 ms
// while the servers refuse, by a timer), and claims its actors' cluster names and pool places
// again. A name someone else took meanwhile stays theirs: its actor keeps the name on its own
// node only, and the node says so on stderr. The turn blocks its thread while it leaves and joins
// (milliseconds; up to connect_timeout if a server does not answer): rare, and said on stderr.
//
// Threads: expelled() on cnats' delivery thread (it only sends to the actor); the accessors on
// any thread, under `mutex_`; the actor's turn on a worker, under the anchor's mutex, which the
// destructor takes too, so that a rejoin under way ends before the node leaves.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "coact/address.hpp"
#include "coact/cluster/node.hpp"
#include "node_state.hpp"

namespace coact {

class cluster::membership {
  public:
    /// Joins as the first incarnation (throws cluster_error).
    membership(runtime& rt, cluster_options options);
    ~membership();  // stops the thread, then leaves
    membership(const membership&) = delete;
    membership& operator=(const membership&) = delete;

    [[nodiscard]] const std::string& node() const noexcept { return node_; }
    [[nodiscard]] std::uint64_t incarnation() const;
    [[nodiscard]] std::string server() const;
    [[nodiscard]] cluster_stats stats() const;

    /// What the membership's actor holds: the membership while it lives.
    struct anchor {
        std::mutex turn;           // held by a rejoin, and by the destructor
        membership* of = nullptr;  // under `turn`; null once the node leaves
    };
    /// The actor's turn: leaves as the old incarnation (once) and joins as a new one. False if
    /// the servers refused: the actor tries again later.
    bool rejoin(const std::string& why);

  private:
    void expelled(const std::string& why) noexcept;
    std::unique_ptr<node_state> join();  // a new incarnation, with expelled() wired

    runtime& rt_;
    cluster_options options_;  // options_.node: the name the first join chose
    std::string node_;
    mutable std::mutex mutex_;
    std::unique_ptr<node_state> state_;  // under mutex_; null while joining again
    cluster_stats before_{};             // under mutex_: the earlier incarnations' counts
    bool expelled_ = false;              // under mutex_: a rejoin is asked for or under way
    // Under the anchor's turn: what the new incarnation claims again (kept while a refused join
    // is tried again: the old incarnation is gone by then).
    std::vector<std::pair<std::string, address>> claimed_;
    std::vector<std::pair<std::string, address>> pooled_;
    bool said_ = false;  // "cannot join again yet" was said
    std::shared_ptr<anchor> anchor_;
    address actor_;
};

}  // namespace coact
