// cluster/src/cluster_names.cpp — cluster-scoped names in a JetStream key-value bucket.
#include "cluster_names.hpp"

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include <msgpack.hpp>

#include "coact/cluster/errors.hpp"
#include "coact/cluster/subjects.hpp"
#include "coact/errors.hpp"
#include "coact/runtime.hpp"
#include "nats_status.hpp"

namespace coact {

namespace {

std::string pack_holder(const wire_address& w) {
    msgpack::sbuffer out;
    msgpack::packer<msgpack::sbuffer> p(out);
    p.pack_array(3);
    p.pack(w.node);
    p.pack(w.incarnation);
    p.pack(w.actor);
    return {out.data(), out.size()};
}

/// [node, incarnation, actor], or nothing when the value is not one.
std::optional<wire_address> unpack_holder(const void* data, int size) {
    try {
        const msgpack::object_handle h =
            msgpack::unpack(static_cast<const char*>(data), static_cast<std::size_t>(size));
        const msgpack::object& o = h.get();
        if (o.type != msgpack::type::ARRAY || o.via.array.size != 3) return std::nullopt;
        const msgpack::object* f = o.via.array.ptr;
        if (f[0].type != msgpack::type::STR || f[1].type != msgpack::type::POSITIVE_INTEGER ||
            f[2].type != msgpack::type::POSITIVE_INTEGER) {
            return std::nullopt;
        }
        return wire_address{f[0].as<std::string>(), f[1].via.u64, f[2].via.u64};
    } catch (...) {
        return std::nullopt;
    }
}

/// A pool's value in the bucket: msgpack ["pool"]. Its members are anywhere; the key stays.
const std::string& pool_marker() {
    static const std::string marker = [] {
        msgpack::sbuffer out;
        msgpack::packer<msgpack::sbuffer> p(out);
        p.pack_array(1);
        p.pack(std::string_view("pool"));
        return std::string(out.data(), out.size());
    }();
    return marker;
}

bool is_pool_marker(const void* data, int size) {
    const std::string& marker = pool_marker();
    return size == static_cast<int>(marker.size()) &&
           std::string_view(static_cast<const char*>(data), marker.size()) == marker;
}

/// How long giving a name back waits for each JetStream answer (cnats' own default: 5 s).
constexpr std::int64_t give_back_wait_ms = 1000;

}  // namespace

cluster_names::cluster_names(natsConnection* connection, const std::string& cluster,
                             std::shared_ptr<node_link> link)
    : cluster_(cluster),
      bucket_("coact_" + cluster + "_names"),
      link_(std::move(link)),
      connection_(connection) {
    if (const natsStatus s = natsConnection_JetStream(&js_, connection, nullptr); s != NATS_OK) {
        unavailable_ = "no JetStream context: " + nats_reason(s);
        return;
    }
    open_bucket();
}

void cluster_names::open_bucket() {
    // The bucket republishes every change it stores to claims(), which start_watching()
    // follows. Not the bucket's own subjects, `$KV.<bucket>.>`: a plain subscription there also
    // hears writes JetStream rejects (another node's failed claim, a revision-checked delete
    // that lost), and took them for facts: a node once made a proxy for a claim that had failed.
    const std::string source = "$KV." + bucket_ + ".>";
    const std::string destination = link_->subjects.claims();
    jsRePublish republish;
    jsRePublish_Init(&republish);
    republish.Source = source.c_str();
    republish.Destination = destination.c_str();
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = bucket_.c_str();
    config.History = 1;
    config.RePublish = &republish;
    // Binds to the bucket when another node made it already. Two nodes making it at the same
    // moment: the later create fails ("subjects overlap with an existing stream") although the
    // bucket is there now, so a failed create looks it up before giving up.
    natsStatus s = js_CreateKeyValue(&kv_, js_, &config);
    if (s == NATS_OK) {
        unavailable_.clear();
        return;
    }
    kv_ = nullptr;
    if (js_KeyValue(&kv_, js_, bucket_.c_str()) == NATS_OK) {
        unavailable_ = check_republished(republish);
        if (unavailable_.empty()) return;
        kvStore_Destroy(std::exchange(kv_, nullptr));
        return;
    }
    kv_ = nullptr;
    unavailable_ = "the key-value bucket '" + bucket_ + "' cannot be made (" + nats_reason(s) +
                   "): cluster-scoped names need JetStream on the servers";
}

void cluster_names::retry_bucket() {
    const std::unique_lock kv_lock(kv_mutex_);
    // Not once shut down (js_ is gone), nor before the gateway can be told what is there.
    if (kv_ != nullptr || js_ == nullptr || !watching_) return;
    open_bucket();
    if (kv_ != nullptr) bind_bucket();
}

std::string cluster_names::check_republished(const jsRePublish& wanted) {
    const std::string stream = "KV_" + bucket_;
    jsStreamInfo* info = nullptr;
    if (const natsStatus s = js_GetStreamInfo(&info, js_, stream.c_str(), nullptr, nullptr);
        s != NATS_OK) {
        return "the key-value bucket '" + bucket_ + "' cannot be read (" + nats_reason(s) + ")";
    }
    const jsRePublish* has = info->Config->RePublish;
    const bool same = has != nullptr && has->Source != nullptr && has->Destination != nullptr &&
                      std::string_view(has->Source) == wanted.Source &&
                      std::string_view(has->Destination) == wanted.Destination && !has->HeadersOnly;
    jsStreamInfo_Destroy(info);
    if (same) return {};
    // NATS cannot add republishing to a stream that has none ("stream configuration update can
    // not change RePublish"), so the bucket has to be made again.
    return "the key-value bucket '" + bucket_ + "' does not republish its changes to '" +
           std::string(wanted.Destination) +
           "' (made by hand, or by an older coact), and NATS cannot add that to a bucket: delete "
           "it (`nats kv del " +
           bucket_ + "`) while no node of the cluster is joined";
}

void cluster_names::start_watching() {
    // Subscribed first, then the keys listed: a name claimed in between is seen twice (telling
    // the gateway twice is harmless), never missed. Subscribed also without a bucket: another
    // node, or a later claim of this one, may make it (retry_bucket).
    const std::string changes = link_->subjects.claims();
    if (natsConnection_Subscribe(&changes_, connection_, changes.c_str(), on_change, this) !=
            NATS_OK ||
        natsSubscription_SetOnCompleteCB(changes_, on_done, this) != NATS_OK) {
        natsSubscription_Unsubscribe(changes_);
        link_->bury(std::exchange(changes_, nullptr));
        return;
    }
    const std::unique_lock kv_lock(kv_mutex_);
    watching_ = true;
    if (kv_ != nullptr) bind_bucket();
}

void cluster_names::bind_bucket() {
    // Deletes (giving names back) go through a context that waits a second for each answer: a
    // leave, an actor's end or a lost node's release must not hang where JetStream cannot
    // answer. Without it, they use kv_ and wait cnats' five seconds.
    jsOptions quick;
    jsOptions_Init(&quick);
    quick.Wait = give_back_wait_ms;
    if (quick_js_ == nullptr &&
        natsConnection_JetStream(&quick_js_, connection_, &quick) != NATS_OK)
        quick_js_ = nullptr;
    if (quick_js_ != nullptr && js_KeyValue(&quick_kv_, quick_js_, bucket_.c_str()) != NATS_OK)
        quick_kv_ = nullptr;
    kvKeysList keys{};
    if (kvStore_Keys(&keys, kv_, nullptr) != NATS_OK) return;  // none yet (NATS_NOT_FOUND)
    for (int i = 0; i < keys.Count; ++i) {
        kvEntry* entry = nullptr;
        if (kvStore_Get(&entry, kv_, keys.Keys[i]) == NATS_OK && entry != nullptr) {
            tell(keys.Keys[i], kvEntry_Value(entry), kvEntry_ValueLen(entry), false);
            kvEntry_Destroy(entry);
        }
    }
    kvKeysList_Destroy(&keys);
}

cluster_names::~cluster_names() { shutdown(); }

void cluster_names::shutdown() noexcept {
    releases_.stop();  // first: it takes kv_mutex_, which this takes exclusively below
    if (natsSubscription* changes = std::exchange(changes_, nullptr); changes != nullptr) {
        if (natsSubscription_Unsubscribe(changes) == NATS_OK) {
            std::unique_lock lock(done_mutex_);
            done_cv_.wait_for(lock, std::chrono::seconds(5), [&] { return done_; });
        }
        link_->bury(changes);  // destroyed once the connection is closed
    }
    // After a claim or a release under way on another thread (they hold kv_mutex_ shared).
    const std::unique_lock kv_lock(kv_mutex_);
    if (kv_ != nullptr) {
        std::vector<std::string> mine;
        try {
            const std::lock_guard lock(mutex_);
            for (const auto& [name, who] : mine_) mine.push_back(name);
        } catch (...) {  // out of memory: the names stay until the others lose this node
        }
        // Only while the claim is still this incarnation's: if the others lost this node, they
        // gave its names back, and another node may hold one now. Where JetStream cannot answer
        // (a partition took its quorum), each request waits a second (quick_kv_): the names
        // then stay until the others lose this node, and they give them back.
        for (const std::string& name : mine) {  // no answer to one: none for the others either
            if (!delete_if_held_by(name, link_->node, link_->incarnation)) break;
        }
        if (quick_kv_ != nullptr) kvStore_Destroy(std::exchange(quick_kv_, nullptr));
        kvStore_Destroy(std::exchange(kv_, nullptr));
    }
    jsCtx_Destroy(std::exchange(quick_js_, nullptr));
    jsCtx_Destroy(std::exchange(js_, nullptr));
    try {
        if (unavailable_.empty()) unavailable_ = "this node is leaving the cluster";
    } catch (...) {  // out of memory: a claim after this says no reason
    }
}

void cluster_names::on_change(natsConnection* /*nc*/, natsSubscription* /*sub*/, natsMsg* msg,
                              void* self) {
    auto* names = static_cast<cluster_names*>(self);
    try {
        std::string name = names->link_->subjects.claim_of(natsMsg_GetSubject(msg));
        if (!name.empty()) {
            const char* operation = nullptr;  // "DEL" or "PURGE" on a delete marker, none on a put
            const bool gone = natsMsgHeader_Get(msg, "KV-Operation", &operation) == NATS_OK;
            names->tell(std::move(name), natsMsg_GetData(msg), natsMsg_GetDataLength(msg), gone);
        }
    } catch (...) {  // out of memory: the next change may pass
    }
    natsMsg_Destroy(msg);
}

void cluster_names::on_done(void* self) {
    auto* names = static_cast<cluster_names*>(self);
    const std::lock_guard lock(names->done_mutex_);
    names->done_ = true;
    names->done_cv_.notify_all();
}

void cluster_names::tell(std::string name, const void* value, int size, bool gone) {
    try {
        name_seen n{std::move(name), std::nullopt};
        n.pool = !gone && is_pool_marker(value, size);
        if (!gone && !n.pool) {
            n.holder = unpack_holder(value, size);
            if (!n.holder) return;  // not a value coact wrote
        }
        if (!n.pool) {  // a pool's name has no holder to follow
            const std::lock_guard lock(mutex_);
            if (n.holder) {
                seen_.insert_or_assign(n.name, *n.holder);
            } else {
                seen_.erase(n.name);
            }
        }
        link_->rt.send(link_->gateway, std::move(n));
    } catch (...) {  // the runtime refused (shutting down): the next change may pass
    }
}

void cluster_names::claim(std::string_view name, scope s, address a) {
    check_dotted("cluster actor name", name);
    bool no_bucket = false;
    {
        const std::shared_lock kv_lock(kv_mutex_);
        no_bucket = kv_ == nullptr;
    }
    if (no_bucket) retry_bucket();
    const std::shared_lock kv_lock(kv_mutex_);
    if (kv_ == nullptr) {
        throw cluster_error("coact::spawn: cannot claim '" + std::string(name) + "' in cluster '" +
                            cluster_ + "': " + unavailable_);
    }
    const std::string key(name);
    if (s == scope::pool) {
        join_pool(key, a);
        return;
    }
    bool made = false;
    const std::uint64_t number = link_->number_of(a, made);
    const std::string holder = pack_holder({link_->node, link_->incarnation, number});
    uint64_t revision = 0;
    // A create that finds the key held, then finds no holder, lost a race with the name's
    // release (its actor ended, or its node was lost a moment ago): the name is free, try again.
    for (int attempt = 1;; ++attempt) {
        const natsStatus st = kvStore_Create(&revision, kv_, key.c_str(), holder.data(),
                                             static_cast<int>(holder.size()));
        if (st == NATS_OK) break;
        const std::string reason = nats_reason(st);
        const std::string who = holder_of(key);
        if (who.empty() && attempt < 3) continue;
        if (made) link_->forget(a);
        if (!who.empty()) throw name_taken(name, who);
        throw cluster_error("coact::spawn: cannot claim '" + key + "' in cluster '" + cluster_ +
                            "': " + reason);
    }
    if (made) link_->rt.send(link_->gateway, export_watch{a});  // its number goes when it ends
    const std::lock_guard lock(mutex_);
    mine_.insert_or_assign(key, a);
}

void cluster_names::join_pool(const std::string& key, address a) {
    // The first member's node marks the name as a pool's (an atomic create, as a claim); a
    // member joining a pool that exists finds the marker; a name a single actor holds is taken.
    const std::string& marker = pool_marker();
    uint64_t revision = 0;
    const natsStatus st =
        kvStore_Create(&revision, kv_, key.c_str(), marker.data(), static_cast<int>(marker.size()));
    if (st != NATS_OK) {
        kvEntry* entry = nullptr;
        const natsStatus got = kvStore_Get(&entry, kv_, key.c_str());
        const bool pool = got == NATS_OK && entry != nullptr &&
                          is_pool_marker(kvEntry_Value(entry), kvEntry_ValueLen(entry));
        kvEntry_Destroy(entry);
        if (!pool) {
            const std::string who = holder_of(key);
            if (!who.empty()) throw name_taken(key, who);
            throw cluster_error("coact::spawn: cannot make pool '" + key + "' in cluster '" +
                                cluster_ + "': " + nats_reason(st));
        }
    }
    link_->pools.join(key, a);
}

void cluster_names::released(std::string_view name, address a) noexcept {
    const std::shared_lock kv_lock(kv_mutex_);  // the bucket stays while this runs
    try {
        const std::string key(name);
        {
            const std::lock_guard lock(mutex_);
            const auto it = mine_.find(key);
            if (it == mine_.end() || it->second != a) return;  // not claimed here, or not by `a`
            mine_.erase(it);
        }
        delete_if_held_by(key, link_->node, link_->incarnation);  // still this incarnation's
    } catch (...) {  // a string that cannot be made: the name stays claimed until the node leaves
    }
}

void cluster_names::release_held_by(const std::string& node, std::uint64_t incarnation) noexcept {
    try {
        releases_.add(node, incarnation);  // name_releases.hpp: not on the liveness thread
    } catch (...) {  // out of memory: the names stay until that incarnation comes back
    }
}

bool cluster_names::release_now(const std::string& node, std::uint64_t incarnation) {
    const std::shared_lock kv_lock(kv_mutex_);
    if (kv_ == nullptr || js_ == nullptr) return true;  // left: nothing more to do here
    std::vector<std::string> held;
    {
        const std::lock_guard lock(mutex_);
        for (const auto& [name, w] : seen_) {
            if (w.node == node && w.incarnation == incarnation) held.push_back(name);
        }
    }
    for (const std::string& name : held) {
        if (releases_.stopping()) return true;
        // No answer: the rest waits for the next try as well (a leave must not wait a second
        // per name for servers that do not answer).
        if (!delete_if_held_by(name, node, incarnation)) return false;
    }
    return true;
}

bool cluster_names::delete_if_held_by(kvStore* kv, jsCtx* js, const std::string& name,
                                      const std::string& node, std::uint64_t incarnation) noexcept {
    if (kv == nullptr || js == nullptr) return true;
    try {
        // Delete only the claim seen now: a delete marker published with the revision read
        // as the stream's expected last sequence for the key. Of the survivors doing this,
        // one succeeds; a node that claimed the name since makes the others' fail.
        kvEntry* entry = nullptr;
        const natsStatus got = kvStore_Get(&entry, kv, name.c_str());
        if (got == NATS_NOT_FOUND) return true;                // given back already
        if (got != NATS_OK || entry == nullptr) return false;  // no answer: again later
        const std::optional<wire_address> w =
            unpack_holder(kvEntry_Value(entry), kvEntry_ValueLen(entry));
        const std::uint64_t revision = kvEntry_Revision(entry);
        kvEntry_Destroy(entry);
        if (!w || w->node != node || w->incarnation != incarnation) return true;  // not theirs
        natsMsg* marker = nullptr;
        const std::string subject = "$KV." + bucket_ + "." + name;
        if (natsMsg_Create(&marker, subject.c_str(), nullptr, nullptr, 0) != NATS_OK) return false;
        static_cast<void>(natsMsgHeader_Set(marker, "KV-Operation", "DEL"));
        jsPubOptions o;
        jsPubOptions_Init(&o);
        o.ExpectLastSubjectSeq = revision;
        jsPubAck* ack = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        const natsStatus put = js_PublishMsg(&ack, js, marker, &o, &code);
        jsPubAck_Destroy(ack);
        natsMsg_Destroy(marker);
        // Settled when deleted, or when the claim changed since it was read (another node gave
        // it back, or claimed it again).
        return put == NATS_OK || code == JSStreamWrongLastSequenceErr;
    } catch (...) {  // out of memory: the name stays
        return false;
    }
}

std::string cluster_names::holder_of(const std::string& name) const {
    kvEntry* entry = nullptr;
    if (kvStore_Get(&entry, kv_, name.c_str()) != NATS_OK || entry == nullptr) return {};
    const bool pool = is_pool_marker(kvEntry_Value(entry), kvEntry_ValueLen(entry));
    const std::optional<wire_address> w =
        unpack_holder(kvEntry_Value(entry), kvEntry_ValueLen(entry));
    kvEntry_Destroy(entry);
    if (pool) return "a pool (scope::pool) of cluster '" + cluster_ + "'";
    if (!w) return "another node of cluster '" + cluster_ + "'";
    return "node '" + w->node + "' (incarnation " + std::to_string(w->incarnation) +
           ") of cluster '" + cluster_ + "'";
}

std::vector<std::pair<std::string, address>> cluster_names::claimed() {
    const std::lock_guard lock(mutex_);
    return {mine_.begin(), mine_.end()};
}

}  // namespace coact
