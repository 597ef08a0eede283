// ask_for<R>(timeout, target, msg): an ask that gives up after `timeout` with coact::ask_timeout
// naming the target; a reply that comes later is a counted dead letter, never a stray message.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"

using namespace std::chrono_literals;
using coact_test::contains;
using coact_test::test_options;

namespace {

coact::actor doubler(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.reply(n * 2);
    }
}

// Replies after sleeping `delay` (virtual time in these tests).
coact::actor slow_doubler(coact::context& self, std::chrono::milliseconds delay) {
    for (;;) {
        const int n = co_await self.receive<int>();
        co_await self.sleep(delay);
        self.reply(n * 2);
    }
}

}  // namespace

TEST_CASE("ask_for returns the reply that comes in time", "[actor][ask][ask_for]") {
    coact::runtime rt(test_options());
    const coact::address server = rt.spawn("doubler", doubler);
    std::vector<int> answers;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        answers.push_back(co_await self.ask_for<int>(10s, "doubler", 21));
        answers.push_back(co_await self.ask_for<int>(10s, server, 50));
    });
    rt.run();  // returns at once: the timers were cancelled with the replies
    CHECK(answers == std::vector<int>{42, 100});
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("ask_for throws ask_timeout naming the target, and the late reply is a dead letter",
          "[actor][ask][ask_for][timer]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    rt.spawn("slow", slow_doubler, 50ms);
    std::string caught;
    std::optional<int> stray;
    int later = 0;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(10ms, "slow", 1);
            caught = "answered";
        } catch (const coact::ask_timeout& e) {
            caught = e.what();
        }
        // The late reply must not arrive as a message.
        stray = co_await self.receive_for<int>(200ms);
        later = co_await self.ask_for<int>(1s, "slow", 2);  // the server still answers in time
    });
    rt.run();
    CHECK(contains(caught, "coact::ask_timeout"));
    CHECK(contains(caught, "'slow'"));
    CHECK(contains(caught, "10 ms"));
    CHECK_FALSE(stray.has_value());
    CHECK(later == 4);
    CHECK(rt.stats().dead_letters == 1);  // the late reply
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("ask_timeout is a coact::error and carries the target's address",
          "[actor][ask][ask_for]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    const coact::address silent = rt.spawn([](coact::context& self) -> coact::actor {
        for (;;) co_await self.receive<int>();  // keeps every request, never replies
    });
    coact::address target;
    std::string what;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(5ms, silent, 1);
        } catch (const coact::error& e) {
            what = e.what();
            if (const auto* t = dynamic_cast<const coact::ask_timeout*>(&e)) target = t->target();
        }
    });
    rt.run();
    CHECK(target == silent);
    CHECK(contains(what, "anonymous"));
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("messages arriving during ask_for stay queued in order", "[actor][ask][ask_for]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    rt.spawn("chatty", [](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            self.send(self.sender(), std::string("a"));
            self.send(self.sender(), std::string("b"));
            if (n == 1) self.reply(n + 1);  // the second ask times out
        }
    });
    std::vector<std::string> log;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        log.push_back("reply " + std::to_string(co_await self.ask_for<int>(1s, "chatty", 1)));
        try {
            co_await self.ask_for<int>(1s, "chatty", 2);
        } catch (const coact::ask_timeout&) {
            log.emplace_back("timeout");
        }
        for (int i = 0; i < 4; ++i) log.push_back(co_await self.receive<std::string>());
    });
    rt.run();
    CHECK(log == std::vector<std::string>{"reply 2", "timeout", "a", "b", "a", "b"});
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("ask_for to an actor that ends without replying throws no_reply, not ask_timeout",
          "[actor][ask][ask_for]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    rt.spawn("quitter", [](coact::context& self) -> coact::actor { co_await self.receive<int>(); });
    std::string caught;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(1h, "quitter", 1);
            caught = "answered";
        } catch (const coact::no_reply&) {
            caught = "no_reply";
        } catch (const coact::ask_timeout&) {
            caught = "timeout";
        }
    });
    rt.run();
    CHECK(caught == "no_reply");
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("stop during ask_for closes the asker, and the late reply is a dead letter",
          "[actor][ask][ask_for][stop]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    rt.spawn("slow", slow_doubler, 50ms);
    bool closed = false;
    bool went_on = false;
    const coact::address client = rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(1s, "slow", 1);
            went_on = true;
        } catch (const coact::generator_exit&) {
            closed = true;
            throw;
        }
    });
    rt.spawn([&](coact::context& self) -> coact::actor {
        co_await self.sleep(10ms);
        self.stop(client);
    });
    rt.run();
    CHECK(closed);
    CHECK_FALSE(went_on);
    CHECK(rt.stats().dead_letters == 1);  // slow's reply, at 50 ms
    CHECK(rt.stats().failed == 0);
}

TEST_CASE(
    "ask_for with a zero or negative timeout times out at once, and the reply is a dead letter",
    "[actor][ask][ask_for]") {
    const auto timeout = GENERATE(0ms, -5ms);
    coact::runtime rt(test_options());
    rt.spawn("doubler", doubler);
    bool timed_out = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(timeout, "doubler", 1);
        } catch (const coact::ask_timeout&) {
            timed_out = true;
        }
    });
    rt.run();
    CHECK(timed_out);
    CHECK(rt.stats().dead_letters == 1);
}

TEST_CASE("ask_for with a timeout past the clock's range waits like ask",
          "[actor][ask][ask_for][timer]") {
    coact::runtime rt(test_options({.virtual_time = true}));
    rt.spawn("slow", slow_doubler, 24h);
    int answer = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        answer = co_await self.ask_for<int>(std::chrono::hours::max(), "slow", 4);
    });
    rt.run();
    CHECK(answer == 8);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an actor that asks itself with ask_for gets coact::error", "[actor][ask][ask_for]") {
    coact::runtime rt(test_options());
    std::string caught;
    rt.spawn("narcissus", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask_for<int>(1s, self.address(), 1);
        } catch (const coact::error& e) {
            caught = e.what();
        }
    });
    rt.run();
    CHECK(contains(caught, "itself"));
    CHECK(rt.stats().failed == 0);
}
