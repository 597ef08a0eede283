// actor/lifecycle.cpp — an actor's cell from spawn to its end, whichever scheduler runs it.
//
//   acquire_cell     a free cell (chunks of 256, never freed while the runtime lives)
//   abandon_spawn    spawn failed before the actor existed: the cell goes back
//   after a turn     finish (returned, failed, closed) -> terminate
//   terminate        counts a failure, prints its line, lets supervision hold or restart it
//   retire           the teardown: frame, pending request, timer, topics, name (a new
//                    generation), monitors and links, queued messages (dead letters), the cell
//   retire_all_cells shutdown's pass over every live actor
#include <cstdio>
#include <exception>
#include <mutex>
#include <string>
#include <utility>

#include "coact/runtime.hpp"

namespace coact::detail {

// --- cells ---

context* core::acquire_cell() {
    const std::lock_guard lock(cells_mutex);
    if (free_cells == nullptr) {
        constexpr std::size_t chunk = 256;
        const std::lock_guard grow(chunks_mutex);  // runtime::metrics() walks the chunks
        chunks.emplace_back(new context[chunk]);
        context* cells = chunks.back().get();
        for (std::size_t i = chunk; i-- > 0;) {
            cells[i].core_ = this;
            cells[i].next_free_ = free_cells;
            free_cells = &cells[i];
        }
    }
    context* c = free_cells;
    free_cells = c->next_free_;
    c->handoff_ = nullptr;                            // live from here on: the union's other member
    c->handled_.store(0, std::memory_order_relaxed);  // the new actor's counts (metrics)
    c->queued_.store(0, std::memory_order_relaxed);
    sched->cell_opened(c);
    return c;
}

void core::claim_name(context* c, const spawn_options& options) {
    const char* what = options.scope == scope::pool ? "scope::pool" : "scope::cluster";
    if (options.name.empty()) {
        throw error(std::string("coact::spawn: ") + what +
                    " needs a name (spawn_options::name): the scope is where a name is known");
    }
    name_claims* h = claims.load(std::memory_order_acquire);
    if (h == nullptr) {
        throw error("coact::spawn: '" + std::string(options.name) + "' with " + what +
                    " needs a runtime that has joined a cluster (coact::cluster, "
                    "<coact/cluster.hpp>)");
    }
    h->claim(options.name, options.scope, detail_access::make(c, c->generation()));
}

void core::name_released(const std::string& name, context* c, std::uint32_t generation) noexcept {
    if (name_claims* h = claims.load(std::memory_order_acquire)) [[unlikely]]
        h->released(name, detail_access::make(c, generation));
}

void core::abandon_spawn(context* c) noexcept {
    if (c->handle_) std::exchange(c->handle_, nullptr).destroy();
    delete std::exchange(c->holder_, nullptr);
    if (c->name_ != nullptr) {
        const std::string name = *c->name_;
        // Before the local name is free: a spawn that takes it next must not meet this claim.
        name_released(name, c, c->generation());
        c->name_ = nullptr;
        names.erase(name, [] {});
    }
    // Nobody has the new actor's address, but senders holding the previous actor's (the cell
    // was reused) may have reached it since cell_opened(): those are dead letters, not garbage.
    sched->cell_closed(c);
    const std::lock_guard lock(cells_mutex);
    c->next_free_ = free_cells;
    free_cells = c;
}

// --- turns and termination ---

bool core::runnable_slow(const context* c) noexcept {
    if (c->stop_requested_ && !c->exit_delivered_) return true;
    switch (c->wait_) {
        case wait_kind::start:
            return true;
        case wait_kind::message:
            return !c->box_.empty();
        case wait_kind::message_or_timer:
            return !c->box_.empty() || c->timed_out_;
        case wait_kind::timer:
            return c->timed_out_;
        case wait_kind::reply:
            return c->reply_ != nullptr;
        case wait_kind::reply_or_timer:
            return c->reply_ != nullptr || c->timed_out_;
    }
    return false;
}

bool core::closes_unstarted(const context* c) noexcept {
    const cell_policy* x = c->policy_.load(std::memory_order_acquire);
    return x == nullptr || x->gate.load(std::memory_order_acquire) == nullptr;
}

void core::close_unstarted(context* c) noexcept {
    terminate(c, exit_kind_internal::closed, nullptr);
}

void core::after_last_turn(context* c) {
    if (c->handle_.done()) {
        finish(c);
        return;
    }
    // It caught generator_exit and waited again: Python's "generator ignored GeneratorExit".
    terminate(c, exit_kind_internal::failed,
              std::make_exception_ptr(ignored_exit(
                  "coact::ignored_exit: the actor caught generator_exit after stop() and waited "
                  "again instead of returning")));
}

void core::finish(context* c) {
    std::exception_ptr e = std::exchange(c->handle_.promise().exc_, nullptr);
    if (!e) {
        terminate(c, c->exit_delivered_ ? exit_kind_internal::closed : exit_kind_internal::normal,
                  nullptr);
        return;
    }
    bool is_exit = false;
    try {
        std::rethrow_exception(e);
    } catch (const generator_exit&) {
        is_exit = true;
    } catch (...) {
    }
    terminate(c, is_exit ? exit_kind_internal::closed : exit_kind_internal::failed,
              is_exit ? nullptr : e);
}

void core::terminate(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept {
    if (kind == exit_kind_internal::failed) {
        count(failed);
        const std::string what = describe_exception(error);
        const std::string line = "coact: actor " + describe_actor(c) + " failed: " + what + "\n";
        std::fputs(line.c_str(), stderr);
        if (trace != nullptr) [[unlikely]]
            trace_text_event(*trace, trace_kind::failure, c, c->generation(), 0, what);
    }
    if (c->policy_.load(std::memory_order_relaxed) != nullptr && !retiring &&
        hold_or_restart(c, kind, error)) {
        return;
    }
    retire(c, kind, std::move(error));
}

void core::retire(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept {
    c->listed_.store(0, std::memory_order_relaxed);  // runtime::metrics() no longer lists it
    c->run_ = run_state::running;  // deliveries during teardown must not schedule it
    if (c->handle_) std::exchange(c->handle_, nullptr).destroy();  // locals' destructors run here
    if (c->current_request_ != 0) abandon_request(c, "ended");
    c->disarm_timer();
    if (std::exchange(c->subscribed_, false)) {
        const std::lock_guard lock(topics_mutex);
        if (!topics.empty()) topics.unsubscribe_all(c);  // no dead letters from topics after it
    }
    if (c->reply_ != nullptr) release(std::exchange(c->reply_, nullptr));
    delete std::exchange(c->holder_, nullptr);
    const std::uint32_t generation = c->generation();
    if (trace != nullptr) [[unlikely]] {
        const trace_end_reason reason =
            retiring                             ? trace_end_reason::shutdown
            : kind == exit_kind_internal::normal ? trace_end_reason::normal
            : kind == exit_kind_internal::closed ? trace_end_reason::stopped
                                                 : trace_end_reason::failed;
        trace_actor_event(*trace, trace_kind::end, c, generation,
                          static_cast<std::uint32_t>(reason));
    }
    // The ending half of the watch table's Dekker pattern (watches.hpp), with the load of
    // watches_used below: seq_cst where actors run on several threads (core::end_order).
    const std::memory_order bump = end_order;
    if (c->name_ != nullptr) {
        const std::string name = *c->name_;
        // Before the local name is free: a spawn that takes it next must not meet this claim.
        name_released(name, c, generation);
        names.erase(name, [c, bump] {
            c->name_ = nullptr;
            c->next_generation(bump);
        });
    } else {
        c->next_generation(bump);
    }
    if (watches_used.load(end_order)) {
        end_watches(c, generation, kind, error);
    }
    while (!c->box_.empty()) dead_letter(c->box_.pop());  // asks among them get no_reply
    sched->cell_closed(c);  // from now on pushes are refused; what came before: dead letters
    if (c->policy_.load(std::memory_order_relaxed) != nullptr && !retiring) wake_all_waiters(c);
    c->run_ = run_state::free;
    c->wait_ = wait_kind::start;
    c->sender_ = {};
    c->awaited_request_ = 0;
    c->stop_requested_ = c->exit_delivered_ = c->timed_out_ = false;
    uncount(alive);
    const std::lock_guard lock(cells_mutex);
    c->next_free_ = free_cells;
    free_cells = c;
}

/// Shutdown's pass over every live actor, in both modes: destroys every frame first (destructors
/// may send or spawn), then counts the messages left and retires each cell. Returns that count.
std::size_t core::retire_all_cells() {
    std::size_t queued = 0;
    retiring = true;  // nothing is held or restarted from here on
    struct done {
        bool& flag;
        ~done() { flag = false; }
    } reset{retiring};
    // Indices, not iterators: a destructor may spawn, which may add a chunk.
    for (std::size_t k = 0; k < chunks.size(); ++k) {
        for (std::size_t i = 0; i < 256; ++i) {
            context* c = &chunks[k][i];
            if (c->run_ == run_state::free) continue;
            // Destructors run here, on no worker: their envelopes come from the heap.
            c->local_ = nullptr;
            if (c->handle_) std::exchange(c->handle_, nullptr).destroy();
        }
    }
    // Every actor is going: nobody is left to tell about the others' ends.
    watches.clear();
    for (std::size_t k = 0; k < chunks.size(); ++k) {
        for (std::size_t i = 0; i < 256; ++i) {
            context* c = &chunks[k][i];
            if (c->run_ == run_state::free) continue;
            queued += sched->cell_dropped(c);
            while (!c->box_.empty()) {
                ++queued;
                release(c->box_.pop());
            }
            if (c->reply_ != nullptr) release(std::exchange(c->reply_, nullptr));
            c->current_request_ = 0;  // no no_reply: every asker is going away too
            terminate(c, exit_kind_internal::closed, nullptr);
        }
    }
    return queued;
}

}  // namespace coact::detail
