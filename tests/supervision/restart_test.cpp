// What a restart keeps (name, address, queued messages) and what is not restarted.
#include <chrono>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/supervisor.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"
#include "supervision/support/children.hpp"

using coact_test::probe;
using coact_test::test_options;
using coact_test::worker_spec;

namespace {

coact::supervisor_options generous() {
    return {.max_restarts = 1000, .within = std::chrono::hours(1)};
}

// Sends 1..count to "w", by name and by address in turn, with a negative value (a failure)
// after every `fail_every`-th one.
coact::actor feeder(coact::context& self, coact::address w, int count, int fail_every) {
    for (int i = 1; i <= count; ++i) {
        if (i % 2 == 0) {
            self.send("w", i);
        } else {
            self.send(w, i);
        }
        if (i % fail_every != 0) continue;
        if ((i / fail_every) % 2 == 0) {
            self.send("w", -i);
        } else {
            self.send(w, -i);
        }
    }
    co_return;
}

}  // namespace

TEST_CASE("a restarted child keeps its name and its address", "[supervision][restart]") {
    probe p;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", p)};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    const coact::address before = rt.try_lookup("w");
    REQUIRE(before);
    rt.send("w", -1);
    rt.run();
    CHECK(p.starts == 2);
    CHECK(rt.try_lookup("w") == before);
    rt.send(before, 5);  // the old address reaches the new body
    rt.send("w", 6);
    rt.run();
    CHECK(p.values() == std::vector{5, 6});
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE(
    "messages sent to a failing child, by name and by address, all reach its next bodies "
    "in order",
    "[supervision][restart]") {
    constexpr int count = 2000;
    constexpr int fail_every = 100;
    probe p;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", p)};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    const coact::address w = rt.try_lookup("w");
    coact_test::watchdog dog(std::chrono::seconds(60), std::string("feeding a failing child"));
    rt.spawn(feeder, w, count, fail_every);
    rt.run();
    dog.cancel();
    std::vector<int> expected;
    for (int i = 1; i <= count; ++i) expected.push_back(i);
    CHECK(p.values() == expected);
    CHECK(p.starts == 1 + count / fail_every);
    CHECK(rt.stats().failed == count / fail_every);
    CHECK(rt.stats().restarts == count / fail_every);
    CHECK(rt.stats().dead_letters == 0);
    CHECK(rt.try_lookup("w") == w);
}

TEST_CASE("a held child keeps its name, and what is sent to it meanwhile waits for its new body",
          "[supervision][restart][single]") {
    // Step by step: the child fails; before the supervisor runs, messages go to it by name and
    // by address.
    probe p;
    coact::testing::deterministic sim;
    std::vector<coact::child_spec> specs{worker_spec("w", p)};
    sim.spawn("sup", coact::supervise, generous(), specs);
    sim.step_all();
    const coact::address w = sim.runtime().try_lookup("w");
    REQUIRE(w);
    sim.send("w", 1);
    sim.send("w", -1);
    while (sim.stats().failed == 0) REQUIRE(sim.step());
    CHECK(p.values() == std::vector{1});
    // Held: its name still resolves to the same address, and sends by name do not throw.
    CHECK(sim.runtime().try_lookup("w") == w);
    sim.send("w", 2);
    sim.send(w, 3);
    sim.send("w", 4);
    CHECK(sim.mailbox_size(w) == 3);
    CHECK(sim.mailbox_size("sup") == 1);  // the child_failed
    CHECK(p.starts == 1);
    sim.run();
    CHECK(p.starts == 2);
    CHECK(p.values() == std::vector{1, 2, 3, 4});
    CHECK(sim.stats().dead_letters == 0);
}

TEST_CASE("the message whose handling failed is not delivered again", "[supervision][restart]") {
    probe p;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", p)};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    rt.send("w", -7);
    rt.run();
    CHECK(p.starts == 2);  // a redelivered -7 would have failed the new body too
    CHECK(rt.stats().failed == 1);
}

TEST_CASE("a child that returns normally is not restarted", "[supervision][restart]") {
    probe w, other;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", w), worker_spec("other", other)};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    rt.send("w", 0);
    rt.run();
    CHECK(w.starts == 1);
    CHECK_FALSE(rt.try_lookup("w"));
    CHECK(rt.try_lookup("sup"));
    CHECK(rt.stats().restarts == 0);
    rt.send("other", -1);  // the supervisor still supervises the others
    rt.run();
    CHECK(other.starts == 2);
    CHECK(w.starts == 1);
}

TEST_CASE("a child stopped by someone else is not restarted", "[supervision][restart]") {
    probe p;
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("w", p)};
    rt.spawn("sup", coact::supervise, generous(), specs);
    rt.run();
    rt.stop("w");
    rt.run();
    CHECK(p.starts == 1);
    CHECK_FALSE(rt.try_lookup("w"));
    CHECK(rt.try_lookup("sup"));
    CHECK(rt.stats().restarts == 0);
}

TEST_CASE("a supervisor reports its children's starts, failures, restarts and ends",
          "[supervision][restart][single]") {
    probe a, b;
    std::vector<std::string> events;
    coact::supervisor_options options = generous();
    options.on_event = [&events](const coact::supervisor_event& e) {
        events.push_back(std::string(coact::to_string(e.what)) + " " + e.child +
                         (e.reason.empty() ? "" : " (" + e.reason + ")"));
    };
    coact::runtime rt;
    std::vector<coact::child_spec> specs{worker_spec("a", a), worker_spec("b", b)};
    rt.spawn("sup", coact::supervise, options, specs);
    rt.run();
    rt.send("b", -3);
    rt.run();
    rt.send("a", 0);
    rt.run();
    CHECK(events == std::vector<std::string>{"started a", "started b",
                                             "failed b (negative input -3)", "restarted b",
                                             "ended a (normal)"});
}

TEST_CASE("an anonymous child is restarted at its address, and reported by its position",
          "[supervision][restart]") {
    probe named, anonymous;
    std::vector<std::string> children;
    coact::supervisor_options options = generous();
    coact::runtime rt(test_options());
    std::vector<coact::child_spec> specs{worker_spec("named", named), worker_spec("", anonymous)};
    coact::address anonymous_address;
    options.on_event = [&children, &anonymous_address](const coact::supervisor_event& e) {
        if (e.what == coact::supervisor_event::kind::started && e.child == "#1") {
            anonymous_address = e.who;
        }
        if (e.what == coact::supervisor_event::kind::restarted) children.push_back(e.child);
    };
    rt.spawn("sup", coact::supervise, options, specs);
    rt.run();
    REQUIRE(anonymous_address);
    rt.send(anonymous_address, -1);
    rt.run();
    rt.send(anonymous_address, 4);
    rt.run();
    CHECK(anonymous.starts == 2);
    CHECK(anonymous.values() == std::vector{4});
    CHECK(children == std::vector<std::string>{"#1"});
    CHECK(named.starts == 1);
}
