// Crashed and frozen nodes (cluster/src/liveness.cpp): node "victim" runs in a process of its own
// (support/node_main.cpp) and is killed with SIGKILL or frozen with SIGSTOP. The node in this
// process must end its monitors of the victim's actor with noconnection, and tell monitor_node:
//   - a crash, within 200 ms where the account imports the servers' disconnect advisories: the
//     advisory names the victim's connection and a probe finds no subscriber at once;
//   - a crash without them, within 1.5 s: its connection is gone, so the probe after the first
//     missed heartbeat finds no subscriber;
//   - a freeze, within 3.5 s: the probe gets no answer, and node_timeout (1.5 s) decides;
//   - either way, the survivors give the victim's cluster name back.
// The limits asserted are the (robust under sanitizers); the figures are in the closing
// note and docs/concepts/cluster.md.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/node_process.hpp"
#include "cluster/support/nodes.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

struct outcome {
    std::mutex mutex;
    std::optional<coact::exit_reason> reason;
    std::optional<steady::time_point> down_at;
    std::optional<coact::node_down> node;
    std::optional<steady::time_point> node_at;
    std::atomic<int> pongs{0};
};

/// At the go: monitors "victim" and its node, checks it answers, then records what comes.
coact::actor watcher(coact::context& self, outcome* o) {
    static_cast<void>(co_await self.receive<int>());
    self.monitor("victim");
    self.monitor_node("victim-node");
    self.send("victim", 1);
    for (;;) {
        co_await self.receive([&](int) { ++o->pongs; },
                              [&](const coact::down& d) {
                                  const std::lock_guard lock(o->mutex);
                                  o->reason = d.reason;
                                  o->down_at = steady::now();
                              },
                              [&](const coact::node_down& n) {
                                  const std::lock_guard lock(o->mutex);
                                  o->node = n;
                                  o->node_at = steady::now();
                              });
    }
}

bool both(outcome& o) {
    const std::lock_guard lock(o.mutex);
    return o.down_at && o.node_at;
}

}  // namespace

TEST_CASE(
    "A node killed or frozen: noconnection and node_down in time (SIGKILL 200 ms with the "
    "servers' advisories and 1.5 s without, SIGSTOP 3.5 s)",
    "[cluster][lost]") {
    struct strike {
        int signal;
        bool advisories;
        std::chrono::milliseconds limit;
    };
    const strike how = GENERATE(strike{SIGKILL, true, 200ms}, strike{SIGKILL, false, 1500ms},
                                strike{SIGSTOP, true, 3500ms});
    const int signal = how.signal;
    const auto limit = how.limit;
    INFO((signal == SIGKILL ? "SIGKILL" : "SIGSTOP")
         << (how.advisories ? ", the account imports the advisories" : ", no advisories"));
    coact_test::nats_server server(how.advisories ? coact_test::accounts_with_advisories() : "");
    coact_test::node_process victim(server.url(), "t", "victim-node", "victim");
    coact::runtime rt;
    coact::cluster net(rt, coact_test::on(server, "here"));
    outcome o;
    const coact::address w = rt.spawn(watcher, &o);
    steady::time_point struck;
    {
        const coact_test::serving s(rt);
        REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rt.try_lookup("victim")); }));
        std::this_thread::sleep_for(200ms);  // the victim's heartbeat is heard here
        rt.send(w, 0);
        REQUIRE(coact_test::eventually([&] { return o.pongs.load() == 1; }));
        struck = steady::now();
        victim.kill(signal);
        REQUIRE(coact_test::eventually([&] { return both(o); }, 10s));
    }
    victim.kill(SIGKILL);
    const auto to_down = *o.down_at - struck;
    const auto to_node = *o.node_at - struck;
    INFO("down after " << std::chrono::duration_cast<std::chrono::milliseconds>(to_down).count()
                       << " ms, node_down after "
                       << std::chrono::duration_cast<std::chrono::milliseconds>(to_node).count()
                       << " ms");
    CHECK(o.reason->kind == coact::exit_kind::noconnection);
    CHECK_THAT(o.reason->what(), Catch::Contains("node 'victim-node'"));
    CHECK(o.node->node == "victim-node");
    if (signal == SIGKILL) {
        CHECK_THAT(o.node->why, Catch::Contains("connection is gone"));
    } else {
        CHECK_THAT(o.node->why, Catch::Contains("no heartbeat for"));
    }
    CHECK(to_down < limit);
    CHECK(to_node < limit);
    // A send to the lost actor's proxy is now a dead letter here, not a message into the void.
    CHECK(!rt.try_lookup("victim"));
    // The survivors gave its name back: it can be claimed again (here, from outside the run).
    const bool claimed = coact_test::eventually([&] {
        try {
            rt.spawn(coact::spawn_options{.name = "victim", .scope = coact::scope::cluster},
                     [](coact::context& self) -> coact::actor {
                         static_cast<void>(co_await self.receive<int>());
                     });
            return true;
        } catch (const coact::name_taken&) {
            return false;
        }
    });
    CHECK(claimed);
}

TEST_CASE(
    "A frozen node that wakes joins again as a new incarnation and takes nothing from the "
    "nodes that lived on",
    "[cluster][lost][frozen]") {
    coact_test::nats_server server;
    coact_test::node_process victim(server.url(), "t", "victim-node", "victim");
    coact::runtime rt;
    coact::cluster net(rt, coact_test::on(server, "here"));
    rt.spawn(coact::spawn_options{.name = "keeper", .scope = coact::scope::cluster},
             [](coact::context& self) -> coact::actor {
                 for (;;) static_cast<void>(co_await self.receive<int>());
             });
    outcome o;
    const coact::address w = rt.spawn(watcher, &o);
    std::atomic<int> answer{0};
    const coact::address asker = rt.spawn([&](coact::context& self) -> coact::actor {
        for (;;) {
            self.send(co_await self.receive<coact::address>(), 41);
            answer = co_await self.receive<int>();
        }
    });
    coact::address before;
    coact::address after;
    {
        const coact_test::serving s(rt);
        REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rt.try_lookup("victim")); }));
        before = rt.lookup("victim");
        std::this_thread::sleep_for(200ms);  // the victim's heartbeat is heard here
        rt.send(w, 0);
        REQUIRE(coact_test::eventually([&] { return o.pongs.load() == 1; }));
        victim.kill(SIGSTOP);
        REQUIRE(coact_test::eventually([&] { return both(o); }, 10s));  // lost here
        REQUIRE(!rt.try_lookup("victim"));                              // its name was given back
        victim.kill(SIGCONT);
        // It hears that it was lost, joins again, and claims its actor's name again.
        REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rt.try_lookup("victim")); }));
        after = rt.lookup("victim");
        rt.send(asker, after);
        REQUIRE(coact_test::eventually([&] { return answer.load() == 42; }));
    }
    CHECK(after != before);  // a new proxy: the old address is its old incarnation's
    const std::uint64_t dead = rt.stats().dead_letters;
    rt.send(before, 1);
    CHECK(rt.stats().dead_letters == dead + 1);
    // Waking did not take "keeper" from this node: a claim from a third node is refused.
    coact::runtime rc;
    coact::cluster c(rc, coact_test::on(server, "c"));
    std::string refused;
    try {
        rc.spawn(coact::spawn_options{.name = "keeper", .scope = coact::scope::cluster},
                 [](coact::context& self) -> coact::actor {
                     static_cast<void>(co_await self.receive<int>());
                 });
    } catch (const coact::name_taken& e) {
        refused = e.what();
    }
    CHECK_THAT(refused, Catch::Contains("node 'here'"));
}
