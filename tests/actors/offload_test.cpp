// co_await self.offload(fn): blocking work on the runtime's thread pool, resumed as a message.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"

using coact_test::test_options;

TEST_CASE("offload runs fn on another thread and resumes the actor with its result",
          "[actor][offload]") {
    coact::runtime rt(test_options());
    std::thread::id fn_thread;
    std::thread::id actor_before, actor_after;
    int result = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        actor_before = std::this_thread::get_id();
        result = co_await self.offload([&] {
            fn_thread = std::this_thread::get_id();
            return 6 * 7;
        });
        actor_after = std::this_thread::get_id();
    });
    rt.run();  // returns only once the offload's result was taken
    CHECK(result == 42);
    CHECK(fn_thread != std::this_thread::get_id());
    CHECK(fn_thread != actor_after);
    if (!coact_test::work_stealing) {
        CHECK(actor_before ==
              std::this_thread::get_id());  // the scheduler's thread, not the pool's
        CHECK(actor_after == std::this_thread::get_id());
    }
    CHECK(rt.stats().failed == 0);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("an exception thrown by offloaded work is rethrown in the actor", "[actor][offload]") {
    coact::runtime rt(test_options());
    std::string caught;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.offload([]() -> int { throw std::runtime_error("disk on fire"); });
        } catch (const std::runtime_error& e) {
            caught = e.what();
        }
    });
    rt.run();
    CHECK(caught == "disk on fire");
    CHECK(rt.stats().failed == 0);
}

TEST_CASE("an uncaught exception from offloaded work fails the actor", "[actor][offload]") {
    coact::runtime rt(test_options());
    rt.spawn([](coact::context& self) -> coact::actor {
        co_await self.offload([] { throw std::logic_error("bad"); });
    });
    rt.run();
    CHECK(rt.stats().failed == 1);
}

TEST_CASE("offloaded work does not block the scheduler: other actors run meanwhile",
          "[actor][offload]") {
    coact::runtime rt(test_options());
    std::atomic<bool> release{false};
    bool waited = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        // The work waits until another actor has taken ten messages: if the scheduler were
        // blocked in the offload, it never would (the limit turns that into a failure, not a
        // hang).
        waited = co_await self.offload([&] {
            const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
            while (!release.load()) {
                if (std::chrono::steady_clock::now() > limit) return false;
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            return true;
        });
    });
    int taken = 0;
    const coact::address counter = rt.spawn([&](coact::context& self) -> coact::actor {
        while (taken < 10) {
            co_await self.receive<int>();
            ++taken;
        }
        release = true;
    });
    for (int i = 0; i < 10; ++i) rt.send(counter, i);
    rt.run();
    CHECK(taken == 10);
    CHECK(waited);
}

TEST_CASE("messages arriving during an offload wait in order for the next receive",
          "[actor][offload]") {
    coact::runtime rt(test_options());
    std::vector<int> seen;
    int product = 0;
    std::atomic<bool> sent{false};
    const coact::address a = rt.spawn([&](coact::context& self) -> coact::actor {
        product = co_await self.offload([&] {
            while (!sent.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 3 * 5;
        });
        for (int i = 0; i < 3; ++i) seen.push_back(co_await self.receive<int>());
    });
    rt.spawn([&](coact::context& self) -> coact::actor {
        for (int i = 1; i <= 3; ++i) self.send(a, i);
        sent = true;
        co_return;
    });
    rt.run();
    CHECK(product == 15);
    CHECK(seen == std::vector<int>{1, 2, 3});
}

TEST_CASE("many actors offloading at once each get their own result", "[actor][offload]") {
    coact::runtime rt(test_options({.offload_threads = 3}));
    constexpr int actors = 200;
    std::vector<int> results(actors, -1);
    for (int i = 0; i < actors; ++i) {
        rt.spawn([&, i](coact::context& self) -> coact::actor {
            int sum = 0;
            for (int k = 0; k < 5; ++k) sum += co_await self.offload([i, k] { return i * 10 + k; });
            results[static_cast<std::size_t>(i)] = sum;
        });
    }
    rt.run();
    for (int i = 0; i < actors; ++i) {
        INFO("actor " << i);
        CHECK(results[static_cast<std::size_t>(i)] == 50 * i + 10);
    }
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("a stopped actor's late offload result becomes a dead letter", "[actor][offload]") {
    coact::runtime rt(test_options());
    std::atomic<bool> finish{false};
    bool resumed = false;
    const coact::address a = rt.spawn([&](coact::context& self) -> coact::actor {
        co_await self.offload([&] {
            while (!finish.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
            return 1;
        });
        resumed = true;
    });
    rt.spawn([&](coact::context& self) -> coact::actor {
        self.stop(a);
        co_return;
    });
    rt.run();  // a is closed by the stop: nothing waits for the offload any more
    CHECK_FALSE(resumed);
    CHECK(rt.stats().actors == 0);
    CHECK(rt.stats().dead_letters == 0);
    finish = true;  // now the result comes, to nobody
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (rt.stats().dead_letters == 0 && std::chrono::steady_clock::now() < limit) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        rt.run();  // single-threaded mode takes it from the injection queue here
    }
    CHECK(rt.stats().dead_letters == 1);
    CHECK_FALSE(resumed);
}

TEST_CASE("offload with no offload threads is refused with a message", "[actor][offload]") {
    coact::runtime rt(test_options({.offload_threads = 0}));
    std::string error;
    rt.spawn([&](coact::context& self) -> coact::actor {
        try {
            co_await self.offload([] { return 1; });
        } catch (const coact::error& e) {
            error = e.what();
        }
    });
    rt.run();
    CHECK_THAT(error, Catch::Contains("offload_threads is 0"));
}

namespace {
std::size_t count_chars(const std::string& s) { return s.size(); }
}  // namespace

TEST_CASE("offload passes its extra arguments to the function, by value", "[actor][offload]") {
    coact::runtime rt(test_options());
    std::size_t a = 0, b = 0;
    rt.spawn([&](coact::context& self) -> coact::actor {
        const std::string text(100, 'y');  // on the heap, not in the small-string buffer
        a = co_await self.offload(count_chars, text);
        auto job = [text] { return text.size() + 1; };  // a capturing lambda, named first
        b = co_await self.offload(std::move(job));
    });
    rt.run();
    CHECK(a == 100);
    CHECK(b == 101);
}
