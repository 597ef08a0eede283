// self.monitor(target): a coact::down with the target's address and exit_reason when it ends.
#include <atomic>
#include <chrono>
#include <exception>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"

using coact_test::test_options;

namespace {

coact::actor waits_for_int(coact::context& self) {
    const int n = co_await self.receive<int>();
    if (n < 0) throw std::runtime_error("negative: " + std::to_string(n));
}

coact::actor waits_forever(coact::context& self) {
    for (;;) co_await self.receive<int>();
}

// Monitors `target`, tells it `go`, and records the down it gets.
struct watcher_log {
    std::vector<coact::down> downs;
};

coact::actor watcher(coact::context& self, coact::address target, int go, watcher_log& log) {
    self.monitor(target);
    self.send(target, go);
    log.downs.push_back(co_await self.receive<coact::down>());
}

}  // namespace

TEST_CASE("a monitor gets down with reason normal when its target returns", "[actor][monitor]") {
    coact::runtime rt(test_options());
    watcher_log log;
    const coact::address target = rt.spawn(waits_for_int);
    rt.spawn(watcher, target, 1, std::ref(log));
    rt.run();
    REQUIRE(log.downs.size() == 1);
    CHECK(log.downs[0].who == target);
    CHECK(log.downs[0].reason.normal());
    CHECK(log.downs[0].reason.kind == coact::exit_kind::normal);
    CHECK(log.downs[0].reason.what() == "normal");
    CHECK_FALSE(log.downs[0].reason.error);
}

TEST_CASE("a monitor gets down with reason failed and the exception when its target fails",
          "[actor][monitor]") {
    coact::runtime rt(test_options());
    watcher_log log;
    const coact::address target = rt.spawn(waits_for_int);
    rt.spawn(watcher, target, -3, std::ref(log));
    rt.run();
    REQUIRE(log.downs.size() == 1);
    const coact::exit_reason& r = log.downs[0].reason;
    CHECK(r.failed());
    CHECK(r.what() == "negative: -3");
    REQUIRE(r.error);
    CHECK_THROWS_AS(std::rethrow_exception(r.error), std::runtime_error);
    CHECK(rt.stats().failed == 1);
}

TEST_CASE("a monitor gets down with reason closed when its target is stopped", "[actor][monitor]") {
    coact::runtime rt(test_options());
    std::vector<coact::down> downs;
    const coact::address target = rt.spawn(waits_forever);
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(target);
        self.stop(target);
        downs.push_back(co_await self.receive<coact::down>());
    });
    rt.run();
    REQUIRE(downs.size() == 1);
    CHECK(downs[0].reason.closed());
    CHECK(downs[0].reason.what() == "closed");
}

TEST_CASE("monitoring an actor that has ended gives a down with reason no_actor at once",
          "[actor][monitor]") {
    coact::runtime rt(test_options());
    const coact::address gone = rt.spawn(waits_for_int);
    rt.send(gone, 1);
    rt.run();
    REQUIRE(rt.stats().actors == 0);
    std::vector<coact::down> downs;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(gone);
        downs.push_back(co_await self.receive<coact::down>());
    });
    rt.run();
    REQUIRE(downs.size() == 1);
    CHECK(downs[0].who == gone);
    CHECK(downs[0].reason.kind == coact::exit_kind::no_actor);
    CHECK(downs[0].reason.what() == "no actor");
}

TEST_CASE("monitor by name, and several monitors of one target each get a down",
          "[actor][monitor]") {
    coact::runtime rt(test_options());
    rt.spawn("target", waits_for_int);
    rt.spawn("starter", [](coact::context& self) -> coact::actor {
        for (int i = 0; i < 3; ++i) co_await self.receive<int>();  // every monitor is in place
        self.send("target", 5);
    });
    std::atomic<int> downs{0};
    for (int i = 0; i < 3; ++i) {
        rt.spawn([&](coact::context& self) -> coact::actor {
            self.monitor("target");
            self.send("starter", 1);
            const coact::down d = co_await self.receive<coact::down>();
            if (d.reason.normal()) ++downs;
        });
    }
    rt.run();
    CHECK(downs.load() == 3);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("a monitor that ends first is forgotten: its target's end makes no dead letter",
          "[actor][monitor]") {
    coact::runtime rt(test_options());
    const coact::address target = rt.spawn(waits_forever);
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(target);
        co_return;  // ends without waiting for the down
    });
    rt.run();
    rt.stop(target);
    rt.run();
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("monitor refuses a null address, itself, and an unknown name", "[actor][monitor]") {
    coact::runtime rt(test_options());
    std::vector<std::string> errors;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            self.monitor(coact::address{});
        } catch (const coact::error& e) {
            errors.emplace_back(e.what());
        }
        try {
            self.monitor(self.address());
        } catch (const coact::error& e) {
            errors.emplace_back(e.what());
        }
        try {
            self.monitor("nobody");
        } catch (const coact::no_such_actor& e) {
            errors.emplace_back(e.what());
        }
        co_return;
    });
    rt.run();
    REQUIRE(errors.size() == 3);
    CHECK_THAT(errors[0], Catch::Contains("null"));
    CHECK_THAT(errors[1], Catch::Contains("itself"));
    CHECK_THAT(errors[2], Catch::Contains("nobody"));
}

TEST_CASE("shutdown with monitors in place sends no down and counts only queued messages",
          "[actor][monitor]") {
    coact::runtime rt(test_options());
    const coact::address target = rt.spawn(waits_forever);
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(target);
        co_await self.receive<int>();
    });
    rt.run();
    CHECK(rt.shutdown() == 0);
    CHECK(rt.stats().actors == 0);
}

TEST_CASE("a monitor racing with its target's end gets exactly one down",
          "[actor][monitor][stress]") {
    coact::runtime rt(test_options());
    constexpr int pairs = 300;
    std::atomic<int> normal{0}, no_actor{0}, other{0};
    std::vector<coact::address> targets;
    for (int i = 0; i < pairs; ++i) targets.push_back(rt.spawn(waits_for_int));
    for (int i = 0; i < pairs; ++i) {
        // One actor ends the target while another monitors it: in the work-stealing mode the two
        // run on different threads, and the monitor lands before or after the end.
        rt.spawn(
            [&, t = targets[static_cast<std::size_t>(i)]](coact::context& self) -> coact::actor {
                self.send(t, 1);
                co_return;
            });
        rt.spawn(
            [&, t = targets[static_cast<std::size_t>(i)]](coact::context& self) -> coact::actor {
                self.monitor(t);
                const coact::down d = co_await self.receive<coact::down>();
                if (d.reason.normal()) {
                    ++normal;
                } else if (d.reason.kind == coact::exit_kind::no_actor) {
                    ++no_actor;
                } else {
                    ++other;
                }
                // Exactly one: a second down would wait here and fail the count below.
                const std::optional<coact::down> again =
                    co_await self.receive_for<coact::down>(std::chrono::milliseconds(1));
                if (again) ++other;
            });
    }
    rt.run();
    CHECK(normal.load() + no_actor.load() == pairs);
    CHECK(other.load() == 0);
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("exit_reason, down and exit have the contract's shape (§5)", "[actor][monitor]") {
    const coact::exit_reason failed{.kind = coact::exit_kind::failed,
                                    .error = std::make_exception_ptr(std::runtime_error("boom"))};
    CHECK(failed.failed());
    CHECK(failed.what() == "boom");
    const coact::exit_reason normal{};
    CHECK(normal.kind == coact::exit_kind::normal);
    CHECK(normal.what() == "normal");
    CHECK(coact::exit_reason{.kind = coact::exit_kind::closed, .error = nullptr}.what() ==
          "closed");
    CHECK(coact::exit_reason{.kind = coact::exit_kind::no_actor, .error = nullptr}.what() ==
          "no actor");
    CHECK(coact::exit_reason{.kind = coact::exit_kind::failed, .error = nullptr}.what() ==
          "failed");  // no error
    const coact::down d{.who = coact::address{}, .reason = failed};
    const coact::exit e{.who = coact::address{}, .reason = failed};
    CHECK(d.reason.error == failed.error);
    CHECK(e.reason.what() == "boom");
    CHECK_FALSE(d.who);
}

TEST_CASE("demonitor takes one monitor back: no down comes for it", "[actor][monitor]") {
    coact::runtime rt(test_options());
    const coact::address target =
        rt.spawn([](coact::context& self) -> coact::actor { co_await self.receive<int>(); });
    std::vector<bool> results;
    int downs = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(target);
        self.monitor(target);  // two monitors: two downs, unless taken back
        results.push_back(self.demonitor(target));
        self.send(target, 1);  // it returns
        (void)co_await self.receive<coact::down>();
        ++downs;
        results.push_back(self.demonitor(target));  // it has ended: nothing left to take back
        const auto more = co_await self.receive_for<coact::down>(std::chrono::milliseconds(20));
        if (more) ++downs;
    });
    rt.run();
    CHECK(results == std::vector<bool>{true, false});
    CHECK(downs == 1);
    CHECK(rt.stats().dead_letters == 0);
}
