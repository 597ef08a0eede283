// coact_peer — coact's side of the peer benchmarks (README.md in this directory): the six
// workloads, written as a coact user would, timed round by round, one JSON line per round.
//
//   coact_peer <workload> <workers> <rounds> <n> [<m>]
//
// The actors are those of bench_actors and bench_scaling (actor_workloads.hpp), so the figures
// compare with theirs. A round ends when rt.run() returns: no actor has anything left to do.
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <coact/coact.hpp>

#include "../actor_workloads.hpp"

namespace {

using clock_type = std::chrono::steady_clock;

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "coact_peer: %s\n"
                 "usage: coact_peer <workload> <workers> <rounds> <n> [<m>]\n"
                 "  workloads: pingpong n | threadring n | counting n | fanout n m | spawn n |"
                 " pairs n m\n",
                 why);
    std::exit(2);
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "coact_peer: %s\n", what.c_str());
    std::exit(1);
}

long long number(const char* text, const char* what, long long low, long long high) {
    const std::string_view s(text);
    long long value = 0;
    const auto [end, status] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (status != std::errc() || end != s.data() + s.size() || value < low || value > high) {
        usage((std::string(what) + " must be a whole number from " + std::to_string(low) + " to " +
               std::to_string(high) + ", not '" + std::string(s) + "'")
                  .c_str());
    }
    return value;
}

struct settings {
    std::string workload;
    unsigned workers = 1;
    int rounds = 1;
    int n = 0;
    int m = 0;
};

/// Runs `round` once untimed, then `rounds` times timed, printing one line per timed round.
/// `round` does one round's work and returns its items, or throws when the work was wrong.
void measure(const settings& s, coact::runtime& rt, const std::function<std::uint64_t()>& round) {
    static_cast<void>(round());  // warm-up: pools, queues and the heap reach their working size
    for (int r = 1; r <= s.rounds; ++r) {
        const clock_type::time_point start = clock_type::now();
        const std::uint64_t items = round();
        const std::chrono::duration<double> took = clock_type::now() - start;
        std::printf(
            "{\"system\":\"coact\",\"version\":\"%s\",\"workload\":\"%s\",\"workers\":%u,"
            "\"threads\":%u,\"round\":%d,\"items\":%llu,\"seconds\":%.6f}\n",
            COACT_PEER_VERSION, s.workload.c_str(), s.workers, rt.options().workers, r,
            static_cast<unsigned long long>(items), took.count());
        std::fflush(stdout);
    }
    if (rt.stats().dead_letters != 0) fail("dead letters in " + s.workload);
}

/// Checks that a round delivered exactly `want` messages, and returns them as its items.
std::uint64_t delivered_since(const coact::runtime& rt, std::uint64_t before, std::uint64_t want,
                              const std::string& workload) {
    const std::uint64_t got = rt.stats().delivered - before;
    if (got != want) {
        fail(workload + ": " + std::to_string(got) + " messages delivered, expected " +
             std::to_string(want));
    }
    return got;
}

/// An actor that waits for one message and ends: what `spawn` creates.
coact::actor once(coact::context& self) { static_cast<void>(co_await self.receive<int>()); }

void run(const settings& s) {
    coact::runtime rt{coact::runtime_options{.workers = s.workers}};
    const auto n = static_cast<std::uint64_t>(s.n);
    const auto m = static_cast<std::uint64_t>(s.m);
    if (s.workload == "pingpong" || s.workload == "threadring" || s.workload == "pairs") {
        std::vector<coact::address> starts;
        if (s.workload == "threadring") {
            starts.push_back(workload::spawn_ring(rt, workload::ring_size));
        } else {
            const std::uint64_t count = s.workload == "pairs" ? m : 1;
            for (std::uint64_t p = 0; p < count; ++p) starts.push_back(workload::spawn_pair(rt));
        }
        rt.run();  // every actor starts (and the ring is wired)
        measure(s, rt, [&] {
            const std::uint64_t before = rt.stats().delivered;
            for (const coact::address& a : starts) rt.send(a, s.n - 1);
            rt.run();
            return delivered_since(rt, before, n * starts.size(), s.workload);
        });
    } else if (s.workload == "counting") {
        long long result = 0;
        const coact::address sink = rt.spawn(workload::counter);
        const coact::address source = rt.spawn(workload::producer, sink, &result);
        rt.run();
        const long long sum = static_cast<long long>(n) * static_cast<long long>(n + 1) / 2;
        measure(s, rt, [&] {
            result = 0;
            rt.send(source, s.n);
            rt.run();
            if (result != sum) {
                fail("counting: the sum is " + std::to_string(result) + ", expected " +
                     std::to_string(sum));
            }
            return n;
        });
    } else if (s.workload == "fanout") {
        const coact::address publisher = workload::spawn_fanout<std::int64_t>(rt, m);
        measure(s, rt, [&] {
            const std::uint64_t before = rt.stats().delivered;
            rt.send(publisher, s.n);
            rt.run();
            // The publisher's own message, then n publications to each of the m subscribers.
            return delivered_since(rt, before, 1 + n * m, s.workload) - 1;
        });
    } else if (s.workload == "spawn") {
        std::vector<coact::address> spawned;
        spawned.reserve(n);
        measure(s, rt, [&] {
            const std::uint64_t before = rt.stats().delivered;
            spawned.clear();
            for (std::uint64_t i = 0; i < n; ++i) spawned.push_back(rt.spawn(once));
            for (const coact::address& a : spawned) rt.send(a, 1);
            rt.run();
            if (rt.stats().actors != 0) fail("spawn: actors still alive after the round");
            return delivered_since(rt, before, n, s.workload);
        });
    } else {
        usage(("unknown workload '" + s.workload + "'").c_str());
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 5) usage("too few arguments");
    settings s;
    s.workload = argv[1];
    s.workers = static_cast<unsigned>(number(argv[2], "workers", 1, 256));
    s.rounds = static_cast<int>(number(argv[3], "rounds", 1, 1000));
    s.n = static_cast<int>(number(argv[4], "n", 1, 1'000'000'000));
    const bool two = s.workload == "fanout" || s.workload == "pairs";
    if (argc != (two ? 6 : 5)) usage(two ? "this workload takes n and m" : "this workload takes n");
    if (two) s.m = static_cast<int>(number(argv[5], "m", 1, 1'000'000));
    try {
        run(s);
    } catch (const std::exception& e) {
        fail(s.workload + ": " + e.what());
    }
    return 0;
}
