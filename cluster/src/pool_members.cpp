// cluster/src/pool_members.cpp — this node's members of pools: a queue subscription each.
#include "pool_members.hpp"

#include <utility>

#include "coact/cluster/errors.hpp"
#include "coact/runtime.hpp"
#include "link.hpp"
#include "nats_status.hpp"

namespace coact {

pool_members::pool_members(node_link& link, natsConnection* connection)
    : link_(link), connection_(connection) {}

pool_members::~pool_members() { close(); }

void pool_members::join(const std::string& pool, address member_address) {
    const std::string subject = link_.subjects.name(pool);
    bool made = false;
    auto m = std::make_unique<member>();
    m->owner = this;
    m->number = link_.number_of(member_address, made);
    m->pool = pool;
    m->subject = subject;
    const std::lock_guard lock(mutex_);
    natsStatus s = NATS_CONNECTION_CLOSED;
    if (connection_ != nullptr) {
        s = natsConnection_QueueSubscribe(&m->subscription, connection_, subject.c_str(),
                                          pool.c_str(), on_message, m.get());
    }
    if (s != NATS_OK) {
        if (made) link_.forget(member_address);
        throw cluster_error("coact::spawn: cannot join pool '" + pool + "' (" + nats_reason(s) +
                            ")");
    }
    // Its end is the gateway's to see: it monitors every numbered actor.
    if (made) link_.rt.send(link_.gateway, export_watch{member_address});
    members_.insert_or_assign(member_address, std::move(m));
}

void pool_members::left(address member_address) noexcept {
    try {
        const std::lock_guard lock(mutex_);
        const auto it = members_.find(member_address);
        if (it == members_.end()) return;
        it->second->gone.store(true);  // before the drain: its callbacks hand messages on
        if (natsSubscription_Drain(it->second->subscription) != NATS_OK) {
            natsSubscription_Unsubscribe(it->second->subscription);
        }
        gone_.push_back(std::move(it->second));
        members_.erase(it);
    } catch (...) {  // out of memory: its messages are counted as to an ended actor
    }
}

void pool_members::close() noexcept {
    const std::lock_guard lock(mutex_);
    for (auto& [a, m] : members_) {
        m->gone.store(true);
        natsSubscription_Unsubscribe(m->subscription);
        gone_.push_back(std::move(m));
    }
    members_.clear();
    connection_ = nullptr;
    // Destroyed once the connection is closed (node_link::bury); the members' records stay
    // with this object, as their last callbacks may still run.
    for (const std::unique_ptr<member>& m : gone_)
        link_.bury(std::exchange(m->subscription, nullptr));
}

bool pool_members::plain(std::string_view reply) noexcept { return reply.ends_with(".0"); }

void pool_members::on_message(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg,
                              void* closure) {
    const auto* m = static_cast<const member*>(closure);
    node_link& link = m->owner->link_;
    if (m->gone.load()) {  // routed to it before it ended: another member's, as it came
        const char* reply = natsMsg_GetReply(msg);
        static_cast<void>(link.publish_control(m->subject, natsMsg_GetData(msg),
                                               static_cast<std::size_t>(natsMsg_GetDataLength(msg)),
                                               reply));
        natsMsg_Destroy(msg);
        return;
    }
    link.hand_to_gateway(msg, m->number, "a message to a pool");
    natsMsg_Destroy(msg);
}

std::vector<std::pair<std::string, address>> pool_members::members() {
    const std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, address>> all;
    for (const auto& [a, m] : members_) {
        if (!m->gone.load(std::memory_order_relaxed)) all.emplace_back(m->pool, a);
    }
    return all;
}

}  // namespace coact
