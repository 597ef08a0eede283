// cluster_pubsub — the market feed across three processes, on NATS; one subscriber is killed
// midway and the feed goes on.
//
// A feed publishes ticks of a few stocks on shared topics ("market.aapl", ...: the cluster's
// shared topic "market.*") to subscribers in other processes. Each subscriber claims a name in the
// cluster (sub1, sub2), which the feed monitors; sub2 also watches sub1's node (monitor_node).
//   phase 1  the feed publishes 300 ticks and an end-of-phase marker; each subscriber prints what
//            it got;
//   then     sub1's process is killed with SIGKILL. The feed's monitor of sub1 ends with
//            noconnection, sub2 hears node_down: the survivors are told;
//   phase 2  the feed goes on: 300 more ticks, which sub2 gets.
//
//   build/release/demos/cluster_pubsub/cluster_pubsub
//       all of it on this machine: starts a nats-server of its own on a free port, runs sub1,
//       sub2 and the feed as child processes, kills sub1 after phase 1, then prints what each
//       process printed (feed, sub1, sub2), and stops everything by pid
//   cluster_pubsub subscriber URL NAME [NODE]   one subscriber, named NAME (its node too);
//                                               with NODE, it watches that node
//   cluster_pubsub feed URL NAME...             the feed, for the subscribers named NAME...;
//                                               kill one subscriber after phase 1 to go on
// On a real NATS cluster, run each part on its own host with that cluster's URL (JetStream on,
// for the names); `make demo-cluster` runs the first form. Exit status: 0 when the feed and the
// survivor finished, 1 when something failed (a message on stderr), 2 for a bad command line.
#include <signal.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <sys/wait.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "support/local_nats.hpp"

namespace market {

struct tick {
    std::string symbol;
    std::int64_t seq = 0;
    std::int64_t cents = 0;
};
struct phase_end {
    std::int32_t phase = 0;
    std::int64_t ticks = 0;  // how many the feed published in it
};

}  // namespace market

// Named fields: what a subscriber in another language reads.
// [snippet:wire_names]
COACT_REMOTE(market::tick, "market.tick", symbol, seq, cents);
COACT_REMOTE(market::phase_end, "market.phase_end", phase, ticks);
// [/snippet:wire_names]

namespace {

using namespace std::chrono_literals;

struct stock {
    const char* symbol;
    const char* topic;
    std::int64_t open_cents;
};
constexpr std::array<stock, 3> stocks{{
    {"AAPL", "market.aapl", 19'000},
    {"MSFT", "market.msft", 41'000},
    {"GOOG", "market.goog", 17'500},
}};
constexpr int ticks_per_phase = 300;

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "cluster_pubsub: %s\n"
                 "usage: cluster_pubsub                          (its own server, all parts)\n"
                 "       cluster_pubsub subscriber URL NAME [NODE]\n"
                 "       cluster_pubsub feed URL NAME...\n",
                 why);
    std::exit(2);
}

[[noreturn]] void fail(const std::string& what) {
    std::fprintf(stderr, "cluster_pubsub: %s\n", what.c_str());
    std::exit(1);
}

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

std::string price(std::int64_t cents) {
    return std::to_string(cents / 100) + "." + (cents % 100 < 10 ? "0" : "") +
           std::to_string(cents % 100);
}

// [snippet:options]
coact::cluster_options options(const std::string& url, const std::string& node) {
    return {.servers = {url}, .cluster = "market", .node = node, .shared_topics = {"market.*"}};
}
// [/snippet:options]

// --- a subscriber ---

coact::actor placeholder(coact::context& self) {  // holds the subscriber's name in the cluster
    for (;;) static_cast<void>(co_await self.receive<int>());
}

coact::actor subscriber(coact::context& self, std::string name, std::string watched) {
    // [snippet:subscribe]
    self.subscribe("market.*");
    if (!watched.empty()) self.monitor_node(watched);
    // Named once it follows the topic: the feed, which waits for the name, misses nothing.
    self.spawn(coact::spawn_options{.name = name, .scope = coact::scope::cluster}, placeholder);
    // [/snippet:subscribe]
    say(name + ": listening");
    std::int64_t count = 0;
    std::array<std::int64_t, stocks.size()> last{};
    bool node_heard = watched.empty();
    std::optional<market::phase_end> held;  // phase 2's end, said after the node's end
    bool finished = false;
    const auto summary = [&](const market::phase_end& p) {
        std::string line = name + ": phase " + std::to_string(p.phase) + ": " +
                           std::to_string(count) + " of " + std::to_string(p.ticks) + " ticks;";
        for (std::size_t i = 0; i < stocks.size(); ++i) {
            line += std::string(" ") + stocks[i].symbol + " " + price(last[i]);
        }
        say(line);
        count = 0;
        finished = p.phase == 2;
    };
    while (!finished) {
        co_await self.receive(
            [&](const market::tick& t) {
                ++count;
                for (std::size_t i = 0; i < stocks.size(); ++i) {
                    if (t.symbol == stocks[i].symbol) last[i] = t.cents;
                }
            },
            [&](const coact::node_down& d) {
                say(name + ": node " + d.node + " is down");
                node_heard = true;
                if (held) summary(*held);
            },
            [&](const market::phase_end& p) {
                // The node's end may come after phase 2's: say them in that order all the same.
                if (p.phase == 2 && !node_heard) {
                    held = p;
                } else {
                    summary(p);
                }
            });
    }
    self.runtime().request_stop();
}

int run_subscriber(const std::string& url, const std::string& name, const std::string& watched) {
    // [snippet:join]
    coact::runtime rt;
    const coact::cluster net(rt, options(url, name));  // joins; leaves when it goes
    rt.spawn(subscriber, name, watched);
    rt.serve();  // messages come from other nodes at any time: serve, not run
    // [/snippet:join]
    return 0;
}

// --- the feed ---

/// Publishes one phase: ticks_per_phase ticks of a seeded random walk, then its end.
void publish_phase(coact::context& self, std::int32_t phase, std::mt19937& walk,
                   std::array<std::int64_t, stocks.size()>& cents, std::int64_t& seq) {
    std::uniform_int_distribution<int> move(-40, 40);
    for (int i = 0; i < ticks_per_phase; ++i) {
        const std::size_t s = static_cast<std::size_t>(i) % stocks.size();
        cents[s] += move(walk);
        self.publish(stocks[s].topic, market::tick{stocks[s].symbol, ++seq, cents[s]});
    }
    self.publish("market.close", market::phase_end{phase, ticks_per_phase});
}

coact::actor feed(coact::context& self, std::vector<std::string> names) {
    static_cast<void>(co_await self.receive<int>());  // the start: every name is seen here
    std::vector<coact::address> subs;
    // [snippet:monitor]
    for (const std::string& n : names) {
        subs.push_back(self.lookup(n));  // a proxy for the remote subscriber
        self.monitor(subs.back());
    }
    // [/snippet:monitor]
    std::string all;
    for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
    say("feed: " + std::to_string(names.size()) + " subscribers listening: " + all);
    std::mt19937 walk(2026);
    std::array<std::int64_t, stocks.size()> cents{};
    for (std::size_t i = 0; i < stocks.size(); ++i) cents[i] = stocks[i].open_cents;
    std::int64_t seq = 0;
    publish_phase(self, 1, walk, cents, seq);
    say("feed: phase 1: " + std::to_string(ticks_per_phase) + " ticks published");
    // [snippet:down]
    const coact::down d = co_await self.receive<coact::down>();
    for (std::size_t i = 0; i < subs.size(); ++i) {
        if (subs[i] == d.who) {
            say("feed: " + names[i] + " is down (" +
                (d.reason.noconnection() ? "noconnection: its node is lost" : d.reason.what()) +
                ")");
        }
    }
    // [/snippet:down]
    publish_phase(self, 2, walk, cents, seq);
    say("feed: phase 2: " + std::to_string(ticks_per_phase) + " ticks published");
    self.runtime().request_stop();
}

int run_feed(const std::string& url, const std::vector<std::string>& names) {
    coact::runtime rt;
    const coact::cluster net(rt, options(url, "feed"));
    const coact::address f = rt.spawn(feed, names);
    std::thread serving([&] { rt.serve(); });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    for (const std::string& n : names) {
        while (!rt.try_lookup(n) && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(5ms);
        }
        if (!rt.try_lookup(n)) {
            rt.request_stop();
            serving.join();
            fail("no subscriber named '" + n + "' appeared in cluster 'market' within 20 s");
        }
    }
    rt.send(f, 0);
    serving.join();
    return 0;
}

// --- all of it on this machine ---

/// Waits until `path` holds a line starting with `start` (up to 20 s).
bool wait_for_line(const std::string& path, const std::string& start) {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
        std::ifstream in(path);
        std::string line;
        while (std::getline(in, line)) {
            if (line.starts_with(start)) return true;
        }
        std::this_thread::sleep_for(10ms);
    }
    return false;
}

/// Waits for `pid` to exit (up to 20 s; then kills it). Whether it exited with status 0.
bool finished(pid_t pid) {
    for (int i = 0; i < 2000; ++i) {
        int status = 0;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) && WEXITSTATUS(status) == 0;
        std::this_thread::sleep_for(10ms);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return false;
}

std::string contents(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream all;
    all << in.rdbuf();
    return all.str();
}

int run_all(const std::string& self) {
    const demo_support::local_nats server("cluster_pubsub");
    const std::string url = server.url();
    const std::string log1 = (server.dir() / "sub1.log").string();
    const std::string log2 = (server.dir() / "sub2.log").string();
    const std::string feed_log = (server.dir() / "feed.log").string();
    const pid_t sub1 = demo_support::start(self, {self, "subscriber", url, "sub1"}, log1);
    if (!wait_for_line(log1, "sub1: listening")) fail("sub1 did not start");
    const pid_t sub2 = demo_support::start(self, {self, "subscriber", url, "sub2", "sub1"}, log2);
    if (!wait_for_line(log2, "sub2: listening")) fail("sub2 did not start");
    const pid_t f = demo_support::start(self, {self, "feed", url, "sub1", "sub2"}, feed_log);
    bool ok = wait_for_line(log1, "sub1: phase 1") && wait_for_line(log2, "sub2: phase 1");
    kill(sub1, SIGKILL);  // a crash: no goodbye, its connection just goes
    waitpid(sub1, nullptr, 0);
    ok = finished(f) && ok;
    ok = finished(sub2) && ok;
    std::printf("== the feed ==\n%s", contents(feed_log).c_str());
    std::printf("== sub1 (killed with SIGKILL after phase 1) ==\n%s", contents(log1).c_str());
    std::printf("== sub2 ==\n%s", contents(log2).c_str());
    if (!ok) fail("a part did not finish as it should (see above)");
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        if (argc == 1) return run_all(argv[0]);
        const std::string_view role = argv[1];
        if (role == "subscriber" && (argc == 4 || argc == 5)) {
            return run_subscriber(argv[2], argv[3], argc == 5 ? argv[4] : "");
        }
        if (role == "feed" && argc >= 4) {
            return run_feed(argv[2], std::vector<std::string>(argv + 3, argv + argc));
        }
        usage("expected no argument, 'subscriber URL NAME [NODE]' or 'feed URL NAME...'");
    } catch (const std::exception& e) {  // coact's errors, and no nats-server to start
        fail(e.what());
    }
}
