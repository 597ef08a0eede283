// scheduler/work_stealing/worker.cpp — the workers: a turn, the loop each worker runs (where
// its next actor comes from, when it steals, when it parks), and run()/serve() over them.
//
// A worker's loop (run_worker):
//   1. Its next actor from its own queues (next_local): every 61 turns (or after a flood was
//      taken in) the oldest work first: due timers, the global queue, its deque's oldest; else
//      the LIFO slot (at most 32 turns in a row), its deque, the global queue.
//   2. Nothing: due timers; still nothing: become a searcher (at most half the workers search)
//      and steal from a random victim's deque; failing that, the actor in the LIFO slot of a
//      worker that has stayed in one turn for a watch interval (take_from_long_turn).
//   3. Still nothing: park (idle.hpp), with the next timer's deadline (and, while another
//      worker works, for at most a watch interval: take_from_long_turn). The last worker to park
//      with nothing queued and no timer live ends run(); serve() ends at request_stop().
#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "coact/runtime.hpp"
#include "scheduler/work_stealing/ownership.hpp"
#include "scheduler/work_stealing/work_stealing.hpp"
#include "support/spin.hpp"

namespace coact::detail {

namespace {

thread_local worker* tls_worker = nullptr;

void set_current_worker(worker* w) noexcept { tls_worker = w; }

}  // namespace

[[gnu::noinline]] worker* current_worker() noexcept { return tls_worker; }

work_stealing_scheduler::work_stealing_scheduler(core& k, unsigned n)
    : k_(k), throughput_(k.options.throughput), idle_(n) {
    if (n > max_owned_workers) {
        throw error("coact::runtime: at most " + std::to_string(max_owned_workers) +
                    " workers (runtime_options::workers is " + std::to_string(n) + ")");
    }
    asymmetric_fence::prepare();  // before any worker starts: lifo_slot's fences
    workers_.reserve(n);
    for (unsigned i = 0; i < n; ++i) {
        workers_.push_back(std::make_unique<worker>(this, i));
        workers_.back()->pool.use_depot(&depot_, envelope_limit);
        workers_.back()->notes.resize(n);
    }
    for (auto& w : workers_) {
        w->lanes.reserve(n);
        for (auto& into : workers_) w->lanes.push_back(into->notices.make_lane());
    }
}

work_stealing_scheduler::~work_stealing_scheduler() {
    {
        const std::lock_guard lock(epoch_mutex_);
        exiting_ = true;
    }
    epoch_changed_.notify_all();
    for (std::thread& t : threads_) t.join();
}

void work_stealing_scheduler::check_shutdown() const {
    if (on_own_worker()) throw error("coact::runtime::shutdown: called from inside an actor");
}

COACT_HOT void work_stealing_scheduler::turn(context* c, worker& w) {
    if (w.trace != nullptr) [[unlikely]] {
        // The generation is read by the worker that owns the actor now (adopt below comes
        // after, but no other thread ends an actor that is queued to run).
        traced_turn(*w.trace, c, c->generation(), [this, c, &w] { resume_turn(c, w); });
        return;
    }
    resume_turn(c, w);
}

COACT_HOT void work_stealing_scheduler::resume_turn(context* c, worker& w) {
    w.turns_begun.store(w.turns_begun.load(std::memory_order_relaxed) + 1,
                        std::memory_order_relaxed);
    c->local_ = &w;
    ownership::adopt(c, static_cast<std::uint16_t>(w.index));
    absorb(c);
    const bool first = c->wait_ == wait_kind::start;
    if (first && c->stop_requested_ && core::closes_unstarted(c)) [[unlikely]] {
        k_.close_unstarted(c);
        return;
    }
    c->budget_ = throughput_;
    unsigned idle_rounds = 0;
    // Whether envelopes may wait in its lists or its inbox: after absorb() took some, or after
    // a resume that found some. (A push after the look tells the owner: ownership.hpp.)
    bool pending = true;
    for (unsigned rounds = 0;; ++rounds) {
        if (!core::runnable(c)) {
            // Idle, unless envelopes wait. No locked instruction: a push that finds the inbox
            // empty from here on tells the owner, this worker, which looks at its notices only
            // after this turn (ownership.hpp).
            if (!pending || !has_pending(c)) {
                // Release: whoever reads idle sees this turn's writes (rule 1). An actor its
                // first turn left waiting belongs to the first worker that sends to it (a
                // claim), so that two actors that talk end up on one worker.
                ownership::store(
                    c,
                    ownership::make(first ? no_owner : static_cast<std::uint16_t>(w.index),
                                    owner_state::idle),
                    std::memory_order_release);
                return;
            }
            // Senders keep pushing what it does not wait for (messages while it sleeps, stale
            // ones): after a few rounds it yields, so that this worker gets back to its timers
            // and to other actors instead of taking in a flood for as long as it lasts.
            if (++idle_rounds > idle_rounds_limit) {
                yield_turn(w, c);
                return;
            }
            absorb_some(c);
            continue;
        }
        if (c->budget_ == 0 || rounds == throughput_) {  // its share is spent: yield
            yield_turn(w, c);
            return;
        }
        c->handle_.resume();
        if (c->handle_.done() || c->exit_delivered_) [[unlikely]] {
            k_.after_last_turn(c);
            return;
        }
        pending = has_pending(c);
        if (pending) absorb_some(c);
    }
}

/// An actor that used up its throughput goes behind the others: to the back of the global
/// queue if anything else waits for this worker or in that queue. If nothing does, into this
/// worker's own deque, without waking anyone: the worker takes it back after its timers and
/// fairness checks, and a worker already searching may steal it. (Through the global queue,
/// it woke a parked worker every turn, and a producer's counter moved between the two cores
/// every 64 messages: counting ran at half its one-worker rate.)
void work_stealing_scheduler::yield_turn(worker& w, context* c) {
    const bool others_wait = w.lifo.occupied() || !w.deque.empty_approx() ||
                             global_count_.load(std::memory_order_relaxed) > 0;
    if (others_wait || !w.deque.push(c)) inject_ready(c);
}

context* work_stealing_scheduler::steal(worker& w) {
    const std::size_t n = workers_.size();
    const std::size_t start = w.next_random() % n;
    for (int attempt = 0; attempt < 2; ++attempt) {
        for (std::size_t i = 0; i < n; ++i) {
            worker& victim = *workers_[(start + i) % n];
            if (&victim == &w) continue;
            if (context* c = victim.deque.steal()) return c;
        }
    }
    return take_from_long_turn(w);
}

/// The LIFO slot is not stolen like the deque: the actor there runs next on its worker, which
/// keeps two actors that talk to each other on one core. But an actor that sends and then
/// computes for a long time without a co_await would keep the one it sent to waiting for the
/// whole computation. A worker that sees another's turns_begun unchanged for a watch interval
/// knows that worker is inside one long turn, and takes the actor from its slot. (Parked workers
/// look every watch interval while another works: park's `watch`.)
context* work_stealing_scheduler::take_from_long_turn(worker& w) {
    const auto now = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        worker& other = *workers_[i];
        if (&other == &w) continue;
        worker::watch_note& note = w.notes[i];
        const std::uint64_t begun = other.turns_begun.load(std::memory_order_relaxed);
        if (begun != note.turns) {
            note = {begun, now};
            continue;
        }
        if (now - note.since < watch_interval) continue;
        if (context* c = other.lifo.steal()) return c;
        if (context* c = take_stuck_notices(w, other)) return c;
    }
    return nullptr;
}

/// What this worker runs next from its own queues, or null. Inlined into the worker loop, as the
/// free function it was before the scheduler seam (out of line: 3% more instructions in
/// two-worker ping-pong, callgrind).
COACT_HOT context* work_stealing_scheduler::next_local(worker& w) {
    // Idle actors of this worker that other threads sent to (a relaxed load, usually false).
    if (w.notices.pending_approx()) [[unlikely]]
        drain_notices(w);
    // Now and then (every 61 turns, or sooner if they took in a flood), the oldest work first.
    if (--w.until_fairness == 0 || w.absorbed >= absorbed_fairness) {
        w.until_fairness = fairness_every;
        w.absorbed = 0;
        fire_timers(w.due);
        if (context* c = take_injected(w)) return c;
        if (context* c = w.deque.steal()) return c;  // the oldest in its own deque
    }
    if (w.lifo.occupied()) {
        // Another worker may have taken the slot's actor (take_from_long_turn): take() then
        // finds none and this worker goes on to its deque.
        if (w.lifo_streak < lifo_limit) {
            if (context* c = w.lifo.take()) {
                ++w.lifo_streak;
                return c;
            }
        } else {
            // Two actors messaging each other could keep the slot forever. If others wait in
            // this worker's deque, the oldest of them runs now and the slot's actor goes to the
            // deque (all local: no shared queue touched); if others wait only in the global
            // queue, it goes behind them there; if none waits, it simply goes on.
            w.lifo_streak = 0;
            if (context* oldest = w.deque.steal()) {
                if (context* evicted = w.lifo.take()) {
                    if (!w.deque.push(evicted)) inject_ready(evicted);
                }
                return oldest;
            }
            context* c = w.lifo.take();
            if (global_count_.load(std::memory_order_relaxed) <= 0) {
                if (c != nullptr) return c;
            } else if (c != nullptr) {
                inject_ready(c);
            }
        }
    }
    w.lifo_streak = 0;
    if (context* c = w.deque.pop()) return c;
    return take_injected(w);
}

void work_stealing_scheduler::trace_to(tracer& t) noexcept {
    for (const auto& w : workers_) w->trace = trace_thread_ring(t, w->index);
}

void work_stealing_scheduler::run_worker(worker& w) {
    set_current_worker(&w);
    const trace_binding traced =
        k_.trace != nullptr ? trace_bind(*k_.trace, w.index) : trace_binding{};
    const bool virtual_time = k_.virtual_time;
    for (;;) {
        if (stopping_.load(std::memory_order_relaxed)) break;
        context* c = next_local(w);
        if (c == nullptr && fire_timers(w.due)) continue;
        if (c == nullptr && idle_.transition_to_searching(w.index)) c = steal(w);
        if (c != nullptr) {
            idle_.transition_from_searching(w.index);
            turn(c, w);
            continue;
        }
        // An offload's result usually comes back within microseconds; parking and being woken
        // for it costs tens (bench_task: offload/workers:2). One worker, the first, waits for
        // it spinning; the others park, leaving the cores to the pool. The result arrives as a
        // notice to the actor's owner, woken for it if parked (an actor that has not run yet
        // takes it in its first turn).
        if (w.index == 0 && k_.offloads_pending.load(std::memory_order_relaxed) != 0 &&
            spin_until([&] {
                return global_count_.load(std::memory_order_acquire) > 0 ||
                       w.notices.pending_approx();
            })) {
            continue;
        }
        std::optional<clock::time_point> deadline;
        bool hold = false;
        {
            const std::lock_guard lock(timers_mutex_);
            if (timers_.live() > 0) {
                if (virtual_time) {
                    hold = true;
                } else {
                    deadline = timers_.top().deadline;
                }
            }
        }
        const auto has_work = [&]() noexcept {
            if (stopping_.load(std::memory_order_seq_cst)) return true;
            if (global_count_.load(std::memory_order_seq_cst) > 0) return true;
            if (w.notices.pending()) return true;  // seq_cst: its half of notify_worker's pattern
            for (const auto& other : workers_) {
                if (!other->deque.empty_approx()) return true;
            }
            return false;
        };
        // An offload in flight will deliver from a pool thread (its notice wakes the owner):
        // until its actor takes the result, the run is not over. Nor while another worker has
        // notices to look at: it has been woken for them (notify_worker), and parks after.
        const auto expect_more = [&]() noexcept {
            if (k_.offloads_pending.load(std::memory_order_relaxed) != 0) return true;
            for (const auto& other : workers_) {
                if (other->notices.pending()) return true;
            }
            return false;
        };
        // While another worker works, wake every watch interval to look for a long turn.
        const park_result r =
            idle_.park(w.index, has_work, deadline, hold, expect_more, watch_interval);
        if (r == park_result::quiescent || r == park_result::stopped) break;
        if (r == park_result::last) {  // virtual time: everyone idles, so the clock jumps
            const std::lock_guard lock(timers_mutex_);
            if (!timers_.empty()) k_.virtual_now = std::max(k_.virtual_now, timers_.top().deadline);
        }
    }
    if (k_.trace != nullptr) trace_restore(traced);
    set_current_worker(nullptr);
}

/// Workers 1..N-1: one run per epoch, until the runtime goes away.
void work_stealing_scheduler::background_worker(worker& w) {
    std::uint64_t seen = 0;
    for (;;) {
        {
            std::unique_lock lock(epoch_mutex_);
            epoch_changed_.wait(lock, [&] { return exiting_ || epoch_ != seen; });
            if (exiting_) return;
            seen = epoch_;
        }
        run_worker(w);
        const std::lock_guard lock(epoch_mutex_);
        if (--in_run_ == 0) all_done_.notify_all();
    }
}

void work_stealing_scheduler::run(bool serve) {
    if (on_own_worker()) {
        throw error(
            "coact::runtime::run: called from inside an actor; an actor must not run the "
            "scheduler it runs on");
    }
    k_.enter_run();
    struct leave {
        core& k;
        ~leave() { k.leave_run(); }
    } guard{k_};
    idle_.reset(/*end_on_quiescence=*/!serve);
    stopping_.store(false);
    if (serve) {
        serving_.store(true);  // seq_cst: Dekker with request_stop()
        if (k_.stop_serving.load()) stopping_.store(true);
    }
    if (threads_.empty()) {
        try {
            threads_.reserve(workers_.size() - 1);
            for (std::size_t i = 1; i < workers_.size(); ++i) {
                threads_.emplace_back([this, i] { background_worker(*workers_[i]); });
            }
        } catch (...) {  // could not start a thread: stop the ones started, report it
            {
                const std::lock_guard lock(epoch_mutex_);
                exiting_ = true;
            }
            epoch_changed_.notify_all();
            for (std::thread& t : threads_) t.join();
            threads_.clear();
            exiting_ = false;
            serving_.store(false);
            throw;
        }
    }
    {
        const std::lock_guard lock(epoch_mutex_);
        in_run_ = threads_.size();
        ++epoch_;
    }
    epoch_changed_.notify_all();
    run_worker(*workers_[0]);
    if (serve) idle_.unpark_all();  // request_stop() ended it: wake the parked ones to leave
    {
        std::unique_lock lock(epoch_mutex_);
        all_done_.wait(lock, [&] { return in_run_ == 0; });
    }
    if (serve) {
        serving_.store(false);
        k_.stop_serving.store(false);  // taken, as the single-threaded serve() does
    }
}

void work_stealing_scheduler::request_stop() noexcept {
    // seq_cst, with the store of stop_serving before it: either this sees `serving`, or serve()
    // sees stop_serving when it starts.
    if (!serving_.load()) return;
    stopping_.store(true);
    idle_.unpark_all();
}

}  // namespace coact::detail
