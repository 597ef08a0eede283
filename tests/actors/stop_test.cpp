// rt.stop(target): closing an actor the Python way. generator_exit comes out of whatever the
// actor is waiting on, so its catch blocks and its locals' destructors run, and it ends.
#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"
#include "actors/support/watchdog.hpp"
#include "support/lifetime_probe.hpp"

using namespace std::chrono_literals;
using coact_test::contains;
using coact_test::test_options;

namespace {

struct outcome {
    int destroyed = 0;
    bool caught_exit = false;
    bool caught_std = false;  // generator_exit is not a std::exception: must stay false
    bool went_on = false;
};

// Waits in the way named by `how`, with a local whose destructor counts.
coact::actor waiter(coact::context& self, std::string how, outcome& out) {
    coact_test::lifetime_probe probe(out.destroyed);
    try {
        if (how == "receive") {
            co_await self.receive<int>();
        } else if (how == "receive_for") {
            co_await self.receive_for<int>(1h);
        } else if (how == "sleep") {
            co_await self.sleep(1h);
        } else if (how == "ask") {
            co_await self.ask<int>("silent", 1);
        }
        out.went_on = true;
    } catch (const std::exception&) {
        out.caught_std = true;
    } catch (const coact::generator_exit&) {
        out.caught_exit = true;
        throw;
    }
}

// Takes one message (an ask) and never answers, nor takes another.
coact::actor silent(coact::context& self) {
    co_await self.receive<int>();
    for (;;) co_await self.receive<int>();
}

}  // namespace

// [single]: steps the deterministic fixture, single-threaded by design.
TEST_CASE(
    "stop throws generator_exit out of the pending co_await, running catch blocks and destructors",
    "[actor][stop][fixture][single]") {
    const std::string how = GENERATE(as<std::string>{}, "receive", "receive_for", "sleep", "ask");
    CAPTURE(how);
    coact::testing::deterministic sim;  // virtual time: the 1h waits stay pending until stopped
    outcome out;
    sim.spawn("silent", silent);
    const coact::address w = sim.spawn("waiter", waiter, how, std::ref(out));
    sim.step_all();
    REQUIRE(sim.alive("waiter"));
    REQUIRE(out.destroyed == 0);
    REQUIRE(sim.stats().actors == 2);

    CHECK(sim.runtime().stop("waiter"));
    sim.step_all();

    CHECK(out.caught_exit);
    CHECK_FALSE(out.caught_std);
    CHECK_FALSE(out.went_on);
    CHECK(out.destroyed == 1);
    CHECK_FALSE(sim.alive("waiter"));  // the name is free
    CHECK(sim.stats().actors == 1);
    CHECK(sim.stats().failed == 0);
    CHECK_FALSE(sim.runtime().stop(w));  // already ended
    CHECK_NOTHROW(sim.spawn("waiter", silent));
}

TEST_CASE("stop of an actor that sleeps in real time lets run() return at once",
          "[actor][stop][timer]") {
    coact::runtime rt(test_options());
    outcome out;
    rt.spawn("waiter", waiter, std::string("sleep"), std::ref(out));
    rt.spawn("stopper", [](coact::context& self) -> coact::actor {
        co_await self.sleep(10ms);
        self.stop("waiter");
    });
    coact_test::watchdog dog(20s, "run() after stopping a 1h sleep");
    const auto start = std::chrono::steady_clock::now();
    rt.run();  // the 1h timer was cancelled: nothing is left to wait for
    const auto elapsed = std::chrono::steady_clock::now() - start;
    dog.cancel();
    CHECK(out.caught_exit);
    CHECK(out.destroyed == 1);
    CHECK(elapsed < 10s);
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("stop of an actor that never ran means its body never runs", "[actor][stop]") {
    coact::runtime rt(test_options());
    bool ran = false;
    rt.spawn("unborn", [&](coact::context& self) -> coact::actor {
        ran = true;
        co_await self.receive<int>();
    });
    rt.send("unborn", 1);
    CHECK(rt.stop("unborn"));
    rt.run();
    CHECK_FALSE(ran);
    CHECK_FALSE(rt.try_lookup("unborn"));
    const coact::runtime_stats s = rt.stats();
    CHECK(s.actors == 0);
    CHECK(s.failed == 0);
    CHECK(s.delivered == 0);
    CHECK(s.dead_letters == 1);  // the message it never took
}

TEST_CASE("stop returns false for an ended actor and throws no_such_actor for an unknown name",
          "[actor][stop]") {
    coact::runtime rt(test_options());
    const coact::address ended =
        rt.spawn("ended", [](coact::context&) -> coact::actor { co_return; });
    const coact::address live = rt.spawn("live", silent);
    rt.run();
    CHECK_FALSE(rt.stop(ended));
    CHECK_FALSE(rt.stop(coact::address{}));
    CHECK_THROWS_AS(rt.stop("ended"), coact::no_such_actor);
    CHECK_THROWS_WITH(rt.stop("nobody"), Catch::Contains("nobody"));
    CHECK(rt.stop(live));
    rt.run();
    CHECK_FALSE(rt.stop(live));
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("an actor that catches generator_exit and waits again ends as failed (ignored_exit)",
          "[actor][stop]") {
    coact::runtime rt(test_options());
    int destroyed = 0;
    bool waited_again = false;
    bool after_second_wait = false;
    rt.spawn("stubborn", [&](coact::context& self) -> coact::actor {
        coact_test::lifetime_probe probe(destroyed);
        try {
            co_await self.receive<int>();
        } catch (const coact::generator_exit&) {
            waited_again = true;
        }
        co_await self.receive<int>();  // not allowed after a close
        after_second_wait = true;
    });
    rt.run();
    rt.stop("stubborn");
    rt.send("stubborn", 1);  // even with a message waiting
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    CHECK(waited_again);
    CHECK_FALSE(after_second_wait);
    CHECK(destroyed == 1);
    CHECK_FALSE(rt.try_lookup("stubborn"));
    CHECK(rt.stats().failed == 1);
    CHECK(rt.stats().actors == 0);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "stubborn"));
    CHECK(contains(text, "ignored_exit"));
}

TEST_CASE("an actor that catches generator_exit and returns ends as closed, not failed",
          "[actor][stop]") {
    coact::runtime rt(test_options());
    bool cleaned_up = false;
    rt.spawn("polite", [&](coact::context& self) -> coact::actor {
        try {
            for (;;) co_await self.receive<int>();
        } catch (const coact::generator_exit&) {
            cleaned_up = true;
        }
    });
    rt.run();
    CHECK(rt.stop("polite"));
    rt.run();
    CHECK(cleaned_up);
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("an actor that stops itself gets generator_exit at its next co_await", "[actor][stop]") {
    coact::runtime rt(test_options());
    std::vector<std::string> log;
    rt.spawn("self-stopper", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.receive<int>();
            log.push_back(self.stop(self.address()) ? "stop accepted" : "stop refused");
            log.push_back("still running this turn");
            co_await self.receive<int>();
            log.push_back("not reached");
        } catch (const coact::generator_exit&) {
            log.push_back("closed");
            throw;
        }
    });
    rt.send("self-stopper", 1);
    rt.send("self-stopper", 2);
    rt.run();
    CHECK(log == std::vector<std::string>{"stop accepted", "still running this turn", "closed"});
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().dead_letters == 1);  // the 2 it never took
}
