// coact/detail/actor/watches.hpp — who monitors and who is linked to whom.
//
// One entry per actor that takes part (monitors, is monitored, is linked, or traps exits), in a
// table kept by the core (core::watches, under core::watches_mutex in work-stealing mode). The
// entry goes when its actor ends: core::end_watches (runtime.cpp) takes it out and tells the
// others. Until a runtime's first monitor, link or trap_exits, its actors' ends skip the table
// (core::watches_used). The protocol, for the work-stealing mode, where a registration may race
// with the end of its target:
//   1. A registration (monitor, link) takes the mutex, sets watches_used (seq_cst store), then
//      reads the target's generation (seq_cst load): a different one means the target has
//      ended, and the registrant is told at once (reason no_actor) or gets an error (link).
//   2. An ending actor bumps its generation (seq_cst store, in terminate) and then reads
//      watches_used (seq_cst load): set, it takes the mutex and takes its entry out.
//   Steps 1 and 2 are Dekker's pattern: either the registrant sees the new generation, or the
//   ending actor sees the flag and, under the mutex, the registration.
#pragma once

#include <optional>
#include <vector>

#include "coact/address.hpp"
#include "coact/exit_reason.hpp"

namespace coact::detail {

struct watch_entry {
    std::vector<coact::address> monitors;  // actors to send a down to when this one ends
    std::vector<coact::address> watching;  // actors this one monitors (to unregister at its end)
    std::vector<coact::address> links;     // partners, each linked both ways
    bool traps_exits = false;
    // The reason its watchers hear instead of its own (a cluster proxy mirroring its remote
    // actor's end: detail::relay::end_as).
    std::optional<exit_reason> ends_as;
};

}  // namespace coact::detail
