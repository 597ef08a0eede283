// fault_bench — what fault tolerance costs (issue 7), each figure next to its reference in the
// same run:
//   put/unbounded vs put/bounded/<capacity>: a producer co_awaits self.put of N ints to a
//     consumer, unbounded (put is then a plain send) or bounded with overflow::wait
//     (backpressure: the producer waits whenever `capacity` are queued). Items: messages.
//   restart vs respawn: a child fails on every message. restart: it is supervised and its
//     supervisor restarts it in place (same address, queue kept). respawn: unsupervised, and the
//     parent spawns a new one on its down (what a supervisor without held children would do).
//     Items: failures handled.
//   Failures are logged to stderr by the runtime: run with 2>/dev/null.
#include <cstdint>
#include <stdexcept>
#include <utility>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

#include "actor_workloads.hpp"

namespace {

using workload::expect;

struct done {};

coact::actor consumer(coact::context& self) {
    long long sum = 0;
    for (;;) {
        co_await self.receive([&](int v) { sum += v; },
                              [&](done) { self.reply(std::exchange(sum, 0)); });
    }
}

coact::actor putter(coact::context& self, coact::address to, long long* result) {
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 1; i <= n; ++i) co_await self.put(to, i);
        *result = co_await self.ask<long long>(to, done{});
    }
}

void put(benchmark::State& state) {
    const auto capacity = static_cast<std::uint32_t>(state.range(0));
    constexpr int n = 1 << 16;
    coact::runtime rt;
    long long result = 0;
    const coact::address sink = rt.spawn(
        coact::spawn_options{.capacity = capacity, .overflow = coact::overflow::wait}, consumer);
    const coact::address source = rt.spawn(putter, sink, &result);
    const long long sum = static_cast<long long>(n) * (n + 1) / 2;
    bool right = true;
    for (auto _ : state) {
        rt.send(source, n);
        rt.run();
        right = right && result == sum;
    }
    expect(state, right, "wrong sum");
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}

coact::actor fails_on_each(coact::context& self) {
    co_await self.receive<int>();
    throw std::runtime_error("bench: fails");
}

/// Sends `n` ints to a supervised child, one at a time, restarting it after each failure.
coact::actor restarter(coact::context& self, int* handled) {
    const coact::address child =
        self.spawn(coact::spawn_options{.supervisor = self.address()}, fails_on_each);
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 0; i < n; ++i) {
            self.send(child, i);
            const auto f = co_await self.receive<coact::child_failed>();
            self.restart(f.who);
            ++*handled;
        }
    }
}

/// The same with a new unsupervised child each time, found out through a monitor.
coact::actor respawner(coact::context& self, int* handled) {
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 0; i < n; ++i) {
            const coact::address child = self.spawn(fails_on_each);
            self.monitor(child);
            self.send(child, i);
            co_await self.receive<coact::down>();
            ++*handled;
        }
    }
}

template <bool Supervised>
void failures(benchmark::State& state) {
    constexpr int n = 1000;
    coact::runtime rt;
    int handled = 0;
    const coact::address driver =
        Supervised ? rt.spawn(restarter, &handled) : rt.spawn(respawner, &handled);
    for (auto _ : state) {
        rt.send(driver, n);
        rt.run();
    }
    expect(state, handled == n * static_cast<int>(state.iterations()), "lost a failure");
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}

}  // namespace

BENCHMARK(put)->Name("put/unbounded")->Arg(0);
BENCHMARK(put)->Name("put/bounded")->Arg(1)->Arg(16)->Arg(256);
BENCHMARK(failures<false>)->Name("failure/respawn");
BENCHMARK(failures<true>)->Name("failure/restart");

BENCHMARK_MAIN();
