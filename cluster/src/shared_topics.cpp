// cluster/src/shared_topics.cpp — publications across nodes.
#include "shared_topics.hpp"

#include <chrono>
#include <cstdio>
#include <utility>

#include "coact/cluster/errors.hpp"
#include "coact/cluster/wire_registry.hpp"
#include "coact/detail/message/payload.hpp"
#include "coact/runtime.hpp"
#include "nats_status.hpp"

namespace coact {

shared_topics::shared_topics(natsConnection* connection, std::shared_ptr<node_link> link,
                             std::vector<std::string> patterns)
    : connection_(connection), link_(std::move(link)), patterns_(std::move(patterns)) {
    for (const std::string& p : patterns_) {
        static_cast<void>(link_->subjects.topic(p));  // throws cluster_error naming a bad one
    }
}

void shared_topics::start() {
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
        auto s = std::make_unique<subscription>(subscription{this, i});
        const std::string subject = link_->subjects.topic(patterns_[i]);
        natsStatus st = natsConnection_Subscribe(&s->sub, connection_, subject.c_str(),
                                                 on_publication, s.get());
        if (st == NATS_OK) st = natsSubscription_SetOnCompleteCB(s->sub, on_done, s.get());
        if (s->sub != nullptr) subscriptions_.push_back(std::move(s));
        if (st != NATS_OK) {
            throw cluster_error("coact::cluster: cannot follow the shared topic '" + patterns_[i] +
                                "' on '" + subject + "': " + nats_reason(st));
        }
    }
}

shared_topics::~shared_topics() { stop(); }

void shared_topics::stop() noexcept {
    std::size_t subscribed = 0;
    for (const auto& s : subscriptions_) {
        if (natsSubscription_Unsubscribe(s->sub) == NATS_OK) ++subscribed;
    }
    {
        // The callbacks hold `this`: none may run after it goes.
        std::unique_lock lock(mutex_);
        done_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return done_ >= subscribed; });
    }
    for (const auto& s : subscriptions_) link_->bury(s->sub);  // once the connection is closed
    subscriptions_.clear();
}

bool shared_topics::shares(std::string_view topic) const noexcept {
    for (const std::string& p : patterns_) {
        if (topic_matches(p, topic)) return true;
    }
    return false;
}

void shared_topics::published(std::string_view topic, const detail::envelope& message,
                              address sender) {
    const wire_registry::encoding* encoding =
        wire_registry::global().find_encoder(*message.ops->type);
    if (encoding == nullptr) {
        throw not_serializable("coact::cluster: a publication to the shared topic '" +
                               std::string(topic) + "' is of type " +
                               detail::type_name(*message.ops->type) +
                               ", which has no wire name (COACT_REMOTE)");
    }
    const std::string subject = link_->subjects.topic(topic);  // throws for what NATS misreads
    wire_address from{link_->node, link_->incarnation, 0};
    if (sender) {
        if (std::optional<wire_address> remote = link_->remote_of(sender)) {
            from = *remote;
        } else {
            bool made = false;
            from.actor = link_->number_of(sender, made);
            if (made) link_->rt.send(link_->gateway, export_watch{sender});
        }
    }
    msgpack::sbuffer out;
    wire_packer p(out);
    detail::encode_header(p, encoding->name, from, 0);
    encoding->encode(p, message);
    if (const std::int64_t limit = natsConnection_GetMaxPayload(connection_);
        limit > 0 && static_cast<std::int64_t>(out.size()) > limit) {
        throw message_too_large("coact::cluster: a publication to the shared topic '" +
                                std::string(topic) + "' is " + std::to_string(out.size()) +
                                " bytes on the wire; the servers take at most " +
                                std::to_string(limit));
    }
    link_->publish(subject, out.data(), out.size());
}

void shared_topics::on_publication(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg,
                                   void* closure) {
    const auto* s = static_cast<subscription*>(closure);
    shared_topics& me = *s->owner;
    node_link& link = *me.link_;
    try {
        const std::string topic = link.subjects.topic_of(natsMsg_GetSubject(msg));
        std::size_t first = 0;  // the first pattern that follows the topic takes it
        while (first < me.patterns_.size() && !topic_matches(me.patterns_[first], topic)) ++first;
        auto m = std::make_unique<wire_message>(decode_message(std::string_view(
            natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)))));
        const bool mine =
            m->from && m->from->node == link.node && m->from->incarnation == link.incarnation;
        if (!mine && first == s->index) {
            link.rt.send(link.gateway, inbound_publication{topic, std::move(m)});
        }
    } catch (const cluster_error& e) {  // wire_error, or a subject that is not a topic
        link.reject("a publication", e);
    } catch (...) {  // the runtime refused it (shutting down)
        link.dropped.fetch_add(1, std::memory_order_relaxed);
    }
    natsMsg_Destroy(msg);
}

void shared_topics::on_done(void* closure) {
    shared_topics& me = *static_cast<subscription*>(closure)->owner;
    const std::lock_guard lock(me.mutex_);
    ++me.done_;
    me.done_cv_.notify_all();
}

}  // namespace coact
