// scaling_bench.cpp — the actor workloads with 1 and 2 workers (runtime_options::workers), to read
// what the work-stealing scheduler gains, and costs, against single-threaded mode in one run:
//   pingpong           one pair by address: every message hands the turn to the other actor,
//                      nothing to run in parallel
//   pingpong/100_pairs 100 independent pairs, each exchanging 4,096 messages per iteration: the
//                      workload that should scale
//   threadring         503 actors in a ring passing one token: nothing to run in parallel
//   counting           a producer sends 2^18 ints to a counter, then asks it for the sum
//   fjthrput           4,096 messages from outside (rt.send) to each of 60 actors
//   fanout/small/1000  1 publisher, 1,000 subscribers, 16 int64 publications per iteration
//   spawn              spawn 100,000 actors that wait in receive, run() so all start, shutdown()
//   fairness/long_turn an actor sends, then computes 20 ms without a co_await (50 rounds; with
//                      1 worker the message always waits the whole turn): counters
//                      wait_median_ms, wait_max_ms, rounds_waiting_whole_turn
//   idle/serve         serve() with nothing to do; counter cpu_s_per_s
//   idle/timer         run() while the only actor sleeps 1 s on a timer; counter cpu_s_per_s
// Every benchmark takes the worker count as its argument (workers:1, workers:2, and workers:0 for
// the work-stealing scheduler on one thread; set
// COACT_BENCH_MAX_WORKERS=N to add 4, 8, ... up to N on a bigger machine). The workloads are the
// ones of bench_actors (actor_workloads.hpp): the runtime is made once per benchmark, one untimed
// warm-up round runs first, and every iteration is a fixed amount of work ending when rt.run()
// returns, i.e. when no worker has anything left to do. Several threads work at once, so rates
// are per second of wall-clock time (UseRealTime) and cpu_time is the CPU time of the whole
// process (MeasureProcessCPUTime): cpu_time / real_time is how many cores the run kept busy.
// The idle benchmarks report cpu_s_per_s, the process's CPU seconds per wall-clock second while
// the runtime waits, measured over one second per iteration.
//
// design.md's targets (work-stealing mode, on 2 cores): pingpong/100_pairs with 2 workers >= 1.7x
// one worker; no workload more than 2x slower with 2 workers than with 1; an idle 2-worker runtime
// under 0.05 CPU-seconds per second.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <system_error>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

#include "actor_workloads.hpp"
#include "cpu_clock.hpp"

using namespace std::chrono_literals;

namespace {

constexpr int relay_messages = 1 << 18;  // pingpong, threadring: messages per iteration
constexpr int pairs = 100;
constexpr int pair_messages = 1 << 12;  // per pair and iteration
constexpr int counted = 1 << 18;
constexpr std::size_t fjthrput_actors = 60;
constexpr int fjthrput_messages = 1 << 12;  // per actor and iteration
constexpr std::uint64_t subscribers = 1000;
constexpr std::size_t spawned = 100'000;
constexpr auto idle_window = 1s;  // what an idle benchmark measures, per iteration

/// COACT_BENCH_MAX_WORKERS, or 2 when unset; exits with a message when it is not 1 to 1024.
long max_workers() {
    const char* text = std::getenv("COACT_BENCH_MAX_WORKERS");
    if (text == nullptr || *text == '\0') return 2;
    const std::string_view value(text);
    long max = 0;
    const auto [end, status] = std::from_chars(value.data(), value.data() + value.size(), max);
    if (status != std::errc() || end != value.data() + value.size() || max < 1 || max > 1024) {
        std::fprintf(stderr, "bench_scaling: COACT_BENCH_MAX_WORKERS must be 1 to 1024, not '%s'\n",
                     text);
        std::exit(2);
    }
    return max;
}

/// The benchmark argument "workers": 1 and 2, then 4, 8, ... below COACT_BENCH_MAX_WORKERS, and
/// that maximum itself; and 0, which stands for the work-stealing scheduler on one thread
/// (runtime_options::work_stealing), so that it can be compared with itself on two.
void worker_counts(benchmark::internal::Benchmark* b) {
    const long max = max_workers();
    b->ArgName("workers")->Arg(0)->Arg(1)->Arg(2);
    for (long w = 4; w < max; w *= 2) b->Arg(w);
    if (max > 2) b->Arg(max);
}

/// The workloads: worker_counts, rates per wall-clock second, cpu_time of the whole process.
void scaling(benchmark::internal::Benchmark* b) {
    worker_counts(b);
    b->UseRealTime()->MeasureProcessCPUTime();
}

coact::runtime_options options(const benchmark::State& state) {
    if (state.range(0) == 0) return {.workers = 1, .work_stealing = true};
    return {.workers = static_cast<unsigned>(state.range(0))};
}

// ---- workloads -------------------------------------------------------------------------------

void pingpong(benchmark::State& state) {
    coact::runtime rt{options(state)};
    const coact::address ping = workload::spawn_pair(rt);
    workload::run_relays(state, rt, {ping}, relay_messages);
}

void pingpong_pairs(benchmark::State& state) {
    coact::runtime rt{options(state)};
    std::vector<coact::address> pings;
    for (int p = 0; p < pairs; ++p) pings.push_back(workload::spawn_pair(rt));
    workload::run_relays(state, rt, pings, pair_messages);
}

void threadring(benchmark::State& state) {
    coact::runtime rt{options(state)};
    const coact::address first = workload::spawn_ring(rt, workload::ring_size);
    workload::run_relays(state, rt, {first}, relay_messages);
}

void counting(benchmark::State& state) {
    coact::runtime rt{options(state)};
    workload::run_counting(state, rt, counted);
}

void fjthrput(benchmark::State& state) {
    coact::runtime rt{options(state)};
    workload::run_fjthrput(state, rt, fjthrput_actors, fjthrput_messages);
}

void fanout_small(benchmark::State& state) {
    coact::runtime rt{options(state)};
    const coact::address publisher = workload::spawn_fanout<std::int64_t>(rt, subscribers);
    workload::run_fanout<std::int64_t>(state, rt, publisher, subscribers);
}

/// One runtime for all iterations, made before the timing: spawn N idle actors, run() until each
/// has started and waits in receive, shutdown(). N items per iteration.
void spawn(benchmark::State& state) {
    coact::runtime rt{options(state)};
    auto round = [&rt] {
        for (std::size_t i = 0; i < spawned; ++i) rt.spawn(workload::idle);
        rt.run();
        const bool all_alive = rt.stats().actors == spawned;
        rt.shutdown();
        return all_alive;
    };
    bool right = round();  // warm-up: the frame pool and the cell table reach their size
    for (auto _ : state) right = round() && right;
    workload::expect(state, right, "not every actor was alive");
    state.SetItemsProcessed(static_cast<std::int64_t>(spawned) * state.iterations());
}

// ---- idle CPU --------------------------------------------------------------------------------

/// Process CPU seconds and wall-clock seconds, summed over an idle benchmark's measured windows.
struct idle_totals {
    double cpu = 0;
    double wall = 0;

    void add(const cpu_meter& meter) {
        cpu += meter.cpu_seconds();
        wall += meter.wall_seconds();
    }
    void report(benchmark::State& state) const {
        state.counters["cpu_s_per_s"] = wall > 0 ? cpu / wall : 0.0;
    }
};

/// serve() with no actor at all. A second thread lets serve() settle (its workers started and
/// parked), measures one idle_window, then calls request_stop(): what a server burns between
/// requests.
void idle_serve(benchmark::State& state) {
    coact::runtime rt{options(state)};
    idle_totals totals;
    for (auto _ : state) {
        std::thread stopper([&rt, &totals] {
            std::this_thread::sleep_for(100ms);
            const cpu_meter meter;
            std::this_thread::sleep_for(idle_window);
            totals.add(meter);
            rt.request_stop();
        });
        rt.serve();
        stopper.join();
    }
    totals.report(state);
}

coact::actor sleeper(coact::context& self) { co_await self.sleep(idle_window); }

/// run() while the only actor sleeps for idle_window on a real-time timer: nothing to do but wait
/// for the deadline. The measurement covers the whole run(), wake-up included.
void idle_timer(benchmark::State& state) {
    coact::runtime rt{options(state)};
    idle_totals totals;
    bool right = true;
    for (auto _ : state) {
        rt.spawn(sleeper);
        const cpu_meter meter;
        rt.run();  // returns once the timer has fired and the sleeper has ended
        totals.add(meter);
        right = right && rt.stats().actors == 0;
    }
    workload::expect(state, right, "the sleeper was still alive");
    totals.report(state);
}

/// One round per iteration: an actor sends a message to another, then computes for
/// `long_turn_work` without a co_await. Counters: how long the message waited before the other
/// actor took it (median and worst over the iterations, in ms), and in how many rounds it waited
/// for the whole computation. Issue 18's target, with 2 workers: under 5 ms, every time.
void fairness_long_turn(benchmark::State& state) {
    using clock_type = std::chrono::steady_clock;
    constexpr auto long_turn_work = 20ms;
    coact::runtime rt{options(state)};
    std::vector<double> waits;
    long whole_turn = 0;
    for (auto _ : state) {
        clock_type::time_point sent;
        clock_type::time_point handled;
        const coact::address other = rt.spawn([&](coact::context& self) -> coact::actor {
            co_await self.receive<int>();
            handled = clock_type::now();
        });
        const coact::address busy = rt.spawn([&, other](coact::context& self) -> coact::actor {
            co_await self.receive<int>();
            sent = clock_type::now();
            self.send(other, 1);
            while (clock_type::now() - sent < long_turn_work) {
            }
        });
        rt.send(busy, 1);
        rt.run();  // both ended: what they wrote is seen here
        const std::chrono::duration<double, std::milli> wait = handled - sent;
        waits.push_back(wait.count());
        if (handled - sent >= long_turn_work) ++whole_turn;
    }
    std::sort(waits.begin(), waits.end());
    state.counters["wait_median_ms"] = waits.empty() ? 0 : waits[waits.size() / 2];
    state.counters["wait_max_ms"] = waits.empty() ? 0 : waits.back();
    state.counters["rounds_waiting_whole_turn"] = static_cast<double>(whole_turn);
}

}  // namespace

BENCHMARK(pingpong)->Name("pingpong")->Apply(scaling);
BENCHMARK(pingpong_pairs)->Name("pingpong/100_pairs")->Apply(scaling);
BENCHMARK(threadring)->Name("threadring")->Apply(scaling);
BENCHMARK(counting)->Name("counting")->Apply(scaling);
BENCHMARK(fjthrput)->Name("fjthrput")->Apply(scaling);
BENCHMARK(fanout_small)->Name("fanout/small/1000")->Apply(scaling);
BENCHMARK(spawn)->Name("spawn")->Apply(scaling)->Unit(benchmark::kMillisecond);
BENCHMARK(fairness_long_turn)
    ->Name("fairness/long_turn")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(50)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(idle_serve)
    ->Name("idle/serve")
    ->Apply(worker_counts)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(idle_timer)
    ->Name("idle/timer")
    ->Apply(worker_counts)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
