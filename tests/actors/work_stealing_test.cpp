// What only the work-stealing mode has (docs/concepts/actors.md, "The work-stealing mode"): the
// work_stealing option, and the clear errors for what that mode refuses.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>
#include <coact/testing.hpp>

#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;

TEST_CASE("work_stealing runs the work-stealing scheduler with one worker", "[actor][stealing]") {
    coact::runtime rt({.workers = 1, .work_stealing = true});
    CHECK(rt.options().work_stealing);
    std::atomic<int> sum{0};
    const coact::address adder = rt.spawn([&](coact::context& self) -> coact::actor {
        for (;;) sum += co_await self.receive<int>();
    });
    for (int i = 1; i <= 100; ++i) rt.send(adder, i);
    rt.run();
    CHECK(sum == 5050);
    CHECK(rt.stats().delivered == 100);
    // The work-stealing scheduler is the one running: the step-by-step fixture refuses it.
    coact::testing::deterministic sim({.workers = 1, .virtual_time = true, .work_stealing = true});
    CHECK_THROWS_WITH(sim.step(), Catch::Contains("step() needs a single-threaded runtime"));
}

TEST_CASE("more workers than an actor's owner word can name are refused with the limit",
          "[actor][stealing]") {
    // ownership.hpp: a worker index is 16 bits, with three values kept for special owners.
    try {
        coact::runtime rt({.workers = 70000});
        FAIL("a runtime with 70,000 workers was made");
    } catch (const coact::error& e) {
        CHECK_THAT(e.what(), Catch::Contains("at most 65532 workers") &&
                                 Catch::Contains("runtime_options::workers is 70000"));
    }
}

TEST_CASE("the step-by-step fixture refuses a runtime with several workers", "[actor][stealing]") {
    coact::testing::deterministic sim({.workers = 2, .virtual_time = true});
    CHECK_THROWS_AS(sim.step(), coact::error);
    CHECK_THROWS_WITH(sim.step(), Catch::Contains("workers = 1"));
}

TEST_CASE("shutdown while serve() runs on another thread throws and changes nothing",
          "[actor][stealing][threads]") {
    coact::runtime rt({.workers = 2});
    coact_test::watchdog dog(20s, [&] { rt.request_stop(); });
    std::atomic<bool> started{false};
    rt.spawn("waiter", [&](coact::context& self) -> coact::actor {
        started = true;
        co_await self.receive<int>();
    });
    std::thread server([&] { rt.serve(); });
    while (!started) std::this_thread::sleep_for(1ms);
    CHECK_THROWS_WITH(rt.shutdown(), Catch::Contains("active on another thread"));
    CHECK(rt.stats().actors == 1);  // nothing was torn down
    rt.request_stop();
    server.join();
    CHECK(rt.shutdown() == 0);
    CHECK(rt.stats().actors == 0);
}

namespace {

// One stealing worker: how many messages `busy` (1000 queued) had handled when `other` ran.
// `other` is made ready either by busy's first message (it then waits in the worker's LIFO slot)
// or from outside before run() (it then waits behind busy, in the worker's deque).
int busy_count_when_other_ran_stealing(bool other_woken_by_busy) {
    coact::runtime rt({.workers = 1, .work_stealing = true});
    int busy_handled = 0;
    int seen = -1;
    rt.spawn("busy", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            if (++busy_handled == 1 && other_woken_by_busy) self.send("other", 0);
        }
    });
    rt.spawn("other", [&](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        seen = busy_handled;
    });
    for (int i = 0; i < 1'000; ++i) rt.send("busy", i);
    if (!other_woken_by_busy) rt.send("other", 0);
    rt.run();
    return busy_handled == 1'000 ? seen : -2;
}

}  // namespace

TEST_CASE("with one stealing worker, a busy actor yields once its throughput is spent",
          "[actor][stealing]") {
    const int after_outside_send = busy_count_when_other_ran_stealing(false);
    CHECK(after_outside_send >= 0);
    CHECK(after_outside_send <= 64);
    const int after_its_own_send = busy_count_when_other_ran_stealing(true);
    CHECK(after_its_own_send >= 1);
    CHECK(after_its_own_send <= 64);
}

TEST_CASE("an actor that keeps itself busy does not hold off a timer", "[actor][stealing][timer]") {
    for (const coact::runtime_options options :
         {coact::runtime_options{.workers = 1, .work_stealing = true},
          coact::runtime_options{.workers = 2}}) {
        coact::runtime rt(options);
        coact_test::watchdog dog(20s, std::string("a spinning actor held off a timer"));
        std::atomic<long> spins{0};
        // Alone on its worker with a message always waiting, it spends its throughput every turn
        // and is taken back at once: the sleeper's timer must still fire and stop it.
        const coact::address spinner = rt.spawn([&](coact::context& self) -> coact::actor {
            for (;;) {
                co_await self.receive<int>();
                ++spins;
                self.send(self.address(), 0);
            }
        });
        rt.spawn([&, spinner](coact::context& self) -> coact::actor {
            co_await self.sleep(20ms);
            self.stop(spinner);
        });
        rt.send(spinner, 0);
        rt.run();
        CHECK(spins > 0);
        CHECK(rt.stats().actors == 0);
    }
}
