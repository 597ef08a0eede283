// A node the others had lost joins again as a new incarnation (cluster/src/membership.hpp): here
// in one process, the news that it was lost comes from a raw connection, as another node sends it
// (control::lost_notice on the node's probe subject). The frozen process that wakes is in
// lost_node_test.cpp.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <nats/nats.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "control.hpp"

namespace {

using namespace std::chrono_literals;

struct seen {
    std::mutex mutex;
    std::optional<coact::exit_reason> down;
    std::optional<coact::node_down> node;
};

/// At the go, monitors "far" (a proxy of node a's actor) and node a; records what comes.
coact::actor watcher(coact::context& self, seen* s, std::atomic<bool>* ready) {
    static_cast<void>(co_await self.receive<int>());
    self.monitor("far");
    self.monitor_node("a");
    *ready = true;
    for (;;) {
        co_await self.receive(
            [&](const coact::down& d) {
                const std::lock_guard lock(s->mutex);
                s->down = d.reason;
            },
            [&](const coact::node_down& n) {
                const std::lock_guard lock(s->mutex);
                s->node = n;
            });
    }
}

coact::actor echo(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.send(self.sender(), n + 1);
    }
}

/// Tells node b's incarnation `incarnation` that node a had lost it, as a's liveness would.
void tell_lost(const coact_test::nats_server& server, std::uint64_t incarnation,
               std::uint64_t from_incarnation) {
    natsConnection* raw = nullptr;
    REQUIRE(natsConnection_ConnectTo(&raw, server.url().c_str()) == NATS_OK);
    msgpack::sbuffer out;
    coact::encode_message(out, coact::control::lost_notice{"it was silent (told by the test)"},
                          coact::wire_address{"a", from_incarnation, 0});
    const std::string subject = coact::cluster_subjects("t").probe("b", incarnation);
    REQUIRE(natsConnection_Publish(raw, subject.c_str(), out.data(),
                                   static_cast<int>(out.size())) == NATS_OK);
    REQUIRE(natsConnection_Flush(raw) == NATS_OK);
    natsConnection_Destroy(raw);
}

}  // namespace

TEST_CASE(
    "A node told that the others had lost it ends its bonds with noconnection, joins again "
    "as a new incarnation and claims its names and pool places again",
    "[cluster][rejoin]") {
    const unsigned workers = GENERATE(1U, 2U);  // both schedulers
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    nodes.ra.spawn(coact::spawn_options{.name = "far", .scope = coact::scope::cluster}, echo);
    nodes.rb.spawn(coact::spawn_options{.name = "held", .scope = coact::scope::cluster}, echo);
    nodes.rb.spawn(coact::spawn_options{.name = "crew", .scope = coact::scope::pool}, echo);
    seen s;
    std::atomic<bool> ready{false};
    const coact::address w = nodes.rb.spawn(watcher, &s, &ready);
    std::atomic<int> held_answer{0};
    std::atomic<int> crew_answer{0};
    const coact::address asker = nodes.ra.spawn([&](coact::context& self) -> coact::actor {
        for (;;) {
            static_cast<void>(co_await self.receive<std::string>());
            self.send("held", 1);  // each answers the sender (a proxy of this actor on node b)
            held_answer = co_await self.receive<int>();
            self.send("crew", 10);
            crew_answer = co_await self.receive<int>();
        }
    });
    const std::uint64_t first = nodes.b.incarnation();
    coact::address held_before;
    {
        const coact_test::serving sa(nodes.ra);
        const coact_test::serving sb(nodes.rb);
        REQUIRE(
            coact_test::eventually([&] { return static_cast<bool>(nodes.rb.try_lookup("far")); }));
        REQUIRE(
            coact_test::eventually([&] { return static_cast<bool>(nodes.ra.try_lookup("held")); }));
        held_before = nodes.ra.lookup("held");
        nodes.rb.send(w, 0);
        REQUIRE(coact_test::eventually([&] { return ready.load(); }));
        std::this_thread::sleep_for(300ms);  // the watch reached node a, heartbeats were heard
        tell_lost(nodes.server, first, nodes.a.incarnation());
        // b joined again: a new incarnation, counted.
        REQUIRE(coact_test::eventually([&] {
            const std::uint64_t now = nodes.b.incarnation();
            return now != 0 && now != first;
        }));
        CHECK(nodes.b.stats().rejoins == 1);
        // Its monitor of a's actor and of node a ended: the bonds of its old incarnation.
        REQUIRE(coact_test::eventually([&] {
            const std::lock_guard lock(s.mutex);
            return s.down.has_value() && s.node.has_value();
        }));
        {
            const std::lock_guard lock(s.mutex);
            CHECK(s.down->kind == coact::exit_kind::noconnection);
            CHECK_THAT(s.down->what(), Catch::Contains("had been lost by the cluster"));
            CHECK_THAT(s.down->what(), Catch::Contains("joins again as a new incarnation"));
            CHECK(s.node->node == "a");
        }
        // Its names and pool places are the new incarnation's: node a reaches both.
        REQUIRE(coact_test::eventually([&] {
            const coact::address now = nodes.ra.try_lookup("held");
            return now && now != held_before;  // node a's proxy of the new incarnation
        }));
        nodes.ra.send(asker, std::string("go"));
        REQUIRE(coact_test::eventually([&] { return held_answer.load() == 2; }));
        REQUIRE(coact_test::eventually([&] { return crew_answer.load() == 11; }));
        // The new incarnation reaches a's actor again, through a new proxy.
        CHECK(
            coact_test::eventually([&] { return static_cast<bool>(nodes.rb.try_lookup("far")); }));
    }
    CHECK(nodes.b.incarnation() != first);
}
