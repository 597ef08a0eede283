// receive<T>(), receive(handlers...) and receive_for<T>(timeout): what an actor gets, and what
// happens when the message is not of the expected type.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::contains;
using coact_test::test_options;

TEST_CASE("receive of the wrong type fails that actor only, with bad_message on one stderr line",
          "[actor]") {
    coact::runtime rt(test_options());
    bool passed_receive = false;
    int other_got = 0;
    rt.spawn("picky", [&](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        passed_receive = true;
    });
    rt.spawn("other", [&](coact::context& self) -> coact::actor {
        for (;;) other_got += co_await self.receive<int>();
    });
    rt.send("picky", std::string("not a number"));
    rt.send("other", 1);
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    rt.send("other", 2);  // run() went on and can be called again; the other actor still works
    rt.run();

    CHECK_FALSE(passed_receive);
    CHECK(other_got == 3);
    CHECK_FALSE(rt.try_lookup("picky"));
    const coact::runtime_stats s = rt.stats();
    CHECK(s.failed == 1);
    CHECK(s.actors == 1);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "picky"));
    CHECK(contains(text, "bad_message"));
    CHECK(contains(text, "int"));
    CHECK(contains(text, "std::string"));
}

TEST_CASE(
    "bad_message names the expected and the received type, and a body that catches it goes on",
    "[actor]") {
    coact::runtime rt(test_options());
    std::string what;
    int later = 0;
    rt.spawn("careful", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.receive<std::string>();
        } catch (const coact::bad_message& e) {
            what = e.what();
        }
        later = co_await self.receive<int>();
    });
    rt.send("careful", 2.5);
    rt.send("careful", 7);
    rt.run();
    CHECK(contains(what, "std::string"));
    CHECK(contains(what, "double"));
    CHECK(contains(what, "careful"));
    CHECK(later == 7);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("receive(handlers...) calls the first handler whose parameter type matches", "[actor]") {
    coact::runtime rt(test_options());
    std::vector<std::string> log;
    rt.spawn("r", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive(
                [&](int n) { log.push_back("int " + std::to_string(n)); },
                [&](const std::string& s) { log.push_back("string " + s); },
                [&](int n) { log.push_back("second int " + std::to_string(n)); },
                [&](double d) { log.push_back("double " + std::to_string(static_cast<int>(d))); });
        }
    });
    rt.send("r", 1);
    rt.send("r", "two");
    rt.send("r", 3.0);
    rt.send("r", std::string("four"));
    rt.run();
    CHECK(log == std::vector<std::string>{"int 1", "string two", "double 3", "string four"});
}

TEST_CASE("receive(handlers...) returns the handler's result", "[actor]") {
    coact::runtime rt(test_options());
    std::vector<int> results;
    rt.spawn("r", [&](coact::context& self) -> coact::actor {
        for (;;) {
            const int r = co_await self.receive(
                [](int n) { return n * 2; },
                [](const std::string& s) { return static_cast<int>(s.size()); });
            results.push_back(r);
        }
    });
    rt.send("r", 21);
    rt.send("r", "abc");
    rt.run();
    CHECK(results == std::vector<int>{42, 3});
}

TEST_CASE(
    "receive(handlers...) with no matching handler fails with bad_message naming the alternatives",
    "[actor]") {
    coact::runtime rt(test_options());
    std::string what;
    bool handled = false;
    rt.spawn("r", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.receive([&](int) { handled = true; },
                                  [&](const std::string&) { handled = true; });
        } catch (const coact::bad_message& e) {
            what = e.what();
        }
    });
    rt.send("r", 1.5);
    rt.run();
    CHECK_FALSE(handled);
    CHECK(contains(what, "int"));
    CHECK(contains(what, "std::string"));
    CHECK(contains(what, "double"));

    // Uncaught, it fails the actor.
    rt.spawn("strict", [](coact::context& self) -> coact::actor {
        co_await self.receive([](int) {}, [](const std::string&) {});
    });
    rt.send("strict", 'c');
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    CHECK(rt.stats().failed == 1);
    CHECK(contains(text, "strict"));
    CHECK(contains(text, "bad_message"));
}

// [single]: steps the deterministic fixture, single-threaded by design.
TEST_CASE(
    "receive_for returns nullopt when the timeout passes first, the message when it comes in time",
    "[actor][timer][fixture][single]") {
    coact::testing::deterministic sim;
    std::vector<std::string> log;
    sim.spawn("waiter", [&](coact::context& self) -> coact::actor {
        for (;;) {
            std::optional<int> m = co_await self.receive_for<int>(100ms);
            log.push_back(m ? std::to_string(*m) : "timeout");
        }
    });
    REQUIRE(sim.step());  // starts and waits, with a deadline at t = 100ms
    CHECK_FALSE(sim.step());
    sim.advance_time(99ms);
    CHECK_FALSE(sim.step());
    CHECK(log.empty());
    sim.advance_time(1ms);  // t = 100ms
    REQUIRE(sim.step());
    CHECK(log == std::vector<std::string>{"timeout"});

    sim.advance_time(50ms);  // t = 150ms; the deadline is now 200ms
    sim.send("waiter", 7);
    REQUIRE(sim.step());
    CHECK(log == std::vector<std::string>{"timeout", "7"});

    // The cancelled deadline (200ms) must not wake the next wait, which ends at 250ms.
    sim.advance_time(50ms);
    CHECK_FALSE(sim.step());
    CHECK(log.size() == 2);
    sim.advance_time(50ms);
    REQUIRE(sim.step());
    CHECK(log == std::vector<std::string>{"timeout", "7", "timeout"});
    CHECK(sim.stats().failed == 0);
}

TEST_CASE("receive_for with a real 20ms timeout returns nullopt after about that time",
          "[actor][timer]") {
    coact::runtime rt(test_options());
    std::optional<int> got = 99;
    std::optional<int> in_time;
    rt.spawn("waiter", [&](coact::context& self) -> coact::actor {
        got = co_await self.receive_for<int>(20ms);
        in_time = co_await self.receive_for<int>(10s);  // the message comes after 5ms
    });
    rt.spawn("late", [](coact::context& self) -> coact::actor {
        co_await self.sleep(25ms);  // after the first timeout
        self.send_after(5ms, "waiter", 5);
    });
    coact_test::watchdog dog(20s, "receive_for with a real timeout");
    const auto start = std::chrono::steady_clock::now();
    rt.run();
    const auto elapsed = std::chrono::steady_clock::now() - start;
    dog.cancel();
    CHECK_FALSE(got.has_value());
    REQUIRE(in_time.has_value());
    CHECK(*in_time == 5);
    CHECK(elapsed >= 30ms);
    CHECK(elapsed < 5s);  // far from the 10s timeout: the message ended the wait
}

TEST_CASE("receive_for with a zero timeout returns a queued message at once, or nullopt",
          "[actor][timer]") {
    coact::runtime rt(test_options());
    rt.spawn("feeder", [](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<std::string>();
            const coact::address asker = self.sender();
            self.send(asker, 1);  // ahead of the reply (same sender): queued when the asker
            self.send(asker, 2);  // resumes, whichever thread runs which actor
            self.reply(0);
        }
    });
    std::vector<std::string> log;
    rt.spawn("poller", [&](coact::context& self) -> coact::actor {
        co_await self.ask<int>("feeder", std::string("feed me"));
        for (int i = 0; i < 3; ++i) {
            std::optional<int> m = co_await self.receive_for<int>(0ms);
            log.push_back(m ? std::to_string(*m) : "none");
        }
    });
    rt.run();
    CHECK(log == std::vector<std::string>{"1", "2", "none"});
}
