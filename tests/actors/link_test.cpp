// self.link(target) and self.trap_exits(on): a failure stops the linked partner, or reaches it as
// a coact::exit message when it traps exits.
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"

using coact_test::test_options;

namespace {

coact::actor fails_on_negative(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n < 0) throw std::runtime_error("bad input " + std::to_string(n));
    }
}

coact::actor waits_forever(coact::context& self) {
    for (;;) co_await self.receive<int>();
}

}  // namespace

TEST_CASE("when a linked actor fails, its partner is closed (contract §5)", "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address worker = rt.spawn(fails_on_negative);
    std::vector<coact::down> downs;
    bool partner_saw_exit = false;
    rt.spawn("driver", [&](coact::context& self) -> coact::actor {
        const coact::address partner = co_await self.receive<coact::address>();  // linked by now
        self.monitor(partner);
        self.send(worker, -1);
        downs.push_back(co_await self.receive<coact::down>());
    });
    const coact::address partner = rt.spawn([&](coact::context& self) -> coact::actor {
        self.link(worker);
        self.send("driver", self.address());
        try {
            for (;;) co_await self.receive<int>();
        } catch (const coact::generator_exit&) {
            partner_saw_exit = true;  // stopped: the usual generator_exit
            throw;
        }
    });
    rt.run();
    CHECK(partner_saw_exit);
    REQUIRE(downs.size() == 1);
    CHECK(downs[0].who == partner);
    CHECK(downs[0].reason.kind == coact::exit_kind::closed);  // closed, not failed
    CHECK_FALSE(downs[0].reason.error);
    CHECK(rt.stats().failed == 1);  // the worker only
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("a partner closed by a link does not close its own partners: only a failure travels",
          "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address a = rt.spawn(fails_on_negative);
    const coact::address b = rt.spawn([&](coact::context& self) -> coact::actor {
        self.link(a);
        for (;;) co_await self.receive<int>();
    });
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.link(b);
        for (;;) co_await self.receive<int>();
    });
    rt.run();
    CHECK(rt.stats().actors == 3);
    rt.send(a, -7);
    rt.run();
    CHECK(rt.stats().actors == 1);  // a failed, b was closed, c (linked to b only) lives on
    CHECK(rt.stats().failed == 1);
}

TEST_CASE("a normal end or a stop does not stop the linked partner", "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address returns =
        rt.spawn([](coact::context& self) -> coact::actor { co_await self.receive<int>(); });
    const coact::address stopped = rt.spawn(waits_forever);
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.link(returns);
        self.link(stopped);
        for (;;) co_await self.receive<int>();
    });
    rt.run();
    rt.send(returns, 1);
    rt.stop(stopped);
    rt.run();
    CHECK(rt.stats().actors == 1);  // the partner lives on
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("an actor that traps exits gets coact::exit for every end of its partners",
          "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address failing = rt.spawn(fails_on_negative);
    const coact::address returning =
        rt.spawn([](coact::context& self) -> coact::actor { co_await self.receive<int>(); });
    std::vector<coact::exit> exits;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.trap_exits(true);
        self.link(failing);
        self.link(returning);
        self.send(failing, -2);
        self.send(returning, 0);
        for (int i = 0; i < 2; ++i) exits.push_back(co_await self.receive<coact::exit>());
    });
    rt.run();
    REQUIRE(exits.size() == 2);
    int failed = 0, normal = 0;
    for (const coact::exit& e : exits) {
        if (e.who == failing && e.reason.failed() && e.reason.what() == "bad input -2") ++failed;
        if (e.who == returning && e.reason.normal()) ++normal;
    }
    CHECK(failed == 1);
    CHECK(normal == 1);
    CHECK(rt.stats().failed == 1);  // only the failing one: the trapping actor went on
}

TEST_CASE("a link works both ways: the partner's failure stops the one that linked",
          "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address quiet = rt.spawn(waits_forever);
    const coact::address linker = rt.spawn([&](coact::context& self) -> coact::actor {
        self.link(quiet);
        const int n = co_await self.receive<int>();
        if (n < 0) throw std::logic_error("linker fails");
    });
    rt.run();
    rt.send(linker, -1);
    rt.run();
    CHECK(rt.stats().actors == 0);  // quiet was closed by the linker's failure
    CHECK(rt.stats().failed == 1);
}

TEST_CASE("linking to an actor that has ended, or to itself, is refused with a message",
          "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address gone = rt.spawn([](coact::context&) -> coact::actor { co_return; });
    rt.run();
    std::vector<std::string> errors;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            self.link(gone);
        } catch (const coact::error& e) {
            errors.emplace_back(e.what());
        }
        try {
            self.link(self.address());
        } catch (const coact::error& e) {
            errors.emplace_back(e.what());
        }
        co_return;
    });
    rt.run();
    REQUIRE(errors.size() == 2);
    CHECK_THAT(errors[0], Catch::Contains("has ended"));
    CHECK_THAT(errors[1], Catch::Contains("itself"));
}

TEST_CASE("unlink takes a link back both ways, and linking twice is one link", "[actor][link]") {
    coact::runtime rt(test_options());
    const coact::address a = rt.spawn(fails_on_negative);
    const coact::address b = rt.spawn(fails_on_negative);
    std::vector<bool> results;
    rt.spawn("linker", [&](coact::context& self) -> coact::actor {
        self.link(a);
        self.link(a);  // one link still
        self.link(b);
        results.push_back(self.unlink(a));
        results.push_back(self.unlink(a));  // no link left
        for (;;) co_await self.receive<int>();
    });
    rt.run();
    CHECK(results == std::vector<bool>{true, false});
    rt.send(a, -1);  // unlinked: the linker lives on
    rt.run();
    CHECK(rt.try_lookup("linker"));
    rt.send(b, -1);  // still linked: the linker is closed
    rt.run();
    CHECK_FALSE(rt.try_lookup("linker"));
    CHECK(rt.stats().failed == 2);
}
