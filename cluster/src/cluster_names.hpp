// cluster/src/cluster_names.hpp — names known in the whole cluster (spawn_options::scope), kept
// in a JetStream key-value bucket, `coact_<cluster>_names`: the node's side of the core's
// name_claims seam (coact/detail/actor/name_claims.hpp).
//
// A scope::cluster spawn creates the key with the name (kvStore_Create: an atomic create, so of
// two nodes claiming one name at once exactly one wins); the value says who holds it, msgpack
// [node, incarnation], so that the loser's name_taken names the holder. The key is deleted when
// the actor ends, and when the node leaves. JetStream is needed only for this: a node joins a
// cluster whose servers have none, and a scoped spawn then says why it cannot claim.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nats/nats.h>

#include "coact/detail/actor/name_claims.hpp"

namespace coact {

class cluster_names final : public detail::name_claims {
  public:
    cluster_names(natsConnection* connection, const std::string& cluster, const std::string& node,
                  std::uint64_t incarnation);
    ~cluster_names() override;
    cluster_names(const cluster_names&) = delete;
    cluster_names& operator=(const cluster_names&) = delete;

    void claim(std::string_view name, scope s, address a) override;
    void released(std::string_view name, address a) noexcept override;

    /// The bucket's name.
    [[nodiscard]] const std::string& bucket() const noexcept { return bucket_; }

  private:
    [[nodiscard]] std::string holder_of(const std::string& name) const;

    const std::string cluster_;
    const std::string bucket_;
    std::string holder_;       // this node's value: msgpack [node, incarnation]
    std::string unavailable_;  // why names cannot be claimed (no JetStream), or empty
    jsCtx* js_ = nullptr;
    kvStore* kv_ = nullptr;
    std::mutex mutex_;
    std::unordered_map<std::string, address> mine_;  // names this node claimed, by whom
};

}  // namespace coact
