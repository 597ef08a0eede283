// An exception escaping an actor ends that actor only; the error types.
#include <stdexcept>
#include <string>
#include <type_traits>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"
#include "support/lifetime_probe.hpp"

using coact_test::contains;
using coact_test::test_options;

TEST_CASE("an exception escaping an actor ends that actor only", "[actor]") {
    coact::runtime rt(test_options());
    int destroyed = 0;
    int counted = 0;
    rt.spawn("fragile", [&](coact::context& self) -> coact::actor {
        coact_test::lifetime_probe probe(destroyed);
        for (;;) {
            if (co_await self.receive<int>() == 13) throw std::runtime_error("unlucky thirteen");
        }
    });
    rt.spawn("counter", [&](coact::context& self) -> coact::actor {
        for (;;) counted += co_await self.receive<int>();
    });
    REQUIRE(rt.stats().actors == 2);
    rt.send("fragile", 1);
    rt.send("fragile", 13);
    rt.send("fragile", 2);  // left in its mailbox: a dead letter
    rt.send("counter", 10);
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    rt.send("counter", 5);  // the others keep running
    rt.run();

    CHECK(destroyed == 1);
    CHECK(counted == 15);
    CHECK_FALSE(rt.try_lookup("fragile"));
    const coact::runtime_stats s = rt.stats();
    CHECK(s.failed == 1);
    CHECK(s.actors == 1);
    CHECK(s.dead_letters == 1);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "fragile"));
    CHECK(contains(text, "unlucky thirteen"));
}

TEST_CASE("an exception of a non-std type escaping an anonymous actor is reported and counted",
          "[actor]") {
    coact::runtime rt(test_options());
    rt.spawn([](coact::context& self) -> coact::actor {  // gets no message: never throws
        co_await self.receive<int>();
        throw 42;
    });
    const coact::address anon = rt.spawn([](coact::context& self) -> coact::actor {
        co_await self.receive<int>();
        throw 43;
    });
    rt.send(anon, 1);
    coact_test::stderr_capture err;
    rt.run();
    const std::string text = err.text();
    CHECK(rt.stats().failed == 1);
    CHECK(rt.stats().actors == 1);
    CHECK(coact_test::count_lines(text) == 1);
    CHECK(contains(text, "anonymous"));
}

TEST_CASE("every coact error derives from coact::error", "[actor]") {
    static_assert(std::is_base_of_v<coact::error, coact::name_taken>);
    static_assert(std::is_base_of_v<coact::error, coact::no_such_actor>);
    static_assert(std::is_base_of_v<coact::error, coact::bad_message>);
    static_assert(std::is_base_of_v<coact::error, coact::no_reply>);
    static_assert(std::is_base_of_v<std::runtime_error, coact::error>);
    static_assert(!std::is_base_of_v<std::exception, coact::generator_exit>);

    coact::runtime rt(test_options());
    rt.spawn("taken", [](coact::context& self) -> coact::actor { co_await self.receive<int>(); });
    CHECK_THROWS_AS(rt.spawn("taken", [](coact::context&) -> coact::actor { co_return; }),
                    coact::error);
    CHECK_THROWS_AS(rt.send("missing", 1), coact::error);
}
