// A route cut between two servers (support/routed_servers.hpp): node "a" is on one server, node
// "b" on the other, and the route between the servers runs through a relay the test kills. Both
// nodes stay up and connected to their own server, so no advisory names either: each side must
// find out by itself (its probe of the other finds no responder on its side of the cut) and tell
// its actors, within the partition bound (3.5 s):
//   - each side's monitors of the other side's actor get down{noconnection}, and monitor_node
//     gets node_down;
//   - what a's streamer sends after its down is counted, as dead letters of the ended proxy;
//   - b leaves without waiting long for a JetStream that lost its quorum with the route.
// Messages in flight at the cut cannot be counted one by one (NATS drops them with the route and
// says nothing); the noconnection each side hears is what tells of them (docs/concepts/
// cluster.md, "What noconnection means").
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "cluster/support/routed_servers.hpp"

namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

/// What one side heard of the other.
struct heard {
    std::mutex mutex;
    std::optional<coact::exit_reason> down;
    std::optional<steady::time_point> down_at;
    std::optional<coact::node_down> node;
    std::optional<steady::time_point> node_at;
    bool both() {
        const std::lock_guard lock(mutex);
        return down_at && node_at;
    }
};

/// At the go, monitors `actor` (another node's, by its cluster name) and `node`; records what
/// comes.
coact::actor watcher(coact::context& self, std::string actor, std::string node, heard* h) {
    static_cast<void>(co_await self.receive<int>());
    self.monitor(actor);
    self.monitor_node(node);
    for (;;) {
        co_await self.receive(
            [&](const coact::down& d) {
                const std::lock_guard lock(h->mutex);
                h->down = d.reason;
                h->down_at = steady::now();
            },
            [&](const coact::node_down& n) {
                const std::lock_guard lock(h->mutex);
                h->node = n;
                h->node_at = steady::now();
            });
    }
}

/// Counts the ints it gets.
coact::actor sink(coact::context& self, std::atomic<int>* got) {
    for (;;) {
        static_cast<void>(co_await self.receive<int>());
        ++*got;
    }
}

/// Sends an int to "sink" every 2 ms until its monitor of "sink" says it ended; then sends 10
/// more (to the ended proxy: dead letters) and ends.
coact::actor streamer(coact::context& self, std::atomic<int>* sent) {
    static_cast<void>(co_await self.receive<int>());
    const coact::address to = self.lookup("sink");
    self.monitor(to);
    for (;;) {
        self.send(to, 1);
        ++*sent;
        if (co_await self.receive_for<coact::down>(2ms)) break;
    }
    for (int i = 0; i < 10; ++i) self.send(to, 1);
}

}  // namespace

TEST_CASE(
    "A route cut between the nodes' servers: both sides hear noconnection and node_down "
    "within 3.5 s, and sends after it are counted",
    "[cluster][route]") {
    coact_test::routed_servers servers;
    coact::runtime ra;
    coact::runtime rb;
    coact::cluster a(ra, coact_test::on(servers.first, "a"));
    std::optional<coact::cluster> b(std::in_place, rb, coact_test::on(servers.second, "b"));
    std::atomic<int> got{0};
    std::atomic<int> sent{0};
    heard on_a;
    heard on_b;
    rb.spawn(coact::spawn_options{.name = "sink", .scope = coact::scope::cluster}, sink, &got);
    // More names of b's, to give back after the cut while JetStream has no quorum.
    for (const char* name : {"b1", "b2", "b3"}) {
        rb.spawn(coact::spawn_options{.name = name, .scope = coact::scope::cluster}, sink, &got);
    }
    ra.spawn(coact::spawn_options{.name = "source", .scope = coact::scope::cluster},
             [](coact::context& self) -> coact::actor {
                 for (;;) static_cast<void>(co_await self.receive<int>());
             });
    const coact::address watch_b = ra.spawn(watcher, std::string("sink"), std::string("b"), &on_a);
    const coact::address watch_a =
        rb.spawn(watcher, std::string("source"), std::string("a"), &on_b);
    const coact::address stream = ra.spawn(streamer, &sent);
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] {
        return static_cast<bool>(ra.try_lookup("sink")) && static_cast<bool>(ra.try_lookup("b3")) &&
               static_cast<bool>(rb.try_lookup("source"));
    }));
    ra.send(watch_b, 0);
    rb.send(watch_a, 0);

    ra.send(stream, 0);
    REQUIRE(coact_test::eventually([&] { return got.load() >= 50; }));
    const std::uint64_t dead_before = ra.stats().dead_letters;

    const steady::time_point cut_at = steady::now();
    servers.cut();
    REQUIRE(coact_test::eventually([&] { return on_a.both() && on_b.both(); }, 10s));
    for (heard* h : {&on_a, &on_b}) {
        const std::lock_guard lock(h->mutex);
        CHECK(h->down->kind == coact::exit_kind::noconnection);
        CHECK(*h->down_at - cut_at < 3500ms);
        CHECK(*h->node_at - cut_at < 3500ms);
    }
    {
        const std::lock_guard lock(on_a.mutex);
        CHECK(on_a.node->node == "b");
        CHECK_THAT(on_a.down->what(), Catch::Contains("'b'"));
    }
    {
        const std::lock_guard lock(on_b.mutex);
        CHECK(on_b.node->node == "a");
    }
    // The streamer's ten sends after its down are dead letters here; nothing it sent arrived
    // twice or out of thin air.
    REQUIRE(coact_test::eventually([&] { return ra.stats().dead_letters >= dead_before + 10; }));
    CHECK(got.load() <= sent.load());
    // Counted once cnats took it, which may be just after the sink has it.
    CHECK(coact_test::eventually(
        [&] { return a.stats().remote_sent >= static_cast<std::uint64_t>(got.load()); }));

    // b leaves while JetStream, without its quorum, answers nothing: b's four names cannot be
    // given back (a gives them back when the route returns), and the leave does not wait for
    // each (it took 6 s: a lost node's names given back on the liveness thread, five seconds
    // per request).
    const steady::time_point leave_at = steady::now();
    b.reset();
    CHECK(steady::now() - leave_at < 3s);
}
