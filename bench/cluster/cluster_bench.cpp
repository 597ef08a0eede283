// bench_cluster — messages between two coact nodes next to raw cnats doing the same thing, in
// one run, on a nats-server of its own (127.0.0.1, a free port):
//
//   raw/pingpong        two cnats connections; each message's callback publishes the answer:
//                       one message in flight, SendAsap, global delivery (coact's settings)
//   coact/pingpong      two runtimes joined as nodes "a" and "b"; ping sends to "pong" by name,
//                       pong answers self.sender(): one message in flight (workers:1 and 2)
//   raw/stream          one connection publishes N messages, the other counts them
//   coact/stream        an actor of node b sends N ints to node a's "sink" in one turn
//   raw/request         natsConnection_Request round trips to a responder's subscription
//   coact/ask           co_await self.ask<int>("pong", n) from node b, pong replies
//                       (both also report each round trip's p50_us and p99_us)
//   raw/pairs           100 pairs of subjects, each ping-ponging (one message in flight each)
//   coact/pairs         100 pings on node b, each with its pong on node a ("pong.<i>")
//   coact/idle_node     two joined nodes with nothing to do, two seconds: the counter
//                       cpu_s_per_s_per_node is this process's CPU seconds per second, per node
//   coact/crash_to_down a node in a process of its own (this program, `--lone-node`) is killed
//                       with SIGKILL; the time from the kill to the watcher's down{noconnection}
//                       (manual time; counters median_ms and max_ms), with the servers'
//                       disconnect advisories imported into the nodes' account (1) and without (0)
//
// An item is a round trip (pingpong) or a message (stream). Both sides run in this process and
// share cnats' one delivery thread, as two coact nodes of one process do. The ratio to read is
// coact/x against raw/x of the same run (docs/design/cluster.md).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <ctime>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <nats/nats.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/lone_node.hpp"
#include "cluster/support/node_process.hpp"
#include "cluster/support/nodes.hpp"

namespace {

coact_test::nats_server* server = nullptr;
std::string self_program;  // this program's path: the crash benchmark's victim runs it

constexpr int round_trips = 1000;
constexpr int stream_messages = 100000;
constexpr int pairs = 100;
constexpr int pair_round_trips = 100;  // per pair and iteration

/// A latch the callbacks count down.
struct countdown {
    std::mutex m;
    std::condition_variable cv;
    int left = 0;
    void reset(int n) {
        const std::lock_guard lock(m);
        left = n;
    }
    void hit() {
        const std::lock_guard lock(m);
        if (--left == 0) cv.notify_all();
    }
    /// False after 30 s without the count reaching 0 (messages lost: the benchmark says so).
    bool wait() {
        std::unique_lock lock(m);
        return cv.wait_for(lock, std::chrono::seconds(30), [&] { return left <= 0; });
    }
};

/// Each round trip's time: the median and the 99th percentile become counters (p50_us, p99_us).
struct latencies {
    std::vector<double> us;
    void add(std::chrono::steady_clock::duration d) {
        us.push_back(std::chrono::duration<double, std::micro>(d).count());
    }
    void report(benchmark::State& state) {
        if (us.empty()) return;
        std::sort(us.begin(), us.end());
        state.counters["p50_us"] = us[us.size() / 2];
        state.counters["p99_us"] = us[us.size() * 99 / 100];
    }
};

natsConnection* connect_raw() {
    natsOptions* opts = nullptr;
    natsOptions_Create(&opts);
    natsOptions_SetURL(opts, server->url().c_str());
    natsOptions_SetSendAsap(opts, true);
    natsOptions_UseGlobalMessageDelivery(opts, true);
    natsConnection* nc = nullptr;
    if (natsConnection_Connect(&nc, opts) != NATS_OK) nc = nullptr;
    natsOptions_Destroy(opts);
    return nc;
}

struct raw_pair {
    natsConnection* a = connect_raw();
    natsConnection* b = connect_raw();
    natsSubscription* sa = nullptr;
    natsSubscription* sb = nullptr;
    countdown done;
    ~raw_pair() {
        natsSubscription_Destroy(sa);
        natsSubscription_Destroy(sb);
        natsConnection_Destroy(a);
        natsConnection_Destroy(b);
    }
};

void raw_pingpong(benchmark::State& state) {
    raw_pair p;
    // b answers on b2a; a counts the answer and sends the next on a2b.
    natsConnection_Subscribe(
        &p.sb, p.b, "bench.a2b",
        [](natsConnection* nc, natsSubscription*, natsMsg* m, void*) {
            natsConnection_Publish(nc, "bench.b2a", natsMsg_GetData(m), natsMsg_GetDataLength(m));
            natsMsg_Destroy(m);
        },
        nullptr);
    natsConnection_Subscribe(
        &p.sa, p.a, "bench.b2a",
        [](natsConnection* nc, natsSubscription*, natsMsg* m, void* closure) {
            auto* c = static_cast<countdown*>(closure);
            c->hit();
            bool more = false;
            {
                const std::lock_guard lock(c->m);
                more = c->left > 0;
            }
            if (more) natsConnection_Publish(nc, "bench.a2b", natsMsg_GetData(m), 4);
            natsMsg_Destroy(m);
        },
        &p.done);
    natsConnection_Flush(p.a);
    natsConnection_Flush(p.b);
    for (auto _ : state) {
        p.done.reset(round_trips);
        natsConnection_Publish(p.a, "bench.a2b", "ping", 4);
        if (!p.done.wait()) {
            state.SkipWithError(
                "messages or a round trip lost (remote_lost and remote_dropped in net.stats())");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * round_trips);
}

void raw_stream(benchmark::State& state) {
    raw_pair p;
    natsConnection_Subscribe(
        &p.sb, p.b, "bench.stream",
        [](natsConnection*, natsSubscription*, natsMsg* m, void* closure) {
            static_cast<countdown*>(closure)->hit();
            natsMsg_Destroy(m);
        },
        &p.done);
    natsConnection_Flush(p.b);
    const char payload[16] = {};
    for (auto _ : state) {
        p.done.reset(stream_messages);
        for (int i = 0; i < stream_messages; ++i) {
            natsConnection_Publish(p.a, "bench.stream", payload, sizeof payload);
        }
        if (!p.done.wait()) {
            state.SkipWithError(
                "messages or a round trip lost (remote_lost and remote_dropped in net.stats())");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * stream_messages);
}

void raw_request(benchmark::State& state) {
    raw_pair p;
    natsConnection_Subscribe(
        &p.sb, p.b, "bench.request",
        [](natsConnection* nc, natsSubscription*, natsMsg* m, void*) {
            natsConnection_Publish(nc, natsMsg_GetReply(m), natsMsg_GetData(m),
                                   natsMsg_GetDataLength(m));
            natsMsg_Destroy(m);
        },
        nullptr);
    natsConnection_Flush(p.b);
    latencies l;
    for (auto _ : state) {
        for (int i = 0; i < round_trips; ++i) {
            natsMsg* reply = nullptr;
            const auto start = std::chrono::steady_clock::now();
            if (natsConnection_Request(&reply, p.a, "bench.request", "ping", 4, 5000) != NATS_OK) {
                state.SkipWithError("a request got no reply");
                return;
            }
            l.add(std::chrono::steady_clock::now() - start);
            natsMsg_Destroy(reply);
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * round_trips);
    l.report(state);
}

void raw_pairs(benchmark::State& state) {
    raw_pair p;
    // Pair i: a publishes on "bench.p<i>", b answers on "bench.q<i>"; one subscription per side
    // with a wildcard, the pair's number in the subject.
    natsConnection_Subscribe(
        &p.sb, p.b, "bench.p.*",
        [](natsConnection* nc, natsSubscription*, natsMsg* m, void*) {
            std::string back = natsMsg_GetSubject(m);
            back[6] = 'q';  // "bench.p.<i>" -> "bench.q.<i>"
            natsConnection_Publish(nc, back.c_str(), natsMsg_GetData(m), natsMsg_GetDataLength(m));
            natsMsg_Destroy(m);
        },
        nullptr);
    struct state_of_pairs {
        countdown done;
        std::mutex m;
        std::vector<int> left = std::vector<int>(pairs, 0);
    } st;
    natsConnection_Subscribe(
        &p.sa, p.a, "bench.q.*",
        [](natsConnection* nc, natsSubscription*, natsMsg* m, void* closure) {
            auto* s = static_cast<state_of_pairs*>(closure);
            std::string subject = natsMsg_GetSubject(m);
            const int i = std::stoi(subject.substr(8));
            bool more = false;
            {
                const std::lock_guard lock(s->m);
                more = --s->left[static_cast<std::size_t>(i)] > 0;
            }
            if (more) {
                subject[6] = 'p';
                natsConnection_Publish(nc, subject.c_str(), "ping", 4);
            } else {
                s->done.hit();
            }
            natsMsg_Destroy(m);
        },
        &st);
    natsConnection_Flush(p.a);
    natsConnection_Flush(p.b);
    for (auto _ : state) {
        {
            const std::lock_guard lock(st.m);
            std::fill(st.left.begin(), st.left.end(), pair_round_trips);
        }
        st.done.reset(pairs);
        for (int i = 0; i < pairs; ++i) {
            natsConnection_Publish(p.a, ("bench.p." + std::to_string(i)).c_str(), "ping", 4);
        }
        if (!st.done.wait()) {
            state.SkipWithError("a round trip lost");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * pairs *
                            pair_round_trips);
}

struct coact_pair {
    explicit coact_pair(unsigned workers)
        : ra({.workers = workers}),
          rb({.workers = workers}),
          a(ra, coact_test::on(*server, "a")),
          b(rb, coact_test::on(*server, "b")) {}
    coact::runtime ra;
    coact::runtime rb;
    coact::cluster a;
    coact::cluster b;
    countdown done;
};

void coact_pingpong(benchmark::State& state) {
    coact_pair p(static_cast<unsigned>(state.range(0)));
    p.ra.spawn(coact::spawn_options{.name = "pong", .scope = coact::scope::cluster},
               [](coact::context& self) -> coact::actor {
                   for (;;) {
                       const int n = co_await self.receive<int>();
                       self.send(self.sender(), n + 1);
                   }
               });
    const coact::address ping = p.rb.spawn([&p](coact::context& self) -> coact::actor {
        for (;;) {
            static_cast<void>(co_await self.receive<int>());  // the start of an iteration
            for (int i = 0; i < round_trips; ++i) {
                self.send("pong", i);
                static_cast<void>(co_await self.receive<int>());
            }
            p.done.hit();
        }
    });
    const coact_test::serving sa(p.ra);
    const coact_test::serving sb(p.rb);
    if (!coact_test::eventually([&] { return static_cast<bool>(p.rb.try_lookup("pong")); })) {
        state.SkipWithError("'pong' did not appear on node b");
        return;
    }
    for (auto _ : state) {
        p.done.reset(1);
        p.rb.send(ping, 0);
        if (!p.done.wait()) {
            state.SkipWithError(
                "messages or a round trip lost (remote_lost and remote_dropped in net.stats())");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * round_trips);
}

void coact_stream(benchmark::State& state) {
    coact_pair p(1);
    p.ra.spawn(coact::spawn_options{.name = "sink", .scope = coact::scope::cluster},
               [&p](coact::context& self) -> coact::actor {
                   for (;;) {
                       static_cast<void>(co_await self.receive<int>());
                       p.done.hit();
                   }
               });
    const coact::address source = p.rb.spawn([](coact::context& self) -> coact::actor {
        for (;;) {
            static_cast<void>(co_await self.receive<int>());
            for (int i = 0; i < stream_messages; ++i) self.send("sink", i);
        }
    });
    const coact_test::serving sa(p.ra);
    const coact_test::serving sb(p.rb);
    if (!coact_test::eventually([&] { return static_cast<bool>(p.rb.try_lookup("sink")); })) {
        state.SkipWithError("'sink' did not appear on node b");
        return;
    }
    for (auto _ : state) {
        p.done.reset(stream_messages);
        p.rb.send(source, 0);
        if (!p.done.wait()) {
            state.SkipWithError(
                "messages or a round trip lost (remote_lost and remote_dropped in net.stats())");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * stream_messages);
}

void coact_ask(benchmark::State& state) {
    coact_pair p(static_cast<unsigned>(state.range(0)));
    p.ra.spawn(coact::spawn_options{.name = "pong", .scope = coact::scope::cluster},
               [](coact::context& self) -> coact::actor {
                   for (;;) self.reply(co_await self.receive<int>() + 1);
               });
    latencies l;  // written by the asker, read after p.done (its mutex orders the two)
    const coact::address asker = p.rb.spawn([&p, &l](coact::context& self) -> coact::actor {
        for (;;) {
            static_cast<void>(co_await self.receive<int>());
            for (int i = 0; i < round_trips; ++i) {
                const auto start = std::chrono::steady_clock::now();
                static_cast<void>(co_await self.ask<int>("pong", i));
                l.add(std::chrono::steady_clock::now() - start);
            }
            p.done.hit();
        }
    });
    const coact_test::serving sa(p.ra);
    const coact_test::serving sb(p.rb);
    if (!coact_test::eventually([&] { return static_cast<bool>(p.rb.try_lookup("pong")); })) {
        state.SkipWithError("'pong' did not appear on node b");
        return;
    }
    for (auto _ : state) {
        p.done.reset(1);
        p.rb.send(asker, 0);
        if (!p.done.wait()) {
            state.SkipWithError("an ask got no reply");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * round_trips);
    l.report(state);
}

void coact_pairs(benchmark::State& state) {
    coact_pair p(static_cast<unsigned>(state.range(0)));
    std::vector<coact::address> pings;
    for (int i = 0; i < pairs; ++i) {
        const std::string name = "pong." + std::to_string(i);
        p.ra.spawn(coact::spawn_options{.name = name, .scope = coact::scope::cluster},
                   [](coact::context& self) -> coact::actor {
                       for (;;) {
                           const int n = co_await self.receive<int>();
                           self.send(self.sender(), n + 1);
                       }
                   });
        pings.push_back(p.rb.spawn([&p, name](coact::context& self) -> coact::actor {
            for (;;) {
                static_cast<void>(co_await self.receive<int>());
                const coact::address pong = self.lookup(name);
                for (int k = 0; k < pair_round_trips; ++k) {
                    self.send(pong, k);
                    static_cast<void>(co_await self.receive<int>());
                }
                p.done.hit();
            }
        }));
    }
    const coact_test::serving sa(p.ra);
    const coact_test::serving sb(p.rb);
    if (!coact_test::eventually([&] {
            return static_cast<bool>(p.rb.try_lookup("pong." + std::to_string(pairs - 1)));
        })) {
        state.SkipWithError("the pongs did not appear on node b");
        return;
    }
    for (auto _ : state) {
        p.done.reset(pairs);
        for (const coact::address ping : pings) p.rb.send(ping, 0);
        if (!p.done.wait()) {
            state.SkipWithError("a round trip lost");
            return;
        }
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * pairs *
                            pair_round_trips);
}

/// The CPU time of this whole process (every thread: cnats', the liveness threads, the runtimes).
double process_cpu_seconds() {
    timespec t{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

void coact_idle_node(benchmark::State& state) {
    // Two joined nodes with an actor each and nothing to do: heartbeats every 500 ms, the
    // liveness threads' ticks, the runtimes serving. The server is another process.
    coact_pair p(static_cast<unsigned>(state.range(0)));
    p.ra.spawn(coact::spawn_options{.name = "idle.a", .scope = coact::scope::cluster},
               [](coact::context& self) -> coact::actor {
                   static_cast<void>(co_await self.receive<int>());
               });
    const coact_test::serving sa(p.ra);
    const coact_test::serving sb(p.rb);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // joined and settled
    double cpu = 0;
    double wall = 0;
    for (auto _ : state) {
        const double c0 = process_cpu_seconds();
        const auto t0 = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::seconds(2));
        cpu += process_cpu_seconds() - c0;
        wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    }
    state.counters["cpu_s_per_s_per_node"] = cpu / wall / 2;
}

/// Monitors `victim` once it answers; records when its down arrives.
struct crash_watch {
    std::atomic<bool> ready{false};
    std::atomic<bool> down{false};
    std::atomic<bool> noconnection{false};
    std::chrono::steady_clock::time_point down_at{};  // written before `down` is set
};

struct watch_victim {
    std::string name;
    crash_watch* w;
};

coact::actor crash_watcher(coact::context& self) {
    for (;;) {
        const auto [victim, w] = co_await self.receive<watch_victim>();
        self.monitor(victim);
        self.send(victim, 1);
        static_cast<void>(co_await self.receive<int>());
        w->ready = true;
        const coact::down d = co_await self.receive<coact::down>();
        w->down_at = std::chrono::steady_clock::now();
        w->noconnection = d.reason.noconnection();
        w->down = true;
    }
}

void coact_crash_to_down(benchmark::State& state) {
    const bool advisories = state.range(0) != 0;
    coact_test::nats_server own(advisories ? coact_test::accounts_with_advisories() : "");
    coact::runtime rt;
    coact::cluster net(rt, coact_test::on(own, "watch"));
    const coact::address watcher = rt.spawn(crash_watcher);
    const coact_test::serving serve(rt);
    std::vector<double> ms;
    int round = 0;
    for (auto _ : state) {
        const std::string name = "victim" + std::to_string(round++);
        coact_test::node_process victim(self_program, "--lone-node", own.url(), "t", name, name);
        crash_watch w;
        const bool known =
            coact_test::eventually([&] { return static_cast<bool>(rt.try_lookup(name)); });
        if (known) rt.send(watcher, watch_victim{name, &w});
        if (!known || !coact_test::eventually([&] { return w.ready.load(); })) {
            state.SkipWithError("the victim node did not answer");
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // its heartbeats are heard
        const auto struck = std::chrono::steady_clock::now();
        victim.kill(SIGKILL);
        if (!coact_test::eventually([&] { return w.down.load(); }) || !w.noconnection) {
            state.SkipWithError("no down{noconnection} within 10 s of the kill");
            return;
        }
        const std::chrono::duration<double> took = w.down_at - struck;
        state.SetIterationTime(took.count());
        ms.push_back(took.count() * 1000);
    }
    std::sort(ms.begin(), ms.end());
    if (!ms.empty()) {
        state.counters["median_ms"] = ms[ms.size() / 2];
        state.counters["max_ms"] = ms.back();
    }
}

}  // namespace

BENCHMARK(raw_pingpong)->Name("raw/pingpong")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(coact_pingpong)
    ->Name("coact/pingpong")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(raw_stream)->Name("raw/stream")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(coact_stream)->Name("coact/stream")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(raw_request)->Name("raw/request")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(coact_ask)
    ->Name("coact/ask")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(raw_pairs)->Name("raw/pairs")->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(coact_pairs)
    ->Name("coact/pairs")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(coact_idle_node)
    ->Name("coact/idle_node")
    ->ArgName("workers")
    ->Arg(1)
    ->Arg(2)
    ->Iterations(1)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

BENCHMARK(coact_crash_to_down)
    ->Name("coact/crash_to_down")
    ->ArgName("advisories")
    ->Arg(1)
    ->Arg(0)
    ->Iterations(9)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

int main(int argc, char** argv) {
    if (argc > 1 && std::string_view(argv[1]) == "--lone-node")
        return coact_test::run_lone_node(argc - 2, argv + 2, argv[0]);
    std::array<char, 4096> path{};
    const ssize_t n = ::readlink("/proc/self/exe", path.data(), path.size() - 1);
    self_program = n > 0 ? std::string(path.data(), static_cast<std::size_t>(n)) : argv[0];
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    coact_test::nats_server s("", /*jetstream=*/true);
    server = &s;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
