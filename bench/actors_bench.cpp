// actors_bench.cpp — coact's actors against the hand-written coroutine loop, side by side.
//
// Savina workloads (single-threaded runtime, the default; the actors and timed loops are in
// actor_workloads.hpp, shared with bench_scaling), each next to its reference in
// reference_loop.hpp where one exists, so that ratios come from one run on one machine:
//   reference/pingpong     the practical limit: a std::deque of (coroutine, int) pairs
//   pingpong/by_name       two actors, each sending to the other's name (one-entry name cache)
//   pingpong/by_address    the same with addresses: ping gets pong's address as a spawn
//                          argument, pong answers self.sender()
//   pingpong/traced        pingpong/by_address with tracing on (runtime_options::trace)
//   reference/threadring   503 bare coroutines in a ring passing a token
//   threadring             503 actors in a ring (wired by sending each its successor's address)
//   counting               a producer sends N ints to a counter, then asks it for the sum
//   fjthrput               N messages from outside (rt.send) to each of K actors
//   reference/fanout/S     the loop delivering each of 16 ints to S bare coroutines
//   fanout/small/S         1 publisher, S subscribers to one topic, 8-byte payloads (int64)
//   fanout/large/S         the same with 4 KiB payloads: one shared payload per publication
//   fanout/by_send/large/S the same 4 KiB to each of the S actors by send() (a copy each): what
//                          sharing the payload saves
//   reference/spawn        create N bare coroutines, resume each to its first co_await, destroy
//   spawn                  spawn N actors that wait in receive, run() so all start, shutdown()
// Every benchmark reports items/s (messages, or actors created) per second of CPU time: the
// runtime is single-threaded and never blocks here, and CPU time is steadier than wall-clock
// time on a shared machine. The message benchmarks first run one untimed round, so that pools,
// queues and the heap have their working size. The spawn benchmarks instead start each
// iteration cold (malloc_trim), so both pay for first touching their memory: that cost grows
// with the bytes per actor, and it would otherwise depend on what glibc kept mapped. They also
// report bytes_per_actor: the heap bytes in use while all N are alive and idle, minus those
// before, over N (glibc's mallinfo2, so malloc's own per-block overhead is included).
//
// design.md's targets: pingpong and threadring >= 0.5x their reference, fanout >= 0.3x,
// spawn >= 0.3x, and under 256 bytes per idle actor.
#include <malloc.h>

#include <coroutine>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

#include "actor_workloads.hpp"
#include "reference_loop.hpp"

namespace {

using workload::expect;
using workload::page;
using workload::publications_per_round;
using workload::ring_size;

/// Bytes the heap has handed out and not taken back, malloc's per-block overhead included.
std::size_t heap_in_use() {
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

/// Returns free heap memory to the system, so that what comes next runs on fresh pages (as a
/// program growing to N actors does), whatever earlier benchmarks left mapped; returns
/// heap_in_use().
std::size_t start_cold() {
    malloc_trim(0);
    return heap_in_use();
}

// ---- reference: bare coroutines on a deque --------------------------------------------------

// Passes n - 1 on to `next` until the count reaches zero: ping-pong with two, a ring with 503.
[[gnu::noinline]] reference::actor reference_relay(reference::loop& loop,
                                                   const std::coroutine_handle<>& next) {
    for (;;) {
        const int n = co_await loop.receive();
        if (n > 0) loop.send(next, n - 1);
    }
}

[[gnu::noinline]] reference::actor reference_idle(reference::loop& loop) {
    for (;;) {
        const int n = co_await loop.receive();
        benchmark::DoNotOptimize(n);
    }
}

/// `size` relays in a ring; sending n to the first delivers exactly n messages.
void reference_ring(benchmark::State& state, int size) {
    const int n = static_cast<int>(state.range(0));
    reference::loop loop;
    std::vector<std::coroutine_handle<>> handles(static_cast<std::size_t>(size));
    std::vector<reference::actor> actors;
    actors.reserve(handles.size());
    for (std::size_t i = 0; i < handles.size(); ++i) {
        actors.push_back(reference_relay(loop, handles[(i + 1) % handles.size()]));
        handles[i] = actors.back().handle();
    }
    for (reference::actor& a : actors) a.start();
    loop.send(handles[0], n - 1);  // warm-up: the deque reaches its working size
    loop.run();

    long messages = 0;
    for (auto _ : state) {
        loop.send(handles[0], n - 1);
        messages += loop.run();
    }
    expect(state, messages == n * static_cast<long>(state.iterations()), "wrong message count");
    state.SetItemsProcessed(messages);
}

void reference_pingpong(benchmark::State& state) { reference_ring(state, 2); }
void reference_threadring(benchmark::State& state) { reference_ring(state, ring_size); }

void reference_spawn(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    reference::loop loop;
    double bytes = 0;
    for (auto _ : state) {
        state.PauseTiming();
        const std::size_t before = start_cold();
        state.ResumeTiming();
        std::vector<reference::actor> actors;  // 8 bytes each, as coact's cells are counted too
        actors.reserve(n);
        for (std::size_t i = 0; i < n; ++i) {
            actors.push_back(reference_idle(loop));
            actors.back().start();
        }
        state.PauseTiming();
        bytes += static_cast<double>(heap_in_use() - before) / static_cast<double>(n);
        state.ResumeTiming();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
    state.counters["bytes_per_actor"] = bytes / static_cast<double>(state.iterations());
}

// ---- coact (the workloads are in actor_workloads.hpp) -------------------------------------

coact::actor relay_by_name(coact::context& self, std::string next) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n > 0) self.send(next, n - 1);
    }
}

int messages(const benchmark::State& state) { return static_cast<int>(state.range(0)); }

void pingpong_by_name(benchmark::State& state) {
    coact::runtime rt;
    const coact::address ping = rt.spawn("ping", relay_by_name, std::string("pong"));
    rt.spawn("pong", relay_by_name, std::string("ping"));
    workload::run_relays(state, rt, {ping}, messages(state));
}

void pingpong_by_address(benchmark::State& state) {
    coact::runtime rt;
    const coact::address ping = workload::spawn_pair(rt);
    workload::run_relays(state, rt, {ping}, messages(state));
}

// Tracing on (docs/concepts/observability.md): the same ping-pong, every turn, send and take
// recorded in the scheduler's ring; the file goes to /dev/null when the runtime ends, after the
// timed loop.
void pingpong_traced(benchmark::State& state) {
    coact::runtime rt{{.trace = "/dev/null"}};
    const coact::address ping = workload::spawn_pair(rt);
    workload::run_relays(state, rt, {ping}, messages(state));
}

void threadring(benchmark::State& state) {
    coact::runtime rt;
    const coact::address first = workload::spawn_ring(rt, ring_size);
    workload::run_relays(state, rt, {first}, messages(state));
}

void counting(benchmark::State& state) {
    coact::runtime rt;
    workload::run_counting(state, rt, messages(state));
}

void fjthrput(benchmark::State& state) {
    coact::runtime rt;
    workload::run_fjthrput(state, rt, static_cast<std::size_t>(state.range(0)),
                           static_cast<int>(state.range(1)));
}

// --- fanout: one publisher, S subscribers; an item is one delivery ---

// The same deliveries by send(): every subscriber gets its own copy of the payload.
coact::actor send_to_all_publisher(coact::context& self, std::vector<coact::address> targets) {
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 0; i < n; ++i) {
            const page p = workload::make_payload<page>(i);
            for (const coact::address& t : targets) self.send(t, p);
        }
    }
}

/// The hand-written fan-out: for each publication, one (subscriber, int) pair per subscriber on
/// the deque, then the loop resumes each subscriber once per pair.
void reference_fanout(benchmark::State& state) {
    const auto subscribers = static_cast<std::size_t>(state.range(0));
    reference::loop loop;
    std::vector<reference::actor> actors;
    std::vector<std::coroutine_handle<>> handles;
    actors.reserve(subscribers);
    for (std::size_t k = 0; k < subscribers; ++k) {
        actors.push_back(reference_idle(loop));
        handles.push_back(actors.back().handle());
        actors.back().start();
    }
    auto round = [&] {
        for (int i = 0; i < publications_per_round; ++i) {
            for (const std::coroutine_handle<>& h : handles) loop.send(h, i);
        }
        return loop.run();
    };
    round();  // warm-up: the deque reaches its working size
    long messages = 0;
    for (auto _ : state) messages += round();
    expect(state,
           messages == static_cast<long>(subscribers) * publications_per_round * state.iterations(),
           "wrong delivery count");
    state.SetItemsProcessed(messages);
}

template <class Payload>
void fanout(benchmark::State& state) {
    const auto subscribers = static_cast<std::uint64_t>(state.range(0));
    coact::runtime rt;
    const coact::address publisher = workload::spawn_fanout<Payload>(rt, subscribers);
    workload::run_fanout<Payload>(state, rt, publisher, subscribers);
}

void fanout_by_send(benchmark::State& state) {
    const auto subscribers = static_cast<std::uint64_t>(state.range(0));
    coact::runtime rt;
    std::vector<coact::address> targets;
    for (std::uint64_t k = 0; k < subscribers; ++k)
        targets.push_back(rt.spawn(workload::fanout_subscriber<page>));
    const coact::address publisher = rt.spawn(send_to_all_publisher, targets);
    rt.run();
    workload::run_fanout<page>(state, rt, publisher, subscribers);
}

void spawn(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    double bytes = 0;
    bool right = true;
    for (auto _ : state) {
        state.PauseTiming();
        const std::size_t before = start_cold();
        state.ResumeTiming();
        coact::runtime rt;  // a fresh one: its cells are part of what N actors cost
        for (std::size_t i = 0; i < n; ++i) rt.spawn(workload::idle);
        rt.run();  // each actor starts and suspends in receive
        state.PauseTiming();
        bytes += static_cast<double>(heap_in_use() - before) / static_cast<double>(n);
        right = right && rt.stats().actors == n;
        state.ResumeTiming();
        rt.shutdown();
    }
    expect(state, right, "not every actor was alive");
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
    state.counters["bytes_per_actor"] = bytes / static_cast<double>(state.iterations());
}

}  // namespace

BENCHMARK(reference_pingpong)->Name("reference/pingpong")->Arg(1 << 20);
BENCHMARK(pingpong_by_name)->Name("pingpong/by_name")->Arg(1 << 20);
BENCHMARK(pingpong_by_address)->Name("pingpong/by_address")->Arg(1 << 20);
BENCHMARK(pingpong_traced)->Name("pingpong/traced")->Arg(1 << 20);
BENCHMARK(reference_threadring)->Name("reference/threadring")->Arg(1 << 20);
BENCHMARK(threadring)->Name("threadring")->Arg(1 << 20);
BENCHMARK(counting)->Name("counting")->Arg(1 << 18);
BENCHMARK(fjthrput)->Name("fjthrput")->Args({60, 1 << 12});
BENCHMARK(reference_fanout)->Name("reference/fanout")->Arg(1000);
BENCHMARK(fanout<std::int64_t>)->Name("fanout/small")->Arg(1000);
BENCHMARK(fanout<page>)->Name("fanout/large")->Arg(1000);
BENCHMARK(fanout_by_send)->Name("fanout/by_send/large")->Arg(1000);
BENCHMARK(reference_spawn)->Name("reference/spawn")->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(spawn)->Name("spawn")->Arg(1'000'000)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
