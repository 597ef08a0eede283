// coact::detail::parker and coact::detail::idle_workers: the token semantics of one parking spot,
// then the coordinator with fake workers (threads that park, search and take items from a fake
// work counter). Every multi-threaded case is bounded by a watchdog, whose action is
// unpark_all(): a worker that lost a wakeup then returns `stopped` and the test fails instead of
// hanging. A coordinator of N workers reaches quiescence only when all N park, so tests of
// wakeups count one more worker than they run: the extra one never parks ("busy").
#include "scheduler/work_stealing/idle.hpp"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "actors/support/watchdog.hpp"
#include "scheduler/work_stealing/parker.hpp"

using namespace std::chrono_literals;
using coact::detail::idle_workers;
using coact::detail::park_result;
using coact::detail::parker;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr auto no_work = []() noexcept { return false; };

/// Polls `done` (yielding) until it holds or `limit` passes; returns whether it held.
bool eventually(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
    const auto end = clock_type::now() + limit;
    while (!done()) {
        if (clock_type::now() > end) return false;
        std::this_thread::sleep_for(100us);
    }
    return true;
}

double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// Workers 0..count-1 of `idle`, one thread each, that park once with no work and record why
/// they returned. One that returns `notified` is searching: it waits for finish_search() and
/// then reports the work as found (transition_from_searching).
class crew {
  public:
    crew(idle_workers& idle, std::size_t count) : idle_(idle), results_(count) {
        for (std::size_t w = 0; w < count; ++w) {
            threads_.emplace_back([this, w] {
                const park_result r = idle_.park(w, no_work);
                results_[w].store(static_cast<int>(r), std::memory_order_relaxed);
                returned_.fetch_add(1, std::memory_order_release);
                if (r != park_result::notified) return;
                while (!finish_.load(std::memory_order_acquire)) std::this_thread::sleep_for(1ms);
                idle_.transition_from_searching(w);
            });
        }
    }
    crew(const crew&) = delete;
    crew& operator=(const crew&) = delete;
    ~crew() { join(); }

    [[nodiscard]] std::size_t returned() const noexcept {
        return returned_.load(std::memory_order_acquire);
    }
    /// How many returned with `r`; call after join() for a final count.
    [[nodiscard]] std::size_t count(park_result r) const noexcept {
        return static_cast<std::size_t>(
            std::count_if(results_.begin(), results_.end(), [r](const std::atomic<int>& got) {
                return got.load(std::memory_order_relaxed) == static_cast<int>(r);
            }));
    }
    void finish_search() noexcept { finish_.store(true, std::memory_order_release); }
    void join() {
        finish_search();
        idle_.unpark_all();
        for (std::thread& t : threads_) {
            if (t.joinable()) t.join();
        }
    }

  private:
    idle_workers& idle_;
    std::vector<std::atomic<int>> results_;  // park_result, once returned
    std::atomic<std::size_t> returned_{0};
    std::atomic<bool> finish_{false};
    std::vector<std::thread> threads_;
};

/// Takes one item from `work` if there is one (seq_cst: it is read like a work source).
bool take(std::atomic<std::int64_t>& work) noexcept {
    std::int64_t n = work.load(std::memory_order_seq_cst);
    while (n > 0) {
        if (work.compare_exchange_weak(n, n - 1, std::memory_order_seq_cst)) return true;
    }
    return false;
}

}  // namespace

// ---- parker ---------------------------------------------------------------------------------

TEST_CASE("an unpark before park leaves a token, and park returns at once", "[parking][parker]") {
    parker spot;
    spot.unpark();
    spot.park();  // would hang without the token
    CHECK_FALSE(spot.park_until(clock_type::now() + 1ms));
}

TEST_CASE("two unparks before a park leave one token", "[parking][parker]") {
    parker spot;
    spot.unpark();
    spot.unpark();
    CHECK(spot.park_until(clock_type::now() + 1ms));
    CHECK_FALSE(spot.park_until(clock_type::now() + 1ms));
}

TEST_CASE("an unpark from another thread wakes a parked owner", "[parking][parker]") {
    parker spot;
    std::atomic<bool> woke{false};
    coact_test::watchdog dog(20s, [&] { spot.unpark(); });
    std::thread owner([&] {
        spot.park();
        woke.store(true, std::memory_order_release);
    });
    std::this_thread::sleep_for(5ms);  // usually asleep by now; either way it must wake
    spot.unpark();
    owner.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(woke.load(std::memory_order_acquire));
}

// ---- idle_workers: waking -------------------------------------------------------------------

TEST_CASE("work published after a worker's last look but before it parks is not slept on",
          "[parking]") {
    // The window of a lost wakeup, made deterministic on one thread: the worker has looked and
    // found nothing; the work and its notify come before the worker announces itself, so the
    // notify finds nobody parked and does nothing. The re-check in park() must catch it.
    idle_workers idle(2);                                       // worker 1 is busy
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });  // if park() wrongly sleeps
    std::atomic<std::int64_t> work{0};
    const auto has_work = [&]() noexcept { return work.load(std::memory_order_seq_cst) > 0; };
    REQUIRE_FALSE(take(work));  // the worker's last look
    work.fetch_add(1, std::memory_order_seq_cst);
    idle.notify_work();
    CHECK(idle.parked_approx() == 0);
    CHECK(idle.park(0, has_work) == park_result::work);
}

TEST_CASE("work whose notify was skipped because a worker searched is found when it parks",
          "[parking]") {
    idle_workers idle(2);                                       // worker 1 is busy
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });  // if park() wrongly sleeps
    std::atomic<std::int64_t> work{0};
    const auto has_work = [&]() noexcept { return work.load(std::memory_order_seq_cst) > 0; };
    REQUIRE(idle.transition_to_searching(0));
    REQUIRE_FALSE(take(work));  // the searcher's last look
    work.fetch_add(1, std::memory_order_seq_cst);
    idle.notify_work();  // skipped: worker 0 searches
    CHECK(idle.park(0, has_work) == park_result::work);
    CHECK(idle.searching_approx() == 0);
}

TEST_CASE("a notify always reaches a worker that is about to park", "[parking][stress]") {
    // The notifier publishes each item just after the worker has taken the previous one, after
    // a random short spin, so that the publication lands anywhere on the worker's way to sleep:
    // before it announces itself, between that and its re-check (the window of a lost wakeup,
    // protocol steps 1 and 2), or after it sleeps.
    constexpr std::int64_t rounds = 20'000;
    idle_workers idle(2);  // worker 1 is busy
    std::atomic<std::int64_t> work{0};
    std::atomic<std::int64_t> done{0};
    coact_test::watchdog dog(60s, [&] { idle.unpark_all(); });
    std::int64_t slept = 0;      // woken by a notify
    std::int64_t rechecked = 0;  // the re-check before sleeping found the item
    std::thread worker([&] {
        const auto has_work = [&]() noexcept { return work.load(std::memory_order_seq_cst) > 0; };
        std::uint64_t seed = 678;
        while (done.load(std::memory_order_relaxed) < rounds) {
            if (take(work)) {
                idle.transition_from_searching(0);
                done.fetch_add(1, std::memory_order_release);
                continue;
            }
            // A random pause between the failed look and parking, as a scheduler's search
            // would take: the publication often lands in it.
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            for (volatile std::uint64_t spin = (seed >> 33) % 256; spin > 0;) spin = spin - 1;
            const park_result r = idle.park(0, has_work);
            if (r == park_result::stopped) return;
            if (r == park_result::notified) ++slept;
            if (r == park_result::work) ++rechecked;
        }
    });
    std::uint64_t seed = 12345;
    for (std::int64_t i = 0; i < rounds && !dog.fired(); ++i) {
        for (int spins = 0; done.load(std::memory_order_acquire) < i && !dog.fired();) {
            if (++spins > 1000) std::this_thread::yield();
        }
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        for (volatile std::uint64_t spin = (seed >> 33) % 256; spin > 0;) spin = spin - 1;
        work.fetch_add(1, std::memory_order_seq_cst);
        idle.notify_work();
    }
    worker.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(done.load() == rounds);
    // Not correctness conditions: how often the publication landed in each part of the way.
    INFO("woken from sleep " << slept << ", caught by the re-check " << rechecked);
    if (slept == 0) WARN("the worker never slept");
}

TEST_CASE("a notify wakes exactly one of three parked workers", "[parking]") {
    idle_workers idle(4);  // worker 3 is busy
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    crew sleepers(idle, 3);
    REQUIRE(eventually([&] { return idle.parked_approx() == 3; }));

    idle.notify_work();
    REQUIRE(eventually([&] { return sleepers.returned() == 1; }));
    std::this_thread::sleep_for(50ms);  // time for a wrong second wake to show
    CHECK(sleepers.returned() == 1);
    CHECK(idle.searching_approx() == 1);
    CHECK(idle.parked_approx() == 2);

    sleepers.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(sleepers.count(park_result::notified) == 1);
    CHECK(sleepers.count(park_result::stopped) == 2);
}

TEST_CASE("no worker is woken while another searches, and the last searcher to find work wakes one",
          "[parking]") {
    idle_workers idle(4);  // worker 3 is this thread
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    crew sleepers(idle, 2);
    REQUIRE(eventually([&] { return idle.parked_approx() == 2; }));

    REQUIRE(idle.transition_to_searching(3));
    for (int i = 0; i < 10; ++i) idle.notify_work();
    std::this_thread::sleep_for(50ms);
    CHECK(sleepers.returned() == 0);
    CHECK(idle.parked_approx() == 2);

    idle.transition_from_searching(3);  // found work, was the last searcher: wakes one
    REQUIRE(eventually([&] { return sleepers.returned() == 1; }));
    CHECK(idle.searching_approx() == 1);
    CHECK(idle.parked_approx() == 1);

    // The woken worker searches: still nobody else. When it finds work, it wakes the last one.
    idle.notify_work();
    std::this_thread::sleep_for(50ms);
    CHECK(sleepers.returned() == 1);
    sleepers.finish_search();
    REQUIRE(eventually([&] { return sleepers.returned() == 2; }));

    sleepers.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(sleepers.count(park_result::notified) == 2);
}

TEST_CASE("at most half the workers search at once", "[parking]") {
    idle_workers idle(4);
    CHECK(idle.transition_to_searching(0));
    CHECK(idle.transition_to_searching(0));  // already searching: stays one searcher
    CHECK(idle.transition_to_searching(1));
    CHECK_FALSE(idle.transition_to_searching(2));
    CHECK(idle.searching_approx() == 2);
    idle.transition_from_searching(1);
    idle.transition_from_searching(1);  // no longer searching: no effect
    CHECK(idle.searching_approx() == 1);
    CHECK(idle.transition_to_searching(2));
}

TEST_CASE("a worker that finds work when it re-checks does not sleep", "[parking]") {
    idle_workers idle(2);
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    REQUIRE(idle.transition_to_searching(0));
    CHECK(idle.park(0, []() noexcept { return true; }) == park_result::work);
    CHECK(idle.searching_approx() == 0);  // parking ended the search
    CHECK(idle.parked_approx() == 0);
}

// ---- idle_workers: deadlines, quiescence, stop ----------------------------------------------

TEST_CASE("a park with a deadline returns timed_out at the deadline, not before",
          "[parking][deadline]") {
    idle_workers idle(2);  // worker 1 is busy
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    const auto start = clock_type::now();
    const auto deadline = start + 50ms;
    CHECK(idle.park(0, no_work, deadline) == park_result::timed_out);
    const auto end = clock_type::now();
    CHECK(end >= deadline);
    CHECK(end - deadline < 2s);  // generous: the machine may be loaded
    CHECK(idle.parked_approx() == 0);
    // A deadline already past returns at once.
    CHECK(idle.park(0, no_work, start) == park_result::timed_out);
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
}

TEST_CASE("a notify wakes a worker parked with a deadline before the deadline",
          "[parking][deadline]") {
    idle_workers idle(2);  // worker 1 is busy
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    std::atomic<int> result{-1};
    std::thread worker(
        [&] { result.store(static_cast<int>(idle.park(0, no_work, clock_type::now() + 60s))); });
    REQUIRE(eventually([&] { return idle.parked_approx() == 1; }));
    idle.notify_work();
    worker.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(result.load() == static_cast<int>(park_result::notified));
}

TEST_CASE("the last worker to park with nothing to do reports quiescence and wakes the others",
          "[parking][quiescence]") {
    idle_workers idle(3);  // worker 2 is this thread
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    crew sleepers(idle, 2);
    REQUIRE(eventually([&] { return idle.parked_approx() == 2; }));
    CHECK(idle.park(2, no_work) == park_result::quiescent);
    REQUIRE(eventually([&] { return sleepers.returned() == 2; }));
    CHECK(idle.parked_approx() == 0);
    // Closed until reset(): a park returns at once, and nobody is woken.
    CHECK(idle.park(0, no_work) == park_result::quiescent);
    sleepers.join();
    CHECK(sleepers.count(park_result::quiescent) == 2);

    idle.reset();
    CHECK(idle.park(0, []() noexcept { return true; }) == park_result::work);
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
}

TEST_CASE("a single worker with nothing to do is quiescent at once, and with work it is not",
          "[parking][quiescence]") {
    idle_workers idle(1);
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    CHECK(idle.park(0, []() noexcept { return true; }) == park_result::work);
    CHECK(idle.park(0, no_work) == park_result::quiescent);
}

TEST_CASE("a worker waiting for a deadline holds off quiescence until it has timed out",
          "[parking][quiescence][deadline]") {
    idle_workers idle(2);  // worker 1 is this thread
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    std::atomic<int> first{-1};
    std::atomic<int> second{-1};
    const auto timer = clock_type::now() + 100ms;
    std::thread timer_owner([&] {
        first.store(static_cast<int>(idle.park(0, no_work, timer)));
        second.store(static_cast<int>(idle.park(0, no_work)));  // its timer has fired
    });
    REQUIRE(eventually([&] { return idle.parked_approx() == 1; }));
    // Worker 1 parks last, but worker 0 waits for its timer: no quiescence until the timer
    // owner has timed out and parked again without a deadline.
    CHECK(idle.park(1, no_work) == park_result::quiescent);
    CHECK(clock_type::now() >= timer);
    timer_owner.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(first.load() == static_cast<int>(park_result::timed_out));
    CHECK(second.load() == static_cast<int>(park_result::quiescent));
}

TEST_CASE("unpark_all wakes every parked worker and later parks return at once", "[parking]") {
    idle_workers idle(4);  // worker 3 is busy
    coact_test::watchdog dog(20s, "unpark_all wakes every parked worker");
    crew sleepers(idle, 3);
    REQUIRE(eventually([&] { return idle.parked_approx() == 3; }));
    idle.unpark_all();
    sleepers.join();
    CHECK(sleepers.count(park_result::stopped) == 3);
    CHECK(idle.parked_approx() == 0);
    CHECK(idle.park(0, no_work) == park_result::stopped);
    idle.reset();
    CHECK(idle.park(0, []() noexcept { return true; }) == park_result::work);
    dog.cancel();
}

// ---- quiescence under stress ----------------------------------------------------------------

namespace {

/// One run of fake workers on a fake work counter: each item taken adds the next one, until a
/// budget is spent; worker 0 also owns `timers` timers that each add an item when they fire.
/// Workers search (a few attempts to take) before they park. Each worker stops at quiescence;
/// at that moment no item may be left or running, and every item made must have been done.
struct quiescence_run {
    explicit quiescence_run(std::size_t workers) : idle(workers) {}

    idle_workers idle;
    std::atomic<std::int64_t> work{0};     // items available
    std::atomic<std::int64_t> running{0};  // items taken, not finished
    std::atomic<std::int64_t> made{0};
    std::atomic<std::int64_t> finished{0};
    std::atomic<std::int64_t> budget{0};
    std::atomic<int> early{0};  // quiescence reported while work was left or running
    std::atomic<int> quiet{0};  // workers that returned quiescent
    int timers_left = 0;        // worker 0's own

    void add_item() {
        made.fetch_add(1, std::memory_order_relaxed);
        work.fetch_add(1, std::memory_order_seq_cst);  // the publication (protocol step 1)
        idle.notify_work();
    }

    /// Adds the item's successor before or after working a while (before: another worker may
    /// take it meanwhile). Each seed item starts a chain that lasts until the budget is spent:
    /// with one to four chains for four workers, work is scarce and workers keep parking and
    /// being woken.
    void run_item(std::uint64_t& seed) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        const bool successor = budget.fetch_sub(1, std::memory_order_relaxed) > 0;
        const bool first = (seed >> 60) % 2 == 0;
        if (successor && first) add_item();
        if ((seed >> 56) % 16 == 0) {
            std::this_thread::sleep_for(20us);  // on a busy machine, lets woken workers run
        } else {
            for (volatile std::uint64_t spin = (seed >> 33) % 4096; spin > 0;) spin = spin - 1;
        }
        if (successor && !first) add_item();
        finished.fetch_add(1, std::memory_order_relaxed);
        running.fetch_sub(1, std::memory_order_seq_cst);
    }

    bool try_take() {
        running.fetch_add(1, std::memory_order_seq_cst);
        if (take(work)) return true;
        running.fetch_sub(1, std::memory_order_seq_cst);
        return false;
    }

    void worker(std::size_t w) {
        std::uint64_t seed = 0x9e3779b97f4a7c15u * (w + 1);
        const auto has_work = [this]() noexcept {
            return work.load(std::memory_order_seq_cst) > 0;
        };
        auto timer = clock_type::now() + 200us;
        for (;;) {
            if (try_take()) {
                idle.transition_from_searching(w);
                run_item(seed);
                continue;
            }
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            if ((seed >> 62) != 0 && idle.transition_to_searching(w)) {  // or park at once
                bool found = false;
                // A short search: workers should park often.
                for (int attempt = 0; attempt < 2 && !found; ++attempt) found = try_take();
                if (found) {
                    idle.transition_from_searching(w);
                    run_item(seed);
                    continue;
                }
            }
            const bool timed = w == 0 && timers_left > 0;
            const park_result r = timed ? idle.park(w, has_work, timer) : idle.park(w, has_work);
            if (r == park_result::timed_out) {
                --timers_left;
                timer = clock_type::now() + 200us;
                add_item();
            } else if (r == park_result::quiescent) {
                if (work.load(std::memory_order_seq_cst) != 0 ||
                    running.load(std::memory_order_seq_cst) != 0) {
                    early.fetch_add(1);
                }
                quiet.fetch_add(1);
                return;
            } else if (r == park_result::stopped) {
                return;
            }
        }
    }
};

}  // namespace

TEST_CASE("quiescence is reported exactly when every worker is idle, never while work remains",
          "[parking][quiescence][stress]") {
    constexpr std::size_t workers = 4;
    constexpr int runs = 150;
    for (int run = 0; run < runs; ++run) {
        quiescence_run q(workers);
        coact_test::watchdog dog(30s, [&] { q.idle.unpark_all(); });
        q.budget.store(run % 2 == 0 ? 1000 : 50);
        q.timers_left = run % 3;
        for (int i = 0; i < 1 + run % 4; ++i) q.add_item();  // before the workers start
        std::vector<std::thread> pool;
        for (std::size_t w = 0; w < workers; ++w) pool.emplace_back([&q, w] { q.worker(w); });
        for (std::thread& t : pool) t.join();
        dog.cancel();
        INFO("run " << run);
        REQUIRE_FALSE(dog.fired());
        REQUIRE(q.early.load() == 0);
        REQUIRE(q.quiet.load() == static_cast<int>(workers));
        REQUIRE(q.timers_left == 0);
        REQUIRE(q.finished.load() == q.made.load());
        REQUIRE(q.work.load() == 0);
    }
}

// ---- CPU use while idle ---------------------------------------------------------------------

TEST_CASE("two parked workers use almost no CPU over one second", "[parking][idle]") {
    idle_workers idle(3);  // worker 2 is busy: no quiescence
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    crew sleepers(idle, 2);
    REQUIRE(eventually([&] { return idle.parked_approx() == 2; }));
    const double before = process_cpu_seconds();
    std::this_thread::sleep_for(1s);
    const double used = process_cpu_seconds() - before;
    CHECK(sleepers.returned() == 0);
    sleepers.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    INFO("CPU seconds used by the process over 1 s idle: " << used);
    CHECK(used < 0.05);
}

TEST_CASE("wake_timed wakes a worker sleeping to a deadline but not one without",
          "[parking][idle]") {
    coact::detail::idle_workers idle(2);
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    const auto never = [&]() noexcept { return false; };
    std::atomic<int> untimed_result{-1};
    std::thread untimed([&] { untimed_result = static_cast<int>(idle.park(1, never)); });
    while (idle.parked_approx() < 1) std::this_thread::yield();
    const auto t0 = std::chrono::steady_clock::now();
    std::thread waker([&] {
        while (idle.parked_approx() < 2) std::this_thread::yield();
        idle.wake_timed();  // the timer worker 0 sleeps for was cancelled
    });
    const auto r = idle.park(0, never, std::chrono::steady_clock::now() + 1h);
    waker.join();
    CHECK(r == coact::detail::park_result::timed_out);
    CHECK(std::chrono::steady_clock::now() - t0 < 10s);
    // The worker with no deadline still sleeps: wake_timed is not a general wake-up.
    std::this_thread::sleep_for(20ms);
    CHECK(untimed_result.load() == -1);
    idle.unpark_all();
    untimed.join();
    CHECK(untimed_result.load() == static_cast<int>(coact::detail::park_result::stopped));
}

// ---- work for one worker (the ownership scheduler's notices) --------------------------------

TEST_CASE("notify_worker wakes that parked worker, not another, and it does not search",
          "[parking][notify_worker]") {
    idle_workers idle(4);  // worker 3 is busy
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    crew sleepers(idle, 3);
    REQUIRE(eventually([&] { return idle.parked_approx() == 3; }));

    idle.notify_worker(1);
    REQUIRE(eventually([&] { return sleepers.returned() == 1; }));
    std::this_thread::sleep_for(50ms);  // time for a wrong second wake to show
    CHECK(sleepers.returned() == 1);
    CHECK(idle.searching_approx() == 0);
    CHECK(idle.parked_approx() == 2);
    idle.notify_worker(3);  // not parked: nothing happens
    std::this_thread::sleep_for(20ms);
    CHECK(sleepers.returned() == 1);

    sleepers.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(sleepers.count(park_result::addressed) == 1);
    CHECK(sleepers.count(park_result::stopped) == 2);
}

TEST_CASE("work published for one worker just before it parks is seen or wakes it",
          "[parking][notify_worker][stress]") {
    // The notice count and notify_worker against park's re-check: 2,000 rounds, each racing one
    // publication with one park. The worker must never sleep on its work.
    idle_workers idle(2);  // worker 1 is this thread, never parked
    std::atomic<std::int64_t> work{0};
    coact_test::watchdog dog(60s, [&] { idle.unpark_all(); });
    std::atomic<int> rounds_done{0};
    std::thread worker([&] {
        for (int round = 0; round < 2000; ++round) {
            const auto has_work = [&]() noexcept { return work.load() > 0; };
            while (!take(work)) {
                const park_result r = idle.park(0, has_work, clock_type::now() + 10s);
                if (r == park_result::stopped) return;
                // A wake that took more than the deadline would have failed the round:
                CHECK(r != park_result::timed_out);
            }
            rounds_done.fetch_add(1);
        }
    });
    for (int round = 0; round < 2000; ++round) {
        work.fetch_add(1, std::memory_order_seq_cst);  // publish
        idle.notify_worker(0);
        REQUIRE(eventually([&] { return rounds_done.load() == round + 1; }, 10s));
    }
    worker.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
}

TEST_CASE("the last worker to park while work for another is expected sleeps instead of ending",
          "[parking][quiescence][notify_worker]") {
    idle_workers idle(2);
    coact_test::watchdog dog(20s, [&] { idle.unpark_all(); });
    std::atomic<bool> expected{true};
    const auto expect_more = [&]() noexcept { return expected.load(); };
    crew sleepers(idle, 1);  // worker 0 parks first, with no work of its own
    REQUIRE(eventually([&] { return idle.parked_approx() == 1; }));
    std::atomic<int> last{-1};
    std::thread second([&] {
        last.store(static_cast<int>(idle.park(1, no_work, std::nullopt, false, expect_more)));
    });
    REQUIRE(eventually([&] { return idle.parked_approx() == 2; }));
    std::this_thread::sleep_for(50ms);
    CHECK(last.load() == -1);  // asleep: the run is not over
    // The awaited work arrives for worker 0, which looks and parks again: quiescence now.
    expected.store(false);
    idle.notify_worker(0);
    REQUIRE(eventually([&] { return sleepers.returned() == 1; }));
    CHECK(idle.park(0, no_work, std::nullopt, false, expect_more) == park_result::quiescent);
    second.join();
    CHECK(last.load() == static_cast<int>(park_result::quiescent));
    sleepers.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
}
