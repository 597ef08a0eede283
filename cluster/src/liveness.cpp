// cluster/src/liveness.cpp — heartbeats, probes, and what a lost node means here.
#include "liveness.hpp"

#include <cstdio>
#include <string_view>
#include <utility>

#include "coact/cluster/node_down.hpp"
#include "coact/runtime.hpp"
#include "control.hpp"
#include "disconnect_advisory.hpp"
#include "nats_status.hpp"

namespace coact {

namespace {

void check(natsStatus s, const std::string& what) {
    if (s != NATS_OK) throw cluster_error("coact::cluster: " + what + ": " + nats_reason(s));
}

}  // namespace

liveness::liveness(natsConnection* connection, std::shared_ptr<node_link> link,
                   const cluster_options& options,
                   std::function<void(const std::string&, std::uint64_t)> lost,
                   std::function<void(const std::string&)> expelled)
    : connection_(connection),
      link_(std::move(link)),
      interval_(options.heartbeat_interval),
      beat_subject_(link_->subjects.heartbeat(link_->node)),
      cluster_(options.cluster),
      advisories_subject_(options.disconnect_advisories),
      timings_{.suspect_after = options.heartbeat_interval * 3 / 2,
               .lost_after = options.node_timeout},
      lost_(std::move(lost)),
      expelled_(std::move(expelled)),
      detector_(timings_) {
    // The timings were checked by the node (node.cpp) before it connected.
}

void liveness::start() {
    const std::string all = link_->subjects.heartbeats();
    check(natsConnection_Subscribe(&heartbeats_, connection_, all.c_str(), on_heartbeat, this),
          "cannot follow the heartbeats on '" + all + "'");
    check(natsSubscription_SetOnCompleteCB(heartbeats_, on_done, this), "heartbeats");
    const std::string probe = link_->subjects.probe(link_->node, link_->incarnation);
    check(natsConnection_Subscribe(&probes_, connection_, probe.c_str(), on_probe, this),
          "cannot answer probes on '" + probe + "'");
    check(natsSubscription_SetOnCompleteCB(probes_, on_done, this), "probes");
    const std::string any = link_->subjects.probe(link_->node);
    check(natsConnection_Subscribe(&named_probes_, connection_, any.c_str(), on_probe, this),
          "cannot answer probes on '" + any + "'");
    check(natsSubscription_SetOnCompleteCB(named_probes_, on_done, this), "probes");
    beat(false);  // the others know this node before its first name or message
    thread_ = std::thread([this] { run(); });
}

bool liveness::follow_advisories() {
    natsSubscription* s = nullptr;
    check(natsConnection_Subscribe(&s, connection_, advisories_subject_.c_str(), on_advisory, this),
          "cannot follow the servers' disconnect advisories on '" + advisories_subject_ + "'");
    check(natsSubscription_SetOnCompleteCB(s, on_done, this), "advisories");
    {
        const std::lock_guard lock(mutex_);
        advisories_ = s;  // stop() unsubscribes it
    }
    const char* text = nullptr;
    return natsConnection_FlushTimeout(connection_, 2000) != NATS_OK ||
           natsConnection_GetLastError(connection_, &text) != NATS_NOT_PERMITTED;
}

liveness::~liveness() { stop(); }

void liveness::stop() noexcept {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    stop_cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    int subscribed = 0;
    for (natsSubscription* s : {heartbeats_, probes_, named_probes_, advisories_}) {
        if (s != nullptr && natsSubscription_Unsubscribe(s) == NATS_OK) ++subscribed;
    }
    {
        // No callback of either may run after this: they hold `this`.
        std::unique_lock lock(mutex_);
        done_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return done_ >= subscribed; });
    }
    // Destroyed once the connection is closed (node_link::bury).
    link_->bury(std::exchange(heartbeats_, nullptr));
    link_->bury(std::exchange(probes_, nullptr));
    link_->bury(std::exchange(named_probes_, nullptr));
    link_->bury(std::exchange(advisories_, nullptr));
    std::vector<std::pair<std::string, address>> asked;
    {
        const std::lock_guard lock(mutex_);
        detector_ = failure_detector(timings_);  // nothing is alive to a node that has left
        asked.swap(unheard_);
    }
    for (const auto& [node, watcher] : asked) {
        try {
            link_->rt.send(watcher, node_down{node, "this node has left cluster '" + cluster_ +
                                                        "' before it heard of that node"});
        } catch (...) {
        }
    }
}

void liveness::leave() noexcept {
    beat(true);
    std::vector<address> mine;
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        if (const auto it = watchers_.find(link_->node); it != watchers_.end()) {
            mine = std::move(it->second);
            watchers_.erase(it);
        }
    }
    stop_cv_.notify_all();
    for (const address w : mine) {
        try {
            link_->rt.send(w, node_down{link_->node, "this node left the cluster"});
        } catch (...) {
        }
    }
}

void liveness::monitor_node(std::string_view node, address watcher) {
    check_segment("node name", node);
    {
        const std::lock_guard lock(mutex_);
        if (!stopping_ && (node == link_->node || detector_.alive(std::string(node)))) {
            watchers_[std::string(node)].push_back(watcher);
            return;
        }
        if (!stopping_) {  // not heard yet (it may have joined a moment ago): ask it by name
            unheard_.emplace_back(node, watcher);
            stop_cv_.notify_all();
            return;
        }
    }
    link_->rt.send(watcher, node_down{std::string(node), "this node has left cluster '" + cluster_ +
                                                             "': nothing is alive to it"});
}

void liveness::connection_lost() noexcept {
    const std::lock_guard lock(mutex_);
    connected_ = false;
}

void liveness::connection_back() noexcept {
    const std::lock_guard lock(mutex_);
    connected_ = true;
    detector_.heard_all(failure_detector::clock::now());
}

void liveness::beat(bool leaving) noexcept {
    try {
        msgpack::sbuffer out;
        encode_message(out,
                       control::heartbeat{static_cast<std::uint32_t>(interval_.count()), leaving},
                       wire_address{link_->node, link_->incarnation, 0});
        static_cast<void>(natsConnection_Publish(connection_, beat_subject_.c_str(), out.data(),
                                                 static_cast<int>(out.size())));
        if (leaving) static_cast<void>(natsConnection_FlushTimeout(connection_, 1000));
    } catch (...) {  // out of memory: the next beat goes
    }
}

void liveness::run() {
    const auto step = std::max(interval_ / 5, std::chrono::milliseconds(1));
    auto next_beat = failure_detector::clock::now() + interval_;
    auto wait_began = failure_detector::clock::now();
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        advised_ = false;  // the tick below probes what the advisory named
        const auto now = failure_detector::clock::now();
        // The wait below lasts a fifth of an interval. Waking from it an interval or more late
        // is this process's own stall (SIGSTOP, a starved machine): the heartbeats it could not
        // take meanwhile say nothing about the others, and waking must not lose them all (nor
        // give their names back). (A probe's request may block for an interval: not counted.)
        if (now - wait_began > interval_) detector_.heard_all(now);
        if (expelled_now_) {  // this incarnation is over: the node joins again as a new one
            stop_cv_.wait_for(lock, step, [&] { return stopping_; });
            wait_began = failure_detector::clock::now();
            continue;
        }
        if (now >= next_beat || beat_soon_) {
            beat_soon_ = false;
            lock.unlock();
            beat(false);
            lock.lock();
            if (now >= next_beat) next_beat = std::max(next_beat + interval_, now);
        }
        if (connected_) {  // while this node is away, nobody can be heard: nobody is lost
            failure_detector::verdicts v = detector_.tick(now);
            lock.unlock();
            act(v.lost);
            for (const failure_detector::peer& p : v.probe) {
                const std::string subject = link_->subjects.probe(p.node, p.incarnation);
                natsMsg* reply = nullptr;
                const natsStatus s =
                    natsConnection_Request(&reply, connection_, subject.c_str(), "", 0,
                                           static_cast<std::int64_t>(interval_.count()));
                natsMsg_Destroy(reply);
                const auto answer = s == NATS_OK ? failure_detector::probe_answer::alive
                                    : s == NATS_NO_RESPONDERS
                                        ? failure_detector::probe_answer::no_responders
                                        : failure_detector::probe_answer::timeout;
                std::optional<failure_detector::loss> l;
                {
                    const std::lock_guard again(mutex_);
                    l = detector_.probed(p, answer, failure_detector::clock::now());
                }
                if (l) act({*l});
            }
            lock.lock();
        }
        if (connected_ && !unheard_.empty()) {
            lock.unlock();
            check_unheard();
            lock.lock();
        }
        if (!to_release_.empty() && lost_) {
            std::vector<failure_detector::peer> gone;
            gone.swap(to_release_);
            lock.unlock();
            for (const failure_detector::peer& p : gone) lost_(p.node, p.incarnation);
            lock.lock();
        }
        wait_began = failure_detector::clock::now();
        stop_cv_.wait_for(lock, step, [&] {
            return stopping_ || beat_soon_ || advised_ || (connected_ && !unheard_.empty()) ||
                   !to_release_.empty();
        });
    }
}

void liveness::check_unheard() noexcept {
    std::vector<std::pair<std::string, address>> asked;
    {
        const std::lock_guard lock(mutex_);
        asked.swap(unheard_);
    }
    for (const auto& [node, watcher] : asked) {
        std::string why;
        try {
            const std::string subject = link_->subjects.probe(node);
            natsMsg* reply = nullptr;
            const natsStatus s =
                natsConnection_Request(&reply, connection_, subject.c_str(), "", 0,
                                       static_cast<std::int64_t>(interval_.count()));
            if (s == NATS_OK) {
                const wire_message m = decode_message(
                    std::string_view(natsMsg_GetData(reply),
                                     static_cast<std::size_t>(natsMsg_GetDataLength(reply))));
                natsMsg_Destroy(reply);
                if (!m.from) throw wire_error("a probe's answer names no node");
                std::vector<failure_detector::loss> losses;
                {
                    const std::lock_guard lock(mutex_);
                    losses = detector_.heartbeat({node, m.from->incarnation}, false,
                                                 failure_detector::clock::now());
                    if (detector_.alive(node)) {
                        watchers_[node].push_back(watcher);
                    } else {
                        why = "it was lost before";
                    }
                }
                act(losses);
            } else if (s == NATS_NO_RESPONDERS) {
                why = "no node of that name is alive in cluster '" + cluster_ + "' now";
            } else {
                why = "it did not answer a probe within " + std::to_string(interval_.count()) +
                      " ms (" + nats_reason(s) + ")";
            }
        } catch (const std::exception& e) {
            why = std::string("its answer to a probe was not understood: ") + e.what();
        }
        if (!why.empty()) {
            try {
                link_->rt.send(watcher, node_down{node, why});
            } catch (...) {
            }
        }
    }
}

void liveness::act(const std::vector<failure_detector::loss>& losses) noexcept {
    for (const failure_detector::loss& l : losses) {
        std::vector<address> told;
        {
            const std::lock_guard lock(mutex_);
            if (const auto it = watchers_.find(l.who.node); it != watchers_.end()) {
                told = std::move(it->second);
                watchers_.erase(it);
            }
        }
        try {
            link_->rt.send(link_->gateway,
                           control::node_lost{l.who.node, l.who.incarnation, l.why});
        } catch (...) {  // the runtime is going away
        }
        for (const address w : told) {
            try {
                link_->rt.send(w, node_down{l.who.node, l.why});
            } catch (...) {
            }
        }
        {
            // Its names are given back on this object's thread: they take JetStream requests,
            // which cnats' delivery thread (one caller of act) must not wait for.
            const std::lock_guard lock(mutex_);
            to_release_.push_back(l.who);
        }
        stop_cv_.notify_all();
    }
}

void liveness::on_heartbeat(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg,
                            void* self) {
    auto* me = static_cast<liveness*>(self);
    try {
        const wire_message m = decode_message(std::string_view(
            natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
        const auto* beat = m.body ? m.body->get<control::heartbeat>() : nullptr;
        if (beat == nullptr || !m.from)
            throw wire_error("a heartbeat with no node or of another type");
        if (m.from->node != me->link_->node) {
            std::vector<failure_detector::loss> losses;
            bool first = false;
            bool lost_before = false;
            {
                const std::lock_guard lock(me->mutex_);
                lost_before =
                    !beat->leaving && me->detector_.was_lost({m.from->node, m.from->incarnation});
                first = !beat->leaving && me->detector_.alive(m.from->node) != m.from->incarnation;
                losses = me->detector_.heartbeat({m.from->node, m.from->incarnation}, beat->leaving,
                                                 failure_detector::clock::now());
                // A node heard for the first time (it has just joined) hears this one at once,
                // not up to an interval later.
                if (first) me->beat_soon_ = true;
            }
            if (first) me->stop_cv_.notify_all();
            if (lost_before) me->tell_lost({m.from->node, m.from->incarnation});
            me->act(losses);
        }
    } catch (const wire_error&) {
        me->link_->rejected.fetch_add(1, std::memory_order_relaxed);
    } catch (...) {
    }
    natsMsg_Destroy(msg);
}

void liveness::on_probe(natsConnection* nc, natsSubscription* /*sub*/, natsMsg* msg, void* self) {
    auto* me = static_cast<liveness*>(self);
    const char* reply = natsMsg_GetReply(msg);
    if (reply == nullptr) {  // not a probe: another node says it had lost this incarnation
        try {
            const wire_message m = decode_message(std::string_view(
                natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
            const auto* notice = m.body ? m.body->get<control::lost_notice>() : nullptr;
            if (notice == nullptr || !m.from)
                throw wire_error("a message on the probe subject that is not a lost notice");
            me->expel("node '" + m.from->node + "' had lost it: " + notice->why);
        } catch (const wire_error&) {
            me->link_->rejected.fetch_add(1, std::memory_order_relaxed);
        } catch (...) {
        }
    } else {
        try {  // the answer names this incarnation (a heartbeat, as the probe of any wants)
            msgpack::sbuffer out;
            encode_message(
                out, control::heartbeat{static_cast<std::uint32_t>(me->interval_.count()), false},
                wire_address{me->link_->node, me->link_->incarnation, 0});
            static_cast<void>(
                natsConnection_Publish(nc, reply, out.data(), static_cast<int>(out.size())));
        } catch (...) {
        }
    }
    natsMsg_Destroy(msg);
}

void liveness::tell_lost(const failure_detector::peer& p) noexcept {
    try {
        const auto now = failure_detector::clock::now();
        {
            const std::lock_guard lock(mutex_);
            auto [it, fresh] = told_.try_emplace({p.node, p.incarnation}, now);
            if (!fresh && now - it->second < interval_) return;
            it->second = now;
        }
        msgpack::sbuffer out;
        encode_message(out,
                       control::lost_notice{"it was silent for longer than its node_timeout: it "
                                            "froze, or the network between them was cut"},
                       wire_address{link_->node, link_->incarnation, 0});
        const std::string subject = link_->subjects.probe(p.node, p.incarnation);
        static_cast<void>(natsConnection_Publish(connection_, subject.c_str(), out.data(),
                                                 static_cast<int>(out.size())));
    } catch (...) {  // out of memory: its next heartbeat tries again
    }
}

void liveness::expel(const std::string& why) noexcept {
    std::vector<failure_detector::peer> peers;
    std::map<std::string, std::vector<address>, std::less<>> watchers;
    {
        const std::lock_guard lock(mutex_);
        if (expelled_now_ || stopping_) return;
        expelled_now_ = true;
        peers = detector_.alive_nodes();
        detector_ = failure_detector(timings_);
        watchers.swap(watchers_);
    }
    stop_cv_.notify_all();
    const std::string reason = "this node's incarnation " + std::to_string(link_->incarnation) +
                               " had been lost by the cluster (" + why +
                               "), and the node joins again as a new incarnation";
    for (const failure_detector::peer& p : peers) {
        try {  // its proxies here end with noconnection; the others' names stay theirs
            link_->rt.send(link_->gateway, control::node_lost{p.node, p.incarnation, reason});
        } catch (...) {
        }
    }
    for (const auto& [node, ws] : watchers) {
        for (const address w : ws) {
            try {
                link_->rt.send(w, node_down{node, reason});
            } catch (...) {
            }
        }
    }
    if (expelled_) expelled_(reason);
}

void liveness::on_advisory(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg,
                           void* self) {
    auto* me = static_cast<liveness*>(self);
    const std::optional<client_disconnect> d = read_disconnect_advisory(std::string_view(
        natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))));
    natsMsg_Destroy(msg);
    if (!d) {
        me->link_->rejected.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    // A node's connection is named "<cluster>.<node>" (node.cpp); other clients are not ours.
    const std::string_view name = d->client;
    if (!d->gone() || !name.starts_with(me->cluster_) || name.size() <= me->cluster_.size() + 1 ||
        name[me->cluster_.size()] != '.')
        return;
    const std::string node(name.substr(me->cluster_.size() + 1));
    if (node == me->link_->node) return;
    {
        const std::lock_guard lock(me->mutex_);
        me->detector_.disconnected(node);
        me->advised_ = true;
    }
    me->stop_cv_.notify_all();
}

void liveness::on_done(void* self) {
    auto* me = static_cast<liveness*>(self);
    const std::lock_guard lock(me->mutex_);
    ++me->done_;
    me->done_cv_.notify_all();
}

}  // namespace coact
