// Floods from outside: threads calling rt.send as fast as they can (allowed from any thread) must
// not stop actors from getting turns or timers from firing, in either mode; a send to an ended
// actor's address is the sender's dead letter at once, never work for the actor that reuses its
// cell. Each test is bounded in time by a watchdog and checks that every message is accounted
// for (taken, or counted as a dead letter).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/resident_memory.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

constexpr int flooders = 8;
// Per thread: the flood ends when the ticker is done, or after this many sends (memory stays
// bounded, under sanitizers too, whatever the machine's speed).
constexpr std::uint64_t flood_cap = 1'000'000;
constexpr int ticks_wanted = 10;
// How late a 5 ms sleep may wake under a flood on a loaded machine (a scheduler starved by the
// flood wakes it only after the whole flood, seconds late).
constexpr auto lateness_allowed = 250ms;

// Threads sending `message` to `target` until `done` or the cap; `sent` counts what they sent.
class flood {
  public:
    flood(coact::runtime& rt, coact::address target, std::atomic<bool>& done) {
        for (int i = 0; i < flooders; ++i) {
            threads_.emplace_back([this, &rt, target, &done] {
                std::uint64_t n = 0;
                while (n < flood_cap && !done.load(std::memory_order_relaxed)) {
                    rt.send(target, 1);
                    ++n;
                }
                sent_.fetch_add(n);
            });
        }
    }
    flood(const flood&) = delete;
    flood& operator=(const flood&) = delete;
    ~flood() { join(); }

    void join() {
        for (std::thread& t : threads_) {
            if (t.joinable()) t.join();
        }
    }
    [[nodiscard]] std::uint64_t sent() const { return sent_.load(); }

  private:
    std::atomic<std::uint64_t> sent_{0};
    std::vector<std::thread> threads_;
};

struct tick_log {
    std::atomic<int> ticks{0};
    std::atomic<std::int64_t> latest_us{0};  // the latest wake-up, past its deadline
    std::atomic<bool> done{false};
};

// Sleeps 5 ms ten times, noting how late each wake-up was, then says it is done (and stops
// `then_stop`, if given).
coact::actor ticker(coact::context& self, tick_log& log, coact::address then_stop = {}) {
    for (int i = 0; i < ticks_wanted; ++i) {
        const auto deadline = std::chrono::steady_clock::now() + 5ms;
        co_await self.sleep(5ms);
        const auto late = std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - deadline);
        if (late.count() > log.latest_us.load()) log.latest_us.store(late.count());
        log.ticks.fetch_add(1);
    }
    log.done.store(true);
    if (then_stop) self.stop(then_stop);
}

coact::actor counter(coact::context& self, std::atomic<std::uint64_t>& taken) {
    for (;;) {
        co_await self.receive<int>();
        taken.fetch_add(1, std::memory_order_relaxed);
    }
}

}  // namespace

// The runtimes a flood test runs on: this process's mode, and the work-stealing scheduler on
// one thread (where the flooded actor and the ticker share the one worker).
coact::runtime_options flood_options(bool one_stealing_worker) {
    return one_stealing_worker ? coact::runtime_options{.work_stealing = true} : test_options();
}

TEST_CASE("outside senders flooding an actor do not hold off another actor's timer",
          "[actor][flood][threads]") {
    const bool one_stealing_worker = GENERATE(false, true);
    const coact::runtime_options o = flood_options(one_stealing_worker);
    CAPTURE(o.workers, o.work_stealing);
    coact::runtime rt(o);
    tick_log log;
    std::atomic<std::uint64_t> taken{0};
    const coact::address sink = rt.spawn(counter, std::ref(taken));
    rt.spawn(ticker, std::ref(log), coact::address{});
    // Before the fix the single-threaded scheduler took outside messages until their queue was
    // empty, and fired timers only after 64 turns in a row, which a flood never gave it: the
    // ticker slept until the flood ended.
    coact_test::watchdog dog(60s, [&] { log.done.store(true); });
    flood f(rt, sink, log.done);
    rt.run();  // returns once every message is taken
    f.join();
    rt.run();  // messages sent after run() saw the queue empty for the last time
    dog.cancel();
    INFO("ticks " << log.ticks.load() << ", latest wake-up " << log.latest_us.load()
                  << " us late, sent " << f.sent() << ", taken " << taken.load());
    REQUIRE_FALSE(dog.fired());
    CHECK(log.ticks.load() == ticks_wanted);
    CHECK(std::chrono::microseconds(log.latest_us.load()) < lateness_allowed);
    CHECK(taken.load() == f.sent());
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an actor flooded while it waits for a timer does not hold its worker",
          "[actor][flood][threads]") {
    // The flooded actor sleeps, so it takes none of the messages piling up. Before the fix, the
    // work-stealing worker running it took them in for as long as they came, never getting back
    // to its timers or to other actors (with one stealing worker: until the flood ended).
    const bool one_stealing_worker = GENERATE(false, true);
    const coact::runtime_options o = flood_options(one_stealing_worker);
    CAPTURE(o.workers, o.work_stealing);
    coact::runtime rt(o);
    tick_log log;
    bool closed = false;
    const coact::address sleeper = rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.sleep(1h);  // until the ticker stops it
        } catch (const coact::generator_exit&) {
            closed = true;
            throw;
        }
    });
    rt.spawn(ticker, std::ref(log), sleeper);
    coact_test::watchdog dog(60s, [&] { log.done.store(true); });
    flood f(rt, sleeper, log.done);
    rt.run();
    f.join();
    rt.run();
    dog.cancel();
    INFO("ticks " << log.ticks.load() << ", latest wake-up " << log.latest_us.load()
                  << " us late, sent " << f.sent() << ", dead letters " << rt.stats().dead_letters);
    REQUIRE_FALSE(dog.fired());
    CHECK(log.ticks.load() == ticks_wanted);
    CHECK(std::chrono::microseconds(log.latest_us.load()) < lateness_allowed);
    CHECK(closed);
    // Queued when the sleeper ended, or sent after: every message is a dead letter, none lost.
    CHECK(rt.stats().dead_letters == f.sent());
    CHECK(rt.stats().delivered == 0);
}

TEST_CASE("a send to an ended actor is the sender's dead letter at once, never its successor's",
          "[actor][flood]") {
    coact::runtime rt(test_options());
    const coact::address old = rt.spawn([](coact::context&) -> coact::actor { co_return; });
    rt.run();
    std::atomic<std::uint64_t> taken{0};
    const coact::address tenant = rt.spawn(counter, std::ref(taken));
    // The free list gives the last freed cell first: the new actor lives where the old one did.
    REQUIRE(coact::detail_access::cell(tenant) == coact::detail_access::cell(old));
    REQUIRE(old != tenant);
    constexpr std::uint64_t n = 100'000;
    std::uint64_t counted_at_send = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        for (std::uint64_t i = 0; i < n; ++i) self.send(old, 1);
        counted_at_send = self.runtime().stats().dead_letters;
        co_return;
    });
    rt.run();
    CHECK(counted_at_send == n);
    for (std::uint64_t i = 0; i < n; ++i) rt.send(old, 1);  // from outside, too
    CHECK(rt.stats().dead_letters == 2 * n);
    rt.run();
    CHECK(taken.load() == 0);
    CHECK(rt.stats().dead_letters == 2 * n);
    CHECK(rt.stats().delivered == 0);
}

TEST_CASE("a flood of sends to an ended actor neither starves its successor nor piles up",
          "[actor][flood][threads]") {
    const bool one_stealing_worker = GENERATE(false, true);
    const coact::runtime_options o = flood_options(one_stealing_worker);
    CAPTURE(o.workers, o.work_stealing);
    coact::runtime rt(o);
    const coact::address old = rt.spawn([](coact::context&) -> coact::actor { co_return; });
    rt.run();
    tick_log log;
    const coact::address tenant = rt.spawn(ticker, std::ref(log), coact::address{});
    REQUIRE(coact::detail_access::cell(tenant) == coact::detail_access::cell(old));
    coact_test::watchdog dog(60s, [&] { log.done.store(true); });
    coact_test::resident_peak peak;
    flood f(rt, old, log.done);
    rt.run();
    f.join();
    rt.run();
    const std::size_t highest = peak.stop();
    dog.cancel();
    INFO("ticks " << log.ticks.load() << ", latest wake-up " << log.latest_us.load()
                  << " us late, sent " << f.sent() << ", resident memory grew by "
                  << (highest - peak.baseline()) / 1024 << " KiB");
    REQUIRE_FALSE(dog.fired());
    CHECK(log.ticks.load() == ticks_wanted);
    CHECK(std::chrono::microseconds(log.latest_us.load()) < lateness_allowed);
    CHECK(rt.stats().dead_letters == f.sent());
    CHECK(rt.stats().delivered == 0);
    // Each stale message is freed by its sender as it is counted: nothing accumulates. (Under
    // AddressSanitizer freed memory waits in its quarantine, up to 256 MB: the resident size
    // says nothing there.)
    if (!coact_test::address_sanitizer) {
        CHECK(highest - peak.baseline() < (std::size_t{64} << 20));
    }
}

// [single]: in work-stealing mode sends from outside go straight to the inboxes, and a
// publication from outside fans out at once, on the calling thread.
TEST_CASE("a backlog of outside messages is taken a batch at a time, with turns in between",
          "[actor][flood][single]") {
    coact::runtime rt;
    std::atomic<std::uint64_t> taken{0};
    const coact::address sink = rt.spawn(counter, std::ref(taken));
    bool heard = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.subscribe("late");  // at its first turn
        co_await self.receive<int>();
        heard = true;
    });
    constexpr std::uint64_t n = 100'000;
    for (std::uint64_t i = 0; i < n; ++i) rt.send(sink, 1);
    rt.publish("late", 7);  // behind the backlog in the queue
    rt.run();
    // Its subscribers are those following when the scheduler takes it from the queue. Taking
    // the whole backlog (and the publication) before any turn, as before the fix, found none.
    CHECK(heard);
    CHECK(taken.load() == n);
    CHECK(rt.stats().unheard == 0);
}

TEST_CASE("shutdown while threads flood the runtime returns, and every message is counted",
          "[actor][flood][stop][threads]") {
    coact::runtime rt(test_options());
    std::atomic<std::uint64_t> taken{0};
    const coact::address sink = rt.spawn(counter, std::ref(taken));
    rt.run();
    std::atomic<bool> done{false};
    coact_test::watchdog dog(60s, "shutdown() while threads send");
    flood f(rt, sink, done);
    std::this_thread::sleep_for(20ms);  // a backlog builds up
    const std::size_t queued = rt.shutdown();
    done.store(true);
    f.join();
    rt.run();  // nothing left for anyone: the sink has ended
    dog.cancel();
    INFO("sent " << f.sent() << ", queued at shutdown " << queued << ", dead letters "
                 << rt.stats().dead_letters);
    CHECK(rt.stats().actors == 0);
    CHECK(taken.load() == rt.stats().delivered);
    CHECK(rt.stats().delivered + rt.stats().dead_letters == f.sent());
    CHECK(rt.stats().dead_letters >= queued);
}
