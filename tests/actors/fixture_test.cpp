// The deterministic fixture, used the way CAF's ping-pong example uses its own: run one turn at
// a time and look at every mailbox in between. The fixture is single-threaded by design, so these
// tests carry [single]: the multi-threaded test executable leaves them out.
#include <string>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

namespace {

coact::actor ping(coact::context& self, int rounds) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n >= rounds) co_return;
        self.send("pong", n + 1);
    }
}

coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.send(self.sender(), n + 1);
    }
}

}  // namespace

TEST_CASE("the deterministic fixture steps through ping-pong one message at a time",
          "[actor][fixture][single]") {
    coact::testing::deterministic sim;
    const coact::address ping_addr = sim.spawn("ping", ping, 4);
    const coact::address pong_addr = sim.spawn("pong", pong);
    sim.send("ping", 0);

    // Both start in spawn order; ping's 0 waits at the head of its mailbox.
    CHECK(sim.next() == ping_addr);
    CHECK(sim.mailbox_size("ping") == 1);
    REQUIRE(sim.peek<int>("ping") != nullptr);
    CHECK(*sim.peek<int>("ping") == 0);
    CHECK(sim.peek<std::string>("ping") == nullptr);  // not a string
    CHECK(sim.mailbox_size(pong_addr) == 0);

    REQUIRE(sim.step());  // ping starts, takes 0, sends 1
    CHECK(sim.mailbox_size("ping") == 0);
    CHECK(sim.mailbox_size("pong") == 1);
    REQUIRE(sim.peek<int>("pong") != nullptr);
    CHECK(*sim.peek<int>("pong") == 1);
    CHECK(sim.next() == pong_addr);

    REQUIRE(sim.step());  // pong starts, takes 1, answers 2
    CHECK(sim.mailbox_size("pong") == 0);
    REQUIRE(sim.peek<int>(ping_addr) != nullptr);
    CHECK(*sim.peek<int>(ping_addr) == 2);
    CHECK(sim.next() == ping_addr);

    REQUIRE(sim.step());  // ping: 2 -> 3
    CHECK(*sim.peek<int>("pong") == 3);
    REQUIRE(sim.step());  // pong: 3 -> 4
    CHECK(*sim.peek<int>("ping") == 4);
    CHECK(sim.stats().delivered == 4);

    REQUIRE(sim.step());  // ping takes 4 and returns
    CHECK_FALSE(sim.alive("ping"));
    CHECK(sim.alive("pong"));
    CHECK_FALSE(sim.next());
    CHECK_FALSE(sim.step());
    CHECK(sim.step_all() == 0);

    const coact::runtime_stats s = sim.stats();
    CHECK(s.delivered == 5);
    CHECK(s.actors == 1);
    CHECK(s.failed == 0);
    CHECK(s.dead_letters == 0);
}

TEST_CASE("a fixture step takes at most one message", "[actor][fixture][single]") {
    coact::testing::deterministic sim;
    int taken = 0;
    sim.spawn("eater", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive<int>();
            ++taken;
        }
    });
    for (int i = 0; i < 3; ++i) sim.send("eater", i);
    CHECK(sim.mailbox_size("eater") == 3);
    REQUIRE(sim.step());
    CHECK(taken == 1);
    CHECK(sim.mailbox_size("eater") == 2);
    CHECK(*sim.peek<int>("eater") == 1);
    REQUIRE(sim.step());
    CHECK(taken == 2);
    CHECK(sim.step_all() == 1);
    CHECK(taken == 3);
    CHECK_FALSE(sim.step());
}
