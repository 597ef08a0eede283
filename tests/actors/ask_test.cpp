// ask<R>(target, msg) and reply(value): request/response between actors.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"

using coact_test::contains;
using coact_test::test_options;

namespace {

coact::actor doubler(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.reply(n * 2);
    }
}

}  // namespace

TEST_CASE("ask returns the value the asked actor replies", "[actor][ask]") {
    coact::runtime rt(test_options());
    const coact::address server = rt.spawn("doubler", doubler);
    std::vector<int> answers;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        answers.push_back(co_await self.ask<int>("doubler", 21));
        answers.push_back(co_await self.ask<int>(server, 50));
    });
    rt.run();
    CHECK(answers == std::vector<int>{42, 100});
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("messages arriving during an ask stay queued in order and are received afterwards",
          "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("chatty", [](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            const coact::address asker = self.sender();
            self.send(asker, std::string("a"));  // before the reply
            self.send(asker, std::string("b"));
            self.reply(n + 1);
            self.send(asker, std::string("c"));  // after it
        }
    });
    std::vector<std::string> log;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        const int answer = co_await self.ask<int>("chatty", 1);
        log.push_back("reply " + std::to_string(answer));
        for (int i = 0; i < 5; ++i) log.push_back(co_await self.receive<std::string>());
    });
    rt.send("client", std::string("x"));  // from outside, before the client even starts
    rt.run();
    rt.send("client", std::string("y"));
    rt.run();
    // The reply comes first although "x", "a" and "b" were queued before it; chatty's messages
    // keep their order. Where the outside "x" falls among them is not promised (another sender),
    // but all of it came before "y", sent after run() returned.
    REQUIRE(log.size() == 6);
    CHECK(log.front() == "reply 2");
    CHECK(log.back() == "y");
    std::vector<std::string> from_chatty;
    int xs = 0;
    for (std::size_t i = 1; i + 1 < log.size(); ++i) {
        if (log[i] == "x") {
            ++xs;
        } else {
            from_chatty.push_back(log[i]);
        }
    }
    CHECK(xs == 1);
    CHECK(from_chatty == std::vector<std::string>{"a", "b", "c"});
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("an ask to an actor that ends without replying throws no_reply in the asker",
          "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("quitter", [](coact::context& self) -> coact::actor {
        co_await self.receive<int>();  // takes the ask, then returns without replying
    });
    rt.spawn("mover", [](coact::context& self) -> coact::actor {
        co_await self
            .receive<int>();  // takes the ask, then takes its next message without replying
        co_await self.receive<int>();
        for (;;) co_await self.receive<int>();
    });
    std::vector<std::string> caught;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask<int>("quitter", 1);
            caught.push_back("answered");
        } catch (const coact::no_reply& e) {
            caught.push_back(std::string("no_reply: ") +
                             (contains(e.what(), "quitter") ? "quitter" : e.what()));
        }
        try {
            co_await self.ask<int>("mover", 1);
            caught.push_back("answered");
        } catch (const coact::no_reply& e) {
            caught.push_back(std::string("no_reply: ") +
                             (contains(e.what(), "mover") ? "mover" : e.what()));
        }
    });
    rt.run();
    rt.send("mover", 2);  // mover takes its next message: the ask is now abandoned
    rt.run();
    CHECK(caught == std::vector<std::string>{"no_reply: quitter", "no_reply: mover"});
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("an ask to an actor that has already ended throws no_reply", "[actor][ask]") {
    coact::runtime rt(test_options());
    const coact::address gone =
        rt.spawn("gone", [](coact::context&) -> coact::actor { co_return; });
    rt.run();
    std::string caught;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask<int>(gone, 1);
            caught = "answered";
        } catch (const coact::no_reply& e) {
            caught = e.what();
        }
    });
    rt.run();
    CHECK(contains(caught, "no_reply"));
    CHECK(rt.stats().dead_letters == 1);  // the ask itself
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("a reply of the wrong type fails the asker with bad_message", "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("wrong", [](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            self.reply(std::string("not an int"));
        }
    });
    bool after_ask = false;
    rt.spawn("asker", [&](coact::context& self) -> coact::actor {
        co_await self.ask<int>("wrong", 1);
        after_ask = true;
    });
    std::string what;
    rt.spawn("catcher", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask<int>("wrong", 2);
        } catch (const coact::bad_message& e) {
            what = e.what();
        }
    });
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    CHECK_FALSE(after_ask);
    CHECK(rt.stats().failed == 1);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "asker"));
    CHECK(contains(text, "bad_message"));
    CHECK(contains(what, "int"));
    CHECK(contains(what, "std::string"));
    CHECK(rt.try_lookup("wrong"));
}

TEST_CASE("reply() to a message sent from outside becomes a dead letter", "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("doubler", doubler);
    rt.send("doubler", 1);
    rt.run();
    CHECK(rt.stats().dead_letters == 1);
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().delivered == 1);
}

TEST_CASE("an ask to an actor that fails while handling it throws no_reply", "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("crasher", [](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        throw std::runtime_error("crashed before replying");
    });
    std::string caught;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask<int>("crasher", 1);
            caught = "answered";
        } catch (const coact::no_reply& e) {
            caught = e.what();
        }
    });
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    CHECK(contains(caught, "no_reply"));
    CHECK(rt.stats().failed == 1);  // the crasher; the client caught its no_reply
    CHECK(contains(text, "crasher"));
}

TEST_CASE("an ask still queued when the asked actor ends throws no_reply", "[actor][ask]") {
    coact::runtime rt(test_options());
    const coact::address busy = rt.spawn("busy", [](coact::context& self) -> coact::actor {
        co_await self.receive<std::string>();  // takes the first message only, then ends
    });
    std::string caught;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        self.send(busy, std::string("first"));
        try {
            // Queued behind "first" (same sender). With one worker busy then takes "first" and
            // ends with the ask still queued; with several, busy may have ended before the ask
            // is sent, which ends the same way: a dead letter and no_reply.
            co_await self.ask<int>(busy, 1);
            caught = "answered";
        } catch (const coact::no_reply& e) {
            caught = e.what();
        }
    });
    rt.run();
    CHECK(contains(caught, "no_reply"));
    CHECK(rt.stats().dead_letters == 1);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("reply() to a plain message from an actor is a message to that actor", "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("doubler", doubler);
    int got = 0;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        self.send("doubler", 8);
        got = co_await self.receive<int>();
    });
    rt.run();
    CHECK(got == 16);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an actor that asks itself gets coact::error instead of waiting forever",
          "[actor][ask]") {
    coact::runtime rt(test_options());
    std::string caught;
    rt.spawn("narcissus", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask<int>(self.address(), 1);
        } catch (const coact::error& e) {
            caught = e.what();
        }
        try {
            co_await self.ask<int>("narcissus", 1);
        } catch (const coact::error& e) {
            caught += e.what();
        }
    });
    rt.run();
    CHECK_FALSE(caught.empty());
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().actors == 0);
}

namespace {

// A reply value whose copy throws while `armed`.
struct fragile {
    int value = 0;
    bool armed = false;
    fragile(int v, bool a) : value(v), armed(a) {}
    fragile(const fragile& other) : value(other.value), armed(other.armed) {
        if (armed) throw std::runtime_error("fragile: copy refused");
    }
    fragile(fragile&&) noexcept = default;
    fragile& operator=(const fragile&) = delete;
    fragile& operator=(fragile&&) = delete;
    ~fragile() = default;
};

}  // namespace

TEST_CASE("a reply whose copy throws leaves the ask pending: a later reply answers it",
          "[actor][ask]") {
    coact::runtime rt(test_options());
    bool copy_threw = false;
    rt.spawn("server", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            const fragile bomb{1, true};
            try {
                self.reply(bomb);  // copies: throws before anything is sent
            } catch (const std::runtime_error&) {
                copy_threw = true;
            }
            self.reply(fragile{7, false});
        }
    });
    int answer = 0;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        const fragile f = co_await self.ask<fragile>("server", 1);
        answer = f.value;
    });
    rt.run();
    CHECK(copy_threw);
    CHECK(answer == 7);
    CHECK(rt.stats().actors == 1);  // the client has ended: it did not wait for ever
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("a reply whose copy throws out of the replier ends the ask with no_reply",
          "[actor][ask]") {
    coact::runtime rt(test_options());
    rt.spawn("server", [&](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        const fragile bomb{1, true};
        self.reply(bomb);  // the exception ends the server
    });
    std::string caught;
    rt.spawn("client", [&](coact::context& self) -> coact::actor {
        try {
            co_await self.ask<fragile>("server", 1);
            caught = "answered";
        } catch (const coact::no_reply& e) {
            caught = e.what();
        }
    });
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    CHECK(contains(caught, "no_reply"));
    CHECK(contains(caught, "server"));
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().failed == 1);
    CHECK(contains(text, "fragile: copy refused"));
}
