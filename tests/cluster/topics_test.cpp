// Topics shared across nodes (cluster_options::shared_topics, cluster/src/shared_topics.cpp):
// a publication to a shared topic reaches the subscribers of every node once, with the
// publisher's proxy as sender; other topics stay local; what cannot cross is refused at the
// publish, whole.
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "cluster/support/sample_types.hpp"

namespace {

using namespace std::chrono_literals;

struct heard {
    std::mutex mutex;
    std::vector<std::string> items;  // "<topic-ish text>" in arrival order
    void add(std::string s) {
        const std::lock_guard lock(mutex);
        items.push_back(std::move(s));
    }
    std::size_t size() {
        const std::lock_guard lock(mutex);
        return items.size();
    }
};

/// Subscribes to `topic`, says it is ready, then records every tick as "<who>:<n>".
coact::actor subscriber(coact::context& self, std::string topic, std::string who, heard* h,
                        std::atomic<int>* ready) {
    self.subscribe(topic);
    ++*ready;
    for (;;) {
        const samples::tick t = co_await self.receive<samples::tick>();
        h->add(who + ":" + std::to_string(t.n));
    }
}

coact::cluster_options sharing(const coact_test::nats_server& server, const char* node,
                               std::vector<std::string> topics) {
    coact::cluster_options o = coact_test::on(server, node);
    o.shared_topics = std::move(topics);
    return o;
}

}  // namespace

TEST_CASE("A shared topic reaches the subscribers of every node once, in publish order",
          "[cluster][topics]") {
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::nats_server server;
    coact::runtime ra({.workers = workers});
    coact::runtime rb({.workers = workers});
    coact::runtime rc({.workers = workers});
    // Overlapping patterns on b: each publication still arrives once.
    const coact::cluster a(ra, sharing(server, "a", {"prices.*"}));
    const coact::cluster b(rb, sharing(server, "b", {"prices.*", "prices.eur", "*"}));
    const coact::cluster c(rc, sharing(server, "c", {"prices.*"}));
    heard h;
    std::atomic<int> ready{0};
    ra.spawn(subscriber, std::string("prices.eur"), std::string("a"), &h, &ready);
    rb.spawn(subscriber, std::string("prices.*"), std::string("b"), &h, &ready);
    rc.spawn(subscriber, std::string("prices.eur"), std::string("c"), &h, &ready);
    rc.spawn(subscriber, std::string("prices.usd"), std::string("c-usd"), &h, &ready);
    std::atomic<bool> senders_ok{true};
    std::atomic<int> replies{0};
    const coact::address publisher = ra.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        for (std::int64_t n = 0; n < 50; ++n) self.publish("prices.eur", samples::tick{n});
        replies = static_cast<int>((co_await self.receive<samples::tick>()).n);  // from c
    });
    // On c, the publication's sender is a proxy of a's publisher: a reply by send crosses back.
    rc.spawn([&](coact::context& self) -> coact::actor {
        self.subscribe("prices.eur");
        ++ready;
        const samples::tick t = co_await self.receive<samples::tick>();
        if (!self.sender()) senders_ok = false;
        self.send(self.sender(), samples::tick{t.n + 1000});
    });
    {
        const coact_test::serving sa(ra);
        const coact_test::serving sb(rb);
        const coact_test::serving sc(rc);
        REQUIRE(coact_test::eventually([&] { return ready.load() == 5; }));
        std::this_thread::sleep_for(100ms);  // every node's subscriptions are at the server
        ra.send(publisher, 0);
        REQUIRE(coact_test::eventually([&] { return h.size() == 150 && replies.load() != 0; }));
        std::this_thread::sleep_for(200ms);  // nothing more comes (no duplicate)
    }
    CHECK(h.size() == 150);
    CHECK(senders_ok.load());
    CHECK(replies.load() == 1000);  // c's reply to the first tick, through the publisher's proxy
    // Per subscriber, in publish order.
    for (const char* who : {"a", "b", "c"}) {
        std::int64_t next = 0;
        for (const std::string& s : h.items) {
            if (s.starts_with(std::string(who) + ":")) {
                CHECK(s == std::string(who) + ":" + std::to_string(next));
                ++next;
            }
        }
        CHECK(next == 50);
    }
    CHECK(a.stats().remote_sent >= 50);  // one NATS message per publication
    CHECK(b.stats().remote_rejected == 0);
}

TEST_CASE("A topic that is not shared stays on its node", "[cluster][topics]") {
    coact_test::nats_server server;
    coact::runtime ra;
    coact::runtime rb;
    const coact::cluster a(ra, sharing(server, "a", {"prices.*"}));
    const coact::cluster b(rb, sharing(server, "b", {"prices.*"}));
    heard h;
    std::atomic<int> ready{0};
    ra.spawn(subscriber, std::string("news"), std::string("a"), &h, &ready);
    rb.spawn(subscriber, std::string("news"), std::string("b"), &h, &ready);
    std::size_t local = 0;
    const coact::address publisher = ra.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        local = self.publish("news", samples::tick{1});
    });
    {
        const coact_test::serving sa(ra);
        const coact_test::serving sb(rb);
        REQUIRE(coact_test::eventually([&] { return ready.load() == 2; }));
        ra.send(publisher, 0);
        REQUIRE(coact_test::eventually([&] { return h.size() == 1; }));
        std::this_thread::sleep_for(200ms);
    }
    CHECK(local == 1);
    CHECK(h.items == std::vector<std::string>{"a:1"});
    CHECK(a.stats().remote_sent == 0);
}

TEST_CASE("A publication that cannot cross is refused whole: no wire name, or too large",
          "[cluster][topics]") {
    struct local_only {
        int n;
    };
    coact_test::nats_server server;
    coact::runtime ra;
    const coact::cluster a(ra, sharing(server, "a", {"prices.*"}));
    heard h;
    std::atomic<int> ready{0};
    ra.spawn(subscriber, std::string("prices.eur"), std::string("a"), &h, &ready);
    std::string no_name;
    std::string too_large;
    std::string from_outside;
    ra.spawn([&](coact::context& self) -> coact::actor {
        try {
            self.publish("prices.eur", local_only{1});
        } catch (const coact::not_serializable& e) {
            no_name = e.what();
        }
        try {
            self.publish("prices.eur", std::string(2 * 1024 * 1024, 'x'));
        } catch (const coact::message_too_large& e) {
            too_large = e.what();
        }
        co_return;
    });
    try {
        ra.publish("prices.eur", local_only{2});
    } catch (const coact::not_serializable& e) {
        from_outside = e.what();
    }
    ra.run();
    CHECK_THAT(no_name, Catch::Contains("shared topic 'prices.eur'") &&
                            Catch::Contains("local_only") && Catch::Contains("no wire name"));
    CHECK_THAT(too_large, Catch::Contains("bytes on the wire; the servers take at most 1048576"));
    CHECK_THAT(from_outside, Catch::Contains("no wire name"));
    CHECK(h.size() == 0);  // refused whole: not even the local subscriber got them
}

TEST_CASE("A bad shared topic is refused at join, naming it", "[cluster][topics]") {
    coact_test::nats_server server;
    coact::runtime rt;
    CHECK_THROWS_WITH(coact::cluster(rt, sharing(server, "a", {"prices.*", "bad topic"})),
                      Catch::Contains("shared topic 'bad topic' has ' '"));
}
