// What only the work-stealing mode has (docs/concepts/actors.md, "The work-stealing mode"): the
// work_stealing option, and the clear errors for what that mode refuses.
#include <atomic>
#include <chrono>
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
