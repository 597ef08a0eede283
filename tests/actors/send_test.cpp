// send(): queues and returns; the scheduler delivers later. Unknown names, dead letters,
// sender(), per-pair ordering and the no-re-entrance rule.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/stderr_capture.hpp"

using coact_test::contains;

TEST_CASE("send never runs the receiver inside the call", "[actor]") {
    coact::runtime rt;
    int received = 0;
    std::vector<int> seen_by_sender;  // `received` right after each send, inside the sender's turn
    const coact::address receiver = rt.spawn("receiver", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            ++received;
        }
    });
    rt.spawn("sender", [&](coact::context& self) -> coact::actor {
        self.send("receiver", 1);
        seen_by_sender.push_back(received);
        self.send(receiver, 2);
        seen_by_sender.push_back(received);
        co_return;
    });
    rt.run();
    CHECK(seen_by_sender == std::vector<int>{0, 0});
    CHECK(received == 2);

    // From outside, to an actor that sits waiting for a message: still only queued.
    rt.send("receiver", 3);
    rt.send(receiver, 4);
    CHECK(received == 2);
    rt.run();
    CHECK(received == 4);
}

TEST_CASE("sending to an unknown name throws no_such_actor naming it", "[actor]") {
    coact::runtime rt;
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
    coact::runtime rt;
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
    coact::runtime rt;
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
    CHECK_FALSE(rt.lookup("lost"));
    const coact::runtime_stats s = rt.stats();
    CHECK(s.failed == 1);
    CHECK(s.actors == 1);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "lost"));
    CHECK(contains(text, "no_such_actor"));
    CHECK(contains(text, "ghost"));
}

TEST_CASE("a message to an address whose actor has ended becomes a dead letter", "[actor]") {
    coact::runtime rt;
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
    coact::runtime rt;
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
    coact::runtime rt;
    std::vector<coact::address> senders;
    const coact::address sink = rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            senders.push_back(self.sender());
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
    REQUIRE(senders.size() == 3);
    CHECK_FALSE(senders[0]);  // rt.send from outside
    CHECK(senders[0] == coact::address{});
    CHECK(senders[1] == source);
    CHECK(senders[2] == source);
    CHECK(seen_self == source);
}

TEST_CASE("10000 messages from one sender to one receiver arrive in order", "[actor]") {
    constexpr int count = 10'000;
    coact::runtime rt;
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
    coact::runtime rt;
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
