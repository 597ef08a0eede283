// memory_bench.cpp — workloads with many messages in flight at once, where the cost is memory:
// how a delivery's cost grows with the depth of queueing, and whether the memory a burst took is
// given back after it (issue 18).
//   fanout/queued/P/workers:W  1 publisher, 1,000 subscribers; the publisher makes P publications
//                              in one turn, so P x 1,000 deliveries are queued before any
//                              subscriber runs (W = 1: the single-threaded default; W = 2: the
//                              work-stealing scheduler). Compare the per-delivery rate of P =
//                              20,000 (20 million deliveries queued) with P = 16.
//   counting/deep              a producer sends 2^20 ints to a counter in one turn (all queued),
//                              then asks for the sum; its rounds should agree with each other
//   burst/rss                  per iteration: a fresh runtime, a burst of 2^20 queued messages,
//                              then a period with nothing to do; counters rss_before_mib,
//                              rss_burst_mib (right after the burst), rss_after_mib (after the
//                              idle period) and after_over_before (the target: <= 1.5)
// Items are deliveries (messages). Rates are per second of wall-clock time.
#include <chrono>
#include <cstdint>
#include <thread>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

#include "../tests/actors/support/resident_memory.hpp"
#include "actor_workloads.hpp"

using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t subscribers = 1000;
constexpr int deep = 1 << 20;

/// The resident set of this process, in MiB (the tests' reader of /proc/self/status).
double rss_mib() { return static_cast<double>(coact_test::resident_bytes()) / (1024.0 * 1024.0); }

coact::runtime_options options(const benchmark::State& state) {
    return {.workers = static_cast<unsigned>(state.range(1))};
}

void fanout_queued(benchmark::State& state) {
    coact::runtime rt{options(state)};
    const coact::address publisher = workload::spawn_fanout<std::int64_t>(rt, subscribers);
    workload::run_fanout<std::int64_t>(state, rt, publisher, subscribers,
                                       static_cast<int>(state.range(0)));
}

void counting_deep(benchmark::State& state) {
    coact::runtime rt;
    workload::run_counting(state, rt, deep);
}

void burst_rss(benchmark::State& state) {
    double before = 0;
    double burst = 0;
    double after = 0;
    bool right = true;
    for (auto _ : state) {
        long long sum = 0;
        coact::runtime rt;
        const coact::address sink = rt.spawn(workload::counter);
        const coact::address source = rt.spawn(workload::producer, sink, &sum);
        rt.run();
        before = rss_mib();
        rt.send(source, deep);
        rt.run();
        burst = rss_mib();
        // A period with nothing queued: the pool gives back what it no longer needs where the
        // scheduler next finds nothing to do (the end of a run, here).
        std::this_thread::sleep_for(150ms);
        rt.run();
        after = rss_mib();
        right = right && sum == static_cast<long long>(deep) * (deep + 1) / 2;
    }
    workload::expect(state, right, "wrong sum");
    state.counters["rss_before_mib"] = before;
    state.counters["rss_burst_mib"] = burst;
    state.counters["rss_after_mib"] = after;
    state.counters["after_over_before"] = before > 0 ? after / before : 0;
    state.SetItemsProcessed(static_cast<std::int64_t>(deep) * state.iterations());
}

}  // namespace

BENCHMARK(fanout_queued)
    ->Name("fanout/queued")
    ->ArgNames({"", "workers"})
    ->Args({16, 1})
    ->Args({1000, 1})
    ->Args({20000, 1})
    ->Args({1000, 2})
    ->Args({5000, 1})
    ->Args({5000, 2})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(counting_deep)->Name("counting/deep")->Repetitions(5)->Unit(benchmark::kMillisecond);
BENCHMARK(burst_rss)->Name("burst/rss")->Iterations(1)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
