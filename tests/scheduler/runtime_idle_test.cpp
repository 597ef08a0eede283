// A work-stealing runtime with nothing to do sleeps in the kernel: its workers park instead of
// spinning (design.md: under 0.05 CPU-seconds per second for 2 workers waiting on a timer).
// CPU time is measured for the whole process, so it also counts the worker threads.
#include <time.h>

#include <atomic>
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

using namespace std::chrono_literals;

namespace {

double process_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wall_seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

TEST_CASE("a 2-worker runtime waiting on a timer uses almost no CPU", "[scheduler][idle]") {
    coact::runtime rt({.workers = 2});
    std::atomic<bool> woke{false};
    rt.spawn([&](coact::context& self) -> coact::actor {
        co_await self.sleep(500ms);
        woke = true;
    });
    rt.run();  // the first run starts the second worker thread
    REQUIRE(woke);

    woke = false;
    rt.spawn([&](coact::context& self) -> coact::actor {
        co_await self.sleep(500ms);
        woke = true;
    });
    const double cpu0 = process_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    rt.run();  // the worker threads exist already: only parking is measured
    const double wall = wall_seconds_since(t0);
    const double cpu = process_cpu_seconds() - cpu0;
    REQUIRE(woke);
    CHECK(wall >= 0.5);
    CHECK(cpu / wall < 0.05);
}

TEST_CASE("a 2-worker runtime serving nothing uses almost no CPU", "[scheduler][idle]") {
    coact::runtime rt({.workers = 2});
    std::thread stopper([&] {
        std::this_thread::sleep_for(500ms);
        rt.request_stop();
    });
    const double cpu0 = process_cpu_seconds();
    const auto t0 = std::chrono::steady_clock::now();
    rt.serve();
    const double wall = wall_seconds_since(t0);
    const double cpu = process_cpu_seconds() - cpu0;
    stopper.join();
    CHECK(wall >= 0.45);
    CHECK(cpu / wall < 0.05);
}

TEST_CASE("a 2-worker runtime with no actor returns from run() at once", "[scheduler][idle]") {
    coact::runtime rt({.workers = 2});
    for (int i = 0; i < 100; ++i) rt.run();  // each run: wake the second worker, quiesce, wait
    CHECK(rt.stats().delivered == 0);
}
