// Where actors run with two workers (docs/design/ownership.md, step one): two actors that talk
// to each other end up on one worker, so that their messages are plain memory, and come back
// together after a steal has split them. Each message's value is handled exactly once; the test
// records the thread that handled each value and counts the times the next value was handled on
// another thread (a crossing). The bound leaves room for a worker descheduled by the system
// (the other then takes over, and the pair comes together again).
#include <atomic>
#include <chrono>
#include <cstddef>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int exchanged = 20000;

struct trace {
    std::vector<std::thread::id> by_value = std::vector<std::thread::id>(exchanged + 1);

    /// Crossings among the values in [from, to).
    [[nodiscard]] int crossings(int from, int to) const {
        int n = 0;
        for (int v = from; v + 1 < to; ++v) {
            if (by_value[static_cast<std::size_t>(v)] != by_value[static_cast<std::size_t>(v + 1)])
                ++n;
        }
        return n;
    }
};

// Relays n - 1 to its partner until 0; at value `stall` it then computes for 20 ms without a
// co_await (the other worker takes the partner, just woken, meanwhile: a split).
coact::actor relay(coact::context& self, trace& t, int stall) {
    coact::address partner = co_await self.receive<coact::address>();
    for (;;) {
        const int n = co_await self.receive<int>();
        t.by_value[static_cast<std::size_t>(n)] = std::this_thread::get_id();
        if (n > 0) self.send(partner, n - 1);
        if (n == stall) {
            const auto until = std::chrono::steady_clock::now() + 20ms;
            while (std::chrono::steady_clock::now() < until) {
            }
        }
    }
}

/// Spawns a pair from outside, lets both start and wait, then starts the exchange from outside.
void run_pair(trace& t, int stall) {
    coact::runtime rt({.workers = 2});
    coact_test::watchdog dog(60s, std::string("the exchange never ended"));
    const coact::address a = rt.spawn(relay, std::ref(t), stall);
    const coact::address b = rt.spawn(relay, std::ref(t), stall);
    rt.send(a, b);
    rt.send(b, a);
    rt.run();  // both wait for their first number on whichever worker ran them
    rt.send(a, exchanged);
    rt.run();
    std::size_t unhandled = 0;
    for (const std::thread::id& id : t.by_value) unhandled += id == std::thread::id{} ? 1 : 0;
    REQUIRE(unhandled == 0);
}

}  // namespace

TEST_CASE("two actors that talk run on one worker, and come together again after a split",
          "[actor][stealing][ownership]") {
    // While both workers are awake, each message can reach its actor before that actor's turn
    // has ended, and the two run in lockstep on two workers for a while (a few hundred messages
    // here): nothing moves an actor that is not idle. Once one goes idle before the next
    // message, the notice moves it to its sender's worker. So the test looks at the last tenth
    // of the exchange (values count down: the smallest came last).
    constexpr int last_tenth = exchanged / 10;
    trace t;
    SECTION("started apart, they meet") {
        run_pair(t, -1);
        const int crossings = t.crossings(0, last_tenth);
        INFO("crossings in the last " << last_tenth << " messages: " << crossings);
        CHECK(crossings <= last_tenth / 100);
    }
    SECTION("a long turn makes the other worker take the partner; the pair comes together") {
        // At the middle of the exchange one actor computes 20 ms after its send: the other
        // worker takes the partner it just woke (a long turn). Without moving a woken actor to
        // its sender's worker, the two would stay apart to the end, every message crossing.
        run_pair(t, exchanged / 2);
        const int crossings = t.crossings(0, last_tenth);
        INFO("crossings in the last " << last_tenth << " messages: " << crossings);
        CHECK(crossings <= last_tenth / 100);
    }
}
