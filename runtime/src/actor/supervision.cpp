// actor/supervision.cpp — supervised actors: the runtime's half of coact::supervise().
//
// Supervision, as a state machine per supervised cell (transitions under core::policy_mutex):
//   live --(its body fails)--> held: frame destroyed, address, name and queue kept; its
//         supervisor gets child_failed. Nothing schedules a held actor (scheduler::hold).
//   held --(supervisor: restart)--> live: a new body from the same function and arguments.
//   held --(anyone: stop)--> ended: retire() with the failure as the reason.
//   live --(supervisor: restart)--> a stop that marks restart_on_end, then live again in place
//         (scheduler::restart). With work stealing that stop is an event carrying the
//         incarnation it was meant for, so a restart aimed at a body that has failed since is
//         ignored by the next body.
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>
#include <utility>

#include "coact/runtime.hpp"

namespace coact::detail {

// --- supervision ---

void core::reset_incarnation(context* c) noexcept {
    if (c->handle_) std::exchange(c->handle_, nullptr).destroy();  // locals' destructors run
    if (c->current_request_ != 0) abandon_request(c, "failed");
    c->disarm_timer();
    if (std::exchange(c->subscribed_, false)) {
        const std::lock_guard lock(topics_mutex);
        if (!topics.empty()) topics.unsubscribe_all(c);
    }
    if (c->reply_ != nullptr) release(std::exchange(c->reply_, nullptr));
    c->awaited_request_ = 0;
    c->sender_ = {};
    c->stop_requested_ = c->exit_delivered_ = c->timed_out_ = false;
    if (watches_used.load(std::memory_order_relaxed)) {  // what its body set up goes with it
        const coact::address me = c->address();
        const std::lock_guard lock(watches_mutex);
        const auto mine = watches.find(c);
        if (mine != watches.end()) {
            for (const coact::address& w : mine->second.watching) {
                const auto theirs = watches.find(detail_access::cell(w));
                if (theirs == watches.end()) continue;
                auto& list = theirs->second.monitors;
                const auto it = std::find(list.begin(), list.end(), me);
                if (it != list.end()) list.erase(it);
            }
            mine->second.watching.clear();
            mine->second.traps_exits = false;
        }
    }
}

bool core::hold_or_restart(context* c, exit_kind_internal kind, const std::exception_ptr& error) {
    cell_policy* x = c->policy_.load(std::memory_order_relaxed);
    bool again = false;
    coact::address supervisor;
    {
        const std::lock_guard lock(policy_mutex);
        if (kind == exit_kind_internal::failed) ++x->failures;  // runtime::metrics()
        if (x->restart_on_end) {
            again = true;
        } else if (kind != exit_kind_internal::failed || !x->supervisor) {
            return false;
        } else {
            supervisor = x->supervisor;
            // A supervisor that has ended can decide nothing: end for good.
            if (detail_access::cell(supervisor)->generation() !=
                detail_access::generation(supervisor)) {
                return false;
            }
        }
    }
    c->run_ = run_state::running;  // deliveries meanwhile must not schedule it
    reset_incarnation(c);
    {
        const std::lock_guard lock(policy_mutex);
        if (again || x->restart_on_end) {
            x->restart_on_end = false;
            ++x->incarnation;
            again = true;
        } else {
            x->held = true;
            x->failure = error;
        }
    }
    if (again) {
        start_again(c);
        return true;
    }
    sched->hold(c);
    try {
        deliver(detail_access::cell(supervisor), detail_access::generation(supervisor),
                make_envelope<child_failed>(
                    pool_here(), child_failed{c->address(), exit_reason{exit_kind::failed, error}},
                    c, c->generation()));
    } catch (...) {  // out of memory: nobody will decide; it stays held until it is stopped
    }
    return true;
}

void core::start_again(context* c) {
    try {
        c->handle_ = c->holder_->start_again(*c).release();
    } catch (...) {  // its arguments could not be copied, or out of memory: it ends for good
        const std::exception_ptr e = std::current_exception();
        count(failed);
        const std::string line = "coact: actor " + describe_actor(c) + " could not be restarted: " +
                                 [&] {
                                     try {
                                         std::rethrow_exception(e);
                                     } catch (const std::exception& ex) {
                                         return std::string(ex.what());
                                     } catch (...) {
                                         return std::string("unknown exception");
                                     }
                                 }() +
                                 "\n";
        std::fputs(line.c_str(), stderr);
        retire(c, exit_kind_internal::failed, e);
        return;
    }
    c->wait_ = wait_kind::start;
    count(restarts);
    if (trace != nullptr) [[unlikely]]
        trace_actor_event(*trace, trace_kind::restart, c, c->generation());
    sched->start(c);  // the last touch: with several threads another may run it from here on
}

bool core::stop_held(context* c, std::uint32_t generation) {
    cell_policy* x = c->policy_.load(std::memory_order_acquire);
    std::exception_ptr failure;
    {
        const std::lock_guard lock(policy_mutex);
        if (!x->held || c->generation() != generation) return false;
        x->held = false;
        failure = std::exchange(x->failure, nullptr);
    }
    retire(c, exit_kind_internal::failed, std::move(failure));  // counted when it failed
    return true;
}

bool core::restart(context* self, coact::address child) {
    context* c = detail_access::cell(child);
    const std::uint32_t generation = detail_access::generation(child);
    if (c == nullptr) throw error("coact::context::restart: the child address is null");
    if (c->core_ != this) {
        throw error("coact::context::restart: the child belongs to " + describe_runtime(c->core_) +
                    ", not to " + describe_runtime(this) +
                    " of this actor; a supervisor and its children share one runtime");
    }
    cell_policy* x = c->policy_.load(std::memory_order_acquire);
    std::unique_lock lock(policy_mutex);
    if (c->generation() != generation) return false;  // ended for good (or never this one)
    if (x == nullptr || x->supervisor != self->address()) {
        lock.unlock();
        throw error("coact::context::restart: actor " + describe_actor(c) +
                    " is not supervised by actor " + describe_actor(self) +
                    " (spawn it with spawn_options{.supervisor = self.address()})");
    }
    if (x->held) {
        x->held = false;
        x->failure = nullptr;
        ++x->incarnation;
        lock.unlock();
        start_again(c);
        return true;
    }
    const std::uint32_t incarnation = x->incarnation;
    lock.unlock();
    sched->restart(c, generation, incarnation);  // a stop that starts the next body
    return true;
}

}  // namespace coact::detail
