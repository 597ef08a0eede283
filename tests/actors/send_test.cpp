// send(): queues and returns; the scheduler delivers later. Unknown names, dead letters,
// sender(), per-pair ordering and the no-re-entrance rule.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/call_marker.hpp"
#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"

using coact_test::contains;
using coact_test::test_options;

TEST_CASE("send never runs the receiver inside the call", "[actor]") {
    coact::runtime rt(test_options());
    int received = 0;
    int ran_inside_send = 0;  // receiver turns run by a send() of the sender, on its thread
    const coact::address receiver = rt.spawn("receiver", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            if (coact_test::call_marker::active()) ++ran_inside_send;
            ++received;
        }
    });
    rt.spawn("sender", [receiver](coact::context& self) -> coact::actor {
        {
            const coact_test::call_marker mark;  // with several workers the receiver may run
            self.send("receiver", 1);            // meanwhile, but on another thread
            self.send(receiver, 2);
        }
        co_return;
    });
    rt.run();
    CHECK(ran_inside_send == 0);
    CHECK(received == 2);

    // From outside, to an actor that sits waiting for a message: still only queued.
    rt.send("receiver", 3);
    rt.send(receiver, 4);
    CHECK(received == 2);
    rt.run();
    CHECK(received == 4);
}

TEST_CASE("sending to an unknown name throws no_such_actor naming it", "[actor]") {
    coact::runtime rt(test_options());
    CHECK_THROWS_AS(rt.send("nobody", 1), coact::no_such_actor);
    CHECK_THROWS_WITH(rt.send("nobody", 1), Catch::Contains("nobody"));

    std::string caught;
    rt.spawn("asker", [&](coact::context& self) -> coact::actor {
        try {
            self.send("ghost", 1);
        } catch (const coact::no_such_actor& e) {
            caught = e.what();
        }
        co_return;
    });
    rt.run();
    CHECK(contains(caught, "ghost"));
    CHECK(rt.stats().failed == 0);
}

TEST_CASE(
    "a send by name after that actor ended throws no_such_actor, and reaches a new actor of that "
    "name",
    "[actor]") {
    coact::runtime rt(test_options());
    std::vector<std::string> log;
    rt.spawn("target", [&](coact::context& self) -> coact::actor {
        log.push_back("first got " + std::to_string(co_await self.receive<int>()));
    });
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        self.send("target", 1);  // the name is now cached by this actor
        co_await self.receive<int>();
        try {
            self.send("target", 2);  // "target" has ended meanwhile
        } catch (const coact::no_such_actor& e) {
            log.push_back(std::string("caught ") +
                          (contains(e.what(), "target") ? "target" : e.what()));
        }
        co_await self.receive<int>();
        self.send("target", 3);  // a new actor has the name now (very likely in the same cell)
    });
    rt.run();
    REQUIRE(log == std::vector<std::string>{"first got 1"});
    rt.send("client", 0);
    rt.run();
    REQUIRE(log == std::vector<std::string>{"first got 1", "caught target"});
    rt.spawn("target", [&](coact::context& self) -> coact::actor {
        log.push_back("second got " + std::to_string(co_await self.receive<int>()));
    });
    rt.send("client", 0);
    rt.run();
    CHECK(log == std::vector<std::string>{"first got 1", "caught target", "second got 3"});
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an uncaught no_such_actor inside an actor fails that actor only", "[actor]") {
    coact::runtime rt(test_options());
    int steady_count = 0;
    rt.spawn("lost", [](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        self.send("ghost", 1);
        co_await self.receive<int>();  // not reached
    });
    rt.spawn("steady", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            ++steady_count;
        }
    });
    rt.send("lost", 1);
    rt.send("steady", 1);
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    rt.send("steady", 2);
    rt.run();

    CHECK(steady_count == 2);
    CHECK_FALSE(rt.try_lookup("lost"));
    const coact::runtime_stats s = rt.stats();
    CHECK(s.failed == 1);
    CHECK(s.actors == 1);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "lost"));
    CHECK(contains(text, "no_such_actor"));
    CHECK(contains(text, "ghost"));
}

TEST_CASE("a message to an address whose actor has ended becomes a dead letter", "[actor]") {
    coact::runtime rt(test_options());
    const coact::address gone =
        rt.spawn("gone", [](coact::context&) -> coact::actor { co_return; });
    rt.run();
    REQUIRE(rt.stats().actors == 0);

    // A new actor most likely reuses the ended actor's cell: the stale address must not reach it.
    int heir_got = 0;
    rt.spawn("heir", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            ++heir_got;
        }
    });
    rt.send(gone, 1);  // from outside
    rt.spawn("late", [gone](coact::context& self) -> coact::actor {
        self.send(gone, 2);  // from inside
        self.send(gone, 3);
        co_return;
    });
    rt.run();
    CHECK(heir_got == 0);
    CHECK(rt.stats().dead_letters == 3);
    CHECK(rt.stats().delivered == 0);
}

TEST_CASE("messages left in a terminated actor's mailbox are dead letters", "[actor]") {
    coact::runtime rt(test_options());
    int got = -1;
    rt.spawn("once",
             [&](coact::context& self) -> coact::actor { got = co_await self.receive<int>(); });
    for (int i = 0; i < 5; ++i) rt.send("once", i);
    rt.run();
    CHECK(got == 0);
    const coact::runtime_stats s = rt.stats();
    CHECK(s.delivered == 1);
    CHECK(s.dead_letters == 4);
    CHECK(s.actors == 0);
}

TEST_CASE("sender() is the sending actor's address, and null for a send from outside", "[actor]") {
    coact::runtime rt(test_options());
    std::vector<std::pair<int, coact::address>> got;  // in arrival order
    const coact::address sink = rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            got.emplace_back(n, self.sender());
        }
    });
    coact::address seen_self;
    const coact::address source = rt.spawn("source", [&](coact::context& self) -> coact::actor {
        seen_self = self.address();
        self.send("sink", 1);
        self.send(sink, 2);
        co_return;
    });
    rt.send("sink", 0);
    rt.run();
    // Where the outside 0 falls among source's messages is not promised (two senders).
    REQUIRE(got.size() == 3);
    std::vector<int> from_source;  // in arrival order
    int from_outside = 0;
    for (const auto& [n, sender] : got) {
        if (n == 0) {
            ++from_outside;
            CHECK_FALSE(sender);  // rt.send from outside
            CHECK(sender == coact::address{});
        } else {
            CHECK(sender == source);
            from_source.push_back(n);
        }
    }
    CHECK(from_outside == 1);
    CHECK(from_source == std::vector<int>{1, 2});
    CHECK(seen_self == source);
}

TEST_CASE("10000 messages from one sender to one receiver arrive in order", "[actor]") {
    constexpr int count = 10'000;
    coact::runtime rt(test_options());
    std::vector<int> inside;
    std::vector<int> outside;
    rt.spawn("receiver", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive([&](int n) { inside.push_back(n); },
                                  [&](long n) { outside.push_back(static_cast<int>(n)); });
        }
    });
    rt.spawn("sender", [](coact::context& self) -> coact::actor {
        for (int i = 0; i < count; ++i) self.send("receiver", i);
        co_return;
    });
    for (long i = 0; i < count; ++i) rt.send("receiver", i);
    rt.run();

    std::vector<int> expected(count);
    for (int i = 0; i < count; ++i) expected[static_cast<std::size_t>(i)] = i;
    CHECK(inside == expected);
    CHECK(outside == expected);
}

TEST_CASE("an actor that sends to itself handles one message at a time", "[actor]") {
    coact::runtime rt(test_options());
    int depth = 0;
    int deepest = 0;
    int handled = 0;
    auto enter = [&] {
        ++handled;
        deepest = std::max(deepest, ++depth);
    };
    auto leave = [&] { --depth; };
    rt.spawn("loop", [&](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            enter();
            if (n < 500) self.send(self.address(), n + 1);
            if (n >= 500 && n <= 1000) self.send("loop", n + 1);
            leave();
            if (n == 1000) {
                // The same from inside a handler: the send only queues, the handler returns first.
                co_await self.receive([&](int m) {
                    enter();
                    self.send(self.address(), m + 1);
                    leave();
                });
            }
        }
    });
    rt.send("loop", 0);
    rt.run();
    CHECK(handled == 1'003);  // 0..1000 and 1002 through receive<int>, 1001 through the handler
    CHECK(deepest == 1);
}
