// The single-threaded scheduler, termination, timers and the injection queue.
//
// The scheduler loop (run / serve):
//   1. Take a batch (at most injection_batch) from the injection queue: messages and stop
//      requests from other threads (or from outside any actor), delivered in the order each
//      producer sent them. A batch, not everything: threads sending faster than the actors take
//      would otherwise keep the loop here for ever, with no turn and no timer.
//   2. Pop actors from the ready queue and give each one turn: resume it until its next
//      co_await; it may take up to `throughput` messages in the turn. Every 64 turns, take
//      another batch and fire due timers, so that neither outside messages nor timers starve.
//   3. With nothing ready, fire due timers; if that made no actor ready:
//        run():   return when no timer is live and nothing was injected;
//        serve(): return when request_stop() was called;
//      otherwise sleep on a condition variable until the next deadline or an injection
//      (with virtual time, jump the clock to the next deadline instead).
#include "coact/runtime.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <new>
#include <string>

#include "coact/detail/injection_queue.hpp"
#include "coact/detail/spin.hpp"

namespace coact::detail {

namespace {

std::string describe(const context* c) {
    std::string out;
    const std::string_view name = c->name();
    if (!name.empty()) {
        out.reserve(name.size() + 2);
        out.push_back('\'');
        out.append(name);
        out.push_back('\'');
    } else {
        out = "<anonymous #";
        out.append(std::to_string(detail_access::serial(*c)));
        out.push_back('>');
    }
    return out;
}

std::string what_of(const std::exception_ptr& e) {
    try {
        std::rethrow_exception(e);
    } catch (const std::exception& x) {
        std::string type = type_name(typeid(x));
        std::string what = x.what();
        if (what.rfind(type + ":", 0) == 0) return what;  // our errors already name their type
        return type + ": " + what;
    } catch (const generator_exit&) {
        return "coact::generator_exit";
    } catch (...) {
        return "an exception of unknown type";
    }
}

}  // namespace

struct injector : injection_queue {
    std::vector<injected> batch;  // the scheduler's: what one take() moved out
};

void injector_deleter::operator()(injector* i) const noexcept { delete i; }

namespace {
std::atomic<std::uint64_t> runtimes_made{0};
}  // namespace

core::core(runtime& o, runtime_options opts)
    : owner(&o),
      id(runtimes_made.fetch_add(1, std::memory_order_relaxed) + 1),
      options(opts),
      injection(new injector),
      virtual_time(opts.virtual_time) {
    if (options.throughput == 0) options.throughput = 1;
    if (options.workers == 0) options.workers = 1;
    if (options.workers >= 2 || options.work_stealing) init_parallel();
}

core::~core() {
    stop_offloads();  // the pool's jobs deliver into this core: they end first
    // What came after the last shutdown() (a send to an ended actor's address, say).
    std::vector<injected> left;
    injection->take(injection->pending(), left);
    for (const injected& item : left) {
        delete item.topic;
        if (item.message != nullptr) free_unpooled_envelope(item.message);
    }
}

std::string describe_actor(const context* c) { return describe(c); }

std::string describe_runtime(const core* k) { return "runtime #" + std::to_string(k->id); }

// --- offloads ---

thread_pool& core::offload_pool() {
    if (options.offload_threads == 0) {
        throw error(
            "coact::context::offload: this runtime has no offload threads "
            "(runtime_options::offload_threads is 0)");
    }
    std::call_once(offloads_made,
                   [this] { offloads = std::make_unique<thread_pool>(options.offload_threads); });
    return *offloads;
}

void core::stop_offloads() noexcept { offloads.reset(); }  // runs the queued jobs, joins

// --- cells ---

context* core::acquire_cell() {
    const auto lock = lock_if_parallel(cells_mutex);
    if (free_cells == nullptr) {
        constexpr std::size_t chunk = 256;
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
    c->handoff_ = nullptr;             // live from here on: the union's other member
    if (parallel) c->inbox_.reopen();  // closed when its last actor ended (new cells: empty)
    return c;
}

void core::abandon_spawn(context* c) noexcept {
    if (c->handle_) std::exchange(c->handle_, nullptr).destroy();
    delete std::exchange(c->holder_, nullptr);
    if (c->name_ != nullptr) {
        const std::string name = *c->name_;
        c->name_ = nullptr;
        names.erase(name, [] {});
    }
    if (parallel) {
        // Nobody has the new actor's address, but senders holding the previous actor's (the
        // cell was reused) may have pushed since reopen(): those are dead letters, not garbage.
        mailbox stale = c->inbox_.close();
        while (!stale.empty()) discard(stale.pop());
    }
    const auto lock = lock_if_parallel(cells_mutex);
    c->next_free_ = free_cells;
    free_cells = c;
}

// --- threads ---

bool core::on_scheduler_thread() const noexcept {
    const std::thread::id t = run_thread.load(std::memory_order_acquire);
    return t == std::thread::id{} || t == std::this_thread::get_id();
}

void core::check_spawn_thread() const {
    if (!parallel && !on_scheduler_thread()) {
        throw error(
            "coact::runtime::spawn: called from another thread while run() is active; "
            "spawn from inside an actor, or before run()");
    }
}

void core::enter_run() {
    // Claim the scheduler first; only its owner thread may look at `running`.
    std::thread::id expected{};
    if (run_thread.compare_exchange_strong(expected, std::this_thread::get_id(),
                                           std::memory_order_acq_rel)) {
        return;
    }
    if (expected == std::this_thread::get_id()) {
        throw error(
            "coact::runtime::run: called from inside actor " +
            (running != nullptr ? describe(running) : std::string("code")) +
            " on the scheduler's own thread; an actor must not run the scheduler it runs on");
    }
    throw error("coact::runtime::run: the scheduler is already running on another thread");
}

void core::leave_run() noexcept { run_thread.store(std::thread::id{}, std::memory_order_release); }

// --- names and injection ---

std::pair<context*, std::uint32_t> core::resolve_shared(std::string_view name) const {
    auto found = names.find_shared(name, [](context* c) {
        return c == nullptr ? std::pair<context*, std::uint32_t>{nullptr, 0}
                            : std::pair<context*, std::uint32_t>{c, c->generation()};
    });
    if (found.first == nullptr) throw no_such_actor(name);
    return found;
}

void core::inject(context* to, std::uint32_t generation, envelope* e) {
    if (to->core_ != this) [[unlikely]] {  // another runtime's actor: its owner delivers it
        to->core_->inject(to, generation, e);
        return;
    }
    if (!admit(to, generation, e, nullptr)) return;  // dropped by a full bounded mailbox
    if (parallel) {                                  // inboxes take pushes from any thread
        deliver_parallel(to, generation, e);
        return;
    }
    // An ended actor (or shutdown under way: the door is closed): the sender's dead letter now,
    // not the scheduler's work later. The generation is a hint here (the actor may end after
    // this look); delivery checks it again.
    bool queued = false;
    if (to->generation() == generation) {
        try {
            queued = injection->push(injected{to, generation, e, nullptr});
        } catch (...) {  // out of memory: nothing was queued
            free_envelope(nullptr, e);
            throw;
        }
    }
    if (!queued) refuse(e);
}

void core::inject_stop(context* to, std::uint32_t generation) {
    if (parallel) {
        static_cast<void>(stop_parallel(to, generation));
        return;
    }
    // Refused only while shutdown() runs, which ends every actor anyway.
    static_cast<void>(injection->push(injected{to, generation, nullptr, nullptr}));
}

void core::inject_publish(std::string_view topic, envelope* e) {
    if (parallel) {  // the table is locked: fan out on the calling thread
        const std::lock_guard lock(topics_mutex);
        fan_out(topics.subscribers(topic), e);
        return;
    }
    std::unique_ptr<std::string> name;
    bool queued = false;
    try {
        name = std::make_unique<std::string>(topic);
        queued = injection->push(injected{nullptr, 0, e, name.get()});
    } catch (...) {
        free_unpooled_envelope(e);
        throw;
    }
    if (!queued) {
        refuse(e);  // shutdown runs: nobody is left to hear it
        return;
    }
    static_cast<void>(name.release());  // the queue owns it now
}

void core::drain_injection(std::size_t limit) {
    std::vector<injected>& batch = injection->batch;
    injection->take(limit, batch);
    for (const injected& item : batch) {
        if (item.topic != nullptr) {
            const std::unique_ptr<std::string> topic(item.topic);
            fan_out(topics.subscribers(*topic), item.message);
        } else if (item.message == nullptr) {
            stop(item.cell, item.generation);
        } else {
            deliver(item.cell, item.generation, item.message);
        }
    }
}

// --- dead letters and replies ---

namespace {

// The no_reply an ask gets when it turns out a dead letter (from `pool`, or the heap if null).
envelope* ended_before_reply(envelope_pool* pool, const envelope* ask) {
    envelope* r = make_envelope<std::string>(
        pool, std::string("coact::no_reply: the asked actor had ended before it could reply"));
    r->kind = envelope_kind::no_reply;
    r->request = ask->request;
    r->sender = nullptr;
    return r;
}

}  // namespace

void core::dead_letter(envelope* e) noexcept {
    count(dead_letters);
    if (e->kind == envelope_kind::ask && e->sender != nullptr) {
        try {
            deliver(e->sender, e->sender_generation, ended_before_reply(pool_here(), e));
        } catch (...) {  // out of memory: the asker is told nothing more than the count says
        }
    }
    release(e);
}

void core::refuse(envelope* e) noexcept {
    refused.fetch_add(1, std::memory_order_relaxed);
    if (e->kind == envelope_kind::ask && e->sender != nullptr) {
        try {  // through the asker's thread-safe path: this may be any thread
            e->sender->core_->inject(e->sender, e->sender_generation,
                                     ended_before_reply(nullptr, e));
        } catch (...) {  // out of memory: the asker is told nothing more than the count says
        }
    }
    free_envelope(nullptr, e);  // made by another thread's pool or the heap: to the heap
}

void core::deliver_reply(context* to, envelope* e) noexcept {
    if (to->awaited_request_ != e->request || to->reply_ != nullptr) {
        count(dead_letters);  // a late or duplicate reply
        release(e);
        return;
    }
    to->reply_ = e;
    if (!parallel && to->run_ == run_state::idle &&
        (to->wait_ == wait_kind::reply || to->wait_ == wait_kind::reply_or_timer)) {
        schedule(to);
    }
}

void core::throw_ask_timeout(coact::address target, clock::duration timeout) {
    context* t = detail_access::cell(target);
    std::string who;
    t->core_->names.locked([&] {  // its name cannot be freed meanwhile
        who = t->generation() == detail_access::generation(target) ? describe(t)
                                                                   : std::string("(ended since)");
    });
    throw ask_timeout(who, target, timeout);
}

void core::abandon_request(context* c, const char* why) noexcept {
    const std::uint32_t request = std::exchange(c->current_request_, 0);
    context* asker = detail_access::cell(c->sender_);
    if (asker == nullptr) return;
    try {
        envelope* r =
            make_envelope<std::string>(pool_here(), "coact::no_reply: actor " + describe(c) + " " +
                                                        why + " without replying to the ask");
        r->kind = envelope_kind::no_reply;
        r->request = request;
        r->sender = c;
        r->sender_generation = c->generation();
        deliver(asker, detail_access::generation(c->sender_), r);
    } catch (...) {
    }
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
        const std::string line =
            "coact: actor " + describe(c) + " failed: " + what_of(error) + "\n";
        std::fputs(line.c_str(), stderr);
    }
    if (c->extras_.load(std::memory_order_relaxed) != nullptr && !retiring &&
        hold_or_restart(c, kind, error)) {
        return;
    }
    retire(c, kind, std::move(error));
}

void core::retire(context* c, exit_kind_internal kind, std::exception_ptr error) noexcept {
    c->run_ = run_state::running;  // deliveries during teardown must not schedule it
    if (c->handle_) std::exchange(c->handle_, nullptr).destroy();  // locals' destructors run here
    if (c->current_request_ != 0) abandon_request(c, "ended");
    c->disarm_timer();
    if (std::exchange(c->subscribed_, false)) {
        const auto lock = lock_if_parallel(topics_mutex);
        if (!topics.empty()) topics.unsubscribe_all(c);  // no dead letters from topics after it
    }
    if (c->reply_ != nullptr) release(std::exchange(c->reply_, nullptr));
    delete std::exchange(c->holder_, nullptr);
    const std::uint32_t generation = c->generation();
    // seq_cst in work-stealing mode: the ending half of the watch table's Dekker pattern
    // (watches.hpp), with the load of watches_used below.
    const std::memory_order bump = parallel ? std::memory_order_seq_cst : std::memory_order_relaxed;
    if (c->name_ != nullptr) {
        const std::string name = *c->name_;
        names.erase(name, [c, bump] {
            c->name_ = nullptr;
            c->next_generation(bump);
        });
    } else {
        c->next_generation(bump);
    }
    if (watches_used.load(parallel ? std::memory_order_seq_cst : std::memory_order_relaxed)) {
        end_watches(c, generation, kind, error);
    }
    while (!c->box_.empty()) dead_letter(c->box_.pop());  // asks among them get no_reply
    if (parallel) {  // from now on pushes are refused; what came before is dead letters too
        discard_all(std::exchange(c->handoff_, nullptr));  // left by a turn (absorb): older
        discard_all(std::exchange(c->unreversed_, nullptr));
        mailbox rest = c->inbox_.close();
        while (!rest.empty()) discard(rest.pop());
    }
    if (c->extras_.load(std::memory_order_relaxed) != nullptr && !retiring) wake_all_waiters(c);
    c->run_ = run_state::free;
    c->wait_ = wait_kind::start;
    c->sender_ = {};
    c->awaited_request_ = 0;
    c->stop_requested_ = c->exit_delivered_ = c->timed_out_ = false;
    if (parallel) {
        alive.fetch_sub(1, std::memory_order_relaxed);
        const std::lock_guard lock(cells_mutex);
        c->next_free_ = free_cells;
        free_cells = c;
        return;
    }
    c->next_free_ = free_cells;
    free_cells = c;
    alive.store(alive.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
}

// --- monitors and links (watches.hpp) ---

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
        const auto lock = lock_if_parallel(watches_mutex);
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
    const auto lock = lock_if_parallel(watches_mutex);
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

void core::trap_exits(context* self, bool on) {
    const auto lock = lock_if_parallel(watches_mutex);
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
        const auto lock = lock_if_parallel(watches_mutex);
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
    const exit_reason reason = reason_of(kind, error);
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
            } else if (kind == exit_kind_internal::failed) {
                stop(pc, pg);
            }
        } catch (...) {
        }
    }
}

bool core::stop(context* c, std::uint32_t generation) {
    if (c != nullptr && c->core_ != this) [[unlikely]]  // its own runtime ends it
        return c->core_->stop_from_outside(c, generation);
    if (c != nullptr && c->extras_.load(std::memory_order_acquire) != nullptr &&
        stop_held(c, generation)) {
        return true;  // it was held after a failure: it has ended for good now
    }
    if (parallel) return stop_parallel(c, generation);
    if (c == nullptr || c->generation() != generation || c->run_ == run_state::free) return false;
    if (c->stop_requested_) return true;
    c->stop_requested_ = true;
    if (c->run_ == run_state::idle) schedule(c);
    return true;
}

bool core::stop_from_outside(context* c, std::uint32_t generation) {
    // Queued unless this thread runs the scheduler now: with no run() active, two threads (two
    // of another runtime's workers, say) stopping actors at once would both touch the ready queue.
    if (!parallel && run_thread.load(std::memory_order_acquire) != std::this_thread::get_id()) {
        if (c->generation() != generation) return false;  // a hint: delivery checks it again
        inject_stop(c, generation);
        return true;
    }
    return stop(c, generation);
}

// --- timers ---

bool core::fire_due_timers() {
    bool fired = false;
    const clock::time_point t = now();
    while (!timers.empty() && timers.top().deadline <= t) {
        timer_entry e = timers.pop();
        if (e.message != nullptr) {
            timers.retire_one();
            deliver(e.cell, e.generation, e.message);
            fired = true;
            continue;
        }
        context* c = e.cell;
        if (c->generation() != e.generation || !c->timer_pending_ || c->timer_token_ != e.token)
            continue;
        c->timer_pending_ = false;
        timers.retire_one();
        c->timed_out_ = true;
        if (c->run_ == run_state::idle) schedule(c);
        fired = true;
    }
    return fired;
}

void core::advance_time(clock::duration d) {
    if (!virtual_time)
        throw error("coact: advance_time needs runtime_options{.virtual_time = true}");
    virtual_now = deadline_after(virtual_now, std::max(d, clock::duration::zero()));
    fire_due_timers();
}

// --- the loop ---

void core::run(bool serve) {
    if (parallel) {
        run_parallel(serve);
        return;
    }
    enter_run();
    struct leave {
        core* self;
        ~leave() { self->leave_run(); }
    } guard{this};
    // Counted across rounds: a round that a batch of outside messages starts may end after a
    // few turns (its actors ran out of messages), and a flood makes every round such a round;
    // counted per round, the 64th turn never came and timers never fired.
    unsigned turns = 0;
    for (;;) {
        if (injection->pending() != 0) drain_injection();
        if (!ready.empty()) {
            while (!ready.empty()) {
                turn(ready.pop_front());
                if ((++turns & 63U) == 0) {
                    if (serve && stop_serving.exchange(false)) return;
                    if (injection->pending() != 0) drain_injection();
                    if (!timers.empty()) fire_due_timers();
                }
            }
            continue;
        }
        if (fire_due_timers()) continue;
        // An offload's result usually comes back within microseconds: waiting for it on the
        // condition variable costs a futex wake-up each time (bench_task: offload, 19k/s).
        if (offloads_pending.load(std::memory_order_relaxed) != 0 &&
            spin_until([&] { return injection->pending() != 0; })) {
            continue;
        }

        std::unique_lock lock(injection->mutex());
        if (injection->pending() != 0) continue;
        if (serve) {
            if (stop_serving.exchange(false)) return;
        } else if (timers.live() == 0 && offloads_pending.load(std::memory_order_relaxed) == 0) {
            return;
        }
        // An offload's result arrives through the injection queue, which wakes this wait.
        if (timers.empty() || (virtual_time && offloads_pending.load() != 0)) {
            injection->wake().wait(lock);  // a message, an offload's result, or request_stop()
        } else if (virtual_time) {
            virtual_now = std::max(virtual_now, timers.top().deadline);
        } else {
            injection->wake().wait_until(lock, timers.top().deadline);
        }
    }
}

bool core::step() {
    if (parallel)
        throw error("coact::testing: step() needs a single-threaded runtime (workers = 1)");
    if (injection->pending() != 0) drain_injection();
    if (ready.empty()) fire_due_timers();
    if (ready.empty()) return false;
    const unsigned saved = options.throughput;
    options.throughput = 1;
    turn(ready.pop_front());
    options.throughput = saved;
    return true;
}

void core::request_stop() noexcept {
    stop_serving.store(true);
    if (parallel) request_stop_parallel();
    { std::lock_guard lock(injection->mutex()); }
    injection->wake().notify_all();
}

std::size_t core::shutdown() {
    if (parallel && on_own_worker()) {
        throw error("coact::runtime::shutdown: called from inside an actor");
    }
    // Claim the scheduler as run() does, so that no run() can start meanwhile, and so that a
    // shutdown on another thread than the one running it is refused instead of racing with it.
    std::thread::id expected{};
    if (!run_thread.compare_exchange_strong(expected, std::this_thread::get_id(),
                                            std::memory_order_acq_rel)) {
        if (expected == std::this_thread::get_id()) {  // `running` is this thread's to read
            throw error("coact::runtime::shutdown: called from inside actor " +
                        (running != nullptr ? describe(running) : std::string("code")));
        }
        throw error(
            "coact::runtime::shutdown: run() or serve() is active on another thread; call "
            "request_stop() and wait for it to return first");
    }
    struct leave {
        core* self;
        ~leave() { self->leave_run(); }
    } guard{this};
    if (parallel) return shutdown_parallel();
    // Close the door first: sends from other threads from now on are dead letters at once
    // (counted by refuse), so the queue below holds what was sent before, and taking it ends.
    injection->close();
    struct reopen {
        injector& in;
        ~reopen() { in.open(); }
    } door{*injection};
    const std::uint64_t refused_before = refused.load(std::memory_order_relaxed);
    std::size_t queued = 0;
    injection->take(injection->pending(), injection->batch);  // all: nothing more can come
    for (const injected& item : injection->batch) {
        delete item.topic;
        if (item.message != nullptr) {
            ++queued;
            free_envelope(envelopes, item.message);
        }
    }
    timers.clear([&](envelope* e) {
        ++queued;
        free_envelope(envelopes, e);
    });
    ready.clear();
    queued += retire_all_cells();
    ready.clear();
    timers.clear([&](envelope* e) {
        ++queued;
        free_envelope(envelopes, e);
    });
    bump(dead_letters, queued);
    // Sent while it ran: refused at the door, counted there (in work-stealing mode such a
    // message reaches a mailbox and is counted among the queued).
    return queued +
           static_cast<std::size_t>(refused.load(std::memory_order_relaxed) - refused_before);
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
            if (parallel) queued += drop_inbox(c);
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

// --- names of types ---

}  // namespace coact::detail

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace coact::detail {

const char* type_name(const std::type_info& type) noexcept {
    static std::mutex mutex;
    static std::unordered_map<const std::type_info*, std::string> cache;
    try {
        std::lock_guard lock(mutex);
        auto it = cache.find(&type);
        if (it != cache.end()) return it->second.c_str();
        int status = 0;
        std::unique_ptr<char, void (*)(void*)> name(
            abi::__cxa_demangle(type.name(), nullptr, nullptr, &status), std::free);
        std::string readable = status == 0 && name ? name.get() : type.name();
        if (readable ==
            "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >") {
            readable = "std::string";
        }
        return cache.emplace(&type, std::move(readable)).first->second.c_str();
    } catch (...) {
        return type.name();
    }
}

}  // namespace coact::detail

// --- context and runtime: out-of-line members ---

namespace coact {

void context::throw_bad_message(const detail::envelope* e, std::string_view expected) const {
    const char* got = e->ops != nullptr ? detail::type_name(*e->ops->type) : "nothing";
    throw bad_message("coact::bad_message: actor " + detail::describe(this) +
                      " expected a message of type " + std::string(expected) + " but received " +
                      got);
}

bool context::stop(coact::address target) {
    if (detail_access::cell(target) == this && detail_access::generation(target) == generation()) {
        // Stopping itself: no need to go through the inbox (this thread runs it).
        if (!stop_requested_) stop_requested_ = true;
        return true;
    }
    return core_->stop(detail_access::cell(target), detail_access::generation(target));
}

bool context::stop(std::string_view target) {
    context* c = core_->resolve_local(target);
    return stop(coact::address(detail_access::make(c, c->generation())));
}

runtime::runtime(runtime_options options) : core_(std::make_unique<detail::core>(*this, options)) {}

runtime::~runtime() {
    core_->stop_offloads();  // their results are then counted with the queued messages
    try {
        core_->shutdown();
    } catch (...) {
    }
}

void runtime::run() { core_->run(false); }
void runtime::serve() { core_->run(true); }
void runtime::request_stop() noexcept { core_->request_stop(); }

bool runtime::stop(address target) {
    context* c = detail_access::cell(target);
    if (c == nullptr) return false;
    // The actor's own runtime ends it (this one's, or another's: the owner's thread-safe path).
    return c->core_->stop_from_outside(c, detail_access::generation(target));
}

bool runtime::stop(std::string_view target) {
    auto [cell, generation] = core_->resolve_shared(target);
    return stop(detail_access::make(cell, generation));
}

std::size_t runtime::shutdown() { return core_->shutdown(); }

address runtime::lookup(std::string_view name) const {
    auto found = core_->names.find_shared(name, [](context* c) {
        return c == nullptr ? address{} : detail_access::make(c, c->generation());
    });
    return found;
}

runtime_stats runtime::stats() const noexcept {
    runtime_stats s;
    s.delivered = core_->delivered.load(std::memory_order_relaxed) + core_->delivered_by_workers();
    s.dead_letters = core_->dead_letters.load(std::memory_order_relaxed) +
                     core_->refused.load(std::memory_order_relaxed);
    s.failed = core_->failed.load(std::memory_order_relaxed);
    s.actors = core_->alive.load(std::memory_order_relaxed);
    s.spawned = core_->spawned.load(std::memory_order_relaxed);
    s.published = core_->published.load(std::memory_order_relaxed);
    s.unheard = core_->unheard.load(std::memory_order_relaxed);
    s.restarts = core_->restarts.load(std::memory_order_relaxed);
    s.dropped = core_->dropped.load(std::memory_order_relaxed);
    return s;
}

}  // namespace coact
