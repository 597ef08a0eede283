// coact/detail/actor/name_claims.hpp — the seam between the registry and a cluster: names known
// beyond this runtime (spawn_options::scope).
//
// A runtime that joined a cluster has a name_claims (the cluster library's node sets it on the
// core; nothing else does). Spawning with scope::cluster registers the name locally first, as
// any name, then asks the claims to claim it across the cluster: a claim that throws
// (name_taken: another node holds it) undoes the spawn. When a named actor ends, or its spawn is
// undone, the claims hear of it (released), for every named actor: they keep track of the names
// they claimed and ignore the others. A pool member (scope::pool) is not registered locally: the
// members share the name, so each is anonymous here and the claims follow its life themselves
// (released is not called for it).
//
// Threads: claim runs on the spawning thread (any thread in the work-stealing mode), released on
// the thread that ends the actor; an implementation locks what it shares.
#pragma once

#include <string_view>

#include "coact/address.hpp"
#include "coact/spawn_options.hpp"

namespace coact::detail {

class name_claims {
  public:
    virtual ~name_claims() = default;
    /// Claims `name` (already this runtime's, for `a`) with `s`, or throws (name_taken).
    virtual void claim(std::string_view name, scope s, address a) = 0;
    /// The actor `a` named `name` has ended, or its spawn was undone.
    virtual void released(std::string_view name, address a) noexcept = 0;
};

}  // namespace coact::detail
