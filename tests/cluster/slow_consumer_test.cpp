// The servers' own slow-consumer rule (docs/design/cluster-failures.md): a node that does not
// read its connection while more than the server's max_pending waits for it is disconnected by
// the server, and what was waiting is dropped. Node "victim" runs in a process of its own
// (support/node_main.cpp) and is frozen with SIGSTOP while this node floods it; the server cuts
// it off; after SIGCONT it reconnects (same incarnation: the freeze was shorter than this
// node's node_timeout), and the next message from here shows the gap in the sequence. Then
// everything between the two nodes ends with noconnection, on both sides: the watcher here gets
// `down` saying how many messages never arrived. Or, when the victim is slow to reconnect (under
// the sanitizers), this node's probe after a missed heartbeat finds its subscription gone first,
// and loses it: `down` with noconnection again, saying so. Nothing is lost silently.
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

struct outcome {
    std::mutex mutex;
    std::optional<coact::exit_reason> reason;
    std::atomic<int> pongs{0};
};

constexpr int flood_messages = 12'000;
constexpr std::size_t flood_size = 4096;  // 48 MB in all: past the server's max_pending and
                                          // the kernel's socket buffers

/// At 0: monitors "victim" and checks it answers. At 1: floods it with strings (its pong takes
/// ints only: they wait in its mailbox). At 2: one more int, whose pong may never come (nor the
/// name be there any more, if this node has lost the victim).
coact::actor watcher(coact::context& self, outcome* o) {
    for (;;) {
        co_await self.receive(
            [&](int step) {
                if (step == 0) {
                    self.monitor("victim");
                    self.send("victim", 1);
                } else if (step == 1) {
                    const std::string chunk(flood_size, 'x');
                    for (int i = 0; i < flood_messages; ++i) self.send("victim", chunk);
                } else if (step == 2) {
                    try {
                        self.send("victim", 2);
                    } catch (const coact::no_such_actor&) {  // lost: its name went with it
                    }
                } else {
                    ++o->pongs;
                }
            },
            [&](const coact::down& d) {
                const std::lock_guard lock(o->mutex);
                o->reason = d.reason;
            });
    }
}

bool ended(outcome& o) {
    const std::lock_guard lock(o.mutex);
    return o.reason.has_value();
}

}  // namespace

TEST_CASE(
    "A node the servers cut off as a slow consumer: what they dropped ends the monitors of its "
    "actors with noconnection",
    "[cluster][slow]") {
    coact_test::nats_server server("max_pending: 4MB");
    coact_test::node_process victim(server.url(), "t", "victim-node", "victim");
    coact::runtime rt;
    coact::cluster_options here = coact_test::on(server, "here");
    here.node_timeout = 30s;  // the freeze alone must not make this node lose the victim
    coact::cluster net(rt, here);
    outcome o;
    const coact::address w = rt.spawn(watcher, &o);
    {
        const coact_test::serving s(rt);
        REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rt.try_lookup("victim")); }));
        rt.send(w, 0);
        REQUIRE(coact_test::eventually([&] { return o.pongs.load() == 1; }));
        victim.kill(SIGSTOP);
        rt.send(w, 1);
        const bool cut = coact_test::eventually(
            [&] { return server.log_contains("Slow Consumer Detected"); }, 20s);
        victim.kill(SIGCONT);
        REQUIRE(cut);
        // The victim reconnects; what comes from here next shows the gap.
        REQUIRE(coact_test::eventually(
            [&] {
                rt.send(w, 2);
                return ended(o);
            },
            20s));
    }
    victim.kill(SIGKILL);
    const std::lock_guard lock(o.mutex);
    INFO(o.reason->what());
    CHECK(o.reason->kind == coact::exit_kind::noconnection);
    CHECK_THAT(o.reason->what(), Catch::Contains("never arrived") ||
                                     Catch::Contains("is lost: its connection is gone"));
    CHECK(net.stats().remote_dropped == 0);  // all of it left this node: the server dropped it
}
