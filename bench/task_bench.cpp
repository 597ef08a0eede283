// task_bench.cpp — tasks, futures, the thread pool and offload, each next to a reference.
//
//   task_await_chain/D        one task awaiting a chain of D nested tasks (each awaits the next
//                             and adds 1); an item is one await. Every await goes through the
//                             thread's task loop (no native stack per level)
//   reference/call_chain/D    the same sum by D nested plain function calls (not inlined)
//   pool_submit_get           thread_pool::submit of a trivial job, then get(): one round trip
//                             to a pool thread and back; an item is one round trip
//   reference/async_get       std::async(std::launch::async) of the same job, then get()
//                             (libstdc++ starts a thread each time)
//   task_pool_await           a task co_awaiting pool.submit(...) in a loop: the round trip plus
//                             the task's trip through its loop
//   offload/workers:W         an actor co_awaiting self.offload(job) in a loop, with W scheduler
//                             threads: the round trip through the runtime's pool and back
//   reference/ask             an actor co_awaiting ask() of another actor in a loop: the same
//                             suspend/resume as a reply, without leaving the thread
// Items per wall-clock second: the round trips involve two threads.
#include <future>
#include <vector>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

namespace {

coact::task<long> chain(long depth) {
    if (depth == 0) co_return 0;
    const long below = co_await chain(depth - 1);
    co_return below + 1;
}

[[gnu::noinline]] long call_chain(long depth) {
    if (depth == 0) return 0;
    const long below = call_chain(depth - 1);
    benchmark::DoNotOptimize(below);
    return below + 1;
}

void task_await_chain(benchmark::State& state) {
    const long depth = state.range(0);
    for (auto _ : state) {
        const long r = coact::run(chain(depth));
        if (r != depth) state.SkipWithError("wrong chain result");
    }
    state.SetItemsProcessed(state.iterations() * depth);
}
BENCHMARK(task_await_chain)->ArgName("depth")->Arg(1000)->Arg(100000);

void reference_call_chain(benchmark::State& state) {
    const long depth = state.range(0);
    for (auto _ : state) {
        if (call_chain(depth) != depth) state.SkipWithError("wrong chain result");
    }
    state.SetItemsProcessed(state.iterations() * depth);
}
BENCHMARK(reference_call_chain)->Name("reference/call_chain")->ArgName("depth")->Arg(1000);

void pool_submit_get(benchmark::State& state) {
    coact::thread_pool pool{1};
    int n = 0;
    for (auto _ : state) {
        n = pool.submit([n] { return n + 1; }).get();
    }
    if (n != static_cast<int>(state.iterations())) state.SkipWithError("lost a job");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(pool_submit_get)->UseRealTime();

void reference_async_get(benchmark::State& state) {
    int n = 0;
    for (auto _ : state) {
        n = std::async(std::launch::async, [n] { return n + 1; }).get();
    }
    if (n != static_cast<int>(state.iterations())) state.SkipWithError("lost a job");
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(reference_async_get)->Name("reference/async_get")->UseRealTime();

constexpr int round_trips = 10'000;  // per iteration, for the loops below

coact::task<int> pool_loop(coact::thread_pool& pool, int n) {
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += co_await pool.submit([] { return 1; });
    co_return sum;
}

void task_pool_await(benchmark::State& state) {
    coact::thread_pool pool{1};
    for (auto _ : state) {
        if (coact::run(pool_loop(pool, round_trips)) != round_trips) {
            state.SkipWithError("lost a job");
        }
    }
    state.SetItemsProcessed(state.iterations() * round_trips);
}
BENCHMARK(task_pool_await)->UseRealTime();

void offload(benchmark::State& state) {
    coact::runtime rt{{.workers = static_cast<unsigned>(state.range(0)), .offload_threads = 1}};
    const coact::address a = rt.spawn([](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            int sum = 0;
            for (int i = 0; i < n; ++i) sum += co_await self.offload([] { return 1; });
            benchmark::DoNotOptimize(sum);
        }
    });
    for (auto _ : state) {
        rt.send(a, round_trips);
        rt.run();
    }
    state.SetItemsProcessed(state.iterations() * round_trips);
}
BENCHMARK(offload)->ArgName("workers")->Arg(1)->Arg(2)->UseRealTime();

void reference_ask(benchmark::State& state) {
    coact::runtime rt;
    const coact::address server = rt.spawn([](coact::context& self) -> coact::actor {
        for (;;) self.reply(co_await self.receive<int>() + 1);
    });
    const coact::address a = rt.spawn([server](coact::context& self) -> coact::actor {
        for (;;) {
            const int n = co_await self.receive<int>();
            int sum = 0;
            for (int i = 0; i < n; ++i) sum += co_await self.ask<int>(server, 0);
            benchmark::DoNotOptimize(sum);
        }
    });
    for (auto _ : state) {
        rt.send(a, round_trips);
        rt.run();
    }
    state.SetItemsProcessed(state.iterations() * round_trips);
}
BENCHMARK(reference_ask)->Name("reference/ask")->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
