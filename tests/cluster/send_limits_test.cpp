// What a send to a remote actor refuses at once (cluster/src/proxy_gate.hpp, contract §6): a
// type with no wire name throws coact::not_serializable, and a message larger on the wire than
// the servers take throws coact::message_too_large, at the send, ask or put itself, from an actor
// or from outside. Nothing refused is queued, counted as sent or dropped. A message under the
// servers' limit crosses whole, and large messages sent in one turn are batched under it.
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"

namespace {

const coact::spawn_options sink_options{.name = "sink", .scope = coact::scope::cluster};

/// Counts the ints it gets.
coact::actor counting_sink(coact::context& self, std::atomic<int>* got) {
    for (;;) {
        static_cast<void>(co_await self.receive<int>());
        ++*got;
    }
}

/// The what() of every refusal an actor saw, in order.
struct refusals {
    std::mutex mutex;
    std::vector<std::string> said;
    void add(const std::exception& e) {
        const std::lock_guard lock(mutex);
        said.emplace_back(e.what());
    }
    std::size_t size() {
        const std::lock_guard lock(mutex);
        return said.size();
    }
};

/// Keeps the strings it gets: their sizes and first letters.
struct kept {
    std::mutex mutex;
    std::vector<std::size_t> sizes;
    std::string firsts;
    bool whole = true;  // every string is one letter repeated
    std::size_t size() {
        const std::lock_guard lock(mutex);
        return sizes.size();
    }
};

coact::actor keeper(coact::context& self, kept* k) {
    for (;;) {
        const std::string s = co_await self.receive<std::string>();
        const std::lock_guard lock(k->mutex);
        k->sizes.push_back(s.size());
        k->firsts.push_back(s.empty() ? '-' : s.front());
        if (s.find_first_not_of(s.front()) != std::string::npos) k->whole = false;
    }
}

}  // namespace

TEST_CASE("A type with no wire name sent to a remote actor throws not_serializable at the send",
          "[cluster][limits]") {
    struct local_only {
        int n;
    };
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    std::atomic<int> got{0};
    nodes.ra.spawn(sink_options, counting_sink, &got);
    refusals r;
    const coact::address sender = nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        const coact::address proxy = self.lookup("sink");
        try {
            self.send("sink", local_only{1});
        } catch (const coact::not_serializable& e) {
            r.add(e);
        }
        try {
            self.send(proxy, local_only{2});
        } catch (const coact::not_serializable& e) {
            r.add(e);
        }
        try {
            static_cast<void>(co_await self.ask<int>("sink", local_only{3}));
        } catch (const coact::not_serializable& e) {
            r.add(e);
        }
        try {
            co_await self.put("sink", local_only{4});
        } catch (const coact::not_serializable& e) {
            r.add(e);
        }
        self.send("sink", 5);  // the proxy is untouched: what can cross still does
    });
    const coact_test::serving sa(nodes.ra);
    const coact_test::serving sb(nodes.rb);
    REQUIRE(coact_test::eventually([&] { return static_cast<bool>(nodes.rb.try_lookup("sink")); }));
    // From outside the runtime, by name and by the proxy's address.
    for (int i = 0; i < 2; ++i) {
        try {
            if (i == 0) {
                nodes.rb.send("sink", local_only{6});
            } else {
                nodes.rb.send(nodes.rb.lookup("sink"), local_only{7});
            }
        } catch (const coact::not_serializable& e) {
            r.add(e);
        }
    }
    nodes.rb.send(sender, 0);
    REQUIRE(coact_test::eventually([&] { return got.load() == 1; }));
    REQUIRE(r.size() == 6);
    for (const std::string& what : r.said) {
        CHECK_THAT(what, Catch::StartsWith("coact::cluster: cannot send a message of type") &&
                             Catch::Contains("local_only") && Catch::Contains("actor 'sink'") &&
                             Catch::Contains("has no wire name (COACT_REMOTE)"));
    }
    // Counted once cnats took it, which may be just after the sink has it.
    CHECK(coact_test::eventually([&] { return nodes.b.stats().remote_sent == 1; }));
    CHECK(nodes.b.stats().remote_dropped == 0);  // refused at the send: never queued or dropped
    CHECK(nodes.rb.stats().dead_letters == 0);
}

TEST_CASE(
    "900 KB crosses whole, 2 MB throws message_too_large at the send, and large messages "
    "sent in one turn all arrive in order",
    "[cluster][limits]") {
    const unsigned workers = GENERATE(1U, 2U);
    INFO("workers: " << workers);
    coact_test::two_nodes nodes(workers);
    kept k;
    nodes.ra.spawn(coact::spawn_options{.name = "store", .scope = coact::scope::cluster}, keeper,
                   &k);
    refusals r;
    constexpr std::size_t kib = 1024;
    const coact::address sender = nodes.rb.spawn([&](coact::context& self) -> coact::actor {
        static_cast<void>(co_await self.receive<int>());
        self.send("store", std::string(900 * kib, 'a'));
        try {
            self.send("store", std::string(2 * kib * kib, 'x'));
        } catch (const coact::message_too_large& e) {
            r.add(e);
        }
        try {
            static_cast<void>(co_await self.ask<int>("store", std::string(2 * kib * kib, 'y')));
        } catch (const coact::message_too_large& e) {
            r.add(e);
        }
        // Six in one turn: 2.4 MB together, more than one NATS message may hold.
        for (char c = 'b'; c < 'h'; ++c) self.send("store", std::string(400 * kib, c));
        self.send("store", std::string("z"));
    });
    const coact_test::serving sa(nodes.ra);
    const coact_test::serving sb(nodes.rb);
    REQUIRE(
        coact_test::eventually([&] { return static_cast<bool>(nodes.rb.try_lookup("store")); }));
    try {
        nodes.rb.send("store", std::string(2 * kib * kib, 'o'));  // from outside
    } catch (const coact::message_too_large& e) {
        r.add(e);
    }
    nodes.rb.send(sender, 0);
    REQUIRE(coact_test::eventually([&] { return k.size() == 8; }));
    {
        const std::lock_guard lock(k.mutex);
        CHECK(k.firsts == "abcdefgz");
        CHECK(k.sizes == std::vector<std::size_t>{900 * kib, 400 * kib, 400 * kib, 400 * kib,
                                                  400 * kib, 400 * kib, 400 * kib, 1});
        CHECK(k.whole);
    }
    REQUIRE(r.size() == 3);
    for (const std::string& what : r.said) {
        CHECK_THAT(what,
                   Catch::Contains("std::string") && Catch::Contains("actor 'store'") &&
                       Catch::Contains("bytes on the wire; the servers take at most 1048576"));
    }
    CHECK(coact_test::eventually([&] { return nodes.b.stats().remote_sent == 8; }));
    CHECK(nodes.b.stats().remote_dropped == 0);
    CHECK(nodes.a.stats().remote_lost == 0);
    CHECK(nodes.a.stats().remote_rejected == 0);
}
