// cluster/src/cluster_names.cpp — cluster-scoped names in a JetStream key-value bucket.
#include "cluster_names.hpp"

#include <string>

#include <msgpack.hpp>

#include "coact/cluster/errors.hpp"
#include "coact/cluster/subjects.hpp"
#include "coact/errors.hpp"
#include "nats_status.hpp"

namespace coact {

namespace {

std::string pack_holder(const std::string& node, std::uint64_t incarnation) {
    msgpack::sbuffer out;
    msgpack::packer<msgpack::sbuffer> p(out);
    p.pack_array(2);
    p.pack(node);
    p.pack(incarnation);
    return {out.data(), out.size()};
}

}  // namespace

cluster_names::cluster_names(natsConnection* connection, const std::string& cluster,
                             const std::string& node, std::uint64_t incarnation)
    : cluster_(cluster),
      bucket_("coact_" + cluster + "_names"),
      holder_(pack_holder(node, incarnation)) {
    if (const natsStatus s = natsConnection_JetStream(&js_, connection, nullptr); s != NATS_OK) {
        unavailable_ = "no JetStream context: " + nats_reason(s);
        return;
    }
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = bucket_.c_str();
    config.History = 1;
    // Binds to the bucket when another node made it already (same configuration).
    if (const natsStatus s = js_CreateKeyValue(&kv_, js_, &config); s != NATS_OK) {
        kv_ = nullptr;
        unavailable_ = "the key-value bucket '" + bucket_ + "' cannot be made (" + nats_reason(s) +
                       "): cluster-scoped names need JetStream on the servers";
    }
}

cluster_names::~cluster_names() {
    if (kv_ != nullptr) {
        for (const auto& [name, who] : mine_) static_cast<void>(kvStore_Delete(kv_, name.c_str()));
        kvStore_Destroy(kv_);
    }
    jsCtx_Destroy(js_);
}

void cluster_names::claim(std::string_view name, scope s, address a) {
    if (s == scope::pool) {
        throw cluster_error("coact::spawn: '" + std::string(name) +
                            "' with scope::pool: pools are not built yet (docs/design/cluster.md, "
                            "\"What comes next\")");
    }
    check_dotted("cluster actor name", name);
    if (kv_ == nullptr) {
        throw cluster_error("coact::spawn: cannot claim '" + std::string(name) + "' in cluster '" +
                            cluster_ + "': " + unavailable_);
    }
    const std::string key(name);
    uint64_t revision = 0;
    const natsStatus st = kvStore_Create(&revision, kv_, key.c_str(), holder_.data(),
                                         static_cast<int>(holder_.size()));
    if (st != NATS_OK) {
        const std::string reason = nats_reason(st);
        const std::string holder = holder_of(key);
        if (!holder.empty()) throw name_taken(name, holder);
        throw cluster_error("coact::spawn: cannot claim '" + key + "' in cluster '" + cluster_ +
                            "': " + reason);
    }
    const std::lock_guard lock(mutex_);
    mine_.insert_or_assign(key, a);
}

void cluster_names::released(std::string_view name, address a) noexcept {
    try {
        const std::string key(name);
        {
            const std::lock_guard lock(mutex_);
            const auto it = mine_.find(key);
            if (it == mine_.end() || it->second != a) return;  // not claimed here, or not by `a`
            mine_.erase(it);
        }
        if (kv_ != nullptr) static_cast<void>(kvStore_Delete(kv_, key.c_str()));
    } catch (...) {  // a string that cannot be made: the name stays claimed until the node leaves
    }
}

std::string cluster_names::holder_of(const std::string& name) const {
    kvEntry* entry = nullptr;
    if (kvStore_Get(&entry, kv_, name.c_str()) != NATS_OK || entry == nullptr) return {};
    std::string who;
    try {
        const msgpack::object_handle h =
            msgpack::unpack(static_cast<const char*>(kvEntry_Value(entry)),
                            static_cast<std::size_t>(kvEntry_ValueLen(entry)));
        const msgpack::object& o = h.get();
        if (o.type == msgpack::type::ARRAY && o.via.array.size == 2 &&
            o.via.array.ptr[0].type == msgpack::type::STR &&
            o.via.array.ptr[1].type == msgpack::type::POSITIVE_INTEGER) {
            who = "node '" + o.via.array.ptr[0].as<std::string>() + "' (incarnation " +
                  std::to_string(o.via.array.ptr[1].via.u64) + ") of cluster '" + cluster_ + "'";
        }
    } catch (...) {
    }
    if (who.empty()) who = "another node of cluster '" + cluster_ + "'";
    kvEntry_Destroy(entry);
    return who;
}

}  // namespace coact
