// Messages between nodes (cluster/src/node_actors.cpp): two runtimes in this process, each
// joined to a nats-server the test starts and each serving on a thread of its own. A send by
// name reaches an actor of the other node through the proxy its gateway made for the name; a
// reply by self.sender() goes back through the proxy made for the sender; order holds per pair;
// user types cross as themselves; what cannot be sent or decoded is counted, never delivered.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nats/nats.h>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "cluster/support/sample_types.hpp"
#include "control.hpp"  // cluster/src: the control messages a peer could forge

namespace {

const coact::spawn_options pong_options{.name = "pong", .scope = coact::scope::cluster};

const coact::spawn_options sink_options{.name = "sink", .scope = coact::scope::cluster};

/// Counts the ints it gets.
coact::actor counting_sink(coact::context& self, std::atomic<int>* got) {
    for (;;) {
        static_cast<void>(co_await self.receive<int>());
        ++*got;
    }
}

coact::actor pong(coact::context& self) {
    for (;;) {
        const int n = co_await self.receive<int>();
        self.send(self.sender(), n + 1);
    }
}

/// Holds cnats' one delivery thread (global delivery, shared by every connection of this process
/// that asks for it, as the nodes' do) for 500 ms: a raw connection's callback sleeps on it, and
/// what comes for a node meanwhile waits beyond its inbox limit. Returns once the hold has begun.
class delivery_hold {
  public:
    explicit delivery_hold(const coact_test::nats_server& server) {
        natsOptions* opts = nullptr;
        const bool made = natsOptions_Create(&opts) == NATS_OK &&
                          natsOptions_SetURL(opts, server.url().c_str()) == NATS_OK &&
                          natsOptions_UseGlobalMessageDelivery(opts, true) == NATS_OK &&
                          natsConnection_Connect(&raw_, opts) == NATS_OK;
        natsOptions_Destroy(opts);
        if (!made ||
            natsConnection_Subscribe(
                &sleeper_, raw_, "block",
                [](natsConnection*, natsSubscription*, natsMsg* m, void* flag) {
                    static_cast<std::atomic<bool>*>(flag)->store(true);
                    std::this_thread::sleep_for(std::chrono::milliseconds(500));
                    natsMsg_Destroy(m);
                },
                &asleep_) != NATS_OK ||
            natsConnection_PublishString(raw_, "block", "") != NATS_OK ||
            natsConnection_Flush(raw_) != NATS_OK ||
            !coact_test::eventually([&] { return asleep_.load(); })) {
            release();
            throw std::runtime_error("delivery_hold: could not hold cnats' delivery thread");
        }
    }
    delivery_hold(const delivery_hold&) = delete;
    delivery_hold& operator=(const delivery_hold&) = delete;
    ~delivery_hold() { release(); }

  private:
    void release() noexcept {
        natsSubscription_Destroy(std::exchange(sleeper_, nullptr));
        natsConnection_Destroy(std::exchange(raw_, nullptr));
    }
    natsConnection* raw_ = nullptr;
    natsSubscription* sleeper_ = nullptr;
    std::atomic<bool> asleep_{false};
};

}  // namespace

TEST_CASE("Beazley's ping-pong across two nodes: by name there, by the sender's address back",
          "[cluster][remote]") {
    const unsigned workers = GENERATE(1U, 2U);  // both schedulers
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    coact::runtime& ra = nodes.ra;
    coact::runtime& rb = nodes.rb;
    ra.spawn(pong_options, pong);
    std::atomic<int> last{-1};
    std::atomic<bool> answers_from_proxy{true};
    const coact::address ping = rb.spawn([&](coact::context& self) -> coact::actor {
        int n = co_await self.receive<int>();  // the start
        self.send("pong", n);
        for (;;) {
            n = co_await self.receive<int>();
            if (self.sender() != self.runtime().try_lookup("pong")) answers_from_proxy = false;
            if (n >= 100) {
                last = n;
                co_return;
            }
            self.send("pong", n + 1);
        }
    });
    {
        const coact_test::serving sa(ra);
        const coact_test::serving sb(rb);
        REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("pong")); }));
        rb.send(ping, 0);
        REQUIRE(coact_test::eventually([&] { return last.load() >= 0; }));
    }
    CHECK(last.load() == 101);
    CHECK(answers_from_proxy.load());  // the answers' sender is the proxy named "pong"
    // rt.lookup finds a remote actor's cluster name (its proxy here), and throws for a name that
    // no node has (contract §6).
    CHECK(rb.lookup("pong") == rb.try_lookup("pong"));
    CHECK(rb.lookup("pong"));
    CHECK_THROWS_MATCHES(rb.lookup("pang"), coact::no_such_actor,
                         Catch::Message("coact::no_such_actor: no actor named 'pang' is running"));
    CHECK(nodes.a.stats().remote_received == 51);
    CHECK(nodes.a.stats().remote_sent == 51);
    CHECK(nodes.b.stats().remote_received == 51);
    CHECK(nodes.b.stats().remote_sent == 51);
    CHECK(nodes.a.stats().remote_dropped == 0);
    CHECK(nodes.a.stats().remote_rejected == 0);
}

TEST_CASE("a thousand messages to a remote actor arrive in the order they were sent",
          "[cluster][remote]") {
    const unsigned workers = GENERATE(1U, 2U);  // both schedulers
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    coact::runtime& ra = nodes.ra;
    coact::runtime& rb = nodes.rb;
    constexpr int count = 1000;
    std::atomic<int> seen{0};
    std::atomic<int> out_of_order{0};
    ra.spawn(coact::spawn_options{.name = "sink", .scope = coact::scope::cluster},
             [&](coact::context& self) -> coact::actor {
                 for (int expected = 0;; ++expected) {
                     const int n = co_await self.receive<int>();
                     if (n != expected) ++out_of_order;
                     ++seen;
                 }
             });
    const coact::address source = rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        for (int i = 0; i < count; ++i) self.send("sink", i);  // one turn: by name, one proxy
    });
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("sink")); }));
    rb.send(source, 0);
    REQUIRE(coact_test::eventually([&] { return seen.load() == count; }));
    CHECK(out_of_order.load() == 0);
}

TEST_CASE("user types cross as themselves, positional and named", "[cluster][remote]") {
    coact_test::two_nodes nodes;
    coact::runtime& ra = nodes.ra;
    coact::runtime& rb = nodes.rb;
    std::atomic<int> right{0};
    const samples::order sent{"EURUSD", {1, 2}, 1.5, {{"ioc", true}}, {7}};
    ra.spawn(coact::spawn_options{.name = "desk", .scope = coact::scope::cluster},
             [&](coact::context& self) -> coact::actor {
                 for (;;) {
                     co_await self.receive([&](const samples::order& o) { right += o == sent; },
                                           [&](const samples::line& l) {
                                               right += l.user == "ada" && l.text == "hi";
                                           });
                 }
             });
    const coact::address trader = rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        self.send("desk", sent);
        self.send("desk", samples::line{"ada", "hi"});
    });
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("desk")); }));
    rb.send(trader, 0);
    REQUIRE(coact_test::eventually([&] { return right.load() == 2; }));
}

TEST_CASE(
    "what cannot cross is refused or counted, never delivered: no wire name, garbage, "
    "no receiver",
    "[cluster][remote]") {
    struct local_only {
        int x;
    };
    coact_test::two_nodes nodes;
    coact::runtime& ra = nodes.ra;
    coact::runtime& rb = nodes.rb;
    std::atomic<int> got{0};
    std::atomic<bool> refused{false};
    ra.spawn(sink_options, counting_sink, &got);
    const coact::address source = rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        try {
            self.send("sink", local_only{1});  // no wire name: refused at the send
        } catch (const coact::not_serializable&) {
            refused = true;
        }
        self.send("sink", 2);
        static_cast<void>(co_await self.receive<int>());
        self.send("sink", 3);
    });
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("sink")); }));
    rb.send(source, 0);
    REQUIRE(coact_test::eventually([&] { return got.load() == 1; }));
    CHECK(refused.load());
    CHECK(nodes.b.stats().remote_dropped == 0);
    // Counted once cnats took it, which may be just after the sink has it.
    CHECK(coact_test::eventually([&] { return nodes.b.stats().remote_sent == 1; }));

    // Garbage, and a well-made message to a number no actor has, straight to a's inbox.
    natsConnection* raw = nullptr;
    REQUIRE(natsConnection_ConnectTo(&raw, nodes.server.url().c_str()) == NATS_OK);
    const std::string inbox = coact::cluster_subjects("t").node_inbox("a", nodes.a.incarnation());
    REQUIRE(natsConnection_PublishString(raw, inbox.c_str(), "not msgpack \xc1") == NATS_OK);
    msgpack::sbuffer nobody;
    coact::encode_message(nobody, 5, std::nullopt, 0, std::uint64_t{999999});
    REQUIRE(natsConnection_Publish(raw, inbox.c_str(), nobody.data(),
                                   static_cast<int>(nobody.size())) == NATS_OK);
    // Forged control messages: a gap notice from no node (rejected), and a down naming the
    // sink, which is not a proxy (ignored: it must not end the sink).
    msgpack::sbuffer gap;
    coact::encode_message(gap, coact::control::gap_notice{3}, std::nullopt, 0, std::uint64_t{0});
    REQUIRE(natsConnection_Publish(raw, inbox.c_str(), gap.data(), static_cast<int>(gap.size())) ==
            NATS_OK);
    msgpack::sbuffer down;
    coact::encode_message(down, coact::control::down{"failed", "x", "forged"},
                          coact::wire_address{"b", nodes.b.incarnation(), 77}, 0,
                          std::uint64_t{1});  // the sink: node a's first numbered actor
    REQUIRE(natsConnection_Publish(raw, inbox.c_str(), down.data(),
                                   static_cast<int>(down.size())) == NATS_OK);
    REQUIRE(natsConnection_Flush(raw) == NATS_OK);
    natsConnection_Destroy(raw);
    REQUIRE(coact_test::eventually([&] { return nodes.a.stats().remote_rejected == 2; }));
    REQUIRE(coact_test::eventually([&] { return nodes.a.stats().remote_dropped == 1; }));
    CHECK(got.load() == 1);
    rb.send(source, 0);  // the sink is still there
    REQUIRE(coact_test::eventually([&] { return got.load() == 2; }));
}

TEST_CASE(
    "a slow consumer: messages cnats drops because the delivery thread fell behind are "
    "counted as lost",
    "[cluster][remote]") {
    coact_test::nats_server server;
    coact::runtime ra;
    coact::runtime rb;
    coact::cluster_options small = coact_test::on(server, "a");
    small.inbox_limit = 10;
    const coact::cluster a(ra, small);
    const coact::cluster b(rb, coact_test::on(server, "b"));
    std::atomic<int> got{0};
    ra.spawn(sink_options, counting_sink, &got);
    const coact::address source = rb.spawn([](coact::context& self) -> coact::actor {
        // One first: after it, the proxy's own message to node a (its watch) is there too.
        static_cast<void>(co_await self.receive<int>());
        self.send("sink", 0);
        static_cast<void>(co_await self.receive<int>());
        for (int i = 1; i < 100; ++i) {
            self.send("sink", i);
            // A pause between sends: the proxy sends each alone (one NATS message each), where
            // messages taken in one of its turns would go out as one batch.
            co_await self.sleep(std::chrono::milliseconds(1));
        }
        // It stays: its end would send node a one more message (to the proxy watching it).
        static_cast<void>(co_await self.receive<int>());
    });
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("sink")); }));
    rb.send(source, 0);
    REQUIRE(coact_test::eventually([&] { return got.load() == 1; }));
    // cnats delivers every subscription of this process on one thread: a callback that sleeps
    // holds it, and what comes for node a meanwhile waits beyond its limit of 10.
    const delivery_hold hold(server);
    rb.send(source, 0);
    REQUIRE(coact_test::eventually([&] { return a.stats().remote_lost > 0; }));
    const bool all = coact_test::eventually(
        [&] { return got.load() + static_cast<int>(a.stats().remote_lost) == 100; });
    INFO("got " << got.load() << ", lost " << a.stats().remote_lost);
    REQUIRE(all);
    CHECK(got.load() < 100);
}

TEST_CASE("A sequence gap ends everything between the two nodes with noconnection, on both sides",
          "[cluster][remote]") {
    // As above, cnats drops what waits beyond node a's inbox limit while its delivery thread is
    // held; the next message from b shows the gap. Then a's proxy of b's sender and b's proxy of
    // a's sink both end with noconnection: their monitors hear it.
    coact_test::nats_server server;
    coact::runtime ra;
    coact::runtime rb;
    coact::cluster_options small = coact_test::on(server, "a");
    small.inbox_limit = 10;
    const coact::cluster a(ra, small);
    const coact::cluster b(rb, coact_test::on(server, "b"));
    std::atomic<int> got{0};
    std::atomic<bool> on_a_cut{false};
    std::string why_on_a;
    ra.spawn(sink_options, [&](coact::context& self) -> coact::actor {
        bool watching = false;
        for (;;) {
            co_await self.receive(
                [&](int) {
                    ++got;
                    if (!watching) {  // the sender's proxy here
                        self.monitor(self.sender());
                        watching = true;
                    }
                },
                [&](const coact::down& d) {
                    why_on_a = d.reason.what();
                    on_a_cut = d.reason.noconnection();
                });
        }
    });
    std::atomic<bool> on_b_cut{false};
    std::string why_on_b;
    const coact::address source = rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        self.monitor("sink");
        self.send("sink", 0);
        const auto on_down = [&](const coact::down& d) {  // (the gap may show in the stream)
            why_on_b = d.reason.what();
            on_b_cut = d.reason.noconnection();
        };
        co_await self.receive([](int) {}, on_down);  // the second go: the stream
        for (int i = 1; i < 100 && self.runtime().try_lookup("sink"); ++i) {
            self.send("sink", i);
            co_await self.sleep(std::chrono::milliseconds(1));  // one NATS message each
        }
        for (;;) {
            co_await self.receive(
                [&](int) {
                    if (self.runtime().try_lookup("sink")) self.send("sink", 100);  // shows the gap
                },
                on_down);
        }
    });
    const coact_test::serving sa(ra);
    const coact_test::serving sb(rb);
    REQUIRE(coact_test::eventually([&] { return static_cast<bool>(rb.try_lookup("sink")); }));
    const coact::address proxy_before = rb.lookup("sink");
    rb.send(source, 0);
    REQUIRE(coact_test::eventually([&] { return got.load() == 1; }));
    const delivery_hold hold(server);
    rb.send(source, 0);
    REQUIRE(coact_test::eventually([&] { return a.stats().remote_lost > 0; }));
    REQUIRE(coact_test::eventually([&] { return got.load() > 1; }));
    std::this_thread::sleep_for(std::chrono::milliseconds(600));  // the sleeper has let go
    rb.send(source, 0);
    const bool both_cut =
        coact_test::eventually([&] { return on_a_cut.load() && on_b_cut.load(); });
    INFO("got " << got.load() << ", lost " << a.stats().remote_lost << ", a cut " << on_a_cut
                << " (" << why_on_a << "), b cut " << on_b_cut << " (" << why_on_b << ")");
    REQUIRE(both_cut);
    CHECK_THAT(why_on_a, Catch::Contains("messages between this node and node 'b'") &&
                             Catch::Contains("never arrived (its sequence went from"));
    CHECK_THAT(why_on_b, Catch::Contains("messages between this node and node 'a'") &&
                             Catch::Contains("to it never arrived"));
    // What was lost is counted once: delivered and lost make what was sent (100 or 101: the
    // last one goes only if the gap had not shown within the stream).
    const int total = got.load() + static_cast<int>(a.stats().remote_lost);
    CHECK((total == 100 || total == 101));
    // "sink" still names a's live actor: b's gateway made a new proxy for the name, and a send
    // by name arrives again. The cut proxy's address stays dead (its monitor heard noconnection).
    REQUIRE(coact_test::eventually([&] {
        const coact::address now = rb.try_lookup("sink");
        return now && now != proxy_before;
    }));
    const int before = got.load();
    rb.send("sink", 7);
    CHECK(coact_test::eventually([&] { return got.load() == before + 1; }));
    const std::uint64_t dead = rb.stats().dead_letters;
    rb.send(proxy_before, 8);
    CHECK(rb.stats().dead_letters == dead + 1);
}
