// Messages are values of any movable type: move-only, larger than an envelope's inline storage,
// strings (a string literal arrives as std::string), and types whose destructor matters — each
// destroyed exactly once whether received, dead-lettered, or dropped at shutdown.
#include <algorithm>
#include <array>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/tracked.hpp"

using namespace std::chrono_literals;
using coact_test::big_tracked;
using coact_test::test_options;
using coact_test::tracked;

namespace {

struct large {
    std::array<char, 1000> payload{};
    int tag = 0;
};
static_assert(sizeof(large) > 48);

}  // namespace

TEST_CASE("a std::unique_ptr travels as a message", "[actor]") {
    coact::runtime rt(test_options());
    int got = 0;
    rt.spawn("r", [&](coact::context& self) -> coact::actor {
        std::unique_ptr<int> p = co_await self.receive<std::unique_ptr<int>>();
        got = p ? *p : -1;
        std::unique_ptr<int> q = co_await self.receive<std::unique_ptr<int>>();
        got += q ? *q : -1;
    });
    rt.spawn("s", [](coact::context& self) -> coact::actor {
        auto p = std::make_unique<int>(40);
        self.send("r", std::move(p));
        co_return;
    });
    rt.send("r", std::make_unique<int>(2));  // outside first: queued before s runs
    rt.run();
    CHECK(got == 42);
}

TEST_CASE("a message larger than 48 bytes arrives intact", "[actor]") {
    coact::runtime rt(test_options());
    large got;
    rt.spawn("r",
             [&](coact::context& self) -> coact::actor { got = co_await self.receive<large>(); });
    large sent;
    for (std::size_t i = 0; i < sent.payload.size(); ++i)
        sent.payload[i] = static_cast<char>('a' + i % 26);
    sent.tag = 1000;
    rt.send("r", sent);
    rt.run();
    CHECK(got.tag == 1000);
    CHECK(got.payload == sent.payload);
}

TEST_CASE("a string literal sent is received as std::string", "[actor]") {
    coact::runtime rt(test_options());
    std::vector<std::string> got;  // in arrival order, which two senders do not fix
    rt.spawn("r", [&](coact::context& self) -> coact::actor {
        got.push_back(co_await self.receive<std::string>());
        got.push_back(co_await self.receive<std::string>());
    });
    rt.spawn("s", [](coact::context& self) -> coact::actor {
        self.send("r", "from inside");
        co_return;
    });
    rt.send("r", "from outside");
    rt.run();
    std::sort(got.begin(), got.end());
    CHECK(got == std::vector<std::string>{"from inside", "from outside"});
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("messages with a destructor are destroyed exactly once: received, dead letters, shutdown",
          "[actor]") {
    tracked::reset();
    {
        coact::testing::deterministic
            sim;  // virtual time that only moves when told: the sleeper stays asleep
        int sum = 0;
        sim.spawn("taker", [&](coact::context& self) -> coact::actor {
            for (;;) {
                tracked t = co_await self.receive<tracked>();
                big_tracked b = co_await self.receive<big_tracked>();
                sum += t.value() + b.inner.value();
            }
        });
        const coact::address gone =
            sim.spawn("gone", [](coact::context&) -> coact::actor { co_return; });
        sim.spawn("sleeper", [](coact::context& self) -> coact::actor {
            co_await self.sleep(1h);
            co_await self.receive<tracked>();
        });
        sim.spawn("timer", [](coact::context& self) -> coact::actor {
            self.send_after(2h, "sleeper", tracked{100});
            co_return;
        });
        for (int i = 1; i <= 3; ++i) {
            sim.send("taker", tracked{i});
            sim.send("taker", big_tracked{tracked{10 * i}, {}});
        }
        sim.send(gone, tracked{5});  // left in its mailbox when it ends: a dead letter
        sim.step_all();
        CHECK(sum == 66);
        CHECK(sim.stats().dead_letters == 1);

        sim.send(gone, tracked{6});  // to an ended actor: dead letters
        sim.send(gone, big_tracked{tracked{7}, {}});
        CHECK(sim.stats().dead_letters == 3);

        sim.send("sleeper", tracked{8});  // queued while it sleeps
        sim.send("sleeper", big_tracked{tracked{9}, {}});
        sim.runtime().send("sleeper", tracked{10});  // still in the injection queue
        CHECK(tracked::live() == 4);                 // 8, 9, 10 and the timer's 100
        CHECK(sim.runtime().shutdown() == 4);
        CHECK(tracked::bad_destroys() == 0);
        CHECK(tracked::live() == 0);
        CHECK(sim.stats().dead_letters == 7);
    }
    CHECK(tracked::bad_destroys() == 0);
    CHECK(tracked::live() == 0);

    // The runtime's destructor drops what is left the same way.
    tracked::reset();
    {
        coact::runtime rt(test_options());
        rt.spawn("keeper", [](coact::context& self) -> coact::actor {
            tracked held = co_await self.receive<tracked>();  // a local of the frame
            co_await self.receive<int>();
            (void)held;
        });
        rt.send("keeper", tracked{1});
        rt.run();
        rt.send("keeper", tracked{2});  // queued in the injection queue
        rt.send("keeper", big_tracked{tracked{3}, {}});
        CHECK(tracked::live() == 3);
    }
    CHECK(tracked::bad_destroys() == 0);
    CHECK(tracked::live() == 0);
    CHECK(tracked::made() > 0);
}

TEST_CASE("a std::string_view message is received as std::string, owning its characters",
          "[actor]") {
    coact::runtime rt(test_options());
    std::string got;
    rt.spawn("r", [&](coact::context& self) -> coact::actor {
        got = co_await self.receive<std::string>();
    });
    {
        std::string source = "a view whose source is gone before delivery";
        rt.send("r", std::string_view(source));
        source.assign(source.size(), '#');
    }
    rt.run();
    CHECK(got == "a view whose source is gone before delivery");
}

TEST_CASE("sending to a null address throws coact::error", "[actor]") {
    coact::runtime rt(test_options());
    CHECK_THROWS_AS(rt.send(coact::address{}, 1), coact::error);
    bool threw = false;
    rt.spawn("s", [&](coact::context& self) -> coact::actor {
        try {
            self.send(coact::address{}, 1);
        } catch (const coact::error&) {
            threw = true;
        }
        co_return;
    });
    rt.run();
    CHECK(threw);
    CHECK(rt.stats().dead_letters == 0);
}
