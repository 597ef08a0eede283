// idle_bench.cpp — what parking idle workers costs (coact::detail::idle_workers and parker), each
// next to a reference in the same run:
//   notify/nobody_parked       notify_work() when no worker is parked: what every send that makes
//                              an actor ready will pay. Per call, from 1 and 2 threads at once.
//   reference/relaxed_load     a relaxed load of a shared std::atomic: the floor for the above.
//   pingpong/idle_workers      two threads, workers 0 and 1 of an idle_workers(2), pass a turn
//                              back and forth: publish (seq_cst store), notify_work(), then park
//                              until the turn comes back. Each hand-over wakes a parked thread.
//   pingpong/parker            the same over two bare parkers (no coordinator).
//   reference/pingpong/condition_variable
//                              the same with one std::mutex, two std::condition_variables and a
//                              turn variable: the textbook way.
//   idle_cpu/2_parked_workers  two workers parked for one second (a third, never parking, keeps
//                              the coordinator from reporting quiescence); the counter
//                              cpu_seconds is the CPU time of the whole process over that second.
// Ping-pong items are round trips per wall-clock second (UseRealTime: two threads take turns).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

#include <benchmark/benchmark.h>

#include "cpu_clock.hpp"
#include "scheduler/work_stealing/idle.hpp"
#include "scheduler/work_stealing/parker.hpp"

namespace {

using coact::detail::idle_workers;
using coact::detail::park_result;
using coact::detail::parker;

std::atomic<std::uint64_t> shared_word{0};

void notify_nobody_parked(benchmark::State& state) {
    static idle_workers idle(2);  // shared by the benchmark's threads; nobody parks
    for (auto _ : state) idle.notify_work();
    state.SetItemsProcessed(state.iterations());
}

void reference_relaxed_load(benchmark::State& state) {
    for (auto _ : state) benchmark::DoNotOptimize(shared_word.load(std::memory_order_relaxed));
    state.SetItemsProcessed(state.iterations());
}

void pingpong_idle_workers(benchmark::State& state) {
    idle_workers idle(2);
    std::atomic<int> turn{0};  // 0: the benchmark thread's, 1: the partner's
    std::atomic<bool> stop{false};
    std::thread partner([&] {
        const auto mine = [&]() noexcept { return turn.load(std::memory_order_seq_cst) == 1; };
        while (!stop.load(std::memory_order_relaxed)) {
            if (mine()) {
                idle.transition_from_searching(1);
                turn.store(0, std::memory_order_seq_cst);
                idle.notify_work();
                continue;
            }
            if (idle.park(1, mine) == park_result::stopped) return;
        }
    });
    const auto mine = [&]() noexcept { return turn.load(std::memory_order_seq_cst) == 0; };
    for (auto _ : state) {
        turn.store(1, std::memory_order_seq_cst);
        idle.notify_work();
        while (!mine()) {
            if (idle.park(0, mine) == park_result::stopped) break;
        }
        idle.transition_from_searching(0);
    }
    stop.store(true, std::memory_order_relaxed);
    idle.unpark_all();
    partner.join();
    state.SetItemsProcessed(state.iterations());
}

void pingpong_parker(benchmark::State& state) {
    parker spots[2];
    std::atomic<int> turn{0};
    std::atomic<bool> stop{false};
    std::thread partner([&] {
        for (;;) {
            while (turn.load(std::memory_order_acquire) != 1) {
                if (stop.load(std::memory_order_acquire)) return;
                spots[1].park();
            }
            turn.store(0, std::memory_order_release);
            spots[0].unpark();
        }
    });
    for (auto _ : state) {
        turn.store(1, std::memory_order_release);
        spots[1].unpark();
        while (turn.load(std::memory_order_acquire) != 0) spots[0].park();
    }
    stop.store(true, std::memory_order_release);
    spots[1].unpark();
    partner.join();
    state.SetItemsProcessed(state.iterations());
}

void reference_pingpong_condition_variable(benchmark::State& state) {
    std::mutex mutex;
    std::condition_variable to_main;
    std::condition_variable to_partner;
    int turn = 0;  // guarded by mutex
    bool stop = false;
    std::thread partner([&] {
        for (;;) {
            {
                std::unique_lock lock(mutex);
                to_partner.wait(lock, [&] { return turn == 1 || stop; });
                if (stop) return;
                turn = 0;
            }
            to_main.notify_one();
        }
    });
    for (auto _ : state) {
        {
            std::lock_guard lock(mutex);
            turn = 1;
        }
        to_partner.notify_one();
        std::unique_lock lock(mutex);
        to_main.wait(lock, [&] { return turn == 0; });
    }
    {
        std::lock_guard lock(mutex);
        stop = true;
    }
    to_partner.notify_one();
    partner.join();
    state.SetItemsProcessed(state.iterations());
}

void idle_cpu_two_parked_workers(benchmark::State& state) {
    for (auto _ : state) {
        idle_workers idle(3);  // worker 2 never parks
        const auto nothing = []() noexcept { return false; };
        std::thread a([&] { idle.park(0, nothing); });
        std::thread b([&] { idle.park(1, nothing); });
        while (idle.parked_approx() != 2) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const double before = process_cpu_seconds();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        state.counters["cpu_seconds"] = process_cpu_seconds() - before;
        idle.unpark_all();
        a.join();
        b.join();
    }
}

}  // namespace

BENCHMARK(notify_nobody_parked)->Name("notify/nobody_parked")->Threads(1)->Threads(2);
BENCHMARK(reference_relaxed_load)->Name("reference/relaxed_load")->Threads(1)->Threads(2);
BENCHMARK(pingpong_idle_workers)->Name("pingpong/idle_workers")->UseRealTime();
BENCHMARK(pingpong_parker)->Name("pingpong/parker")->UseRealTime();
BENCHMARK(reference_pingpong_condition_variable)
    ->Name("reference/pingpong/condition_variable")
    ->UseRealTime();
BENCHMARK(idle_cpu_two_parked_workers)
    ->Name("idle_cpu/2_parked_workers")
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
