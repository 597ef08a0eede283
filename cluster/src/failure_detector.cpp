// cluster/src/failure_detector.cpp — the rules of failure_detector.hpp.
#include "failure_detector.hpp"

namespace coact {

namespace {

std::string millis(std::chrono::milliseconds d) { return std::to_string(d.count()) + " ms"; }

}  // namespace

failure_detector::loss failure_detector::lose(const std::string& node, const state& s,
                                              std::string why) {
    lost_.emplace(node, s.incarnation);
    return loss{peer{node, s.incarnation}, std::move(why)};
}

std::vector<failure_detector::loss> failure_detector::heartbeat(const peer& p, bool leaving,
                                                                clock::time_point now) {
    std::vector<loss> losses;
    if (lost_.contains({p.node, p.incarnation})) return losses;  // a lost incarnation stays lost
    const auto it = nodes_.find(p.node);
    if (it != nodes_.end() && it->second.incarnation != p.incarnation) {
        losses.push_back(
            lose(p.node, it->second,
                 "it joined again as a new incarnation (" + std::to_string(p.incarnation) + ")"));
        nodes_.erase(it);
    }
    if (leaving) {
        const auto here = nodes_.find(p.node);
        const state s{.incarnation = p.incarnation, .last = now};
        losses.push_back(lose(p.node, s, "it left the cluster"));
        if (here != nodes_.end()) nodes_.erase(here);
        return losses;
    }
    // A heartbeat does not clear an advisory's suspicion: in flight from before the crash, it
    // could arrive after the advisory (through another server); the probe decides.
    state& s = nodes_[p.node];
    s.incarnation = p.incarnation;
    s.last = now;
    s.probed = false;
    return losses;
}

failure_detector::verdicts failure_detector::tick(clock::time_point now) {
    verdicts v;
    for (auto it = nodes_.begin(); it != nodes_.end();) {
        const auto silence =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - it->second.last);
        if (silence > timings_.lost_after) {
            v.lost.push_back(lose(it->first, it->second,
                                  "no heartbeat for " + millis(silence) + " (the limit is " +
                                      millis(timings_.lost_after) +
                                      "): it froze, or the network between us is cut"));
            it = nodes_.erase(it);
            continue;
        }
        if ((silence > timings_.suspect_after || it->second.suspected) && !it->second.probed) {
            it->second.probed = true;
            v.probe.push_back(peer{it->first, it->second.incarnation});
        }
        ++it;
    }
    return v;
}

std::optional<failure_detector::loss> failure_detector::probed(const peer& p, probe_answer answer,
                                                               clock::time_point now) {
    const auto it = nodes_.find(p.node);
    if (it == nodes_.end() || it->second.incarnation != p.incarnation) return std::nullopt;
    switch (answer) {
        case probe_answer::alive:
            // It answered: alive, only slow with its heartbeats. Its silence starts again.
            it->second.last = now;
            it->second.probed = false;
            it->second.suspected = false;
            return std::nullopt;
        case probe_answer::no_responders: {
            loss l = lose(p.node, it->second,
                          "its connection is gone (a probe found no subscriber: it crashed or "
                          "was killed)");
            nodes_.erase(it);
            return l;
        }
        case probe_answer::timeout:
            return std::nullopt;  // lost_after decides
    }
    return std::nullopt;
}

void failure_detector::disconnected(const std::string& node) {
    if (const auto it = nodes_.find(node); it != nodes_.end()) it->second.suspected = true;
}

void failure_detector::heard_all(clock::time_point now) {
    for (auto& [name, s] : nodes_) {
        s.last = now;
        s.probed = false;
    }
}

std::optional<std::uint64_t> failure_detector::alive(const std::string& node) const {
    const auto it = nodes_.find(node);
    if (it == nodes_.end()) return std::nullopt;
    return it->second.incarnation;
}

std::vector<failure_detector::peer> failure_detector::alive_nodes() const {
    std::vector<peer> all;
    all.reserve(nodes_.size());
    for (const auto& [name, s] : nodes_) all.push_back(peer{name, s.incarnation});
    return all;
}

}  // namespace coact
