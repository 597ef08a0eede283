// actor/watches.cpp — monitors and links: registering them, taking them back, and telling the
// watchers when an actor ends (the protocol with watches_used is in detail/actor/watches.hpp).
#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "coact/runtime.hpp"

namespace coact::detail {

void core::watch(context* self, coact::address target, bool link, const char* operation) {
    context* t = detail_access::cell(target);
    const std::uint32_t generation = detail_access::generation(target);
    if (t == nullptr) throw error(std::string(operation) + ": the target address is null");
    if (t == self && generation == self->generation()) {
        throw error(std::string(operation) + ": an actor cannot " + (link ? "link to" : "monitor") +
                    " itself");
    }
    if (t->core_ != this) {
        throw error(std::string(operation) + ": the target belongs to " +
                    describe_runtime(t->core_) + ", not to " + describe_runtime(this) +
                    " of this actor; monitors and links need both actors in one runtime");
    }
    const coact::address me = self->address();
    bool ended = false;
    {
        const std::lock_guard lock(watches_mutex);
        // seq_cst: the registering half of the Dekker pattern (watches.hpp, step 1).
        watches_used.store(true, std::memory_order_seq_cst);
        if (t->generation_.load(std::memory_order_seq_cst) != generation) {
            ended = true;
        } else {
            watch_entry& theirs = watches[t];
            watch_entry& mine = watches[self];
            if (link) {
                if (std::find(mine.links.begin(), mine.links.end(), target) == mine.links.end()) {
                    theirs.links.push_back(me);
                    mine.links.push_back(target);
                }
            } else {
                theirs.monitors.push_back(me);
                mine.watching.push_back(target);
            }
        }
    }
    if (!ended) return;
    if (link) throw error(std::string(operation) + ": the actor at that address has ended");
    deliver(self, detail_access::generation(me),
            make_envelope<down>(
                pool_here(), down{target, exit_reason{exit_kind::no_actor, nullptr}}, nullptr, 0));
}

bool core::unwatch(context* self, coact::address target, bool link) {
    const std::lock_guard lock(watches_mutex);
    const auto mine = watches.find(self);
    if (mine == watches.end()) return false;
    std::vector<coact::address>& list = link ? mine->second.links : mine->second.watching;
    const auto it = std::find(list.begin(), list.end(), target);
    if (it == list.end()) return false;  // never, or the target has ended since
    list.erase(it);
    const auto theirs = watches.find(detail_access::cell(target));
    if (theirs != watches.end()) {
        std::vector<coact::address>& back = link ? theirs->second.links : theirs->second.monitors;
        const auto b = std::find(back.begin(), back.end(), self->address());
        if (b != back.end()) back.erase(b);
    }
    return true;
}

void core::end_as(context* self, exit_reason reason) {
    const std::lock_guard lock(watches_mutex);
    watches_used.store(true, std::memory_order_seq_cst);  // as a registration (watches.hpp)
    watches[self].ends_as = std::move(reason);
}

void core::trap_exits(context* self, bool on) {
    const std::lock_guard lock(watches_mutex);
    watches_used.store(true, std::memory_order_relaxed);  // only this actor's own entry
    watches[self].traps_exits = on;
}

namespace {

exit_reason reason_of(exit_kind_internal kind, const std::exception_ptr& error) {
    switch (kind) {
        case exit_kind_internal::normal:
            return exit_reason{exit_kind::normal, nullptr};
        case exit_kind_internal::closed:
            return exit_reason{exit_kind::closed, nullptr};
        case exit_kind_internal::failed:
            break;
    }
    return exit_reason{exit_kind::failed, error};
}

void erase_address(std::vector<coact::address>& list, const coact::address& a) {
    const auto it = std::find(list.begin(), list.end(), a);
    if (it != list.end()) list.erase(it);
}

}  // namespace

void core::end_watches(context* c, std::uint32_t generation, exit_kind_internal kind,
                       const std::exception_ptr& error) noexcept {
    const coact::address me = detail_access::make(c, generation);
    struct partner {
        coact::address to;
        bool traps;
    };
    watch_entry entry;
    std::vector<partner> partners;
    try {
        const std::lock_guard lock(watches_mutex);
        const auto it = watches.find(c);
        if (it == watches.end()) return;
        entry = std::move(it->second);
        watches.erase(it);
        for (const coact::address& w : entry.watching) {
            const auto other = watches.find(detail_access::cell(w));
            if (other != watches.end()) erase_address(other->second.monitors, me);
        }
        for (const coact::address& m : entry.monitors) {  // each will hear of this end now
            const auto other = watches.find(detail_access::cell(m));
            if (other != watches.end()) erase_address(other->second.watching, me);
        }
        partners.reserve(entry.links.size());
        for (const coact::address& p : entry.links) {
            context* pc = detail_access::cell(p);
            const auto other = watches.find(pc);
            if (other == watches.end() || pc->generation() != detail_access::generation(p)) {
                continue;  // the partner has ended too
            }
            erase_address(other->second.links, me);
            partners.push_back({p, other->second.traps_exits});
        }
    } catch (...) {  // out of memory, or the mutex failed: nobody is told (counted nowhere)
        return;
    }
    const exit_reason reason = entry.ends_as ? *entry.ends_as : reason_of(kind, error);
    // A partner that does not trap exits ends with a failure, or with a lost node (Erlang's
    // noconnection) that a proxy mirrors.
    const bool fatal = reason.kind == exit_kind::failed || reason.kind == exit_kind::noconnection;
    for (const coact::address& m : entry.monitors) {
        try {
            deliver(detail_access::cell(m), detail_access::generation(m),
                    make_envelope<down>(pool_here(), down{me, reason}, c, generation));
        } catch (...) {  // out of memory for the envelope: that monitor is not told
        }
    }
    for (const partner& p : partners) {
        context* pc = detail_access::cell(p.to);
        const std::uint32_t pg = detail_access::generation(p.to);
        try {
            if (p.traps) {
                deliver(pc, pg,
                        make_envelope<coact::exit>(pool_here(), coact::exit{me, reason}, c,
                                                   generation));
            } else if (fatal) {
                stop(pc, pg);
            }
        } catch (...) {
        }
    }
}

}  // namespace coact::detail
