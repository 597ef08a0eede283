// A send gate (detail/actor/cell_policy.hpp; the cluster's proxies have one): an actor spawned
// with a gate refuses, at the send itself, what the gate refuses. The sender's send, ask, put or
// rt.send throws the gate's exception, the message is freed (never queued, never a dead letter),
// and what passes is delivered as to any actor. A cell reused by an actor spawned without a gate
// has none.
#include <atomic>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>
#include <coact/detail/actor/relay.hpp>

#include "actors/support/modes.hpp"

namespace {

using coact::detail::relay;

/// Refuses doubles; counts what it was asked.
class no_doubles final : public coact::detail::send_gate {
  public:
    void check(const coact::detail::envelope& message, const coact::context& to) const override {
        asked.fetch_add(1);
        if (*message.ops->type == typeid(double)) {
            throw std::invalid_argument("no doubles for " +
                                        coact::detail::core::describe_locked(to));
        }
    }
    mutable std::atomic<int> asked{0};
};

/// Counts the ints it gets; answers 41 (an ask) with 42.
coact::actor taker(coact::context& self, std::atomic<int>* got) {
    for (;;) {
        const int n = co_await self.receive<int>();
        ++*got;
        if (n == 41) self.reply(n + 1);
    }
}

}  // namespace

TEST_CASE("a gated actor's senders get the gate's refusal at the send, ask and put",
          "[actor][gate]") {
    coact::runtime rt(coact_test::test_options());
    const no_doubles gate;
    std::atomic<int> got{0};
    std::vector<std::string> refused;
    int answer = 0;
    coact::address gated;
    rt.spawn([&](coact::context& self) -> coact::actor {
        gated = relay::spawn_gated(self, coact::spawn_options{.name = "gated"}, &gate, taker, &got);
        try {
            self.send(gated, 2.5);
        } catch (const std::invalid_argument& e) {
            refused.emplace_back(e.what());
        }
        try {
            static_cast<void>(co_await self.ask<int>("gated", 3.5));
        } catch (const std::invalid_argument& e) {
            refused.emplace_back(e.what());
        }
        try {
            co_await self.put(gated, 4.5);
        } catch (const std::invalid_argument& e) {
            refused.emplace_back(e.what());
        }
        self.send("gated", 1);
        answer = co_await self.ask<int>(gated, 41);
        co_await self.put(gated, 7);
    });
    rt.run();
    CHECK(refused == std::vector<std::string>{"no doubles for 'gated'", "no doubles for 'gated'",
                                              "no doubles for 'gated'"});
    CHECK(answer == 42);
    CHECK(got.load() == 3);
    CHECK(gate.asked.load() == 6);
    CHECK(rt.stats().dead_letters == 0);

    // From outside the runtime, by name and by address (the gated actor waits; run() again
    // delivers what passed).
    bool outside = false;
    try {
        rt.send("gated", 9.5);
    } catch (const std::invalid_argument& e) {
        outside = std::string(e.what()) == "no doubles for 'gated'";
    }
    CHECK(outside);
    CHECK_THROWS_AS(rt.send(gated, 9.5), std::invalid_argument);
    rt.send(gated, 8);
    rt.run();
    CHECK(got.load() == 4);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an actor spawned without a gate into a gated actor's old cell has no gate",
          "[actor][gate]") {
    coact::runtime rt(coact_test::test_options());
    const no_doubles gate;
    std::atomic<int> doubles{0};
    rt.spawn([&](coact::context& self) -> coact::actor {
        const coact::address gated =
            relay::spawn_gated(self, coact::spawn_options{}, &gate,
                               [](coact::context&) -> coact::actor { co_return; });
        self.monitor(gated);
        static_cast<void>(co_await self.receive<coact::down>());
        // Many spawns: one of them takes the gated actor's cell again.
        std::vector<coact::address> plain;
        for (int i = 0; i < 64; ++i) {
            plain.push_back(self.spawn([&](coact::context& me) -> coact::actor {
                static_cast<void>(co_await me.receive<double>());
                ++doubles;
            }));
        }
        for (const coact::address a : plain) self.send(a, 1.5);
        self.send(self.address(), 0);
        static_cast<void>(co_await self.receive<int>());
    });
    rt.run();
    CHECK(doubles.load() == 64);
    CHECK(gate.asked.load() == 0);
}
