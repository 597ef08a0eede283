// Other threads and the single-threaded scheduler: send() and request_stop() from anywhere,
// everything else only from the scheduler's thread. Every wait here is bounded by a watchdog.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/child_process.hpp"
#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

struct numbered {
    int producer;
    int seq;
};

// Counts messages and checks that each producer's numbers arrive in order.
struct tally {
    explicit tally(int producers) : next(static_cast<std::size_t>(producers), 0) {}
    std::vector<int> next;  // the seq expected next from each producer
    int out_of_order = 0;
    std::atomic<int> received{0};

    void take(const numbered& m) {
        int& expected = next.at(static_cast<std::size_t>(m.producer));
        if (m.seq != expected) ++out_of_order;
        expected = m.seq + 1;
        received.fetch_add(1, std::memory_order_release);
    }
};

// Waits (bounded) until `flag` is set.
bool wait_for(const std::atomic<bool>& flag, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!flag.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

}  // namespace

TEST_CASE("rt.send from 4 threads while serve() runs delivers every message in per-sender order",
          "[actor][threads]") {
    constexpr int producers = 4;
    constexpr int per_producer = 10'000;
    coact::runtime rt(test_options());
    tally t(producers);
    std::atomic<bool> serving{false};
    rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        serving.store(true, std::memory_order_release);
        for (;;) {
            t.take(co_await self.receive<numbered>());
            if (t.received.load(std::memory_order_relaxed) == producers * per_producer) {
                self.runtime().request_stop();
            }
        }
    });
    std::vector<std::thread> threads;
    std::atomic<int> send_errors{0};
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            if (!wait_for(serving, 20s)) return;
            try {
                for (int i = 0; i < per_producer; ++i) {
                    if (i % 2 == 0) {
                        rt.send("sink", numbered{p, i});
                    } else {
                        const numbered m{p, i};
                        rt.send(rt.try_lookup("sink"), m);
                    }
                }
            } catch (...) {
                send_errors.fetch_add(1);
            }
        });
    }
    coact_test::watchdog dog(60s, [&] { rt.request_stop(); });
    rt.serve();
    dog.cancel();
    for (std::thread& th : threads) th.join();

    CHECK_FALSE(dog.fired());
    CHECK(send_errors.load() == 0);
    CHECK(t.received.load() == producers * per_producer);
    CHECK(t.out_of_order == 0);
    CHECK(rt.stats().delivered == producers * per_producer);
    CHECK(rt.stats().dead_letters == 0);
}

TEST_CASE("serve() on another thread takes messages sent from this one until request_stop()",
          "[actor][threads]") {
    constexpr int count = 10'000;
    coact::runtime rt(test_options());
    tally t(1);
    std::atomic<bool> started{false};
    std::atomic<bool> closed_by_stop{false};
    rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        started.store(true, std::memory_order_release);
        for (;;) t.take(co_await self.receive<numbered>());
    });
    rt.spawn("victim", [&](coact::context& self) -> coact::actor {
        try {
            for (;;) co_await self.receive<int>();
        } catch (const coact::generator_exit&) {
            closed_by_stop.store(true, std::memory_order_release);
            throw;
        }
    });
    std::thread scheduler([&] { rt.serve(); });
    coact_test::watchdog dog(60s, [&] { rt.request_stop(); });
    const bool began = wait_for(started, 20s);
    for (int i = 0; i < count && began; ++i) rt.send("sink", numbered{0, i});
    CHECK(rt.stop("victim"));  // from this thread: queued for the scheduler
    // Both must have happened before request_stop(): serve() leaves what is still queued, and the
    // close may come after the sink's last message (with several workers, or a fast sink).
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while ((t.received.load(std::memory_order_acquire) < count ||
            !closed_by_stop.load(std::memory_order_acquire)) &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    rt.request_stop();
    scheduler.join();
    dog.cancel();

    CHECK(began);
    CHECK_FALSE(dog.fired());
    CHECK(t.received.load() == count);
    CHECK(t.out_of_order == 0);
    CHECK(closed_by_stop.load());
    CHECK_FALSE(rt.try_lookup("victim"));
}

TEST_CASE("run() while another thread sends returns at quiescence each time", "[actor][threads]") {
    constexpr int count = 10'000;
    coact::runtime rt(test_options());
    tally t(1);
    rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        for (;;) t.take(co_await self.receive<numbered>());
    });
    rt.run();  // the sink waits
    coact_test::watchdog dog(60s, "run() while another thread sends");
    std::thread producer([&] {
        for (int i = 0; i < count; ++i) {
            rt.send("sink", numbered{0, i});
            if (i % 1000 == 0) std::this_thread::sleep_for(1ms);
        }
    });
    int runs = 0;
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (t.received.load() < count && std::chrono::steady_clock::now() < deadline) {
        rt.run();  // returns whenever it has caught up, even though more will come
        ++runs;
        std::this_thread::sleep_for(100us);
    }
    producer.join();
    rt.run();
    dog.cancel();
    CHECK(runs >= 1);
    CHECK(t.received.load() == count);
    CHECK(t.out_of_order == 0);
}

// The modes differ here, as documented (docs/concepts/actors.md, "The work-stealing mode"): with
// one worker rt.spawn belongs to the scheduler's thread; with several it may come from any thread.
TEST_CASE(
    "rt.spawn from another thread while run() is active throws coact::error with one worker, and "
    "starts the actor with several",
    "[actor][threads]") {
    coact::runtime rt(test_options());
    std::atomic<bool> running{false};
    std::atomic<bool> done{false};
    int turns = 0;
    rt.spawn("ticker", [&](coact::context& self) -> coact::actor {
        running.store(true, std::memory_order_release);
        // Keeps run() active (sleeping on a timer) until the other thread is done; at most ~10s.
        while (!done.load(std::memory_order_acquire) && turns < 10'000) {
            ++turns;
            co_await self.sleep(1ms);
        }
    });
    std::string spawn_error;
    bool spawn_threw_other = false;
    std::atomic<bool> intruder_ran{false};
    std::thread other([&] {
        if (wait_for(running, 20s)) {
            try {
                rt.spawn("intruder", [&](coact::context&) -> coact::actor {
                    intruder_ran.store(true);
                    co_return;
                });
            } catch (const coact::error& e) {
                spawn_error = e.what();
            } catch (...) {
                spawn_threw_other = true;
            }
        }
        done.store(true, std::memory_order_release);
    });
    coact_test::watchdog dog(60s, "run() while another thread spawns");
    rt.run();
    other.join();
    dog.cancel();
    CHECK_FALSE(spawn_threw_other);
    CHECK(turns < 10'000);
    CHECK_FALSE(rt.try_lookup("intruder"));  // never made, or made and returned
    if (coact_test::work_stealing) {
        CHECK(spawn_error.empty());
        CHECK(intruder_ran.load());
        CHECK(rt.stats().spawned == 2);
    } else {
        CHECK_FALSE(spawn_error.empty());
        CHECK_FALSE(intruder_ran.load());
        CHECK(rt.stats().spawned == 1);
    }
    CHECK(rt.stats().failed == 0);
}

// Regression: core::enter_run() used to read `core::running`, which only the scheduler thread
// may touch, before it claims the scheduler with the compare-exchange on `run_thread`; it reads
// it twice (the test, then describe(running)), so a second run() from another thread can see an
// actor, then a null pointer, and crash in describe() (SIGSEGV, or UBSan's "member call on null
// pointer"), or throw the wrong "called from inside actor" error; ThreadSanitizer reports the
// race. So the scenario runs in a child process.
TEST_CASE(
    "rt.run() from another thread while run() is active throws coact::error without a data race",
    "[actor][threads]") {
    const coact_test::child_result r = coact_test::run_in_child([] {
        coact::runtime rt(test_options());
        std::atomic<bool> running{false};
        std::atomic<bool> done{false};
        int turns = 0;
        rt.spawn("ticker", [&](coact::context& self) -> coact::actor {
            running.store(true, std::memory_order_release);
            while (!done.load(std::memory_order_acquire) && turns < 10'000) {
                ++turns;
                co_await self.sleep(1ms);
            }
        });
        std::string run_error;
        std::thread other([&] {
            if (wait_for(running, 20s)) {
                try {
                    rt.run();
                } catch (const coact::error& e) {
                    run_error = e.what();
                }
            }
            done.store(true, std::memory_order_release);
        });
        rt.run();
        other.join();
        return !run_error.empty() && turns < 10'000;
    });
    INFO(r.describe());
    CHECK(r.passed());
}

TEST_CASE("calling rt.run() from inside an actor throws coact::error", "[actor][threads]") {
    coact::runtime rt(test_options());
    std::string run_error;
    std::string serve_error;
    rt.spawn("nested", [&](coact::context& self) -> coact::actor {
        try {
            rt.run();
        } catch (const coact::error& e) {
            run_error = e.what();
        }
        try {
            self.runtime().serve();
        } catch (const coact::error& e) {
            serve_error = e.what();
        }
        co_return;
    });
    rt.run();
    CHECK_FALSE(run_error.empty());
    CHECK_FALSE(serve_error.empty());
    CHECK(rt.stats().failed == 0);
}
