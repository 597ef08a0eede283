// Pools (spawn_options::scope::pool, cluster/src/pool_members.hpp and pool_proxy.cpp): members on
// several nodes share one name; every node has a proxy under that name; each message goes to one
// member (a NATS queue group), an ask is answered by the member that took it, a member sees the
// remote sender as its sender; a member that ends takes nothing more, and a message to a pool
// with no member left is counted, never silent; a pool's name is never also a single actor's.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

#include <coact/cluster.hpp>
#include <coact/coact.hpp>

#include "cluster/support/nodes.hpp"
#include "support/spawn_error.hpp"

namespace {

const coact::spawn_options workers{.name = "workers", .scope = coact::scope::pool};

/// What the members took: (member, value), from every runtime's thread.
struct taken {
    std::mutex mutex;
    std::vector<std::pair<int, int>> all;
    void add(int member, int n) {
        const std::lock_guard lock(mutex);
        all.emplace_back(member, n);
    }
    std::vector<std::pair<int, int>> copy() {
        const std::lock_guard lock(mutex);
        return all;
    }
};

/// Takes ints (recorded; a negative one is sent back to its sender negated), and answers the
/// ask "who" with its member number.
coact::actor member(coact::context& self, taken* t, int id) {
    for (;;) {
        co_await self.receive(
            [&](int n) {
                t->add(id, n);
                if (n < 0) self.send(self.sender(), -n);
            },
            [&](const std::string&) { self.reply(std::to_string(id)); });
    }
}

coact::actor waits(coact::context& self) { static_cast<void>(co_await self.receive<int>()); }

bool has_proxy(coact::runtime& rt) { return static_cast<bool>(rt.try_lookup("workers")); }

/// Asks the pool "who" `times` times, and records the answers.
coact::actor asker(coact::context& self, int times, std::vector<std::string>* answers,
                   std::mutex* m) {
    for (int i = 0; i < times; ++i) {
        std::string who = co_await self.ask<std::string>("workers", std::string("who"));
        const std::lock_guard lock(*m);
        answers->push_back(std::move(who));
    }
}

/// Sends -1 … -n to the pool and waits for each to come back as a plain int from its member.
coact::actor round_trips(coact::context& self, int n, std::atomic<int>* back) {
    for (int i = 1; i <= n; ++i) {
        self.send("workers", -i);
        const int got = co_await self.receive<int>();
        if (got == i) ++*back;
    }
}

// The pool of docs/concepts/cluster.md.
// [snippet:pool_member]
coact::actor resizer(coact::context& self) {
    for (;;) {
        co_await self.receive(
            [&](std::int64_t id) { self.reply("resized " + std::to_string(id)); });
    }
}
// [/snippet:pool_member]

coact::actor client(coact::context& self, std::string* result, std::atomic<bool>* done) {
    // [snippet:pool_ask]
    std::string answer = co_await self.ask<std::string>("resize", std::int64_t{42});
    // [/snippet:pool_ask]
    *result = std::move(answer);
    done->store(true);
}

}  // namespace

TEST_CASE("the docs' pool: members on two nodes, one of them answers", "[cluster][pool]") {
    coact_test::two_nodes nodes;
    for (coact::runtime* node : {&nodes.ra, &nodes.rb}) {
        coact::runtime& rt = *node;
        // [snippet:pool_spawn]
        rt.spawn(coact::spawn_options{.name = "resize", .scope = coact::scope::pool}, resizer);
        // [/snippet:pool_spawn]
    }
    std::optional<coact_test::serving> sb(std::in_place, nodes.rb);
    REQUIRE(
        coact_test::eventually([&] { return static_cast<bool>(nodes.rb.try_lookup("resize")); }));
    sb.reset();
    std::string result;
    std::atomic<bool> done{false};
    nodes.rb.spawn(client, &result, &done);
    const coact_test::serving sa(nodes.ra);
    sb.emplace(nodes.rb);
    REQUIRE(coact_test::eventually([&] { return done.load(); }));
    CHECK(result == "resized 42");
}

TEST_CASE("a pool's members share its name across nodes, and each message goes to one member",
          "[cluster][pool]") {
    coact_test::two_nodes nodes;
    taken t;
    nodes.ra.spawn(workers, member, &t, 1);
    nodes.ra.spawn(workers, member, &t, 2);  // a second member on one node: no name_taken
    nodes.rb.spawn(workers, member, &t, 3);
    const coact_test::serving sa(nodes.ra);
    const coact_test::serving sb(nodes.rb);
    // Every node has the pool's proxy under its name, also the nodes with members.
    REQUIRE(coact_test::eventually([&] { return has_proxy(nodes.ra) && has_proxy(nodes.rb); }));
    constexpr int messages = 300;
    for (int i = 0; i < messages; ++i) nodes.rb.send("workers", i);
    REQUIRE(coact_test::eventually([&] { return t.copy().size() >= messages; }));
    const std::vector<std::pair<int, int>> all = t.copy();
    CHECK(all.size() == messages);  // none twice
    std::set<int> values;
    std::set<int> members;
    for (const auto& [who, n] : all) {
        values.insert(n);
        members.insert(who);
    }
    CHECK(values.size() == messages);  // each once
    // NATS picks a member at random: with 300 messages, one left out is a 1e-52 chance.
    CHECK(members == std::set<int>{1, 2, 3});
    CHECK(nodes.b.stats().remote_dropped == 0);
}

TEST_CASE(
    "an ask to a pool is answered by the member that took it, and a member's sender is "
    "the remote sender",
    "[cluster][pool]") {
    coact_test::two_nodes nodes;
    taken t;
    nodes.ra.spawn(workers, member, &t, 1);
    nodes.ra.spawn(workers, member, &t, 2);
    const coact_test::serving sa(nodes.ra);
    std::optional<coact_test::serving> sb(std::in_place, nodes.rb);
    REQUIRE(coact_test::eventually([&] { return has_proxy(nodes.rb); }));
    sb.reset();  // spawned from outside while b is not served
    std::vector<std::string> answers;
    std::mutex m;
    nodes.rb.spawn(asker, 20, &answers, &m);
    std::atomic<int> back{0};
    nodes.rb.spawn(round_trips, 10, &back);
    sb.emplace(nodes.rb);
    REQUIRE(coact_test::eventually([&] {
        const std::lock_guard lock(m);
        return answers.size() == 20 && back.load() == 10;
    }));
    const std::lock_guard lock(m);
    for (const std::string& who : answers) CHECK((who == "1" || who == "2"));
}

TEST_CASE("a pool member that ends takes no more: the others do, and what reached it is counted",
          "[cluster][pool]") {
    coact_test::two_nodes nodes;
    taken t;
    const coact::address first = nodes.ra.spawn(workers, member, &t, 1);
    nodes.rb.spawn(workers, member, &t, 2);
    const coact_test::serving sa(nodes.ra);
    const coact_test::serving sb(nodes.rb);
    REQUIRE(coact_test::eventually([&] { return has_proxy(nodes.rb); }));
    const std::uint64_t dead_before = nodes.ra.stats().dead_letters;
    nodes.ra.stop(first);
    constexpr int messages = 200;
    for (int i = 0; i < messages; ++i) nodes.rb.send("workers", i);
    // Each message is the other member's, or, while the first one's end was on its way to its
    // node's gateway, a dead letter or a message to an ended actor there: counted, never lost.
    const auto accounted = [&] {
        std::size_t second = 0;
        std::size_t by_first = 0;
        for (const auto& [who, n] : t.copy()) (who == 2 ? second : by_first) += 1;
        return std::pair{
            second + nodes.a.stats().remote_dropped + (nodes.ra.stats().dead_letters - dead_before),
            by_first};
    };
    REQUIRE(coact_test::eventually([&] { return accounted().first >= messages; }));
    CHECK(accounted().first == messages);
    CHECK(accounted().second == 0);  // the stopped member took none
}

TEST_CASE("a message to a pool with no member left is counted as dropped, not lost silently",
          "[cluster][pool]") {
    coact_test::two_nodes nodes;
    taken t;
    const coact::address only = nodes.ra.spawn(workers, member, &t, 1);
    const coact_test::serving sa(nodes.ra);
    const coact_test::serving sb(nodes.rb);
    REQUIRE(coact_test::eventually([&] { return has_proxy(nodes.rb); }));
    nodes.ra.stop(only);
    // Sent again until the member's subscription has gone: then NATS finds no responders.
    CHECK(coact_test::eventually([&] {
        nodes.rb.send("workers", 7);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return nodes.b.stats().remote_dropped > 0;
    }));
    CHECK(t.copy().empty());
    CHECK(has_proxy(nodes.rb));  // the pool's name stays: a member may join again
}

TEST_CASE("a pool's name is never also a single actor's cluster name", "[cluster][pool]") {
    coact_test::two_nodes nodes;
    CHECK(coact_test::spawn_error(nodes.ra, {.name = "solo", .scope = coact::scope::cluster},
                                  waits) == "(spawned)");
    CHECK(coact_test::spawn_error(nodes.rb, {.name = "solo", .scope = coact::scope::pool}, waits) ==
          "coact::name_taken: the name 'solo' is held by node 'a' (incarnation " +
              std::to_string(nodes.a.incarnation()) + ") of cluster 't'");
    CHECK(coact_test::spawn_error(nodes.rb, {.name = "crowd", .scope = coact::scope::pool},
                                  waits) == "(spawned)");
    CHECK(coact_test::spawn_error(nodes.ra, {.name = "crowd", .scope = coact::scope::cluster},
                                  waits) ==
          "coact::name_taken: the name 'crowd' is held by a pool (scope::pool) of cluster 't'");
    CHECK(coact_test::spawn_error(nodes.ra, {.name = "crowd", .scope = coact::scope::pool},
                                  waits) == "(spawned)");  // joins the pool
    nodes.ra.shutdown();
    nodes.rb.shutdown();
}
