// cluster/src/liveness.hpp — a node's failure detection (docs/design/cluster.md, "Monitors and
// lost nodes"): it publishes this node's heartbeats, follows the others', answers probes and
// sends them, and acts on what failure_detector decides: a lost node's proxies end with
// noconnection (through the gateway), and the actors that called monitor_node hear node_down.
// The node's side of the core's node_monitors seam.
//
// Threads: its own (heartbeats, ticks, probes: a probe is a blocking request); cnats' delivery
// thread (heartbeats, probes and the servers' disconnect advisories arriving); monitor_node on any
// worker. The detector and the watchers are behind one mutex.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <nats/nats.h>

#include "coact/cluster/options.hpp"
#include "coact/detail/actor/node_monitors.hpp"
#include "failure_detector.hpp"
#include "link.hpp"

namespace coact {

class liveness final : public detail::node_monitors {
  public:
    /// `lost` is called for each node incarnation lost (on the liveness or the delivery thread),
    /// until stop() returns. `expelled` is called once, on cnats' delivery thread, when another
    /// node says it had lost this incarnation (it froze, or was cut off), after everything
    /// between this incarnation and the others has ended here; it must not block (the node
    /// joins again as a new incarnation: cluster/src/membership.cpp).
    liveness(natsConnection* connection, std::shared_ptr<node_link> link,
             const cluster_options& options,
             std::function<void(const std::string&, std::uint64_t)> lost,
             std::function<void(const std::string&)> expelled = {});
    ~liveness() override;  // stop()
    /// Stops the thread and the subscriptions, after their last callback. monitor_node still
    /// answers after it (at once: nothing is alive any more).
    void stop() noexcept;
    liveness(const liveness&) = delete;
    liveness& operator=(const liveness&) = delete;

    /// Subscribes and starts beating (once the gateway exists). Throws cluster_error.
    void start();
    /// Follows the servers' disconnect advisories (cluster_options::disconnect_advisories).
    /// False if the servers refuse the subject (permissions): the node goes on without them.
    bool follow_advisories();
    /// Says goodbye (a last heartbeat, leaving), so that the others lose this node at once.
    void leave() noexcept;

    void monitor_node(std::string_view node, address watcher) override;

    /// This node's connection went away, or came back (cnats' callbacks): while it is away
    /// nobody can be heard, so nobody is lost; when it is back, every silence starts again.
    void connection_lost() noexcept;
    void connection_back() noexcept;

  private:
    static void on_heartbeat(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* self);
    static void on_probe(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* self);
    static void on_advisory(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* self);
    static void on_done(void* self);
    void run();
    void beat(bool leaving) noexcept;
    void act(const std::vector<failure_detector::loss>& losses) noexcept;
    /// Another node had lost this incarnation: end everything with the others, once.
    void expel(const std::string& why) noexcept;
    /// Tells a lost incarnation that still beats that it was lost (at most once an interval).
    void tell_lost(const failure_detector::peer& p) noexcept;
    void check_unheard() noexcept;

    natsConnection* connection_;
    std::shared_ptr<node_link> link_;
    const std::chrono::milliseconds interval_;
    const std::string beat_subject_;
    const std::string cluster_;
    const std::string advisories_subject_;  // cluster_options::disconnect_advisories
    const failure_detector::timings timings_;
    const std::function<void(const std::string&, std::uint64_t)> lost_;
    const std::function<void(const std::string&)> expelled_;

    std::mutex mutex_;
    failure_detector detector_;
    std::map<std::string, std::vector<address>, std::less<>> watchers_;

    natsSubscription* heartbeats_ = nullptr;
    natsSubscription* probes_ = nullptr;
    natsSubscription* named_probes_ = nullptr;  // the probe of any incarnation of this node
    natsSubscription* advisories_ = nullptr;    // the servers' disconnect advisories
    int done_ = 0;  // subscriptions whose last callback has run (under mutex_)
    std::condition_variable done_cv_;

    std::thread thread_;
    bool stopping_ = false;      // under mutex_
    bool connected_ = true;      // under mutex_
    bool beat_soon_ = false;     // under mutex_: a new node was heard, beat now
    bool advised_ = false;       // under mutex_: an advisory named a node, probe it now
    bool expelled_now_ = false;  // under mutex_: the others had lost this incarnation
    // When each lost incarnation still beating was last told so (under mutex_).
    std::map<std::pair<std::string, std::uint64_t>, failure_detector::clock::time_point> told_;
    // monitor_node of a node not heard yet (under mutex_): the thread probes it by name.
    std::vector<std::pair<std::string, address>> unheard_;
    // Lost node incarnations whose names this thread gives back (under mutex_).
    std::vector<failure_detector::peer> to_release_;
    std::condition_variable stop_cv_;
};

}  // namespace coact
