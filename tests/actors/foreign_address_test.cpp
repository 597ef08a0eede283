// Addresses of another runtime in the same process. The rule (docs/concepts/actors.md, "Addresses
// of another runtime"): an address is always served by the runtime that made it. Calls that act
// on one actor (send, put, ask and reply, send_after, stop) work with another runtime's address
// as if made from another thread: the owner queues the message or the stop and its own scheduler
// delivers it. Calls that tie two actors together (monitor, link, restart, a supervisor) need both
// in one runtime and throw coact::error naming both runtimes.
//
// Each test runs the owner in this process's mode (test_options) and the caller in both modes,
// so actor/ and actor_mt/ together cover the four pairs.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

coact::runtime_options caller_options(unsigned workers) {
    return coact::runtime_options{.workers = workers};
}

coact::actor collect(coact::context& self, std::vector<int>& got) {
    for (;;) got.push_back(co_await self.receive<int>());
}

std::string runtime_label(const coact::runtime& rt) {
    return "runtime #" + std::to_string(rt.id());
}

}  // namespace

TEST_CASE("runtimes have distinct ids", "[actor][foreign]") {
    coact::runtime a(test_options());
    coact::runtime b(test_options());
    CHECK(a.id() != b.id());
    CHECK(a.id() != 0);
}

TEST_CASE("rt.stop with another runtime's address ends the actor in its own runtime",
          "[actor][foreign][stop]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    auto owner = std::make_unique<coact::runtime>(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a = owner->spawn("target", collect, std::ref(got));
    owner->run();
    REQUIRE(owner->stats().actors == 1);

    CHECK(caller.stop(a));
    caller.run();  // the caller's scheduler has nothing of the owner's to run
    CHECK(caller.stats().actors == 0);
    CHECK(caller.stats().spawned == 0);
    CHECK(owner->stats().actors == 1);  // not ended by the wrong runtime

    owner->run();  // the owner delivers the stop
    CHECK(owner->stats().actors == 0);
    CHECK_FALSE(owner->try_lookup("target"));  // the name is the owner's, and it is free again
    CHECK(caller.stats().actors == 0);

    // The cell went back to its owner's free list: once the owner is gone, the caller's spawns
    // must not touch its memory (ASan: heap-use-after-free before the fix).
    owner.reset();
    std::vector<int> mine;
    for (int i = 0; i < 300; ++i) caller.spawn(collect, std::ref(mine));
    caller.run();
    CHECK(caller.stats().actors == 300);
    CHECK(caller.stats().failed == 0);
}

TEST_CASE("self.stop with another runtime's address ends the actor in its own runtime",
          "[actor][foreign][stop]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a = owner.spawn("target", collect, std::ref(got));
    owner.run();
    std::atomic<bool> stopped{false};
    caller.spawn([&](coact::context& self) -> coact::actor {
        stopped = self.stop(a);
        co_return;
    });
    caller.run();
    CHECK(stopped);
    CHECK(caller.stats().actors == 0);
    CHECK(owner.stats().actors == 1);
    owner.run();
    CHECK(owner.stats().actors == 0);
    CHECK_FALSE(owner.try_lookup("target"));
}

TEST_CASE("rt.send with another runtime's address is delivered by the owner, in order",
          "[actor][foreign][send]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a = owner.spawn(collect, std::ref(got));
    owner.run();
    for (int i = 0; i < 100; ++i) caller.send(a, i);
    caller.run();  // not the caller's to run: nothing is delivered by it
    CHECK(got.empty());
    CHECK(caller.stats().delivered == 0);
    owner.run();  // the caller never has to run for the owner to get them
    std::vector<int> expected;
    for (int i = 0; i < 100; ++i) expected.push_back(i);
    CHECK(got == expected);
    CHECK(owner.stats().delivered == 100);
    CHECK(owner.stats().dead_letters == 0);
    CHECK(caller.stats().dead_letters == 0);
}

TEST_CASE("two workers of another runtime stopping actors at once end each of them once",
          "[actor][foreign][stop][threads]") {
    coact::runtime owner(test_options());
    coact::runtime caller(coact::runtime_options{.workers = 2});
    std::vector<int> got;
    std::vector<coact::address> targets;
    for (int i = 0; i < 400; ++i) targets.push_back(owner.spawn(collect, std::ref(got)));
    owner.run();
    std::atomic<int> stopped{0};
    for (int half = 0; half < 2; ++half) {
        caller.spawn([&, half](coact::context& self) -> coact::actor {
            for (std::size_t i = static_cast<std::size_t>(half); i < targets.size(); i += 2) {
                if (self.stop(targets[i])) ++stopped;
            }
            co_return;
        });
    }
    caller.run();
    CHECK(stopped.load() == 400);
    owner.run();
    CHECK(owner.stats().actors == 0);
    CHECK(owner.stats().failed == 0);
    CHECK(caller.stats().actors == 0);
}

TEST_CASE("self.send and send_after to another runtime's actor are delivered by the owner",
          "[actor][foreign][send][timer]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a = owner.spawn(collect, std::ref(got));
    owner.run();
    caller.spawn([&](coact::context& self) -> coact::actor {
        self.send(a, 1);
        self.send(a, 2);
        self.send_after(1ms, a, 3);
        co_return;
    });
    caller.run();  // returns once the timer has fired
    CHECK(got.empty());
    owner.run();
    CHECK(got == std::vector<int>{1, 2, 3});
    CHECK(owner.stats().dead_letters == 0);
    CHECK(caller.stats().dead_letters == 0);
}

TEST_CASE("an actor moving between workers keeps its order to another runtime's actor",
          "[actor][foreign][send][threads]") {
    coact::runtime owner(test_options());
    // One message per turn: the sender's turns end often and may resume on either worker.
    coact::runtime caller(coact::runtime_options{.workers = 2, .throughput = 1});
    std::vector<int> got;
    const coact::address a = owner.spawn(collect, std::ref(got));
    owner.run();
    constexpr int n = 5000;
    for (int s = 0; s < 2; ++s) {
        caller.spawn([](coact::context& self) -> coact::actor {  // keeps the other worker busy
            for (int i = 0; i < n; ++i) {
                self.send(self.address(), i);
                co_await self.receive<int>();
            }
        });
    }
    caller.spawn([&](coact::context& self) -> coact::actor {
        for (int i = 0; i < n; ++i) {
            self.send(a, i);
            self.send(self.address(), i);
            co_await self.receive<int>();  // ends the turn: the next may run elsewhere
        }
    });
    caller.run();
    owner.run();
    REQUIRE(got.size() == static_cast<std::size_t>(n));
    bool in_order = true;
    for (int i = 0; i < n; ++i) in_order = in_order && got[static_cast<std::size_t>(i)] == i;
    CHECK(in_order);
}

TEST_CASE("an ask to another runtime's actor gets its reply", "[actor][foreign][ask]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    const coact::address doubler = owner.spawn([](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            self.reply(n * 2);
        }
    });
    int answer = 0;
    caller.spawn([&](coact::context& self) -> coact::actor {
        answer = co_await self.ask<int>(doubler, 21);
    });
    caller.run();  // the asker now waits
    owner.run();   // the doubler replies across
    caller.run();  // the asker takes the reply
    CHECK(answer == 42);
    CHECK(caller.stats().actors == 0);
    CHECK(owner.stats().dead_letters == 0);
    CHECK(caller.stats().dead_letters == 0);
}

TEST_CASE("a drop_newest bound of another runtime's actor counts its drops in the owner",
          "[actor][foreign][bounded]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a =
        owner.spawn(coact::spawn_options{.capacity = 1, .overflow = coact::overflow::drop_newest},
                    collect, std::ref(got));
    owner.run();
    caller.spawn([&](coact::context& self) -> coact::actor {
        for (int i = 1; i <= 3; ++i) self.send(a, i);
        co_return;
    });
    caller.run();
    owner.run();
    CHECK(got == std::vector<int>{1});
    CHECK(owner.stats().dropped == 2);
    CHECK(caller.stats().dropped == 0);
}

TEST_CASE("put into another runtime's bounded mailbox waits for room and delivers every message",
          "[actor][foreign][bounded][threads]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a =
        owner.spawn(coact::spawn_options{.capacity = 2, .overflow = coact::overflow::wait},
                    [&](coact::context& self) -> coact::actor {
                        for (;;) {
                            got.push_back(co_await self.receive<int>());
                            if (got.size() == 50) self.runtime().request_stop();
                        }
                    });
    caller.spawn([&](coact::context& self) -> coact::actor {
        for (int i = 0; i < 50; ++i) co_await self.put(a, i);
        self.runtime().request_stop();
    });
    coact_test::watchdog dog(60s, [&] {
        owner.request_stop();
        caller.request_stop();
    });
    std::thread other([&] { owner.serve(); });
    caller.serve();
    other.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    std::vector<int> expected;
    for (int i = 0; i < 50; ++i) expected.push_back(i);
    CHECK(got == expected);
    CHECK(owner.stats().dead_letters == 0);
    CHECK(caller.stats().dead_letters == 0);
}

TEST_CASE("monitor, link, restart and a supervisor of another runtime throw naming both runtimes",
          "[actor][foreign][monitor]") {
    const unsigned caller_workers = GENERATE(1U, 2U);
    CAPTURE(caller_workers);
    coact::runtime owner(test_options());
    coact::runtime caller(caller_options(caller_workers));
    std::vector<int> got;
    const coact::address a = owner.spawn(collect, std::ref(got));
    std::vector<std::string> errors;
    bool demonitored = true;
    bool unlinked = true;
    caller.spawn([&](coact::context& self) -> coact::actor {
        const auto attempt = [&](auto&& call) {
            try {
                call();
                errors.emplace_back("accepted");
            } catch (const coact::error& e) {
                errors.emplace_back(e.what());
            }
        };
        attempt([&] { self.monitor(a); });
        attempt([&] { self.link(a); });
        attempt([&] { static_cast<void>(self.restart(a)); });
        attempt([&] { self.spawn(coact::spawn_options{.supervisor = a}, collect, std::ref(got)); });
        demonitored = self.demonitor(a);
        unlinked = self.unlink(a);
        co_return;
    });
    caller.run();
    REQUIRE(errors.size() == 4);
    for (const std::string& e : errors) {
        CAPTURE(e);
        CHECK(e.find(runtime_label(owner)) != std::string::npos);
        CHECK(e.find(runtime_label(caller)) != std::string::npos);
    }
    CHECK_FALSE(demonitored);
    CHECK_FALSE(unlinked);
    CHECK(caller.stats().failed == 0);
    CHECK(caller.stats().actors == 0);  // the refused spawn left nothing behind
    owner.run();
    CHECK(owner.stats().actors == 1);
}
