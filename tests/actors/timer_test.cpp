// Timers: send_after and sleep, in virtual time (step by step) and in real time (run() waits for
// pending timers, and waits without burning CPU).
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

coact::actor collector(coact::context& self, std::vector<int>& out) {
    for (;;) out.push_back(co_await self.receive<int>());
}

// CPU time (user + system) used by the whole process so far.
std::chrono::microseconds cpu_time() {
    rusage u{};
    ::getrusage(RUSAGE_SELF, &u);
    auto us = [](const timeval& t) {
        return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec);
    };
    return us(u.ru_utime) + us(u.ru_stime);
}

}  // namespace

// [single]: steps the deterministic fixture, single-threaded by design.
TEST_CASE("send_after delivers after the delay and not before", "[actor][timer][fixture][single]") {
    coact::testing::deterministic sim;
    std::vector<int> got;
    sim.spawn("r", collector, std::ref(got));
    sim.spawn("timer", [](coact::context& self) -> coact::actor {
        self.send_after(100ms, "r", 1);
        self.send_after(50ms, self.runtime().try_lookup("r"), 2);
        self.send_after(100ms, "r", 3);  // same deadline as 1: fires after it
        co_return;
    });
    sim.step_all();
    CHECK(sim.mailbox_size("r") == 0);
    sim.advance_time(49ms);
    CHECK(sim.mailbox_size("r") == 0);
    sim.advance_time(1ms);  // t = 50ms
    CHECK(sim.mailbox_size("r") == 1);
    REQUIRE(sim.peek<int>("r") != nullptr);
    CHECK(*sim.peek<int>("r") == 2);
    sim.step_all();
    CHECK(got == std::vector<int>{2});
    sim.advance_time(49ms);
    CHECK(sim.mailbox_size("r") == 0);
    sim.advance_time(1ms);  // t = 100ms
    CHECK(sim.mailbox_size("r") == 2);
    sim.step_all();
    CHECK(got == std::vector<int>{2, 1, 3});
}

// [single]: steps the deterministic fixture, single-threaded by design.
TEST_CASE("sleep suspends the actor while messages queue for it",
          "[actor][timer][fixture][single]") {
    coact::testing::deterministic sim;
    std::vector<std::string> log;
    sim.spawn("sleeper", [&](coact::context& self) -> coact::actor {
        log.push_back("start");
        co_await self.sleep(100ms);
        log.push_back("awake");
        for (;;) log.push_back(std::to_string(co_await self.receive<int>()));
    });
    REQUIRE(sim.step());
    CHECK(log == std::vector<std::string>{"start"});
    sim.send("sleeper", 1);
    sim.send("sleeper", 2);
    CHECK(sim.mailbox_size("sleeper") == 2);
    CHECK_FALSE(sim.next());  // messages do not wake a sleeping actor
    CHECK_FALSE(sim.step());
    sim.advance_time(99ms);
    CHECK_FALSE(sim.step());
    CHECK(log.size() == 1);
    sim.advance_time(1ms);
    CHECK(sim.step_all() > 0);
    CHECK(log == std::vector<std::string>{"start", "awake", "1", "2"});
    CHECK(sim.mailbox_size("sleeper") == 0);
}

TEST_CASE("run() returns only after pending timers have fired", "[actor][timer]") {
    SECTION("virtual time jumps to each deadline") {
        coact::runtime rt(test_options({.virtual_time = true}));
        std::vector<int> got;
        rt.spawn("r", collector, std::ref(got));
        rt.spawn("timer", [](coact::context& self) -> coact::actor {
            self.send_after(1h, "r", 2);
            self.send_after(1min, "r", 1);
            co_await self.sleep(2h);
            self.send("r", 3);
        });
        const auto start = std::chrono::steady_clock::now();
        rt.run();
        CHECK(std::chrono::steady_clock::now() - start < 5s);  // virtual hours take no real time
        CHECK(got == std::vector<int>{1, 2, 3});
        CHECK(rt.stats().actors == 1);
    }
    SECTION("real time waits for them") {
        coact::runtime rt(test_options());
        std::vector<int> got;
        rt.spawn("r", collector, std::ref(got));
        rt.spawn("timer", [](coact::context& self) -> coact::actor {
            self.send_after(30ms, "r", 1);
            co_await self.sleep(10ms);
            self.send("r", 0);
        });
        coact_test::watchdog dog(20s, "run() with a 30ms timer");
        const auto start = std::chrono::steady_clock::now();
        rt.run();
        const auto elapsed = std::chrono::steady_clock::now() - start;
        dog.cancel();
        CHECK(got == std::vector<int>{0, 1});
        CHECK(elapsed >= 30ms);
    }
}

TEST_CASE("run() waiting only for a timer does not busy-wait", "[actor][timer]") {
    coact::runtime rt(test_options());
    bool woke = false;
    rt.spawn("sleeper", [&](coact::context& self) -> coact::actor {
        co_await self.sleep(300ms);
        woke = true;
    });
    coact_test::watchdog dog(20s, "run() with a 300ms sleep");
    const auto cpu_before = cpu_time();
    const auto start = std::chrono::steady_clock::now();
    rt.run();
    const auto wall = std::chrono::steady_clock::now() - start;
    const auto cpu = cpu_time() - cpu_before;
    dog.cancel();
    CHECK(woke);
    CHECK(wall >= 300ms);
    INFO("CPU time used during a 300ms wait: " << cpu.count() << " us");
    CHECK(cpu < 100ms);
}
