// What an actor needs to stand in for another (detail/actor/relay.hpp; the cluster's proxies
// and gateway are such actors): it takes messages of any type in order, forwards them with the
// original sender as their sender (so a reply by self.sender() skips the relay), and refuses an
// ask it will not answer, so that the asker is never left waiting. A relay spawned with a gate
// (relay::spawn_gated, as the cluster's proxies are) sees even a stop that comes before its first
// turn, so that it can pass the stop on.
#include <atomic>
#include <optional>
#include <string>
#include <typeinfo>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>
#include <coact/detail/actor/relay.hpp>

#include "actors/support/modes.hpp"

namespace {

using coact::detail::relay;
using coact::detail::relayed;

/// Forwards ints and strings to `to` as their sender's; refuses asks; counts the rest.
coact::actor forwarder(coact::context& self, coact::address to, std::vector<std::string>* seen) {
    for (;;) {
        relayed m = co_await relay::receive_any(self);
        if (m.is_ask()) {
            seen->push_back("ask");
            relay::refuse_ask(self, "is a relay and");
        } else if (m.type() == typeid(int)) {
            seen->push_back("int " + std::to_string(m.view<int>()));
            relay::send_as(self, m.sender(), to, m.view<int>());
        } else if (m.type() == typeid(std::string)) {
            seen->push_back("string " + m.view<std::string>());
            relay::send_as(self, m.sender(), to, m.view<std::string>());
        } else {
            seen->push_back(std::string("other"));
        }
    }
}

/// Answers each int n with n + 1 to its sender, and each string with its length.
coact::actor answerer(coact::context& self) {
    for (;;) {
        co_await self.receive([&](int n) { self.send(self.sender(), n + 1); },
                              [&](const std::string& s) { self.send(self.sender(), s.size()); });
    }
}

/// Lets everything through: here the gate only makes its actor a relay (relay::spawn_gated).
class open_gate final : public coact::detail::send_gate {
  public:
    void check(const coact::detail::envelope&, const coact::context&) const override {}
};

}  // namespace

TEST_CASE("a relay takes any type in order and forwards it as its sender's", "[actor][relay]") {
    coact::runtime rt(coact_test::test_options());
    std::vector<std::string> seen;
    std::vector<std::string> back;
    const coact::address a = rt.spawn(answerer);
    const coact::address r = rt.spawn(forwarder, a, &seen);
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.send(r, 41);
        self.send(r, std::string("four"));
        self.send(r, 2.5);  // neither: the relay keeps it
        // The answers come from the answerer, straight back: the relay is not their sender.
        const int n = co_await self.receive<int>();
        back.push_back("int " + std::to_string(n) + (self.sender() == a ? " from a" : ""));
        const std::size_t len = co_await self.receive<std::size_t>();
        back.push_back("size " + std::to_string(len) + (self.sender() == a ? " from a" : ""));
    });
    rt.run();
    CHECK(seen == std::vector<std::string>{"int 41", "string four", "other"});
    CHECK(back == std::vector<std::string>{"int 42 from a", "size 4 from a"});
    rt.shutdown();
}

TEST_CASE("an ask a relay refuses ends with no_reply, saying why", "[actor][relay]") {
    coact::runtime rt(coact_test::test_options());
    std::vector<std::string> seen;
    std::string error;
    const coact::address a = rt.spawn(answerer);
    const coact::address r = rt.spawn(forwarder, a, &seen);
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            static_cast<void>(co_await self.ask<int>(r, 1));
        } catch (const coact::no_reply& e) {
            error = e.what();
        }
    });
    rt.run();
    CHECK(seen == std::vector<std::string>{"ask"});
    CHECK(error.find("is a relay and without replying to the ask") != std::string::npos);
    rt.shutdown();
}

TEST_CASE("a relay asked to stop ends like any actor", "[actor][relay]") {
    coact::runtime rt(coact_test::test_options());
    std::vector<std::string> seen;
    const coact::address a = rt.spawn(answerer);
    const coact::address r = rt.spawn(forwarder, a, &seen);
    rt.run();
    CHECK(rt.stats().actors == 2);
    rt.stop(r);
    rt.run();
    CHECK(rt.stats().actors == 1);
    rt.shutdown();
}

TEST_CASE(
    "a gated relay stopped before its first turn still starts, and its first wait throws "
    "generator_exit",
    "[actor][relay]") {
    // Any other actor stopped so ends without running (stop_test.cpp); a cluster proxy must run,
    // to tell its remote actor of the stop.
    coact::runtime rt(coact_test::test_options());
    const open_gate gate;
    std::atomic<bool> ran{false};
    std::atomic<bool> saw_stop{false};
    std::atomic<bool> stopped{false};
    std::optional<coact::exit_reason> reason;
    rt.spawn([&](coact::context& self) -> coact::actor {
        const coact::address r = relay::spawn_gated(
            self, coact::spawn_options{}, &gate, [&](coact::context& me) -> coact::actor {
                ran = true;
                try {
                    static_cast<void>(co_await relay::receive_any(me));
                } catch (const coact::generator_exit&) {
                    saw_stop = true;
                    throw;
                }
            });
        self.monitor(r);
        stopped = self.stop(r);  // in the turn that spawned it: single-threaded, before it ran
        reason = (co_await self.receive<coact::down>()).reason;
    });
    rt.run();
    CHECK(stopped.load());
    CHECK(ran.load());
    CHECK(saw_stop.load());
    REQUIRE(reason.has_value());
    CHECK(reason->kind == coact::exit_kind::closed);
    CHECK(rt.stats().actors == 0);
}
