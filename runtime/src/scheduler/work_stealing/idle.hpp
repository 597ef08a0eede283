// scheduler/work_stealing/idle.hpp — which workers of a multi-threaded scheduler sleep, which
// search for work, and whom to wake when work appears.
//
// idle_workers coordinates N worker threads: a worker that runs out of work may search (steal)
// for a while, then parks on its own parker (parker.hpp) until notify_work() wakes it, a
// deadline passes, or the run ends. It wakes one worker per notification, and none while a
// worker is searching: the searcher will find the work. A worker that stops searching because it
// found work wakes the next one, so that a burst of work spreads one worker at a time, and an
// idle runtime sleeps in the kernel (see docs/design/parking.md for the figures). It also tells
// the scheduler when every worker is parked with nothing to do, the end of run(). The counts
// follow tokio's multi-threaded scheduler (idle.rs): searchers and parked workers in one word.
//
// Threads: worker w (0 <= w < size()) calls transition_to_searching(w),
// transition_from_searching(w) and park(w, ...) from its own thread only; notify_work() and
// unpark_all() from any thread; reset() when no worker is inside park(). Every one of the N
// workers must take part (quiescence waits for all of them). The coordinator must outlive
// every call on it.
//
//   coact::detail::idle_workers idle(n);
//   publish(work); idle.notify_work();                       // a send, an injection
//   if (idle.transition_to_searching(w)) { if (steal()) idle.transition_from_searching(w); }
//   switch (idle.park(w, [&]() noexcept { return any_work(); }, next_timer)) { ... }
//
// The protocol. state_ holds the number of searching workers (low 32 bits) and of parked ones
// (high 32 bits); the parked half, the sleeper list and each worker's sleeping flag change only
// under mutex_. S below is the single total order of all seq_cst operations.
//   1. Publishing. The caller makes work visible with a seq_cst store or read-modify-write (the
//      global queue's count incremented seq_cst, say), then calls notify_work(), whose
//      seq_cst load of state_ returns at once if a worker searches or none is parked.
//   2. Parking. Under mutex_, the worker announces itself with one seq_cst RMW of state_
//      (parked + 1, and searching - 1 if it was searching), joins the sleeper list, and calls
//      has_work(), which must read the work sources with seq_cst loads; if it finds work, it
//      withdraws and does not sleep. Steps 1 and 2 are Dekker's pattern (store X, load Y against
//      store Y, load X), which release/acquire does not order: with all four seq_cst, either the
//      notifier's load follows the announcement in S and sees the worker parked, or the re-check
//      follows the publication and sees the work. No wakeup is lost.
//   3. Waking. A notifier that saw a parked worker and no searcher takes mutex_, reloads
//      state_, and if still no worker searches pops the most recently parked sleeper, counting it
//      as searching and not parked in one RMW (nobody sees one count changed without the other),
//      then unparks it after unlocking. Exactly one worker is woken per notification.
//   4. Sleeping. A parked worker sleeps on its parker. On waking it takes mutex_: if it is off
//      the sleeper list, it was popped (step 3: it now searches; or step 6). If it is still on
//      it, the deadline passed (it withdraws: timed_out) or the token was stale, left by a pop
//      that raced with an earlier timeout (it sleeps again).
//   5. Searching. While a worker searches, notifiers skip waking (step 1). A notifier that
//      skipped read state_ before the searcher's leaving RMW in modification order, so that
//      seq_cst RMW follows the notifier's load in S (coherence). The searcher leaves either by
//      parking (step 2: its re-check then sees the work), or by transition_from_searching()
//      when it found work. A last searcher that found work either way, with someone parked,
//      wakes one as in step 3, and that worker's search, after the pop, sees whatever work the
//      skipped notifiers published: work does not wait behind one busy worker.
//   6. Quiescence. A worker whose announcement makes all N parked, when neither it nor any
//      sleeper waits for a deadline and has_work() is false, closes the coordinator with
//      `quiescent` instead of sleeping: every sleeper is popped with that result, and later
//      parks return it at once until reset(). Each parked worker released mutex_ after its own
//      last writes, so the check sees all work the workers made. Work published from outside at
//      the same moment may be seen or not; it then waits for the next run(). unpark_all()
//      closes the same way with `stopped`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "scheduler/work_stealing/parker.hpp"

namespace coact::detail {

/// Why park() returned.
enum class park_result {
    work,       // has_work() was true at the re-check: the worker did not sleep
    notified,   // woken to search: the worker now counts as searching
    timed_out,  // the deadline passed
    quiescent,  // every worker was parked with nothing to do (step 6): the run is over
    stopped,    // unpark_all() was called
    last,       // park(..., hold = true): every other worker is parked with nothing to do and
                // this one did not sleep (a run on virtual time jumps the clock here)
    addressed,  // notify_worker(w): work for this worker only; it does not count as searching
};

/// park()'s `expect_more` when nothing is expected from elsewhere.
struct nothing_expected {
    bool operator()() const noexcept { return false; }
};

class idle_workers {
  public:
    using clock = std::chrono::steady_clock;

    explicit idle_workers(std::size_t workers)
        : workers_(workers), per_worker_(std::make_unique<worker_state[]>(workers)) {
        sleepers_.reserve(workers);
    }

    idle_workers(const idle_workers&) = delete;
    idle_workers& operator=(const idle_workers&) = delete;

    [[nodiscard]] std::size_t size() const noexcept { return workers_; }

    /// Any thread, after publishing work with a seq_cst store or RMW (step 1). Wakes one parked
    /// worker if none is searching; otherwise one atomic load.
    void notify_work() {
        // seq_cst: the load half of Dekker's pattern with the publication (steps 1 and 2).
        const std::uint64_t s = state_.load(std::memory_order_seq_cst);
        if (searching_of(s) != 0 || parked_of(s) == 0) return;
        wake_one();
    }

    /// Any thread, after publishing work that only worker `w` may take (its notices) with a
    /// seq_cst store or RMW: wakes `w` if it is parked, with `addressed`. Otherwise one load.
    /// The Dekker pattern of step 2, on w's own flag: park() stores it (seq_cst) before its
    /// re-check, and this loads it (seq_cst) after the publication.
    void notify_worker(std::size_t w) {
        worker_state& s = per_worker_[w];
        if (!s.asleep.load(std::memory_order_seq_cst)) return;
        {
            std::lock_guard lock(mutex_);
            if (!s.sleeping) return;  // woken or withdrawn meanwhile: it looks before it sleeps
            withdraw(w);
            s.reason = park_result::addressed;
        }
        s.spot.unpark();
    }

    /// Worker `w`. Counts w as searching, unless half the workers already search (more would
    /// burn CPU without finding more work): then false, and w should re-check and park.
    [[nodiscard]] bool transition_to_searching(std::size_t w) noexcept {
        worker_state& me = per_worker_[w];
        if (me.searching) return true;
        // Relaxed: the limit is a heuristic; two workers passing it at once do no harm.
        if (2 * searching_of(state_.load(std::memory_order_relaxed)) >= workers_) return false;
        // Relaxed: entering the search promises nothing. What notifiers rely on is the seq_cst
        // RMW that ends it (step 5), which coherence orders after every load that saw this one.
        state_.fetch_add(searching_one, std::memory_order_relaxed);
        me.searching = true;
        return true;
    }

    /// Worker `w`, which searched and found work. The last searcher to stop wakes a parked
    /// worker to search in its place (step 5). Does nothing if w was not searching.
    void transition_from_searching(std::size_t w) {
        worker_state& me = per_worker_[w];
        if (!me.searching) return;
        me.searching = false;
        // seq_cst: follows in S every notifier load that skipped because of us (step 5).
        const std::uint64_t before = state_.fetch_sub(searching_one, std::memory_order_seq_cst);
        if (searching_of(before) == 1 && parked_of(before) != 0) wake_one();
    }

    /// Worker `w`: announces it is parking, re-checks `has_work` (a noexcept callable returning
    /// bool, called under the coordinator's lock: it must not call back into this object) and
    /// sleeps until notified, until `deadline` if given, or until the run ends. A worker that
    /// was searching stops searching. One that returns `notified` is searching, and must end
    /// that with transition_from_searching() or another park(): while it searches, nobody else
    /// is woken.
    /// `hold`: the run must not end here (timers on virtual time are pending): if this worker
    /// would be the last to park, it withdraws and gets `last` instead.
    /// `expect_more`, a noexcept callable returning bool, says whether work is on its way from
    /// another thread (offloads in flight, notices for another worker): while it is true, the
    /// last worker to park sleeps until notified instead of ending the run or getting `last`.
    /// It is called under the lock, after every other worker's park: a worker that lowers what
    /// it reads and then parks is seen lowering it by whoever parks last.
    /// `watch`, if given: when some other worker is not parked as this one parks (decided under
    /// the lock, so that a worker woken at the same moment either is seen awake here or, having
    /// found work, sees this one parked and wakes it: step 5), sleep at most `watch`, then
    /// return `timed_out`. A watch holds off neither quiescence nor `last`, and wake_timed()
    /// leaves it asleep: it only lets the worker look at the others now and then.
    template <class HasWork, class ExpectMore = nothing_expected>
    park_result park(std::size_t w, HasWork&& has_work,
                     std::optional<clock::time_point> deadline = std::nullopt, bool hold = false,
                     ExpectMore&& expect_more = {},
                     std::optional<clock::duration> watch = std::nullopt) {
        static_assert(std::is_nothrow_invocable_r_v<bool, HasWork&>,
                      "has_work must be a noexcept callable returning bool");
        worker_state& me = per_worker_[w];
        const bool was_searching = std::exchange(me.searching, false);
        std::optional<clock::time_point> until = deadline;  // the earlier of deadline and watch
        {
            std::unique_lock lock(mutex_);
            if (closed_) {
                // Relaxed: the run is over; nothing is woken any more.
                if (was_searching) state_.fetch_sub(searching_one, std::memory_order_relaxed);
                return *closed_;
            }
            // seq_cst: the store half of Dekker's pattern, before the re-check (step 2).
            const std::uint64_t before = state_.fetch_add(
                parked_one - (was_searching ? searching_one : 0), std::memory_order_seq_cst);
            sleepers_.push_back(w);
            me.sleeping = true;
            // seq_cst: the store half of notify_worker's pattern, before the re-check.
            me.asleep.store(true, std::memory_order_seq_cst);
            if (has_work()) {
                withdraw(w);
                // The last searcher found work: as in transition_from_searching (step 5).
                std::optional<std::size_t> next;
                if (was_searching && searching_of(before) == 1) next = pop_to_search();
                lock.unlock();
                if (next) per_worker_[*next].spot.unpark();
                return park_result::work;
            }
            const bool expect_outside = expect_more();
            if (sleepers_.size() == workers_ && !deadline && timed_sleepers_ == 0 && hold &&
                !expect_outside) {
                withdraw(w);
                return park_result::last;
            }
            if (sleepers_.size() == workers_ && !deadline && timed_sleepers_ == 0 &&
                end_on_quiescence_ && !expect_outside) {
                std::vector<std::size_t> woken = close(park_result::quiescent);
                lock.unlock();
                for (std::size_t other : woken) {
                    if (other != w) per_worker_[other].spot.unpark();
                }
                return park_result::quiescent;
            }
            if (deadline) {
                me.timed = true;
                ++timed_sleepers_;
            }
            // Another worker is awake (not all are on the list): look again after `watch`.
            if (watch && sleepers_.size() < workers_) {
                const clock::time_point look = clock::now() + *watch;
                if (!until || look < *until) until = look;
            }
        }
        for (;;) {
            if (until) {
                me.spot.park_until(*until);
            } else {
                me.spot.park();
            }
            std::lock_guard lock(mutex_);
            if (!me.sleeping) {  // popped (step 4)
                if (me.reason == park_result::notified) me.searching = true;
                return me.reason;
            }
            if (until && clock::now() >= *until) {
                withdraw(w);
                return park_result::timed_out;
            }
        }
    }

    /// Any thread. Wakes every parked worker with `stopped`; later parks return it at once.
    void unpark_all() {
        std::vector<std::size_t> woken;
        {
            std::lock_guard lock(mutex_);
            if (closed_) return;
            woken = close(park_result::stopped);
        }
        for (std::size_t w : woken) per_worker_[w].spot.unpark();
    }

    /// Any thread. Wakes every worker sleeping until a deadline, with `timed_out` (the timer it
    /// waited for was cancelled: without this, run() would wait for a deadline nobody needs).
    void wake_timed() {
        std::vector<std::size_t> woken;
        {
            std::lock_guard lock(mutex_);
            if (timed_sleepers_ == 0) return;
            for (std::size_t i = 0; i < sleepers_.size();) {
                const std::size_t w = sleepers_[i];
                if (per_worker_[w].timed) {
                    withdraw(w);  // swaps the last sleeper into slot i
                    per_worker_[w].reason = park_result::timed_out;
                    woken.push_back(w);
                } else {
                    ++i;
                }
            }
        }
        for (std::size_t w : woken) per_worker_[w].spot.unpark();
    }

    /// Reopens after quiescence or unpark_all(), for the next run(). No worker may be in park().
    /// With `end_on_quiescence` false (a server's run), workers that are all parked sleep on
    /// until notified or unpark_all() instead of ending the run.
    void reset(bool end_on_quiescence = true) {
        std::lock_guard lock(mutex_);
        closed_.reset();
        end_on_quiescence_ = end_on_quiescence;
    }

    /// Any thread. Relaxed: hints for tests and statistics, stale at once.
    [[nodiscard]] std::size_t searching_approx() const noexcept {
        return static_cast<std::size_t>(searching_of(state_.load(std::memory_order_relaxed)));
    }
    [[nodiscard]] std::size_t parked_approx() const noexcept {
        return static_cast<std::size_t>(parked_of(state_.load(std::memory_order_relaxed)));
    }

  private:
    static constexpr std::uint64_t searching_one = 1;
    static constexpr std::uint64_t parked_one = std::uint64_t{1} << 32;
    static constexpr std::uint64_t searching_of(std::uint64_t s) noexcept {
        return s & (parked_one - 1);
    }
    static constexpr std::uint64_t parked_of(std::uint64_t s) noexcept { return s >> 32; }

    // 64 bytes rather than std::hardware_destructive_interference_size (g++ 12 warns about it).
    static constexpr std::size_t cache_line = 64;

    // One per worker, on its own cache line.
    struct alignas(cache_line) worker_state {
        parker spot;
        bool sleeping = false;  // guarded by mutex_: on sleepers_
        // `sleeping`, for notify_worker's look without the lock: set (seq_cst) before the
        // re-check, cleared (relaxed) with it; a stale true costs a look under the lock.
        std::atomic<bool> asleep{false};
        bool timed = false;                          // guarded by mutex_: sleeps to a deadline
        park_result reason = park_result::notified;  // guarded by mutex_: why it was popped
        bool searching = false;                      // the worker's own thread only
    };

    void wake_one() {
        std::optional<std::size_t> w;
        {
            std::lock_guard lock(mutex_);
            w = pop_to_search();
        }
        if (w) per_worker_[*w].spot.unpark();
    }

    /// Under mutex_: if no worker searches, pops the most recently parked sleeper (its cache is
    /// the warmest) and counts it as searching (step 3). The caller unparks it after unlocking.
    std::optional<std::size_t> pop_to_search() {
        // seq_cst: a second look, with the same pairing as notify_work's (step 3).
        const std::uint64_t s = state_.load(std::memory_order_seq_cst);
        if (searching_of(s) != 0 || sleepers_.empty()) return std::nullopt;
        const std::size_t w = sleepers_.back();
        sleepers_.pop_back();
        worker_state& woken = per_worker_[w];
        woken.sleeping = false;
        woken.asleep.store(false, std::memory_order_relaxed);
        woken.reason = park_result::notified;
        untime(woken);
        // Relaxed: under mutex_, which the woken worker takes before it looks (step 4); a
        // notifier that reads this value and skips is covered by step 5. One RMW, so no reader
        // sees the parked count drop without the searching count rising.
        state_.fetch_add(searching_one - parked_one, std::memory_order_relaxed);
        return w;
    }

    /// Under mutex_: takes w, which has not been popped, off the sleeper list.
    void withdraw(std::size_t w) {
        for (std::size_t i = 0; i < sleepers_.size(); ++i) {
            if (sleepers_[i] == w) {
                sleepers_[i] = sleepers_.back();
                sleepers_.pop_back();
                break;
            }
        }
        worker_state& me = per_worker_[w];
        me.sleeping = false;
        me.asleep.store(false, std::memory_order_relaxed);
        untime(me);
        // Relaxed: the worker is awake and announces again (step 2) before it next sleeps.
        state_.fetch_sub(parked_one, std::memory_order_relaxed);
    }

    /// Under mutex_: pops every sleeper with `result` and closes; returns whom to unpark.
    std::vector<std::size_t> close(park_result result) {
        closed_ = result;
        std::vector<std::size_t> woken;
        woken.swap(sleepers_);
        sleepers_.reserve(workers_);
        for (std::size_t w : woken) {
            worker_state& s = per_worker_[w];
            s.sleeping = false;
            s.asleep.store(false, std::memory_order_relaxed);
            s.reason = result;
            untime(s);
        }
        // Relaxed: nobody is woken to search any more; the sleepers read their reason under
        // mutex_.
        state_.fetch_sub(parked_one * woken.size(), std::memory_order_relaxed);
        return woken;
    }

    void untime(worker_state& s) noexcept {
        if (s.timed) {
            s.timed = false;
            --timed_sleepers_;
        }
    }

    const std::size_t workers_;
    alignas(cache_line) std::atomic<std::uint64_t> state_{0};  // read by every notify_work()
    alignas(cache_line) std::mutex mutex_;
    std::vector<std::size_t> sleepers_;  // guarded by mutex_; the parked workers
    std::size_t timed_sleepers_ = 0;     // guarded by mutex_
    std::optional<park_result> closed_;  // guarded by mutex_: quiescent or stopped
    bool end_on_quiescence_ = true;      // guarded by mutex_
    std::unique_ptr<worker_state[]> per_worker_;
};

}  // namespace coact::detail
