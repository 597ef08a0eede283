// Concurrency stress for the actor runtime (contract §4): many senders to one receiver, an
// actor's plain state under fire from many actors, a random send graph, spawn and stop storms,
// shutdown with messages in flight, ask/reply under load, and sends from outside threads while
// the scheduler runs. Run in both modes (actor/ and actor_mt/): with two workers the actors really
// run in parallel (and ThreadSanitizer sees any actor run on two threads at once); with one they
// interleave turn by turn. Every check is exact in both modes: only the contract's guarantees
// (per-sender order, no loss, no duplicate, one thread per actor) are asserted, never a global
// order. Each case is bounded by a watchdog.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/coact.hpp>

#include "actors/support/modes.hpp"
#include "actors/support/watchdog.hpp"
#include "support/xorshift.hpp"

using namespace std::chrono_literals;
using coact_test::test_options;

namespace {

// Generous: each case takes well under 2 s in a Debug build and under 10 s under TSan.
constexpr auto time_limit = 60s;

// Message `seq` of the stream from `sender` (to one receiver).
struct numbered {
    int sender;
    int seq;
};

// Checks at a receiver that each sender's numbers come 0, 1, 2, ... without a gap.
class order_check {
  public:
    explicit order_check(int senders) : next_(static_cast<std::size_t>(senders), 0) {}

    void take(const numbered& m) {
        ++taken_;
        if (m.sender < 0 || static_cast<std::size_t>(m.sender) >= next_.size()) {
            ++wrong_;
            return;
        }
        int& expected = next_[static_cast<std::size_t>(m.sender)];
        if (m.seq != expected) ++wrong_;
        expected = m.seq + 1;
    }
    [[nodiscard]] long taken() const noexcept { return taken_; }
    [[nodiscard]] long out_of_order() const noexcept { return wrong_; }
    /// How many messages of `sender`'s stream arrived (if none was out of order).
    [[nodiscard]] int from(int sender) const { return next_.at(static_cast<std::size_t>(sender)); }

  private:
    std::vector<int> next_;  // the seq expected next from each sender
    long taken_ = 0;
    long wrong_ = 0;
};

// splitmix64's finaliser: a checksum term per message id that a lost or doubled message changes.
std::uint64_t mix(std::uint64_t x) noexcept {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30U)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27U)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31U);
}

// Waits (bounded) until `done()`; false if the limit passed first.
template <class Done>
bool wait_until(Done done, std::chrono::milliseconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(100us);
    }
    return true;
}

// Ends this actor's turn: the rest of its work comes in a later turn, after other actors ran.
struct yield_tick {};

}  // namespace

TEST_CASE("8 actors and an outside thread send 2000 messages each to one receiver, in order",
          "[actor][stress]") {
    constexpr int senders = 8;  // actors; the outside thread is sender number 8
    constexpr int per_sender = 2'000;
    constexpr int batch = 50;  // messages per turn: the senders' streams interleave
    constexpr int total = (senders + 1) * per_sender;
    coact::runtime rt(test_options());
    order_check check(senders + 1);  // the sink's only
    bool sink_done = false;
    const coact::address sink = rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        for (int i = 0; i < total; ++i) check.take(co_await self.receive<numbered>());
        sink_done = true;
    });
    for (int s = 0; s < senders; ++s) {
        rt.spawn([sink, s](coact::context& self) -> coact::actor {
            for (int seq = 0; seq < per_sender; ++seq) {
                if (seq % 2 == 0) {
                    self.send(sink, numbered{s, seq});
                } else {
                    self.send("sink", numbered{s, seq});
                }
                if (seq % batch == batch - 1) {
                    self.send(self.address(), yield_tick{});
                    co_await self.receive<yield_tick>();
                }
            }
        });
    }
    for (int seq = 0; seq < per_sender; ++seq) rt.send(sink, numbered{senders, seq});
    coact_test::watchdog dog(time_limit, "many senders to one receiver");
    rt.run();
    dog.cancel();

    CHECK(sink_done);
    CHECK(check.taken() == total);
    CHECK(check.out_of_order() == 0);
    for (int s = 0; s <= senders; ++s) {
        CAPTURE(s);
        CHECK(check.from(s) == per_sender);
    }
    const coact::runtime_stats st = rt.stats();
    CHECK(st.delivered == total + senders * (per_sender / batch));  // and the yield ticks
    CHECK(st.dead_letters == 0);
    CHECK(st.failed == 0);
    CHECK(st.actors == 0);
    CHECK(st.spawned == senders + 1);
}

TEST_CASE("an actor's plain state stays exact under messages and asks from 8 concurrent actors",
          "[actor][stress]") {
    constexpr int bombers = 8;
    constexpr int per_bomber = 1'000;
    constexpr int ask_every = 100;
    constexpr int total = bombers * per_bomber;
    coact::runtime rt(test_options());
    // Plain, non-atomic: only the keeper touches it while run() runs. An actor run on two threads
    // at once shows up as overlapping handlers, as wrong contents, or as a ThreadSanitizer report.
    struct keeper_state {
        std::vector<int> items;  // in arrival order
        long long sum = 0;
        bool in_handler = false;
        int overlaps = 0;
        int asks = 0;
    };
    keeper_state k;
    rt.spawn("keeper", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive(
                [&](int v) {
                    if (k.in_handler) ++k.overlaps;
                    k.in_handler = true;
                    k.items.push_back(v);
                    k.sum += v;
                    k.in_handler = false;
                },
                [&](const std::string&) {  // "how many so far?"
                    if (k.in_handler) ++k.overlaps;
                    ++k.asks;
                    self.reply(static_cast<int>(k.items.size()));
                });
        }
    });
    // Each bomber asks now and then how many items the keeper holds: at least all the bomber has
    // sent so far (its sends are ahead of its ask), and never fewer than the previous answer.
    std::vector<int> bad_answers(bombers, 0);  // one slot per bomber
    for (int b = 0; b < bombers; ++b) {
        rt.spawn([&bad_answers, b](coact::context& self) -> coact::actor {
            int previous = 0;
            for (int i = 0; i < per_bomber; ++i) {
                self.send("keeper", b * per_bomber + i);
                if (i % ask_every == ask_every - 1) {
                    const std::string question = "how many?";
                    const int size = co_await self.ask<int>("keeper", question);
                    if (size < i + 1 || size < previous) ++bad_answers[static_cast<std::size_t>(b)];
                    previous = size;
                }
            }
        });
    }
    coact_test::watchdog dog(time_limit, "plain state under concurrent messages");
    rt.run();
    dog.cancel();

    CHECK(k.overlaps == 0);
    CHECK(k.asks == bombers * (per_bomber / ask_every));
    REQUIRE(k.items.size() == static_cast<std::size_t>(total));
    CHECK(k.sum == static_cast<long long>(total) * (total - 1) / 2);
    // Each bomber's values arrived in the order sent, ...
    std::vector<int> next(bombers, 0);
    int out_of_order = 0;
    for (const int v : k.items) {
        int& expected = next[static_cast<std::size_t>(v / per_bomber)];
        if (v % per_bomber != expected) ++out_of_order;
        expected = v % per_bomber + 1;
    }
    CHECK(out_of_order == 0);
    // ... and together they are every value once.
    std::vector<int> sorted = k.items;
    std::sort(sorted.begin(), sorted.end());
    int misplaced = 0;
    for (int i = 0; i < total; ++i) misplaced += sorted[static_cast<std::size_t>(i)] != i ? 1 : 0;
    CHECK(misplaced == 0);
    CHECK(bad_answers == std::vector<int>(bombers, 0));
    const coact::runtime_stats st = rt.stats();
    CHECK(st.delivered == static_cast<std::uint64_t>(total + k.asks));
    CHECK(st.dead_letters == 0);
    CHECK(st.failed == 0);
    CHECK(st.actors == 1);  // the keeper
}

TEST_CASE("a random send graph of 16 actors loses and duplicates nothing", "[actor][stress]") {
    constexpr int nodes = 16;
    constexpr int messages = 4'000;  // half sent from outside, half by an injector actor
    constexpr int max_hops = 15;
    struct hop {
        std::uint64_t id;
        int hops_left;
    };
    // What one node saw; written by that node only.
    struct node_tally {
        long consumed = 0;
        long forwarded = 0;
        std::uint64_t checksum = 0;
    };

    // The messages and what consuming all of them exactly once gives.
    coact_test::xorshift plan(20240611);
    std::vector<hop> injected;
    std::vector<int> first_node;
    std::uint64_t expected_checksum = 0;
    long expected_hops = 0;
    for (int i = 0; i < messages; ++i) {
        const auto id = plan.next();
        const int hops = static_cast<int>(plan.next() % (max_hops + 1));
        injected.push_back({id, hops});
        first_node.push_back(static_cast<int>(plan.next() % nodes));
        expected_checksum += mix(id);
        expected_hops += hops;
    }

    coact::runtime rt(test_options());
    std::vector<node_tally> tally(nodes);
    std::vector<coact::address> peers;  // complete before run(), then only read
    for (int i = 0; i < nodes; ++i) {
        peers.push_back(rt.spawn(
            "node" + std::to_string(i), [&tally, &peers, i](coact::context& self) -> coact::actor {
                node_tally& mine = tally[static_cast<std::size_t>(i)];
                coact_test::xorshift random(static_cast<std::uint64_t>(i) * 7919 + 1);
                for (;;) {
                    const hop h = co_await self.receive<hop>();
                    if (h.hops_left == 0) {
                        ++mine.consumed;
                        mine.checksum += mix(h.id);
                        continue;
                    }
                    const auto to = static_cast<std::size_t>(random.next() % nodes);
                    const hop next{h.id, h.hops_left - 1};
                    if (random.next() % 4 == 0) {  // by name now and then: the name cache path
                        self.send("node" + std::to_string(to), next);
                    } else {
                        self.send(peers[to], next);
                    }
                    ++mine.forwarded;
                }
            }));
    }
    constexpr int from_outside = messages / 2;
    constexpr int batch = 64;
    rt.spawn([&](coact::context& self) -> coact::actor {  // injects the second half while running
        for (int i = from_outside; i < messages; ++i) {
            const auto n = static_cast<std::size_t>(i);
            self.send(peers[static_cast<std::size_t>(first_node[n])], injected[n]);
            if (i % batch == batch - 1) {
                self.send(self.address(), yield_tick{});
                co_await self.receive<yield_tick>();
            }
        }
    });
    for (int i = 0; i < from_outside; ++i) {
        const auto n = static_cast<std::size_t>(i);
        rt.send(peers[static_cast<std::size_t>(first_node[n])], injected[n]);
    }
    coact_test::watchdog dog(time_limit, "random send graph");
    rt.run();
    dog.cancel();

    long consumed = 0;
    long forwarded = 0;
    std::uint64_t checksum = 0;
    int idle_nodes = 0;
    for (const node_tally& t : tally) {
        consumed += t.consumed;
        forwarded += t.forwarded;
        checksum += t.checksum;
        idle_nodes += t.consumed + t.forwarded == 0 ? 1 : 0;
    }
    CHECK(consumed == messages);
    CHECK(checksum == expected_checksum);
    CHECK(forwarded == expected_hops);
    CHECK(idle_nodes == 0);  // the graph really spread over every node
    const coact::runtime_stats st = rt.stats();
    constexpr int ticks = (messages - from_outside) / batch;
    CHECK(st.delivered == static_cast<std::uint64_t>(messages + expected_hops + ticks));
    CHECK(st.dead_letters == 0);
    CHECK(st.failed == 0);
    CHECK(st.actors == nodes);
}

TEST_CASE("spawn and stop storms: children that return, wait, get stopped or spawn, named or not",
          "[actor][stress]") {
    constexpr int waves = 40;
    constexpr int quitters = 5;   // named, return at once
    constexpr int waiters = 5;    // anonymous, return after one message
    constexpr int stopped = 5;    // named, report and wait; the root stops them
    constexpr int spawners = 3;   // anonymous, spawn two anonymous children that return
    constexpr int survivors = 1;  // named, wait until stopped from outside after run()
    constexpr int per_wave = quitters + waiters + stopped + spawners * 3 + survivors;
    struct started {
        std::string name;
    };

    coact::runtime rt(test_options());
    std::atomic<int> destroyed{0};  // children's frames destroyed, on whichever thread
    std::atomic<int> closed{0};     // children that caught generator_exit
    std::atomic<int> wrong_names{0};
    // A local of every child's frame: counts the frame's destruction.
    struct probe {
        std::atomic<int>* count;
        explicit probe(std::atomic<int>& c) : count(&c) {}
        probe(const probe&) = delete;
        probe& operator=(const probe&) = delete;
        ~probe() { count->fetch_add(1); }
    };
    auto quitter = [&](coact::context& self, std::string name) -> coact::actor {
        const probe p(destroyed);
        if (self.name() != name) wrong_names.fetch_add(1);
        co_return;
    };
    auto waiter = [&](coact::context& self) -> coact::actor {
        const probe p(destroyed);
        if (!self.name().empty()) wrong_names.fetch_add(1);
        co_await self.receive<int>();
    };
    auto closable = [&](coact::context& self, coact::address report_to) -> coact::actor {
        const probe p(destroyed);
        try {
            if (report_to) self.send(report_to, started{std::string(self.name())});
            for (;;) co_await self.receive<int>();
        } catch (const coact::generator_exit&) {
            closed.fetch_add(1);
            throw;
        }
    };
    auto grandchild = [&](coact::context&) -> coact::actor {
        const probe p(destroyed);
        co_return;
    };
    auto spawner = [&](coact::context& self) -> coact::actor {
        const probe p(destroyed);
        self.spawn(grandchild);
        self.spawn(grandchild);
        co_return;
    };

    int stops_refused = 0;  // the root's only
    rt.spawn("root", [&](coact::context& self) -> coact::actor {
        for (int w = 0; w < waves; ++w) {
            const std::string wave = std::to_string(w);
            for (int i = 0; i < quitters; ++i) {
                const std::string name = "quitter-" + wave + "-" + std::to_string(i);
                self.spawn(name, quitter, name);
            }
            for (int i = 0; i < waiters; ++i) self.send(self.spawn(waiter), i);
            for (int i = 0; i < stopped; ++i) {
                self.spawn("stopped-" + wave + "-" + std::to_string(i), closable, self.address());
            }
            for (int i = 0; i < spawners; ++i) self.spawn(spawner);
            for (int i = 0; i < survivors; ++i) {
                self.spawn("survivor-" + wave + "-" + std::to_string(i), closable,
                           coact::address{});
            }
            // Stop each closable child once it has started (so that its catch block runs), by
            // address or by name.
            for (int i = 0; i < stopped; ++i) {
                const started child = co_await self.receive<started>();
                const bool accepted =
                    i % 2 == 0 ? self.stop(self.sender()) : self.stop(std::string_view(child.name));
                if (!accepted) ++stops_refused;
            }
        }
    });
    coact_test::watchdog dog(time_limit, "spawn and stop storms");
    rt.run();

    const int children = waves * per_wave;
    CHECK(stops_refused == 0);
    CHECK(wrong_names.load() == 0);
    CHECK(closed.load() == waves * stopped);
    CHECK(destroyed.load() == children - waves * survivors);
    coact::runtime_stats st = rt.stats();
    CHECK(st.spawned == static_cast<std::uint64_t>(1 + children));
    CHECK(st.actors == static_cast<std::uint64_t>(waves * survivors));
    CHECK(st.delivered == static_cast<std::uint64_t>(waves * (waiters + stopped)));
    CHECK(st.failed == 0);
    CHECK(st.dead_letters == 0);
    CHECK_FALSE(rt.try_lookup("root"));
    CHECK_FALSE(rt.try_lookup("quitter-0-0"));
    CHECK_FALSE(rt.try_lookup("stopped-0-0"));

    // The survivors, stopped from outside by name.
    for (int w = 0; w < waves; ++w) {
        for (int i = 0; i < survivors; ++i) {
            CHECK(rt.stop("survivor-" + std::to_string(w) + "-" + std::to_string(i)));
        }
    }
    rt.run();
    dog.cancel();
    CHECK(closed.load() == waves * (stopped + survivors));
    CHECK(destroyed.load() == children);
    st = rt.stats();
    CHECK(st.actors == 0);
    CHECK(st.failed == 0);
    CHECK(st.dead_letters == 0);
}

TEST_CASE("shutdown with messages in flight: what was delivered plus what it drops is all sent",
          "[actor][stress][threads]") {
    constexpr int producers = 4;
    constexpr int head = 3'000;  // per producer, sent while serve() runs
    constexpr int tail = 200;    // per producer, sent after serve() returned: queued at shutdown
    // A message from producer p reaches the sink directly (stream 2p) or through the relay
    // (stream 2p + 1); each stream keeps its order, so what the sink got of it is a prefix.
    coact::runtime rt(test_options());
    order_check sink_check(2 * producers);  // the sink's only
    std::atomic<int> sink_received{0};
    long relayed = 0;  // the relay's only
    const coact::address sink = rt.spawn("sink", [&](coact::context& self) -> coact::actor {
        for (;;) {
            sink_check.take(co_await self.receive<numbered>());
            sink_received.fetch_add(1, std::memory_order_release);
        }
    });
    rt.spawn("relay", [&](coact::context& self) -> coact::actor {
        for (;;) {
            numbered m = co_await self.receive<numbered>();
            m.sender += 1;  // the relayed stream of that producer
            self.send(sink, m);
            ++relayed;
        }
    });
    std::atomic<bool> serve_returned{false};
    std::atomic<int> send_errors{0};
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&, p] {
            int seq[2] = {0, 0};  // next number of the direct and of the relayed stream
            auto send_one = [&](int i) {
                const int via_relay = i % 3 == 0 ? 1 : 0;
                const numbered m{2 * p, seq[via_relay]++};
                if (via_relay == 1) {
                    rt.send("relay", m);
                } else {
                    rt.send(sink, m);
                }
            };
            try {
                for (int i = 0; i < head; ++i) send_one(i);
                if (!wait_until([&] { return serve_returned.load(); }, 30'000ms)) return;
                for (int i = head; i < head + tail; ++i) send_one(i);
            } catch (...) {
                send_errors.fetch_add(1);
            }
        });
    }
    coact_test::watchdog dog(time_limit, "shutdown with messages in flight");
    std::thread scheduler([&] { rt.serve(); });
    // Stop while the producers are (most likely) still sending and the actors still busy.
    const bool got_some = wait_until(
        [&] { return sink_received.load(std::memory_order_acquire) >= producers * head / 4; },
        30'000ms);
    rt.request_stop();
    scheduler.join();
    serve_returned.store(true);
    for (std::thread& t : threads) t.join();
    const std::size_t dropped = rt.shutdown();
    dog.cancel();

    constexpr long sent = static_cast<long>(producers) * (head + tail);
    const coact::runtime_stats st = rt.stats();
    CHECK(got_some);
    CHECK(send_errors.load() == 0);
    CHECK(sink_check.out_of_order() == 0);
    CHECK(sink_check.taken() == sink_received.load());
    // Every message made (sent from outside, or relayed) was either delivered or dropped.
    CHECK(static_cast<long>(st.delivered + dropped) == sent + relayed);
    CHECK(st.delivered == static_cast<std::uint64_t>(sink_check.taken()) +
                              static_cast<std::uint64_t>(relayed));  // the relay took each once
    CHECK(st.dead_letters == dropped);
    CHECK(dropped >= static_cast<std::size_t>(producers * tail));
    CHECK(st.actors == 0);
    CHECK(st.failed == 0);
}

TEST_CASE("ask/reply under load: 16 askers, one server, noise, every reply right",
          "[actor][stress][ask]") {
    constexpr int askers = 16;
    constexpr int asks = 300;         // per asker
    constexpr int notice_every = 25;  // the server sends a notice before those replies
    constexpr int noisy = 4;
    constexpr int noise = 1'000;  // plain messages per noisy actor
    struct request {
        int asker;
        int n;
    };
    struct notice {
        int n;
    };
    struct asker_tally {
        int answered = 0;
        int wrong = 0;
    };
    struct server_tally {
        int requests = 0;
        int noise = 0;
    };

    coact::runtime rt(test_options());
    server_tally server;  // the server's only
    rt.spawn("server", [&](coact::context& self) -> coact::actor {
        for (;;) {
            co_await self.receive(
                [&](const request& r) {
                    ++server.requests;
                    if (r.n % notice_every == 0) self.send(self.sender(), notice{r.n});
                    self.reply(r.n * 2 + r.asker);
                },
                [&](int) { ++server.noise; });
        }
    });
    std::vector<asker_tally> tally(askers);  // one slot per asker
    for (int a = 0; a < askers; ++a) {
        rt.spawn([&tally, a](coact::context& self) -> coact::actor {
            asker_tally& mine = tally[static_cast<std::size_t>(a)];
            for (int n = 0; n < asks; ++n) {
                const request req{a, n};
                const int answer = co_await self.ask<int>("server", req);
                if (answer != n * 2 + a) ++mine.wrong;
                if (n % notice_every == 0) {
                    // Sent before the reply, so it waited in the mailbox during the ask.
                    const notice got = co_await self.receive<notice>();
                    if (got.n != n) ++mine.wrong;
                }
                ++mine.answered;
            }
        });
    }
    for (int i = 0; i < noisy; ++i) {
        rt.spawn([](coact::context& self) -> coact::actor {
            for (int k = 0; k < noise; ++k) {
                self.send("server", k);
                if (k % 100 == 99) {
                    self.send(self.address(), yield_tick{});
                    co_await self.receive<yield_tick>();
                }
            }
        });
    }
    coact_test::watchdog dog(time_limit, "ask/reply under load");
    rt.run();
    dog.cancel();

    int answered = 0;
    int wrong = 0;
    for (const asker_tally& t : tally) {
        answered += t.answered;
        wrong += t.wrong;
    }
    CHECK(answered == askers * asks);
    CHECK(wrong == 0);
    CHECK(server.requests == askers * asks);
    CHECK(server.noise == noisy * noise);
    constexpr int notices = askers * ((asks + notice_every - 1) / notice_every);
    constexpr int ticks = noisy * (noise / 100);
    const coact::runtime_stats st = rt.stats();
    CHECK(st.delivered ==
          static_cast<std::uint64_t>(askers * asks + noisy * noise + notices + ticks));
    CHECK(st.dead_letters == 0);
    CHECK(st.failed == 0);
    CHECK(st.actors == 1);  // the server
}

TEST_CASE("rt.send from 4 outside threads at once while run() or serve() runs",
          "[actor][stress][threads]") {
    constexpr int threads = 4;
    constexpr int sinks = 4;
    constexpr int per_thread = 5'000;  // spread over the sinks
    constexpr int total = threads * per_thread;
    const bool serving = GENERATE(false, true);
    CAPTURE(serving);

    coact::runtime rt(test_options());
    std::vector<order_check> checks(sinks, order_check(threads));  // one per sink, its own
    std::atomic<int> received{0};
    std::vector<coact::address> sink_addresses;
    for (int s = 0; s < sinks; ++s) {
        sink_addresses.push_back(
            rt.spawn("sink" + std::to_string(s), [&, s](coact::context& self) -> coact::actor {
                order_check& mine = checks[static_cast<std::size_t>(s)];
                for (;;) {
                    mine.take(co_await self.receive<numbered>());
                    if (received.fetch_add(1) + 1 == total && serving) {
                        self.runtime().request_stop();
                    }
                }
            }));
    }
    rt.run();  // every sink waits
    std::atomic<int> send_errors{0};
    std::vector<std::thread> senders;
    for (int t = 0; t < threads; ++t) {
        senders.emplace_back([&, t] {
            std::vector<int> seq(sinks, 0);  // next number for each sink
            try {
                for (int i = 0; i < per_thread; ++i) {
                    const int s = (i + t) % sinks;
                    const numbered m{t, seq[static_cast<std::size_t>(s)]++};
                    if (i % 2 == 0) {
                        rt.send(sink_addresses[static_cast<std::size_t>(s)], m);
                    } else {
                        rt.send("sink" + std::to_string(s), m);
                    }
                    if (i % 1'000 == 0) std::this_thread::yield();
                }
            } catch (...) {
                send_errors.fetch_add(1);
            }
        });
    }
    coact_test::watchdog dog(time_limit, "sends from outside threads");
    int runs = 0;
    if (serving) {
        rt.serve();  // until the sink that takes the last message asks it to stop
        runs = 1;
    } else {
        // run() returns whenever it has caught up, even though more will come.
        const auto deadline = std::chrono::steady_clock::now() + 30s;
        while (received.load() < total && std::chrono::steady_clock::now() < deadline) {
            rt.run();
            ++runs;
            std::this_thread::sleep_for(100us);
        }
    }
    for (std::thread& t : senders) t.join();
    rt.run();
    dog.cancel();

    CHECK(runs >= 1);
    CHECK(send_errors.load() == 0);
    CHECK(received.load() == total);
    long taken = 0;
    long out_of_order = 0;
    for (const order_check& c : checks) {
        taken += c.taken();
        out_of_order += c.out_of_order();
    }
    CHECK(taken == total);
    CHECK(out_of_order == 0);
    static_assert(per_thread % sinks == 0);
    for (int s = 0; s < sinks; ++s) {
        for (int t = 0; t < threads; ++t) {
            CHECK(checks[static_cast<std::size_t>(s)].from(t) == per_thread / sinks);
        }
    }
    const coact::runtime_stats st = rt.stats();
    CHECK(st.delivered == total);
    CHECK(st.dead_letters == 0);
    CHECK(st.failed == 0);
}
