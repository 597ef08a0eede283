// Durations past the clock's range (hours::max(), nanoseconds::max(), years(1000): steady_clock
// counts nanoseconds in 64 bits, about 292 years) mean "never": sleep and receive_for wait for
// ever (a message or a stop still ends the wait), a delayed message is never delivered (it is a
// dead letter at shutdown), and nothing overflows. A negative duration is zero.
#include <chrono>
#include <optional>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

enum class huge : int { hours_max, nanoseconds_max, years_1000, seconds_max, double_seconds };

const char* label(huge h) {
    switch (h) {
        case huge::hours_max:
            return "hours::max()";
        case huge::nanoseconds_max:
            return "nanoseconds::max()";
        case huge::years_1000:
            return "years(1000)";
        case huge::seconds_max:
            return "seconds::max()";
        case huge::double_seconds:
            return "duration<double>(1e30)";
    }
    return "?";
}

coact::actor sleeper(coact::context& self, huge h, bool& woke, bool& closed) {
    try {
        switch (h) {
            case huge::hours_max:
                co_await self.sleep(std::chrono::hours::max());
                break;
            case huge::nanoseconds_max:
                co_await self.sleep(std::chrono::nanoseconds::max());
                break;
            case huge::years_1000:
                co_await self.sleep(std::chrono::years(1000));
                break;
            case huge::seconds_max:
                co_await self.sleep(std::chrono::seconds::max());
                break;
            case huge::double_seconds:
                co_await self.sleep(std::chrono::duration<double>(1e30));
                break;
        }
        woke = true;
    } catch (const coact::generator_exit&) {
        closed = true;
        throw;
    }
}

template <class D>
coact::actor poller(coact::context& self, D timeout, std::vector<std::optional<int>>& got) {
    for (int i = 0; i < 2; ++i) got.push_back(co_await self.receive_for<int>(timeout));
}

coact::actor delayer(coact::context& self, huge h) {
    switch (h) {
        case huge::hours_max:
            self.send_after(std::chrono::hours::max(), self.address(), 1);
            break;
        case huge::nanoseconds_max:
            self.send_after(std::chrono::nanoseconds::max(), self.address(), 1);
            break;
        case huge::years_1000:
            self.send_after(std::chrono::years(1000), self.address(), 1);
            break;
        case huge::seconds_max:
            self.send_after(std::chrono::seconds::max(), self.address(), 1);
            break;
        case huge::double_seconds:
            self.send_after(std::chrono::duration<double>(1e30), self.address(), 1);
            break;
    }
    for (;;) co_await self.receive<int>();
}

}  // namespace

TEST_CASE("sleep past the clock's range never wakes: run() returns, and stop still ends it",
          "[actor][timer][duration]") {
    const huge h = GENERATE(huge::hours_max, huge::nanoseconds_max, huge::years_1000,
                            huge::seconds_max, huge::double_seconds);
    const bool virtual_time = GENERATE(false, true);
    CAPTURE(label(h), virtual_time);
    coact::runtime rt(test_options({.virtual_time = virtual_time}));
    bool woke = false;
    bool closed = false;
    const coact::address s = rt.spawn(sleeper, h, std::ref(woke), std::ref(closed));
    coact_test::watchdog dog(60s, "run() with a sleep past the clock's range");
    rt.run();  // nothing will ever fire: it returns (before the fix: woke at once)
    CHECK_FALSE(woke);
    CHECK(rt.stats().actors == 1);
    CHECK(rt.stop(s));
    rt.run();
    dog.cancel();
    CHECK(closed);
    CHECK_FALSE(woke);
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("receive_for past the clock's range waits for a message and never times out",
          "[actor][timer][duration]") {
    const bool virtual_time = GENERATE(false, true);
    CAPTURE(virtual_time);
    coact::runtime rt(test_options({.virtual_time = virtual_time}));
    std::vector<std::optional<int>> a;
    std::vector<std::optional<int>> b;
    std::vector<std::optional<int>> c;
    const coact::address pa =
        rt.spawn(poller<std::chrono::hours>, std::chrono::hours::max(), std::ref(a));
    const coact::address pb =
        rt.spawn(poller<std::chrono::nanoseconds>, std::chrono::nanoseconds::max(), std::ref(b));
    const coact::address pc =
        rt.spawn(poller<std::chrono::years>, std::chrono::years(1000), std::ref(c));
    coact_test::watchdog dog(60s, "run() with a receive_for past the clock's range");
    rt.run();
    CHECK(a.empty());  // still waiting: no timeout came
    CHECK(b.empty());
    CHECK(c.empty());
    for (const coact::address& p : {pa, pb, pc}) {
        rt.send(p, 1);
        rt.send(p, 2);
    }
    rt.run();
    dog.cancel();
    const std::vector<std::optional<int>> expected{1, 2};
    CHECK(a == expected);
    CHECK(b == expected);
    CHECK(c == expected);
}

TEST_CASE("send_after past the clock's range never delivers, and shutdown counts it a dead letter",
          "[actor][timer][duration]") {
    const huge h = GENERATE(huge::hours_max, huge::nanoseconds_max, huge::years_1000,
                            huge::seconds_max, huge::double_seconds);
    const bool virtual_time = GENERATE(false, true);
    CAPTURE(label(h), virtual_time);
    coact::runtime rt(test_options({.virtual_time = virtual_time}));
    rt.spawn(delayer, h);
    coact_test::watchdog dog(60s, "run() with a send_after past the clock's range");
    rt.run();  // returns: the message will never be due
    dog.cancel();
    CHECK(rt.stats().delivered == 0);
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.shutdown() == 1);  // the message that never came due
    CHECK(rt.stats().dead_letters == 1);
}

TEST_CASE("negative durations are zero: sleep returns at once, receive_for polls",
          "[actor][timer][duration]") {
    coact::runtime rt(test_options());
    std::vector<std::optional<int>> got;
    bool slept = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        co_await self.sleep(std::chrono::hours::min());
        co_await self.sleep(-1ms);
        slept = true;
        got.push_back(co_await self.receive_for<int>(std::chrono::nanoseconds::min()));
        self.send_after(std::chrono::hours::min(), self.address(), 5);
        got.push_back(co_await self.receive_for<int>(1h));
    });
    coact_test::watchdog dog(60s, "negative durations");
    rt.run();
    dog.cancel();
    CHECK(slept);
    CHECK(got == std::vector<std::optional<int>>{std::nullopt, 5});
}

TEST_CASE("a long duration within the clock's range still fires in virtual time",
          "[actor][timer][duration]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    bool woke = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        co_await self.sleep(std::chrono::hours(2'000'000));  // about 228 years
        woke = true;
    });
    rt.run();
    CHECK(woke);
}

// [single]: the step-by-step fixture.
TEST_CASE("advance_time past the clock's range saturates instead of wrapping",
          "[actor][timer][duration][fixture][single]") {
    coact::testing::deterministic sim;
    std::vector<int> got;
    sim.spawn("r", [&](coact::context& self) -> coact::actor {
        for (;;) got.push_back(co_await self.receive<int>());
    });
    sim.spawn([](coact::context& self) -> coact::actor {
        self.send_after(1h, "r", 1);
        co_return;
    });
    sim.step_all();
    sim.advance_time(30min);
    sim.advance_time(std::chrono::nanoseconds::max());  // wraps into the past without saturation
    sim.step_all();
    CHECK(got == std::vector<int>{1});
}
