// coact::detail::owner_guard: the owner's sections and a thief's never overlap
// (scheduler/work_stealing/owner_guard.hpp). Each side writes plain memory inside its section
// that the other reads inside its own, so a broken guard is a torn read here and a data race
// under ThreadSanitizer.
#include "scheduler/work_stealing/owner_guard.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include <catch2/catch.hpp>

#include "actors/support/watchdog.hpp"
#include "support/asymmetric_fence.hpp"

using namespace std::chrono_literals;
using coact::detail::owner_guard;

namespace {

bool membarrier_works() {
    coact::detail::asymmetric_fence::prepare();
    return coact::detail::asymmetric_fence::registered.load();
}

}  // namespace

TEST_CASE("a thief waits for the owner's section to end, and the owner for the thief's",
          "[owner_guard]") {
    if (!membarrier_works()) {
        WARN("membarrier is not available here: the guard cannot be stolen from");
        return;
    }
    owner_guard guard;
    std::atomic<int> stage{0};

    SECTION("the thief waits while the owner is inside") {
        guard.enter();
        std::thread thief([&] {
            stage.store(1);
            REQUIRE(guard.begin_steal());
            stage.store(2);
            guard.end_steal();
        });
        while (stage.load() == 0) std::this_thread::yield();
        std::this_thread::sleep_for(50ms);
        CHECK(stage.load() == 1);  // still waiting for the owner
        guard.leave();
        thief.join();
        CHECK(stage.load() == 2);
    }

    SECTION("the owner waits while a thief is inside, and a second thief is refused") {
        REQUIRE(guard.begin_steal());
        std::thread owner([&] {
            stage.store(1);
            guard.enter();
            stage.store(2);
            guard.leave();
        });
        while (stage.load() == 0) std::this_thread::yield();
        std::this_thread::sleep_for(50ms);
        CHECK(stage.load() == 1);
        std::thread second([&] { CHECK_FALSE(guard.begin_steal()); });
        second.join();
        guard.end_steal();
        owner.join();
        CHECK(stage.load() == 2);
    }
}

TEST_CASE("an owner entering a million times and thieves stealing meanwhile never overlap",
          "[owner_guard][stress]") {
    if (!membarrier_works()) {
        WARN("membarrier is not available here: the guard cannot be stolen from");
        return;
    }
    owner_guard guard;
    // Written inside the sections only, by both sides: plain memory on purpose.
    std::uint64_t first = 0;
    std::uint64_t second = 0;
    std::atomic<bool> done{false};
    std::atomic<std::uint64_t> torn{0};
    std::atomic<std::uint64_t> steals{0};
    coact_test::watchdog dog(60s, [&] { done.store(true); });
    std::thread thief([&] {
        while (!done.load(std::memory_order_relaxed)) {
            if (!guard.begin_steal()) continue;
            if (first != second) torn.fetch_add(1);
            first += 1;
            second += 1;
            guard.end_steal();
            steals.fetch_add(1, std::memory_order_relaxed);
            std::this_thread::sleep_for(10us);
        }
    });
    // A million entries, and on until the thief has been in 200 times.
    for (long i = 0; i < 1'000'000 || steals.load(std::memory_order_relaxed) < 200; ++i) {
        guard.enter();
        if (first != second) torn.fetch_add(1);
        first += 2;
        // Nothing orders these two stores for the thief but the guard.
        second += 2;
        guard.leave();
        if (done.load(std::memory_order_relaxed)) break;  // the watchdog fired
    }
    done.store(true);
    thief.join();
    dog.cancel();
    REQUIRE_FALSE(dog.fired());
    CHECK(torn.load() == 0);
    CHECK(first == second);
    CHECK(steals.load() >= 200);
}
