// Monitors and links of remote actors (cluster/src/node_actors.cpp: a proxy mirrors its remote
// actor's life), and lost nodes seen from inside one process: a node that leaves is lost at once
// for the others (its last heartbeat says so). Crashed and frozen nodes, in processes of their
// own, are in lost_node_test.cpp.
#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"

namespace {

using namespace std::chrono_literals;

/// What a watcher saw, read by the test once it is there.
struct seen {
    std::mutex mutex;
    std::optional<coact::exit_reason> reason;
    std::optional<coact::node_down> node;
    bool trapped = false;  // the reason came as a coact::exit (a link)
    void set(const coact::exit_reason& r, bool as_exit = false) {
        const std::lock_guard lock(mutex);
        reason = r;
        trapped = as_exit;
    }
    bool has_reason() {
        const std::lock_guard lock(mutex);
        return reason.has_value();
    }
    bool has_node() {
        const std::lock_guard lock(mutex);
        return node.has_value();
    }
};

/// Ends as told: 0 returns, 1 throws std::invalid_argument, 2 stops itself (closed).
coact::actor target(coact::context& self) {
    const int how = co_await self.receive<int>();
    if (how == 1) throw std::invalid_argument("the target was told to fail");
    if (how == 0) co_return;
    if (how == 2) self.stop(self.address());
    for (;;) static_cast<void>(co_await self.receive<int>());
}

/// At the go (an int), monitors the actor named `name` (a proxy here) and, unless `how` is
/// negative, sends it `how`; then records its down.
coact::actor monitoring(coact::context& self, std::string name, int how, seen* s,
                        std::atomic<bool>* ready) {
    static_cast<void>(co_await self.receive<int>());
    self.monitor(name);
    // After the monitor, on the proxy's FIFO mailbox: after its watch, which it sent first.
    if (how >= 0) self.send(name, how);
    *ready = true;
    s->set((co_await self.receive<coact::down>()).reason);
}

/// At the go, monitor_node(node); then records its node_down.
coact::actor node_watching(coact::context& self, std::string node, seen* s,
                           std::atomic<bool>* ready) {
    static_cast<void>(co_await self.receive<int>());
    self.monitor_node(node);
    *ready = true;
    const coact::node_down d = co_await self.receive<coact::node_down>();
    const std::lock_guard lock(s->mutex);
    s->node = d;
}

const coact::spawn_options target_options{.name = "target", .scope = coact::scope::cluster};

std::string error_type(const coact::exit_reason& r) {
    if (!r.error) return "no error";
    try {
        std::rethrow_exception(r.error);
    } catch (const coact::remote_error& e) {
        return e.type_name() + " on " + e.node();
    } catch (...) {
        return "not a remote_error";
    }
}

}  // namespace

TEST_CASE("A monitor of a remote actor hears its end: normal, failed (a remote_error) or closed",
          "[cluster][monitor]") {
    const unsigned workers = GENERATE(1U, 2U);
    const int how = GENERATE(0, 1, 2);  // returns, fails, is stopped
    INFO("workers: " << workers << ", how: " << how);
    coact_test::two_nodes nodes(workers);
    nodes.ra.spawn(target_options, target);
    seen s;
    std::atomic<bool> ready{false};
    const coact::address m = nodes.rb.spawn(monitoring, std::string("target"), how, &s, &ready);
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(coact_test::eventually(
            [&] { return static_cast<bool>(nodes.rb.try_lookup("target")); }));
        nodes.rb.send(m, 0);  // go
        REQUIRE(coact_test::eventually([&] { return s.has_reason(); }));
    }
    const coact::exit_reason r = *s.reason;
    if (how == 0) {
        CHECK(r.kind == coact::exit_kind::normal);
    } else if (how == 1) {
        CHECK(r.kind == coact::exit_kind::failed);
        CHECK(r.what() == "the target was told to fail");
        CHECK(error_type(r) == "std::invalid_argument on a");
    } else {
        CHECK(r.kind == coact::exit_kind::closed);
    }
    // The proxy ended with its actor: the name is free on b too (the name's release also tells b).
    CHECK(coact_test::eventually([&] { return !nodes.rb.try_lookup("target"); }));
}

TEST_CASE("A link with a remote actor: its failure closes the local partner, or comes as an exit",
          "[cluster][monitor]") {
    const bool traps = GENERATE(false, true);
    INFO("traps exits: " << traps);
    coact_test::two_nodes nodes;
    nodes.ra.spawn(target_options, target);
    seen s;
    std::atomic<bool> linked{false};
    const coact::address partner = nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());  // go: the name is known here now
        self.trap_exits(traps);
        self.link("target");
        self.send("target", 1);  // after the proxy's watch (its mailbox is FIFO)
        linked = true;
        if (traps) {
            const coact::exit e = co_await self.receive<coact::exit>();
            s.set(e.reason, true);
        } else {
            for (;;) static_cast<void>(co_await self.receive<int>());
        }
    });
    seen partner_end;
    nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(partner);
        partner_end.set((co_await self.receive<coact::down>()).reason);
    });
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(coact_test::eventually(
            [&] { return static_cast<bool>(nodes.rb.try_lookup("target")); }));
        nodes.rb.send(partner, 0);  // go
        REQUIRE(coact_test::eventually([&] { return linked.load(); }));
        REQUIRE(coact_test::eventually([&] { return partner_end.has_reason(); }));
    }
    if (traps) {
        REQUIRE(s.reason);
        CHECK(s.trapped);
        CHECK(s.reason->kind == coact::exit_kind::failed);
        CHECK(s.reason->what() == "the target was told to fail");
        CHECK(partner_end.reason->kind == coact::exit_kind::normal);
    } else {
        CHECK(partner_end.reason->kind == coact::exit_kind::closed);
    }
}

TEST_CASE(
    "A node that leaves is lost at once: monitors of its actors get noconnection, "
    "monitor_node gets node_down",
    "[cluster][monitor]") {
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::nats_server server;
    coact::runtime ra({.workers = workers});
    coact::runtime rb({.workers = workers});
    auto a = std::make_unique<coact::cluster>(ra, coact_test::on(server, "a"));
    coact::cluster b(rb, coact_test::on(server, "b"));
    ra.spawn(target_options, target);
    seen by_monitor;
    seen by_node;
    std::atomic<bool> monitoring_ready{false};
    std::atomic<bool> node_ready{false};
    const coact::address m =
        rb.spawn(monitoring, std::string("target"), -1, &by_monitor, &monitoring_ready);
    const coact::address n = rb.spawn(node_watching, std::string("a"), &by_node, &node_ready);
    {
        const coact_test::serving sb(rb);
        {
            const coact_test::serving sa(ra);
            REQUIRE(
                coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("target")); }));
            // b heard a's heartbeat by now: a new node's first heartbeat is answered at once.
            std::this_thread::sleep_for(200ms);
            rb.send(m, 0);
            rb.send(n, 0);
            REQUIRE(coact_test::eventually([&] { return monitoring_ready && node_ready; }));
            CHECK(!by_node.has_node());  // a is alive
            const auto left = std::chrono::steady_clock::now();
            a.reset();  // node a leaves; its runtime and its actor go on
            REQUIRE(coact_test::eventually([&] { return by_monitor.has_reason(); }));
            REQUIRE(coact_test::eventually([&] { return by_node.has_node(); }));
            // Far under node_timeout (1.5 s): the leaving heartbeat says it.
            CHECK(std::chrono::steady_clock::now() - left < 1s);
        }
    }
    const coact::exit_reason r = *by_monitor.reason;
    CHECK(r.kind == coact::exit_kind::noconnection);
    CHECK(r.noconnection());
    CHECK_THAT(r.what(), Catch::Contains("node 'a'") && Catch::Contains("left the cluster"));
    CHECK(by_node.node->node == "a");
    CHECK(by_node.node->why == "it left the cluster");
    CHECK(!rb.try_lookup("target"));  // its proxy went, and with it the name here
}

TEST_CASE(
    "monitor_node: a node that is not alive is reported at once, and without a cluster it "
    "throws",
    "[cluster][monitor]") {
    coact_test::two_nodes nodes;
    seen s;
    nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        self.monitor_node("nobody");
        const coact::node_down d = co_await self.receive<coact::node_down>();
        const std::lock_guard lock(s.mutex);
        s.node = d;
    });
    {
        const coact_test::serving sb(nodes.rb);  // the answer comes from the probe, by name
        REQUIRE(coact_test::eventually([&] { return s.has_node(); }));
    }
    REQUIRE(s.node);
    CHECK(s.node->node == "nobody");
    CHECK_THAT(s.node->why, Catch::Contains("no node of that name is alive in cluster 't' now"));

    coact::runtime alone;
    std::string said;
    alone.spawn([&](coact::context& self) -> coact::actor {
        try {
            self.monitor_node("a");
        } catch (const coact::error& e) {
            said = e.what();
        }
        co_return;
    });
    alone.run();
    CHECK_THAT(said, Catch::Contains("joined no cluster") && Catch::Contains("'a'"));
}

TEST_CASE("A node sees the others alive: monitor_node of a live node waits", "[cluster][monitor]") {
    coact_test::two_nodes nodes;
    seen s;
    std::atomic<bool> ready{false};
    const coact::address n = nodes.rb.spawn(node_watching, std::string("a"), &s, &ready);
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        std::this_thread::sleep_for(200ms);  // b has heard a by now
        nodes.rb.send(n, 0);
        REQUIRE(coact_test::eventually([&] { return ready.load(); }));
        std::this_thread::sleep_for(2s);  // longer than node_timeout: a's heartbeats keep it alive
    }
    CHECK(!s.has_node());
}

TEST_CASE("The failure detection timings are checked at join", "[cluster][monitor]") {
    coact_test::nats_server server;
    coact::runtime rt;
    coact::cluster_options o = coact_test::on(server, "a");
    o.heartbeat_interval = 500ms;
    o.node_timeout = 400ms;
    CHECK_THROWS_MATCHES(coact::cluster(rt, o), coact::cluster_error,
                         Catch::Message("coact::cluster: the failure detection timings need "
                                        "heartbeat_interval > 0 and node_timeout > "
                                        "heartbeat_interval (they are 500 ms and 400 ms)"));
}

TEST_CASE("exit_reason: noconnection says which node and why", "[cluster][monitor]") {
    const coact::exit_reason bare{coact::exit_kind::noconnection, nullptr};
    CHECK(bare.what() == "noconnection");
    CHECK(bare.noconnection());
    CHECK(!bare.failed());
}

TEST_CASE("monitor_node of a node that joined a moment ago asks it by name, and waits",
          "[cluster][monitor]") {
    coact_test::nats_server server;
    coact::runtime rb;
    coact::cluster b(rb, coact_test::on(server, "b"));
    seen s;
    std::atomic<bool> ready{false};
    const coact::address n = rb.spawn(node_watching, std::string("c"), &s, &ready);
    const coact_test::serving sb(rb);
    coact::runtime rc;
    auto c = std::make_unique<coact::cluster>(rc, coact_test::on(server, "c"));
    rb.send(n, 0);  // at once: b may not have heard c's first heartbeat yet
    REQUIRE(coact_test::eventually([&] { return ready.load(); }));
    std::this_thread::sleep_for(300ms);
    CHECK(!s.has_node());  // c answered the probe: alive
    c.reset();             // c leaves
    REQUIRE(coact_test::eventually([&] { return s.has_node(); }));
    CHECK(s.node->why == "it left the cluster");
}

TEST_CASE("Stopping a remote actor's proxy stops the actor on its node", "[cluster][monitor]") {
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    const coact::address t = nodes.ra.spawn(target_options, target);
    seen on_a;  // a monitor of the target on its own node
    nodes.ra.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(t);
        on_a.set((co_await self.receive<coact::down>()).reason);
    });
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(coact_test::eventually(
            [&] { return static_cast<bool>(nodes.rb.try_lookup("target")); }));
        CHECK(nodes.rb.stop("target"));  // the proxy, from outside: thread-safe
        REQUIRE(coact_test::eventually([&] { return on_a.has_reason(); }));
    }
    CHECK(on_a.reason->kind == coact::exit_kind::closed);
}

TEST_CASE("A proxy stopped before its first turn still stops the actor on its node",
          "[cluster][monitor]") {
    // Single-threaded, deterministic: `stopper` always has a turn queued (it sends itself a
    // tick), so the gateway's turn that makes the proxy for "target" is followed by stopper's
    // turn before the proxy's first one.
    coact_test::two_nodes nodes;
    const coact::address t = nodes.ra.spawn(target_options, target);
    seen on_a;
    nodes.ra.spawn([&](coact::context& self) -> coact::actor {
        self.monitor(t);
        on_a.set((co_await self.receive<coact::down>()).reason);
    });
    std::atomic<int> stopped{-1};  // 1: stopped the proxy, 0: gave up waiting for its name
    nodes.rb.spawn([&](coact::context& self) -> coact::actor {  // stopper
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!self.runtime().try_lookup("target")) {
            if (std::chrono::steady_clock::now() > deadline) {
                stopped = 0;
                co_return;
            }
            self.send(self.address(), 0);
            static_cast<void>(co_await self.receive<int>());
        }
        stopped = self.stop("target") ? 1 : 0;
    });
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(coact_test::eventually([&] { return stopped.load() >= 0; }));
        REQUIRE(stopped.load() == 1);
        REQUIRE(coact_test::eventually([&] { return on_a.has_reason(); }));
    }
    CHECK(on_a.reason->kind == coact::exit_kind::closed);
}
