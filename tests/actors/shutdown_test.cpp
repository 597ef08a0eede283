// rt.shutdown() and the runtime's destructor: every actor's suspended frame is destroyed, so its
// locals' destructors run, but nothing is thrown into its body.
#include <atomic>
#include <chrono>
#include <exception>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"
#include "support/lifetime_probe.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

struct outcome {
    int destroyed = 0;
    bool caught_exit = false;
    bool caught_any = false;
    bool went_on = false;
};

coact::actor guarded(coact::context& self, outcome& out) {
    coact_test::lifetime_probe probe(out.destroyed);
    try {
        co_await self.receive<int>();
        co_await self.receive<int>();
        out.went_on = true;
    } catch (const coact::generator_exit&) {
        out.caught_exit = true;
    } catch (...) {
        out.caught_any = true;
    }
}

coact::actor sleepy(coact::context& self, outcome& out) {
    coact_test::lifetime_probe probe(out.destroyed);
    try {
        co_await self.sleep(1h);
        out.went_on = true;
    } catch (const coact::generator_exit&) {
        out.caught_exit = true;
    } catch (...) {
        out.caught_any = true;
    }
}

coact::actor idle(coact::context& self, int& destroyed) {
    coact_test::lifetime_probe probe(destroyed);
    for (;;) co_await self.receive<int>();
}

}  // namespace

// [single]: steps the deterministic fixture, single-threaded by design.
TEST_CASE(
    "shutdown destroys every suspended frame without throwing into it and returns the queued count",
    "[actor][stop][fixture][single]") {
    coact::testing::deterministic sim;  // virtual time: the sleeper stays asleep
    outcome receiver;
    outcome sleeper;
    sim.spawn("receiver", guarded, std::ref(receiver));
    sim.spawn("sleeper", sleepy, std::ref(sleeper));
    sim.send("receiver", 1);
    sim.step_all();
    REQUIRE(receiver.destroyed == 0);
    REQUIRE(sleeper.destroyed == 0);
    sim.send("sleeper", 1);  // queued while it sleeps
    sim.send("sleeper", 2);
    sim.runtime().send("sleeper", 3);  // still in the injection queue
    REQUIRE(sim.stats().actors == 2);
    const std::uint64_t dead_before = sim.stats().dead_letters;

    CHECK(sim.runtime().shutdown() == 3);

    for (const outcome* o : {&receiver, &sleeper}) {
        CHECK(o->destroyed == 1);
        CHECK_FALSE(o->caught_exit);
        CHECK_FALSE(o->caught_any);
        CHECK_FALSE(o->went_on);
    }
    const coact::runtime_stats s = sim.stats();
    CHECK(s.actors == 0);
    CHECK(s.failed == 0);
    CHECK(s.dead_letters == dead_before + 3);
    CHECK_FALSE(sim.alive("receiver"));
    CHECK_FALSE(sim.alive("sleeper"));

    // The runtime can be used again, names included.
    bool again = false;
    sim.spawn("receiver", [&](coact::context& self) -> coact::actor {
        again = co_await self.receive<int>() == 5;
    });
    sim.send("receiver", 5);
    sim.step_all();
    CHECK(again);
}

TEST_CASE("shutdown of actors that never ran destroys them without running their bodies",
          "[actor][stop]") {
    coact::runtime rt(test_options());
    bool ran = false;
    rt.spawn("unborn", [&](coact::context& self) -> coact::actor {
        ran = true;
        co_await self.receive<int>();
    });
    rt.send("unborn", 1);
    CHECK(rt.shutdown() == 1);
    CHECK_FALSE(ran);
    CHECK(rt.stats().actors == 0);
    rt.run();
    CHECK_FALSE(ran);
}

TEST_CASE("the runtime's destructor destroys every actor the same way", "[actor][stop]") {
    outcome receiver;
    outcome sleeper;
    {
        coact::testing::deterministic sim;
        sim.spawn("receiver", guarded, std::ref(receiver));
        sim.spawn("sleeper", sleepy, std::ref(sleeper));
        sim.step_all();
        sim.send("receiver", 1);
        REQUIRE(receiver.destroyed == 0);
        REQUIRE(sleeper.destroyed == 0);
    }
    for (const outcome* o : {&receiver, &sleeper}) {
        CHECK(o->destroyed == 1);
        CHECK_FALSE(o->caught_exit);
        CHECK_FALSE(o->caught_any);
        CHECK_FALSE(o->went_on);
    }

    // A plain runtime with real time too.
    int destroyed = 0;
    {
        coact::runtime rt(test_options());
        rt.spawn("idle", idle, std::ref(destroyed));
        rt.spawn(idle, std::ref(destroyed));
        rt.run();
        REQUIRE(destroyed == 0);
    }
    CHECK(destroyed == 2);
}

TEST_CASE("100000 idle actors shut down quickly", "[actor][stop][stress]") {
    constexpr int count = 100'000;
    int destroyed = 0;
    coact::runtime rt(test_options());
    for (int i = 0; i < count; ++i) rt.spawn(idle, std::ref(destroyed));
    rt.run();
    REQUIRE(rt.stats().actors == count);
    REQUIRE(destroyed == 0);
    const auto start = std::chrono::steady_clock::now();
    CHECK(rt.shutdown() == 0);
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(destroyed == count);
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().failed == 0);
    // No exception per actor: even under sanitizers this is far below a second.
    CHECK(elapsed < 5s);
}

TEST_CASE("shutdown from inside an actor throws coact::error", "[actor][stop]") {
    coact::runtime rt(test_options());
    std::string caught;
    rt.spawn("rogue", [&](coact::context& self) -> coact::actor {
        try {
            self.runtime().shutdown();
        } catch (const coact::error& e) {
            caught = e.what();
        }
        co_return;
    });
    rt.run();
    CHECK_FALSE(caught.empty());
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("shutdown from another thread while serve() runs throws coact::error and ends nothing",
          "[actor][stop][threads]") {
    coact::runtime rt(test_options());
    std::atomic<bool> started{false};
    std::atomic<int> got{0};
    rt.spawn("resident", [&](coact::context& self) -> coact::actor {
        started = true;
        for (;;) got += co_await self.receive<int>();
    });
    coact_test::watchdog dog(60s, [&] { rt.request_stop(); });
    std::thread server([&] { rt.serve(); });
    while (!started.load()) std::this_thread::yield();
    std::string caught;
    try {
        rt.shutdown();
        caught = "returned";
    } catch (const coact::error& e) {
        caught = e.what();
    }
    rt.send("resident", 1);  // the runtime still works
    while (got.load() == 0 && !dog.fired()) std::this_thread::yield();
    rt.request_stop();
    server.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(caught.find("another thread") != std::string::npos);
    CHECK(rt.stats().actors == 1);  // nothing was ended behind the scheduler's back
    CHECK(rt.stats().delivered == 1);
    CHECK(rt.shutdown() == 0);  // and once serve() has returned, shutdown works
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("a send from outside while shutdown runs is a dead letter at once", "[actor][stop]") {
    coact::runtime rt(test_options());
    std::vector<int> got;
    const coact::address keeper = rt.spawn([&](coact::context& self) -> coact::actor {
        for (;;) got.push_back(co_await self.receive<int>());
    });
    // Destroyed by shutdown, after the runtime took what was queued: its destructor sends.
    struct sends_when_destroyed {
        coact::runtime& rt;
        coact::address to;
        ~sends_when_destroyed() { rt.send(to, 99); }
    };
    rt.spawn([&](coact::context& self) -> coact::actor {
        const sends_when_destroyed late{rt, keeper};
        for (;;) co_await self.receive<int>();
    });
    rt.run();
    CHECK(rt.shutdown() == 1);            // the one it dropped
    CHECK(rt.stats().dead_letters == 1);  // counted now, not left queued for a later run()
    rt.run();
    CHECK(got.empty());
    CHECK(rt.stats().dead_letters == 1);
}
