// The scheduler's promises: a busy actor cannot starve the others (the per-turn cap), and in
// single-threaded mode a program runs the same way every time; with several workers it gives the
// same messages, in another order.
#include <algorithm>
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

// How many messages `busy` had handled when `other` handled its one message. One worker only:
// `other` reads busy's plain counter, which with several workers busy may be changing meanwhile.
int busy_count_when_other_ran(coact::runtime_options options) {
    coact::runtime rt(test_options(options));
    int busy_handled = 0;
    int seen = -1;
    rt.spawn("busy", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            ++busy_handled;
        }
    });
    rt.spawn("other", [&](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        seen = busy_handled;
    });
    for (int i = 0; i < 1'000; ++i) rt.send("busy", i);
    rt.send("other", 0);
    rt.run();
    return busy_handled == 1'000 ? seen : -2;
}

// The same with a busy actor that polls with receive_for(0ms) instead of receive<int>().
int busy_poller_count_when_other_ran() {
    coact::runtime rt(test_options());
    int busy_handled = 0;
    int seen = -1;
    rt.spawn("busy", [&](coact::context& self) -> coact::actor {
        for (;;) {
            if (co_await self.receive_for<int>(0ms)) {
                ++busy_handled;
            } else {
                co_await self.receive<int>();  // nothing queued: wait (and count) normally
                ++busy_handled;
            }
        }
    });
    rt.spawn("other", [&](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        seen = busy_handled;
    });
    for (int i = 0; i < 1'000; ++i) rt.send("busy", i);
    rt.send("other", 0);
    rt.run();
    return busy_handled == 1'000 ? seen : -2;
}

// Lines appended by actors that may run on several threads at once.
class trace_log {
  public:
    void add(std::string line) {
        const std::lock_guard lock(mutex_);
        lines_.push_back(std::move(line));
    }
    std::vector<std::string> take() {
        const std::lock_guard lock(mutex_);
        return std::move(lines_);
    }

  private:
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

// A small program with named and anonymous actors, spawns from inside, fan-out and timers, run
// with exactly `options`. Returns who received what from whom, in the order it happened.
std::vector<std::string> traced_program(coact::runtime_options options) {
    trace_log trace;
    coact::runtime rt(options);
    auto label = [](coact::context& self, coact::address a) -> std::string {
        if (!a) return "null";
        return a == self.address() ? "self" : "other";
    };
    auto worker = [&](coact::context& self, int id, int peers) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            trace.add("w" + std::to_string(id) + " got " + std::to_string(n) + " from " +
                      (self.sender() ? "an actor" : "outside"));
            if (n <= 0) continue;
            const int next = (id * 7 + n * 3) % peers;
            self.send("w" + std::to_string(next), n - 1);
            if (n % 5 == 0)
                self.send_after(std::chrono::milliseconds(n),
                                "w" + std::to_string((next + 1) % peers), n - 2);
            if (n % 11 == 0) self.send("hub", n);
        }
    };
    rt.spawn("hub", [&](coact::context& self) -> coact::actor {
        constexpr int peers = 5;
        for (int i = 0; i < peers; ++i) self.spawn("w" + std::to_string(i), worker, i, peers);
        for (int i = 0; i < 3; ++i) {
            self.spawn([&, i](coact::context& me) -> coact::actor {
                const int n = co_await me.receive<int>();
                trace.add("anon" + std::to_string(i) + " got " + std::to_string(n) +
                          " self=" + label(me, me.address()));
                me.send("w" + std::to_string(i), n);
            });
        }
        for (;;) {
            const int n = co_await self.receive<int>();
            trace.add("hub got " + std::to_string(n));
        }
    });
    rt.send("hub", 0);
    rt.run();  // spawns the workers and the anonymous actors
    for (int i = 0; i < 5; ++i) rt.send("w" + std::to_string(i), 40 + i);
    rt.run();
    trace.add("delivered " + std::to_string(rt.stats().delivered));
    return trace.take();
}

std::vector<std::string> sorted(std::vector<std::string> lines) {
    std::sort(lines.begin(), lines.end());
    return lines;
}

}  // namespace

// [single]: the bound is the per-turn cap of one worker; with two, `other` runs on its own and
// reads busy's counter while busy changes it.
TEST_CASE("an actor with 1000 queued messages does not starve another ready actor",
          "[actor][single]") {
    const int at_default = busy_count_when_other_ran({});
    CHECK(at_default >= 0);
    CHECK(at_default < 1'000);
    CHECK(at_default <= 64);  // the default throughput

    const int at_ten = busy_count_when_other_ran({.throughput = 10});
    CHECK(at_ten >= 0);
    CHECK(at_ten <= 10);
}

// Regression: a zero-timeout receive_for used to take a message past the turn's budget
// the turn's budget is spent (await_ready is true for a zero timeout), so an actor polling its
// mailbox this way keeps the scheduler until its mailbox is empty — forever, if it feeds itself.
// [single]: as above, the bound is one worker's per-turn cap.
TEST_CASE("an actor polling with receive_for(0ms) does not starve another ready actor",
          "[actor][timer][single]") {
    const int seen = busy_poller_count_when_other_ran();
    CHECK(seen >= 0);
    CHECK(seen <= 64);
}

// [single]: determinism is the single-threaded mode's promise.
TEST_CASE("a single-threaded program produces the same trace every time", "[actor][single]") {
    const std::vector<std::string> first = traced_program({.workers = 1, .virtual_time = true});
    const std::vector<std::string> second = traced_program({.workers = 1, .virtual_time = true});
    CHECK(first.size() > 200);
    CHECK(first == second);
}

TEST_CASE("with workers = 2 a program delivers the same messages as with one, in any order",
          "[actor]") {
    const std::vector<std::string> one = traced_program({.workers = 1, .virtual_time = true});
    const std::vector<std::string> two = traced_program({.workers = 2, .virtual_time = true});
    REQUIRE(one.size() > 200);
    CHECK(two.back() == one.back());  // "delivered N", written after run()
    CHECK(sorted(two) == sorted(one));
}
