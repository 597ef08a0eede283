// cluster/src/cluster_names.hpp — names known in the whole cluster (spawn_options::scope), kept
// in a JetStream key-value bucket, `coact_<cluster>_names`: the node's side of the core's
// name_claims seam (coact/detail/actor/name_claims.hpp).
//
// A scope::cluster spawn creates the key with the name (kvStore_Create: an atomic create, so of
// two nodes claiming one name at once exactly one wins); the value says who holds it, msgpack
// [node, incarnation, actor number] (node_link's numbers), so that the loser's name_taken names
// the holder and other nodes can address it. A name is deleted only while the claim in the bucket
// is still this incarnation's (revision-checked: the others may have given it back and another
// node claimed it since, membership.hpp). Every node follows the bucket and tells its gateway
// of each name that appears or goes (the gateway makes a proxy under that name): the bucket
// republishes every put and delete marker it stored to `coact.<cluster>.claims.<name>`, where the
// node subscribes, then lists the keys already there. (Not the bucket's own subjects: a subscriber
// there also hears the writes JetStream rejects.) A plain subscription, on cnats' delivery thread:
// cnats' own watcher (an ordered consumer on a thread of the node's) was tried first, and now and
// then leaked a message of its own when stopped (LeakSanitizer, 5 runs in 90). The key is deleted
// when the actor ends, and when the node leaves. A pool's name has the value ["pool"], made by its
// first member's node and kept; its members are pool_members' (pool_members.hpp). JetStream is
// needed only for this: a node joins a
// cluster whose servers have none, and a scoped spawn then says why it cannot claim.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nats/nats.h>

#include "coact/detail/actor/name_claims.hpp"
#include "link.hpp"
#include "name_releases.hpp"

namespace coact {

class cluster_names final : public detail::name_claims {
  public:
    cluster_names(natsConnection* connection, const std::string& cluster,
                  std::shared_ptr<node_link> link);
    ~cluster_names() override;
    cluster_names(const cluster_names&) = delete;
    cluster_names& operator=(const cluster_names&) = delete;

    void claim(std::string_view name, scope s, address a) override;
    void released(std::string_view name, address a) noexcept override;

    /// Starts the watcher thread (once the gateway it hands names to exists).
    void start_watching();
    /// The names a lost node incarnation held are deleted from the bucket, each only if its
    /// claim is still the one seen (a revision-checked delete): any node may claim them again.
    /// Queued: a thread of this object does it, again each second until the servers answer
    /// (name_releases.hpp).
    void release_held_by(const std::string& node, std::uint64_t incarnation) noexcept;
    /// The node leaves: stops following the bucket, gives back the names it still holds, and
    /// lets go of the bucket. Claims and releases after it do nothing (a spawn's claim throws).
    /// The object itself outlives it (core::retire_seam): an actor ending on another worker may
    /// be inside released().
    void shutdown() noexcept;
    /// The names this node claimed and still holds, by actor.
    [[nodiscard]] std::vector<std::pair<std::string, address>> claimed();
    /// The bucket's name.
    [[nodiscard]] const std::string& bucket() const noexcept { return bucket_; }

  private:
    [[nodiscard]] std::string holder_of(const std::string& name) const;
    /// Deletes `name` from the bucket if (node, incarnation) holds it now (revision-checked),
    /// waiting a second for each answer. True when settled (deleted, or not theirs now); false
    /// when the servers did not answer.
    bool delete_if_held_by(const std::string& name, const std::string& node,
                           std::uint64_t incarnation) noexcept {
        return quick_kv_ != nullptr
                   ? delete_if_held_by(quick_kv_, quick_js_, name, node, incarnation)
                   : delete_if_held_by(kv_, js_, name, node, incarnation);
    }
    bool delete_if_held_by(kvStore* kv, jsCtx* js, const std::string& name, const std::string& node,
                           std::uint64_t incarnation) noexcept;
    /// name_releases' thread: gives back what (node, incarnation) holds; true when settled.
    bool release_now(const std::string& node, std::uint64_t incarnation);
    /// scope::pool: marks `key` as a pool's in the bucket (or finds it marked), then `a` joins.
    void join_pool(const std::string& key, address a);
    /// Makes the bucket, or binds to it: kv_ set, or unavailable_ says why not. Under kv_mutex_
    /// held exclusively (or in the constructor).
    void open_bucket();
    /// Once kv_ is set and the node is watching: the context for deletes, and the names
    /// already in the bucket told to the gateway. Under kv_mutex_ held exclusively.
    void bind_bucket();
    /// A claim found no bucket: tries to make it again (a node that joined while JetStream
    /// could not make streams yet, or before it was enabled).
    void retry_bucket();
    /// Empty if the bound bucket republishes its stored changes as `wanted` says, else why not.
    [[nodiscard]] std::string check_republished(const jsRePublish& wanted);
    /// cnats' delivery thread: a put or a delete marker of the bucket.
    static void on_change(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* self);
    static void on_done(void* self);
    void tell(std::string name, const void* value, int size, bool gone);

    const std::string cluster_;
    const std::string bucket_;
    std::shared_ptr<node_link> link_;
    std::string unavailable_;  // why names cannot be claimed (no JetStream), or empty
    bool watching_ = false;    // start_watching() ran: the gateway can be told names
    // kv_ and js_ live until shutdown(), which takes kv_mutex_ exclusively; claim, released and
    // release_held_by hold it shared while they use them.
    std::shared_mutex kv_mutex_;
    jsCtx* js_ = nullptr;
    kvStore* kv_ = nullptr;
    jsCtx* quick_js_ = nullptr;    // waits a second for each answer: for deletes
    kvStore* quick_kv_ = nullptr;  // (start_watching; null: kv_ is used)
    std::mutex mutex_;
    std::unordered_map<std::string, address> mine_;       // names this node claimed, by whom
    std::unordered_map<std::string, wire_address> seen_;  // every claimed name, by its holder
    natsConnection* connection_;
    natsSubscription* changes_ = nullptr;
    std::mutex done_mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;  // the subscription's last callback has run
    // Lost incarnations whose names are given back on a thread of their own (stopped first, in
    // shutdown()).
    name_releases releases_{
        [this](const std::string& node, std::uint64_t i) { return release_now(node, i); }};
};

}  // namespace coact
