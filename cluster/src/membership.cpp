// cluster/src/membership.cpp — coact::cluster: the incarnation now, and joining again
// (membership.hpp).
#include "membership.hpp"

#include <chrono>
#include <cstdio>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "coact/cluster/errors.hpp"
#include "coact/errors.hpp"
#include "coact/runtime.hpp"
#include "link.hpp"

namespace coact {

namespace {

void add(cluster_stats& to, const cluster_stats& s) {
    to.remote_sent += s.remote_sent;
    to.remote_received += s.remote_received;
    to.remote_lost += s.remote_lost;
    to.remote_dropped += s.remote_dropped;
    to.remote_rejected += s.remote_rejected;
    to.disconnects += s.disconnects;
    to.reconnects += s.reconnects;
    to.remote_published += s.remote_published;
}

}  // namespace

/// Asks the membership's actor to join again.
struct rejoin_order {
    std::string why;
};

/// The membership's actor: each order is a rejoin in its turn; a refused join is tried again.
actor membership_actor(context& self, std::shared_ptr<cluster::membership::anchor> a) {
    for (;;) {
        const rejoin_order order = co_await self.receive<rejoin_order>();
        bool joined = false;
        {
            const std::lock_guard lock(a->turn);
            if (a->of == nullptr) co_return;  // the node has left
            joined = a->of->rejoin(order.why);
        }
        if (!joined) self.send_after(std::chrono::milliseconds(500), self.address(), order);
    }
}

cluster::membership::membership(runtime& rt, cluster_options options)
    : rt_(rt), options_(std::move(options)), anchor_(std::make_shared<anchor>()) {
    state_ = join();
    node_ = state_->node;
    options_.node = node_;  // a default name is chosen once: the node joins again under it
    anchor_->of = this;
    actor_ = rt_.spawn(membership_actor, anchor_);
}

cluster::membership::~membership() {
    {
        const std::lock_guard lock(anchor_->turn);  // a rejoin under way ends first
        anchor_->of = nullptr;
    }
    try {
        rt_.stop(actor_);
    } catch (...) {  // the runtime is shutting down: the actor ends with it
    }
    std::unique_ptr<node_state> last;
    {
        const std::lock_guard lock(mutex_);
        last = std::move(state_);
    }
    last.reset();  // leaves
}

std::unique_ptr<cluster::node_state> cluster::membership::join() {
    return std::make_unique<node_state>(rt_, options_,
                                        [this](const std::string& why) { expelled(why); });
}

void cluster::membership::expelled(const std::string& why) noexcept {
    {
        const std::lock_guard lock(mutex_);
        if (expelled_) return;
        expelled_ = true;
    }
    try {
        rt_.send(actor_, rejoin_order{why});
    } catch (...) {  // the runtime is shutting down
    }
}

std::uint64_t cluster::membership::incarnation() const {
    const std::lock_guard lock(mutex_);
    return state_ != nullptr ? state_->incarnation : 0;
}

std::string cluster::membership::server() const {
    const std::lock_guard lock(mutex_);
    return state_ != nullptr ? state_->server() : std::string{};
}

cluster_stats cluster::membership::stats() const {
    const std::lock_guard lock(mutex_);
    cluster_stats s = before_;
    if (state_ != nullptr) add(s, state_->stats());
    return s;
}

bool cluster::membership::rejoin(const std::string& why) {
    std::unique_ptr<node_state> old;
    {
        const std::lock_guard lock(mutex_);
        old = std::move(state_);
        if (old != nullptr) {
            add(before_, old->stats());
            before_.rejoins += 1;
        }
    }
    if (old != nullptr) {
        // This incarnation is over: its proxies end (liveness ended them with noconnection), and
        // it leaves. Its names and pool places are taken again by the next one.
        claimed_ = old->claimed();
        pooled_ = old->pooled();
        old->expelled_why = why;
        old.reset();
    }
    std::unique_ptr<node_state> next;
    try {
        next = join();
    } catch (const std::exception& e) {
        if (!said_) {
            std::fprintf(stderr, "coact::cluster: node '%s' cannot join again yet: %s\n",
                         node_.c_str(), e.what());
            said_ = true;
        }
        return false;
    }
    std::fprintf(stderr,
                 "coact::cluster: node '%s' joined cluster '%s' again as incarnation %llu: %s\n",
                 node_.c_str(), options_.cluster.c_str(),
                 static_cast<unsigned long long>(next->incarnation), why.c_str());
    auto again = [&](const std::string& name, scope s, address a) {
        try {
            if (next->names != nullptr) next->names->claim(name, s, a);
        } catch (const std::exception& e) {
            std::fprintf(stderr,
                         "coact::cluster: node '%s' could not claim '%s' again, and its actor "
                         "keeps the name on this node only: %s\n",
                         node_.c_str(), name.c_str(), e.what());
        }
    };
    for (const auto& [name, a] : claimed_) {
        if (rt_.try_lookup(name) == a) again(name, scope::cluster, a);  // it still lives
    }
    for (const auto& [pool, a] : pooled_) again(pool, scope::pool, a);
    claimed_.clear();
    pooled_.clear();
    said_ = false;
    const std::lock_guard lock(mutex_);
    state_ = std::move(next);
    expelled_ = false;
    return true;
}

cluster::cluster(runtime& rt, cluster_options options)
    : membership_(std::make_unique<membership>(rt, std::move(options))) {}

cluster::~cluster() = default;

const std::string& cluster::node() const noexcept { return membership_->node(); }

std::uint64_t cluster::incarnation() const noexcept {
    try {
        return membership_->incarnation();
    } catch (...) {  // a mutex that cannot be locked
        return 0;
    }
}

std::string cluster::server() const { return membership_->server(); }

cluster_stats cluster::stats() const noexcept {
    try {
        return membership_->stats();
    } catch (...) {
        return {};
    }
}

}  // namespace coact
