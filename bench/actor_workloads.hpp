// actor_workloads.hpp — the Savina actor workloads that both bench_actors (actors_bench.cpp, the
// default single-threaded runtime) and bench_scaling (scaling_bench.cpp, 1, 2, ... workers) run:
// the actors, how they are wired, and the timed loops with their checks.
//
// A benchmark builds the runtime and hands it to a run_* function, which starts the actors, runs
// one untimed warm-up round (pools, queues and the heap reach their working size), then does one
// fixed amount of work per iteration, each ending when rt.run() returns (no actor has anything
// left to do), and fails the benchmark (SkipWithError) when the work done is not the work it
// claims to measure. Items are messages (deliveries for fan-out).
//
//   void pingpong(benchmark::State& state) {
//       coact::runtime rt;
//       const coact::address ping = workload::spawn_pair(rt);
//       workload::run_relays(state, rt, {ping}, 1 << 20);   // 2^20 messages per iteration
//   }
//
// Threads: the spawn_* and run_* functions belong to the benchmark's thread (they spawn and run);
// the actors run wherever the runtime runs them. Nothing here depends on how the actors of a
// multi-threaded runtime interleave: a result is read only once run() has returned, and checked.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include <coact/coact.hpp>

namespace workload {

inline constexpr int ring_size = 503;              // Savina's threadring
inline constexpr int publications_per_round = 16;  // fan-out: publications per iteration
using page = std::array<unsigned char, 4096>;      // fan-out's large payload

/// Fails the benchmark if the workload did not do what it claims to measure.
inline void expect(benchmark::State& state, bool ok, const char* what) {
    if (!ok) state.SkipWithError(what);
}

inline std::uint64_t delivered(const coact::runtime& rt) { return rt.stats().delivered; }

// ---- relays: ping-pong and the thread ring ----

inline coact::actor relay_to(coact::context& self, coact::address next) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n > 0) self.send(next, n - 1);
    }
}

inline coact::actor relay_to_sender(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n > 0) self.send(self.sender(), n - 1);
    }
}

// A ring member learns its successor from its first message.
inline coact::actor ring_member(coact::context& self) {
    const coact::address next = co_await self.receive<coact::address>();
    for (;;) {
        const int n = co_await self.receive<int>();
        if (n > 0) self.send(next, n - 1);
    }
}

/// Spawns a ping-pong pair by address (ping gets pong's address as a spawn argument, pong
/// answers self.sender()); returns ping's address.
inline coact::address spawn_pair(coact::runtime& rt) {
    const coact::address pong = rt.spawn(relay_to_sender);
    return rt.spawn(relay_to, pong);
}

/// Spawns `size` ring members and sends each its successor's address (the last gets the first);
/// returns the first member's address. The wiring is delivered by the next run().
inline coact::address spawn_ring(coact::runtime& rt, int size) {
    std::vector<coact::address> ring;
    for (int i = 0; i < size; ++i) ring.push_back(rt.spawn(ring_member));
    for (std::size_t i = 0; i < ring.size(); ++i) rt.send(ring[i], ring[(i + 1) % ring.size()]);
    return ring.front();
}

/// Per iteration, sends n - 1 to each of `starts` (the first actor of a pair or a ring) and runs:
/// n messages per start. The chains are independent, so with several workers they run at once.
inline void run_relays(benchmark::State& state, coact::runtime& rt,
                       const std::vector<coact::address>& starts, int n) {
    rt.run();  // every actor starts and waits in receive
    for (const coact::address& s : starts) rt.send(s, n - 1);  // warm-up
    rt.run();
    const std::uint64_t before = delivered(rt);
    for (auto _ : state) {
        for (const coact::address& s : starts) rt.send(s, n - 1);
        rt.run();
    }
    const std::uint64_t messages = delivered(rt) - before;
    expect(state, messages == starts.size() * static_cast<std::uint64_t>(n) * state.iterations(),
           "wrong message count");
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}

// ---- counting: a producer sends N ints to a counter, then asks it for the sum ----

struct sum_request {};

inline coact::actor counter(coact::context& self) {
    long long sum = 0;
    for (;;) {
        co_await self.receive([&](int value) { sum += value; },
                              [&](sum_request) { self.reply(std::exchange(sum, 0)); });
    }
}

inline coact::actor producer(coact::context& self, coact::address counter, long long* result) {
    const sum_request request;
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 1; i <= n; ++i) self.send(counter, i);
        *result = co_await self.ask<long long>(counter, request);
    }
}

/// Per iteration: the producer sends 1..n to the counter and asks for the sum, which is checked
/// once run() has returned. n items per iteration.
inline void run_counting(benchmark::State& state, coact::runtime& rt, int n) {
    long long result = 0;
    const coact::address sink = rt.spawn(counter);
    const coact::address source = rt.spawn(producer, sink, &result);
    rt.run();
    rt.send(source, n);  // warm-up: the first burst of n envelopes faults the heap in
    rt.run();
    const long long sum = static_cast<long long>(n) * (n + 1) / 2;
    bool right = result == sum;
    for (auto _ : state) {
        result = 0;  // a lost reply must not pass for the previous round's sum
        rt.send(source, n);
        rt.run();
        right = right && result == sum;
    }
    expect(state, right, "wrong sum");
    state.SetItemsProcessed(static_cast<std::int64_t>(n) * state.iterations());
}

// ---- fjthrput: N messages from outside to each of K actors ----

inline coact::actor throughput_worker(coact::context& self) {
    long long sum = 0;
    for (;;) {
        sum += co_await self.receive<int>();
        benchmark::DoNotOptimize(sum);
    }
}

/// Spawns `actors` throughput workers; per iteration sends n messages to each (rt.send, from the
/// benchmark's thread) and runs.
inline void run_fjthrput(benchmark::State& state, coact::runtime& rt, std::size_t actors, int n) {
    std::vector<coact::address> workers;
    for (std::size_t k = 0; k < actors; ++k) workers.push_back(rt.spawn(throughput_worker));
    rt.run();
    for (const coact::address& w : workers) rt.send(w, 0);
    rt.run();
    const std::uint64_t before = delivered(rt);
    for (auto _ : state) {
        for (int i = 0; i < n; ++i) {
            for (const coact::address& w : workers) rt.send(w, i);
        }
        rt.run();
    }
    const std::uint64_t messages = delivered(rt) - before;
    expect(state, messages == actors * static_cast<std::uint64_t>(n) * state.iterations(),
           "wrong message count");
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}

// ---- fan-out: one publisher, S subscribers; an item is one delivery ----

template <class Payload>
coact::actor fanout_subscriber(coact::context& self) {
    self.subscribe("bench.fanout");
    for (;;) {
        co_await self.receive([](const Payload& p) {
            if constexpr (std::is_integral_v<Payload>) {
                benchmark::DoNotOptimize(p);
            } else {
                benchmark::DoNotOptimize(p[0]);
            }
        });
    }
}

template <class Payload>
Payload make_payload(int i) {
    if constexpr (std::is_integral_v<Payload>) {
        return static_cast<Payload>(i);
    } else {
        Payload p;
        p.fill(static_cast<unsigned char>(i));
        return p;
    }
}

template <class Payload>
coact::actor fanout_publisher(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        for (int i = 0; i < n; ++i) self.publish("bench.fanout", make_payload<Payload>(i));
    }
}

/// Spawns `subscribers` subscribers and a publisher, and runs until every subscriber has
/// subscribed (so that none misses a publication, however the workers share them); returns the
/// publisher's address.
template <class Payload>
coact::address spawn_fanout(coact::runtime& rt, std::uint64_t subscribers) {
    for (std::uint64_t k = 0; k < subscribers; ++k) rt.spawn(fanout_subscriber<Payload>);
    const coact::address publisher = rt.spawn(fanout_publisher<Payload>);
    rt.run();
    return publisher;
}

/// Per iteration: the publisher makes `publications` publications (by publish, or by
/// send to each subscriber) and the runtime runs until every subscriber has taken them.
template <class Payload>
void run_fanout(benchmark::State& state, coact::runtime& rt, coact::address publisher,
                std::uint64_t subscribers, int publications = publications_per_round) {
    rt.send(publisher, publications);  // warm-up
    rt.run();
    const std::uint64_t before = delivered(rt);
    for (auto _ : state) {
        rt.send(publisher, publications);
        rt.run();
    }
    // Each round: the publisher's own message plus one delivery per subscriber and publication.
    const std::uint64_t messages = delivered(rt) - before - state.iterations();
    expect(state,
           messages == subscribers * static_cast<std::uint64_t>(publications) * state.iterations(),
           "wrong delivery count");
    expect(state, rt.stats().dead_letters == 0, "dead letters");
    state.SetItemsProcessed(static_cast<std::int64_t>(messages));
}

// ---- spawn ----

/// An actor that waits in receive for ever: what spawn benchmarks create.
inline coact::actor idle(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        benchmark::DoNotOptimize(n);
    }
}

}  // namespace workload
