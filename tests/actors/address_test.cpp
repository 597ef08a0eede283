// Addresses and names: what spawn returns, what an actor knows of itself, and the name registry.
#include <functional>
#include <stdexcept>
#include <string>
#include <unordered_set>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/stderr_capture.hpp"

using coact_test::test_options;

namespace {

coact::actor idle(coact::context& self) {
    for (;;) co_await self.receive<int>();
}

coact::actor done(coact::context&) { co_return; }

}  // namespace

TEST_CASE("spawn returns addresses that are equal for one actor, differ between actors, and hash",
          "[actor]") {
    coact::runtime rt(test_options());
    const coact::address a = rt.spawn("a", idle);
    const coact::address b = rt.spawn("b", idle);
    const coact::address anon = rt.spawn(idle);
    const coact::address a_again = a;  // NOLINT(performance-unnecessary-copy-initialization)

    CHECK(a);
    CHECK(b);
    CHECK(anon);
    CHECK(a == a_again);
    CHECK(a == rt.try_lookup("a"));
    CHECK(a != b);
    CHECK(a != anon);
    CHECK(b != anon);
    CHECK(std::hash<coact::address>{}(a) == std::hash<coact::address>{}(a_again));

    std::unordered_set<coact::address> set{a, b, anon, a_again, rt.try_lookup("b")};
    CHECK(set.size() == 3);
    CHECK(set.count(a) == 1);
    CHECK(set.count(coact::address{}) == 0);

    const coact::address null;
    CHECK_FALSE(null);
    CHECK(null == coact::address{});
    CHECK(null != a);
    CHECK_FALSE(rt.try_lookup("nobody"));
}

TEST_CASE("self.lookup finds a live actor by name, and throws no_such_actor for an unknown one",
          "[actor]") {
    coact::runtime rt(test_options());
    const coact::address a = rt.spawn("a", idle);
    coact::address found;
    std::string unknown;
    rt.spawn([&](coact::context& self) -> coact::actor {
        found = self.lookup("a");
        try {
            static_cast<void>(self.lookup("nobody"));
        } catch (const coact::no_such_actor& e) {
            unknown = e.what();
        }
        co_return;
    });
    rt.run();
    CHECK(found == a);
    CHECK(unknown == "coact::no_such_actor: no actor named 'nobody' is running");
}

TEST_CASE(
    "rt.lookup finds a live actor by name and throws no_such_actor for an unknown or ended "
    "one, and rt.try_lookup gives a null address instead",
    "[actor]") {
    coact::runtime rt(test_options());
    const coact::address a = rt.spawn("a", idle);
    const coact::address brief =
        rt.spawn("brief", [](coact::context&) -> coact::actor { co_return; });
    CHECK(rt.lookup("a") == a);
    CHECK(rt.lookup("brief") == brief);
    CHECK_THROWS_MATCHES(
        rt.lookup("nobody"), coact::no_such_actor,
        Catch::Message("coact::no_such_actor: no actor named 'nobody' is running"));
    CHECK_FALSE(rt.try_lookup("nobody"));
    rt.run();  // "brief" ends and its name is free
    CHECK_THROWS_AS(rt.lookup("brief"), coact::no_such_actor);
    CHECK_FALSE(rt.try_lookup("brief"));
    CHECK(rt.lookup("a") == a);
}

TEST_CASE("an ended actor's address differs from a new actor's, even in a reused cell", "[actor]") {
    coact::runtime rt(test_options());
    const coact::address first = rt.spawn("x", done);
    rt.run();
    const coact::address second = rt.spawn("x", done);
    CHECK(first != second);
    CHECK(rt.try_lookup("x") == second);
}

TEST_CASE("self.address() is the spawned address and self.name() the name, empty if anonymous",
          "[actor]") {
    coact::runtime rt(test_options());
    struct seen {
        coact::address address;
        std::string name = "unset";
    };
    seen named_seen;
    seen anon_seen;
    auto report = [](coact::context& self, seen& out) -> coact::actor {
        out.address = self.address();
        out.name = std::string(self.name());
        co_return;
    };
    const coact::address named = rt.spawn("worker", report, std::ref(named_seen));
    const coact::address anon = rt.spawn(report, std::ref(anon_seen));
    rt.run();
    CHECK(named_seen.address == named);
    CHECK(named_seen.name == "worker");
    CHECK(anon_seen.address == anon);
    CHECK(anon_seen.name.empty());
}

TEST_CASE("spawning a taken name throws name_taken naming it", "[actor]") {
    coact::runtime rt(test_options());
    rt.spawn("unique", idle);
    CHECK_THROWS_AS(rt.spawn("unique", idle), coact::name_taken);
    CHECK_THROWS_WITH(rt.spawn("unique", idle), Catch::Contains("unique"));
    // The failed spawns left nothing behind.
    CHECK(rt.stats().actors == 1);
    CHECK(rt.stats().spawned == 1);

    // From inside an actor too.
    std::string caught;
    rt.spawn("parent", [&](coact::context& self) -> coact::actor {
        try {
            self.spawn("unique", idle);
        } catch (const coact::name_taken& e) {
            caught = e.what();
        }
        co_return;
    });
    rt.run();
    CHECK(coact_test::contains(caught, "unique"));
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("a name is free again once its actor's function returns", "[actor]") {
    coact::runtime rt(test_options());
    rt.spawn("brief", [](coact::context& self) -> coact::actor { co_await self.receive<int>(); });
    CHECK_THROWS_AS(rt.spawn("brief", idle), coact::name_taken);
    rt.send("brief", 1);
    rt.run();
    CHECK_FALSE(rt.try_lookup("brief"));
    CHECK(rt.stats().actors == 0);
    CHECK_THROWS_AS(rt.send("brief", 2), coact::no_such_actor);
    CHECK_NOTHROW(rt.spawn("brief", idle));
    CHECK(rt.try_lookup("brief"));
}

TEST_CASE("a spawn whose function throws leaves no actor behind and frees the name", "[actor]") {
    coact::runtime rt(test_options());
    auto refuse = [](coact::context&) -> coact::actor {
        throw std::runtime_error("refused to start");
    };
    CHECK_THROWS_WITH(rt.spawn("refuser", refuse), Catch::Contains("refused to start"));
    CHECK_THROWS_AS(rt.spawn(refuse), std::runtime_error);
    CHECK_FALSE(rt.try_lookup("refuser"));
    CHECK(rt.stats().actors == 0);
    CHECK_NOTHROW(rt.spawn("refuser", idle));
    rt.run();
    CHECK(rt.stats().actors == 1);
    CHECK(rt.stats().failed == 0);
}
