// cluster/src/failure_detector.hpp — which nodes of the cluster are alive, from their heartbeats
// (docs/design/cluster.md, "Failure detection"). Pure logic on a clock it is given: the liveness
// thread (liveness.cpp) feeds it heartbeats, probe answers and the time, and acts on what it
// returns; the tests drive it with virtual time.
//
// Rules, for a node last heard from at `t` (a heartbeat):
//   - a heartbeat with a new incarnation: the earlier incarnation is lost ("restarted");
//   - a heartbeat saying it leaves: lost ("left the cluster");
//   - silent longer than `suspect_after`: probe it once (a request to its probe subject); a probe
//     that finds no subscriber ("no responders": its connection is gone) loses it at once;
//   - silent longer than `lost_after`: lost, whatever the probe said (a frozen process, or a
//     partition: its connection may look alive to the servers for a while).
// A lost incarnation stays lost: a late heartbeat of it (a frozen process waking) is ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace coact {

class failure_detector {
  public:
    using clock = std::chrono::steady_clock;
    struct timings {
        std::chrono::milliseconds suspect_after;  // silence before a probe
        std::chrono::milliseconds lost_after;     // silence before the node is lost
    };
    struct peer {
        std::string node;
        std::uint64_t incarnation = 0;
        friend bool operator==(const peer&, const peer&) = default;
    };
    struct loss {
        peer who;
        std::string why;
    };
    enum class probe_answer { alive, no_responders, timeout };

    explicit failure_detector(timings t) : timings_(t) {}

    /// A heartbeat from `p` at `now` (`leaving`: its last, sent as it leaves). Returns the losses
    /// it reveals (an earlier incarnation of the same node, or `p` itself when it leaves).
    std::vector<loss> heartbeat(const peer& p, bool leaving, clock::time_point now);
    /// What to do at `now`: nodes to probe (each once per silence) and nodes lost.
    struct verdicts {
        std::vector<peer> probe;
        std::vector<loss> lost;
    };
    verdicts tick(clock::time_point now);
    /// The answer to a probe of `p`. Returns the loss it proves, if any.
    std::optional<loss> probed(const peer& p, probe_answer answer, clock::time_point now);

    /// A server says `node`'s connection closed (a disconnect advisory): probe it at the next
    /// tick, whatever its silence. Nothing if it is not alive, or already probed.
    void disconnected(const std::string& node);

    /// This node's own connection came back: nothing could be heard while it was away, so every
    /// node's silence starts again at `now`.
    void heard_all(clock::time_point now);

    /// Whether `p` was lost (a heartbeat of it now is a frozen or cut-off node still beating).
    [[nodiscard]] bool was_lost(const peer& p) const {
        return lost_.contains({p.node, p.incarnation});
    }

    /// The incarnation of `node` alive now, if any.
    [[nodiscard]] std::optional<std::uint64_t> alive(const std::string& node) const;
    /// Every node alive now.
    [[nodiscard]] std::vector<peer> alive_nodes() const;

  private:
    struct state {
        std::uint64_t incarnation = 0;
        clock::time_point last{};
        bool probed = false;     // a probe went out in this silence
        bool suspected = false;  // a disconnect advisory named it: probe now
    };
    loss lose(const std::string& node, const state& s, std::string why);

    timings timings_;
    std::map<std::string, state> nodes_;
    std::set<std::pair<std::string, std::uint64_t>> lost_;
};

}  // namespace coact
