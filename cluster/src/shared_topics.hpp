// cluster/src/shared_topics.hpp — topics that cross nodes (cluster_options::shared_topics): the
// node's side of the core's topic_bridge seam (coact/detail/actor/topic_bridge.hpp).
//
// Out: a publication to a shared topic is encoded on the publishing thread (its type's wire
// name; a type with none throws coact::not_serializable, a payload over the servers' limit
// coact::message_too_large, and nobody gets it) and published to coact.<cluster>.t.<topic>, with
// the publisher's address as `from` ([node, incarnation, 0] from outside an actor).
// In: one subscription per shared pattern. cnats' delivery thread decodes, drops this node's own
// publications (its subscribers had them already) and, where two shared patterns overlap, the
// copy of every subscription but the first that follows the topic; the gateway publishes the
// rest to the local subscribers with the remote publisher's proxy as sender.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <nats/nats.h>

#include "coact/detail/actor/topic_bridge.hpp"
#include "link.hpp"

namespace coact {

class shared_topics final : public detail::topic_bridge {
  public:
    /// Checks the patterns (cluster_error naming a bad one).
    shared_topics(natsConnection* connection, std::shared_ptr<node_link> link,
                  std::vector<std::string> patterns);
    ~shared_topics() override;  // stop()
    /// Unsubscribes, and returns after the last callback. Publications after it are dropped
    /// (the link is closed) or thrown as before.
    void stop() noexcept;
    shared_topics(const shared_topics&) = delete;
    shared_topics& operator=(const shared_topics&) = delete;

    /// Subscribes (once the gateway exists). Throws cluster_error.
    void start();

    [[nodiscard]] bool shares(std::string_view topic) const noexcept override;
    void published(std::string_view topic, const detail::envelope& message,
                   address sender) override;

  private:
    struct subscription {
        shared_topics* owner;
        std::size_t index;  // in patterns_
        natsSubscription* sub = nullptr;
    };
    static void on_publication(natsConnection* nc, natsSubscription* sub, natsMsg* msg,
                               void* closure);
    static void on_done(void* closure);

    natsConnection* connection_;
    std::shared_ptr<node_link> link_;
    const std::vector<std::string> patterns_;
    std::vector<std::unique_ptr<subscription>> subscriptions_;
    std::mutex mutex_;
    std::condition_variable done_cv_;
    std::size_t done_ = 0;  // subscriptions whose last callback has run
};

}  // namespace coact
