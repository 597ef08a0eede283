// Supervised actors (spawn_options::supervisor): a failed child is held with its address, name
// and queued messages until its supervisor restarts it (context::restart) or ends it (stop).
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"

using coact_test::test_options;

namespace {

struct journal {
    int bodies = 0;        // bodies started
    std::vector<int> got;  // every int taken, by any body
    int closed = 0;        // generator_exit seen
};

/// Takes ints; fails on a negative one.
coact::actor worker(coact::context& self, journal& j) {
    ++j.bodies;
    try {
        for (;;) {
            const int n = co_await self.receive<int>();
            if (n < 0) throw std::runtime_error("negative " + std::to_string(n));
            j.got.push_back(n);
        }
    } catch (const coact::generator_exit&) {
        ++j.closed;
        throw;
    }
}

}  // namespace

TEST_CASE(
    "a failed supervised child is held, and restart gives its address, name and queued "
    "messages to a new body",
    "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    std::vector<coact::child_failed> failures;
    coact::address child;
    bool same_address = false;
    rt.spawn("sup", [&](coact::context& self) -> coact::actor {
        child = self.spawn(coact::spawn_options{.name = "w", .supervisor = self.address()}, worker,
                           std::ref(j));
        self.send(child, 1);
        self.send(child, -1);  // fails here
        const coact::child_failed f = co_await self.receive<coact::child_failed>();
        failures.push_back(f);
        // Held: sends by address and by name queue up for the next body.
        for (int i = 2; i <= 4; ++i) self.send(child, i);
        for (int i = 5; i <= 7; ++i) self.send("w", i);
        same_address = self.runtime().try_lookup("w") == child;
        CHECK(self.restart(f.who));
    });
    rt.run();
    REQUIRE(failures.size() == 1);
    CHECK(failures[0].who == child);
    CHECK(failures[0].reason.failed());
    CHECK(failures[0].reason.what() == "negative -1");
    CHECK(same_address);
    CHECK(j.bodies == 2);
    CHECK(j.got == std::vector<int>{1, 2, 3, 4, 5, 6, 7});  // none lost, in order
    CHECK(rt.try_lookup("w") == child);
    CHECK(rt.stats().restarts == 1);
    CHECK(rt.stats().failed == 1);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("messages queued behind the failing one are kept for the restarted body",
          "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    rt.spawn([&](coact::context& self) -> coact::actor {
        const coact::address c =
            self.spawn(coact::spawn_options{.supervisor = self.address()}, worker, std::ref(j));
        for (int n : {1, -1, 2, 3, -2, 4}) self.send(c, n);  // all queued before it runs
        for (int restarts = 0; restarts < 2; ++restarts) {
            const auto f = co_await self.receive<coact::child_failed>();
            self.restart(f.who);
        }
    });
    rt.run();
    CHECK(j.bodies == 3);
    CHECK(j.got == std::vector<int>{1, 2, 3, 4});
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE(
    "stop on a held child ends it for good: its monitors see the failure, its queue is "
    "dead letters",
    "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    std::vector<coact::down> downs;
    rt.spawn([&](coact::context& self) -> coact::actor {
        const coact::address c = self.spawn(
            coact::spawn_options{.name = "w", .supervisor = self.address()}, worker, std::ref(j));
        self.monitor(c);
        self.send(c, -5);
        const auto f = co_await self.receive<coact::child_failed>();
        self.send(c, 1);
        self.send(c, 2);
        CHECK(self.stop(f.who));
        downs.push_back(co_await self.receive<coact::down>());
    });
    rt.run();
    REQUIRE(downs.size() == 1);
    CHECK(downs[0].reason.failed());
    CHECK(downs[0].reason.what() == "negative -5");
    CHECK_FALSE(rt.try_lookup("w"));
    CHECK(rt.stats().dead_letters == 2);
    CHECK(rt.stats().failed == 1);  // counted once, when it failed
    CHECK(j.bodies == 1);
}

TEST_CASE("restart of a live child closes it and starts it again in place, keeping its queue",
          "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    coact::address child;
    rt.spawn([&](coact::context& self) -> coact::actor {
        child = self.spawn(coact::spawn_options{.supervisor = self.address()}, worker, std::ref(j));
        self.send(child, 1);
        co_await self.sleep(std::chrono::milliseconds(1));  // it runs and waits again
        CHECK(self.restart(child));
        self.send(child, 2);
        co_return;
    });
    rt.run();
    CHECK(j.bodies == 2);
    CHECK(j.closed == 1);
    CHECK(j.got == std::vector<int>{1, 2});
    CHECK(rt.stats().restarts == 1);
    CHECK(rt.stats().actors == 1);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("restart is refused to an actor that is not the supervisor, and false once ended",
          "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    const coact::address plain = rt.spawn(worker, std::ref(j));
    std::string refused;
    bool after_end = true;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            self.restart(plain);
        } catch (const coact::error& e) {
            refused = e.what();
        }
        const coact::address c = self.spawn(coact::spawn_options{.supervisor = self.address()},
                                            [](coact::context&) -> coact::actor { co_return; });
        self.monitor(c);
        co_await self.receive<coact::down>();  // it returned: ended for good
        after_end = self.restart(c);
    });
    rt.run();
    CHECK(refused.find("is not supervised by") != std::string::npos);
    CHECK_FALSE(after_end);
}

TEST_CASE("a child whose supervisor has ended is not held: it ends as failed",
          "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    coact::address child;
    rt.spawn([&](coact::context& self) -> coact::actor {
        child = self.spawn(coact::spawn_options{.name = "orphan", .supervisor = self.address()},
                           worker, std::ref(j));
        co_return;  // the supervisor ends at once
    });
    rt.run();
    std::vector<coact::down> downs;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(child);
        self.send(child, -1);
        downs.push_back(co_await self.receive<coact::down>());
    });
    rt.run();
    REQUIRE(downs.size() == 1);
    CHECK(downs[0].reason.failed());
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("shutdown ends held children and counts their queued messages", "[actor][supervised]") {
    coact::runtime rt(test_options());
    journal j;
    rt.spawn([&](coact::context& self) -> coact::actor {
        const coact::address c =
            self.spawn(coact::spawn_options{.supervisor = self.address()}, worker, std::ref(j));
        self.send(c, -1);
        co_await self.receive<coact::child_failed>();
        for (int i = 0; i < 3; ++i) self.send(c, i);
        for (;;) co_await self.receive<int>();  // never decides
    });
    rt.run();
    CHECK(rt.stats().actors == 2);
    CHECK(rt.shutdown() == 3);
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("no message is lost across many restarts while senders keep sending by name",
          "[actor][supervised][stress]") {
    coact::runtime rt(test_options());
    constexpr int per_sender = 5000;
    constexpr int senders = 3;
    std::atomic<int> taken{0};  // every message a body took, the failing ones included
    std::atomic<int> bodies{0};
    rt.spawn("sup", [&](coact::context& self) -> coact::actor {
        self.spawn(coact::spawn_options{.name = "flaky", .supervisor = self.address()},
                   [&](coact::context& child) -> coact::actor {
                       bodies.fetch_add(1);
                       for (;;) {
                           const int n = co_await child.receive<int>();
                           taken.fetch_add(1);
                           if (n % 250 == 0)
                               throw std::runtime_error("flaky at " + std::to_string(n));
                       }
                   });
        for (;;) {
            const auto f = co_await self.receive<coact::child_failed>();
            self.restart(f.who);
        }
    });
    rt.run();  // "flaky" is registered before anyone sends to it
    for (int s = 0; s < senders; ++s) {
        rt.spawn([&, s](coact::context& self) -> coact::actor {
            for (int i = 1; i <= per_sender; ++i) {
                self.send("flaky", s * per_sender + i);
                if (i % 64 == 0) co_await self.sleep(std::chrono::microseconds(1));  // interleave
            }
        });
    }
    rt.run();
    CHECK(taken.load() == senders * per_sender);
    CHECK(bodies.load() == 1 + senders * per_sender / 250);
    CHECK(rt.stats().restarts == static_cast<std::uint64_t>(senders * per_sender / 250));
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("restarts of a live child racing with its own failures lose no message",
          "[actor][supervised][stress]") {
    coact::runtime rt(test_options());
    constexpr int messages = 4000;
    std::atomic<int> taken{0};
    std::atomic<int> bodies{0};
    std::atomic<int> restarts_asked{0};
    rt.spawn([&](coact::context& self) -> coact::actor {
        const coact::address c =
            self.spawn(coact::spawn_options{.supervisor = self.address()},
                       [&](coact::context& child) -> coact::actor {
                           bodies.fetch_add(1);
                           for (;;) {
                               const int n = co_await child.receive<int>();
                               taken.fetch_add(1);
                               if (n % 97 == 0)
                                   throw std::runtime_error("fails at " + std::to_string(n));
                           }
                       });
        for (int i = 1; i <= messages; ++i) {
            self.send(c, i);
            if (i % 50 == 0) {
                self.restart(c);  // live (closed and started again) or held (started again)
                restarts_asked.fetch_add(1);
                co_await self.sleep(std::chrono::microseconds(1));
            }
        }
        // The failures not yet answered: restart each held child it hears of, until quiet.
        for (;;) {
            const auto f =
                co_await self.receive_for<coact::child_failed>(std::chrono::milliseconds(200));
            if (!f) break;
            self.restart(f->who);
        }
        self.stop(c);
    });
    rt.run();
    CHECK(taken.load() == messages);  // none lost: restarts keep the queue
    // A body restarted again before its first turn never ran its first line: restarts count
    // the bodies made, `bodies` the ones that started.
    CHECK(rt.stats().restarts >= static_cast<std::uint64_t>(bodies.load() - 1));
    CHECK(rt.stats().restarts >= static_cast<std::uint64_t>(messages / 97));  // every failure
    CHECK(rt.stats().dead_letters == 0);
}
